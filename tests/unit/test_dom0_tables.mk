# SPDX-License-Identifier: GPL-2.0-only
# dom0's tables are read back by the hypervisor's own ACPI parser.
UNIT_SRCS_dom0_tables := hypervisor/arch/x86/guest/dom0_e820.c \
                         hypervisor/arch/x86/guest/dom0_acpi.c \
                         hypervisor/arch/x86/guest/acpi_build.c \
                         hypervisor/common/memmap.c \
                         $(sort $(wildcard hypervisor/arch/x86/acpi/*.c))
