# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_vpci.c: dom0's PCI configuration-space model.
UNIT_SRCS_vpci := hypervisor/arch/x86/hvm/vpci_cfg.c hypervisor/arch/x86/hvm/vpci_bar.c \
                  hypervisor/arch/x86/hvm/vpci_msi.c hypervisor/arch/x86/hvm/vpci_msix.c \
                  hypervisor/arch/x86/hvm/vmsi.c $(UNIT_XMALLOC)
$(UNIT_OUT)/test_vpci: hypervisor/arch/x86/include/asm/vpci.h
