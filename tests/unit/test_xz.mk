# SPDX-License-Identifier: GPL-2.0-only
XZ_SRCS       := $(sort $(wildcard hypervisor/common/lib/xz/*.c))
XZ_HDRS       := $(wildcard hypervisor/common/lib/xz/*.h)
UNIT_SRCS_xz  := $(XZ_SRCS) tests/unit/host/xz_cli.c tests/unit/host/xz_craft.c
UNIT_HDRS     += $(XZ_HDRS)
