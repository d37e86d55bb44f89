# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_wallclock := hypervisor/common/time/wallclock.c
