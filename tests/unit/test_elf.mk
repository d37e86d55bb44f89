# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_elf := hypervisor/common/domain_build/elf.c
