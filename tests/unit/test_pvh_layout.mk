# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_pvh_layout := hypervisor/arch/x86/guest/pvh_layout.c \
                        hypervisor/arch/x86/guest/acpi_tables.c \
                        hypervisor/arch/x86/guest/acpi_build.c
