# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_bzimage.c: bzImage unpacking over the real page allocator,
# the xz decoder and the ELF checks. `test_bzimage VMLINUZ [OUT.elf]` also
# unpacks a real kernel (tests/unit/test_vmlinuz.py does that).
UNIT_SRCS_bzimage  = hypervisor/arch/x86/guest/bzimage.c \
                     hypervisor/common/domain_build/elf.c hypervisor/common/page_alloc.c \
                     $(XZ_SRCS) $(UNIT_XMALLOC) tests/unit/host/xz_cli.c tests/unit/host/xz_craft.c
