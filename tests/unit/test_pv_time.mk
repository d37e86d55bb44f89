# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_pv_time := hypervisor/common/time/pv_time.c hypervisor/common/time/pvclock_scale.c
