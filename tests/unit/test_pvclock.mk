# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_pvclock := hypervisor/common/time/pvclock_scale.c
