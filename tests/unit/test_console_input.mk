# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_console_input := hypervisor/common/console_ring/console_input.c
