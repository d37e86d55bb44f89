# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_rate_limit := hypervisor/common/console/rate_limit.c
