# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_console_ring := hypervisor/common/console_ring/ring_io.c
