# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_tx_ring := hypervisor/drivers/char/tx_ring.c
