# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_sched := hypervisor/common/sched/sched.c hypervisor/common/sched/sched_dedicated.c \
                   hypervisor/common/sched/sched_shared.c $(UNIT_XMALLOC)
