# SPDX-License-Identifier: GPL-2.0-only
# Emulated MMIO: the emulator and the decoder it relies on.
UNIT_SRCS_mmio := hypervisor/arch/x86/hvm/mmio.c hypervisor/arch/x86/hvm/insn_decode.c \
                  hypervisor/arch/x86/hvm/insn_tables.c hypervisor/arch/x86/hvm/insn_operand.c
