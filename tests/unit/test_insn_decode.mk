# SPDX-License-Identifier: GPL-2.0-only
# The x86 instruction decoder's unit test. Its binutils-generated vectors
# (tests/unit/gen_insn_vectors.py) are written next to the test binary,
# which reads them from there at run time.
UNIT_SRCS_insn_decode := hypervisor/arch/x86/hvm/insn_decode.c \
                         hypervisor/arch/x86/hvm/insn_tables.c \
                         hypervisor/arch/x86/hvm/insn_operand.c

$(UNIT_OUT)/test_insn_decode: $(UNIT_OUT)/insn_vectors.txt \
        hypervisor/arch/x86/include/asm/insn_decode.h hypervisor/arch/x86/hvm/insn_tables.h

$(UNIT_OUT)/insn_vectors.txt: $(UNIT_DIR)/gen_insn_vectors.py
	@mkdir -p $(dir $@)
	$(PYTHON) $< $@.tmp && mv $@.tmp $@
