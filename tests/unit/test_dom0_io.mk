# SPDX-License-Identifier: GPL-2.0-only
# The control domain's port and machine-frame policies.
UNIT_SRCS_dom0_io := hypervisor/arch/x86/hvm/dom0_ports.c hypervisor/arch/x86/hvm/dom0_frames.c \
                     hypervisor/common/memmap.c
