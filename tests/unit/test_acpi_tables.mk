# SPDX-License-Identifier: GPL-2.0-only
# The tables are read back by the hypervisor's own ACPI parser.
UNIT_SRCS_acpi_tables := hypervisor/arch/x86/guest/acpi_tables.c hypervisor/arch/x86/guest/acpi_build.c \
                         $(sort $(wildcard hypervisor/arch/x86/acpi/*.c))
