# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_bootdom_spec := hypervisor/common/domain_build/bootdom_spec.c \
                          hypervisor/common/domain_build/pool_spec.c \
                          hypervisor/common/cmdline.c
