# SPDX-License-Identifier: GPL-2.0-only
XZ_SRCS       := $(sort $(wildcard hypervisor/common/lib/xz/*.c))
XZ_HDRS       := $(wildcard hypervisor/common/lib/xz/*.h)
UNIT_SRCS_xz  := $(XZ_SRCS) $(UNIT_XMALLOC) tests/unit/host/xz_cli.c tests/unit/host/xz_craft.c
UNIT_HDRS     += $(XZ_HDRS)

# libFuzzer target (clang + libclang-rt-14-dev), built on demand by
# tests/unit/test_xz_fuzz.py.
XZ_FUZZ := $(O)/tests/unit/fuzz_xz
$(XZ_FUZZ): tests/unit/fuzz_xz.c $(XZ_SRCS) $(UNIT_XMALLOC) $(XZ_HDRS) hypervisor/include/tessera/xz.h
	@mkdir -p $(@D)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined $(UNIT_INC) \
		$(filter %.c,$^) -o $@
