# Build configuration shared by every part of the tree.
# Override on the command line: make CC=clang, make O=/tmp/tessera-build.

O          ?= $(CURDIR)/build
PYTHON     ?= /usr/bin/python3
HOSTCC     ?= cc
CC         ?= cc
LD         ?= ld
OBJCOPY    ?= objcopy

# Host programs (unit tests, tess-stored, libtess).
HOST_CFLAGS ?= -std=gnu11 -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
               -Wno-unused-parameter
HOST_SANITIZE ?= -fsanitize=address,undefined -fno-omit-frame-pointer

# The hypervisor's warnings, all of them errors: beyond -Wall -Wextra,
# Jailhouse's stricter set. Every global function has a prototype (in a
# header, or beside its definition if only assembly calls it), no name
# shadows another, no undefined macro in #if, each declaration once.
HV_WARNINGS := -Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wundef \
               -Wredundant-decls -Werror

# The hypervisor: freestanding x86-64, no red zone (interrupts use the stack),
# no SSE (the hypervisor never saves its own FPU state), kernel code model
# is not needed because the image is linked in the low 2 GiB.
HV_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
             -fno-builtin -fno-common -fno-asynchronous-unwind-tables \
             -fno-omit-frame-pointer -mno-red-zone -mno-sse -mno-sse2 -mno-mmx \
             -mno-80387 -mcmodel=small -m64 -Wall -Wextra -Wno-unused-parameter \
             $(HV_WARNINGS)
HV_ASFLAGS := -m64 -fno-pic -fno-pie -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
              --no-warn-rwx-segments

# QEMU used by `make run` and the integration tests.
QEMU       ?= qemu-system-x86_64
RUN_SMP    ?= 4
RUN_MEM    ?= 1G
RUN_MACHINE ?= q35
