# Tessera top-level build. See README for the two commands that matter:
#   make run     boot the system in QEMU
#   make check   run every test
include Config.mk

.DEFAULT_GOAL := all
.PHONY: all deps deps-run deps-check run iso check unit clean format-check FORCE

# Parts of the tree add their products to ALL_TARGETS from their own
# fragment, so this file stays the index and not the recipe book.
ALL_TARGETS :=
include hypervisor/Makefile.inc
-include tests/unit/Makefile.inc
-include dom0/Makefile.inc
-include tools/Makefile.inc
-include guest-ports/Makefile.inc

all: deps $(ALL_TARGETS)

# Installing what is missing is part of the build (Debian packages only).
deps:
	@scripts/deps.sh build
deps-run:
	@scripts/deps.sh run
deps-check:
	@scripts/deps.sh check

# The ISO for a real machine: docs/grub.cfg.example's menu (dom0 first).
iso: deps-run $(O)/tessera.iso

$(O)/tessera.iso: $(O)/tessera.elf scripts/mkiso.sh docs/grub.cfg.example $(O)/dom0/vmlinuz \
                  $(O)/dom0/initrd.img
	scripts/mkiso.sh $(O)/tessera.elf $@ --grub-cfg docs/grub.cfg.example \
	  --file $(O)/dom0/vmlinuz --file $(O)/dom0/initrd.img

# dom0 with its disk and network beside the guests below (dom0/Makefile.inc);
# RUN_DOM0=0: the guests alone.
RUN_DOM0 ?= 1
RUN_DOM0_MEM ?= 3G
ifeq ($(RUN_DOM0),1)
run: deps-run all $(O)/run-dom0.iso $(O)/dom0/run-root.img
	RUN_MEM=$(RUN_DOM0_MEM) scripts/run.sh $(O)/run-dom0.iso --dom0-disk $(O)/dom0/run-root.img
else
run: deps-run all $(O)/run.iso
	scripts/run.sh $(O)/run.iso
endif

# What `make run` shows: two mini domains running their self-tests, one on
# the shared CPUs and one on a CPU of its own, and Debian's stock kernel as
# a 2-vCPU domain that checks its machine and then leaves a busybox shell
# on its console (docs/console.md: Ctrl-A three times switches input).
$(O)/run.iso: $(O)/tessera.elf $(O)/mini.elf $(O)/linux/vmlinuz $(O)/linux/initramfs.cpio.gz \
              scripts/mkiso.sh
	scripts/mkiso.sh $(O)/tessera.elf $@ --cmdline "console=com1 pool=rt:3:dedicated" \
	  --module "$(O)/mini.elf dom=demo mem=32M vcpus=2" \
	  --module "$(O)/mini.elf dom=rt mem=32M vcpus=1 pool=rt" \
	  --module "$(O)/linux/vmlinuz dom=linux mem=256M vcpus=2 -- console=hvc0 tess.cpus=2 tess.end=shell" \
	  --module "$(O)/linux/initramfs.cpio.gz initrd"

# Every test, one pytest session, one closing summary line.
check: deps-check
	$(MAKE) all
	$(MAKE) $(O)/tessera.iso
	$(PYTHON) -m pytest -p no:cacheprovider --durations=25 tests $(PYTEST_ARGS)

# What .clang-format would change in the C lines changed since FORMAT_BASE
# (default: the merge base with main). Not part of check.
format-check:
	@scripts/format-check.sh $(FORMAT_BASE)

clean:
	rm -rf $(O)
