# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_pvh_layout := hypervisor/common/domain_build/pvh_layout.c \
                        hypervisor/common/domain_build/acpi_tables.c
