# SPDX-License-Identifier: GPL-2.0-only
"""Debian's stock kernel (a bzImage with an xz payload) as a boot domain:
the builder unpacks it, loads the vmlinux ELF inside, and vCPU 0 enters it
at its PVH entry, shown by the kernel's own first console line. How much
further Linux gets depends on the hypercalls and devices it finds, which
other tests judge."""
import os
import re
import sys

from harness import QemuMachine

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "unit"))
from debian_kernel import ensure_vmlinuz  # noqa: E402

TIMEOUT = 300


def test_debian_vmlinuz_unpacked_and_entered():
    vmlinuz = ensure_vmlinuz()
    module = (vmlinuz, "dom=lin mem=512M vcpus=1 -- console=hvc0 earlyprintk=xen")
    # 512 MiB for the domain plus a 64 MiB block to decompress into.
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", timeout=TIMEOUT,
                     cmdline="console=com1 after_domains=poweroff", modules=[module]) as m:
        unpacked = m.wait_for(r"dom lin: bzImage (\d+)\.(\d+), xz payload (\d+) KiB -> "
                              r"(\d+) KiB in (\d+) ms", timeout=TIMEOUT)
        m.wait_for(r"dom lin id=\d+: 512 MiB, 1 vCPUs, pool default, built in \d+ us",
                   timeout=TIMEOUT)
        m.wait_for(r"tessera: dom lin id=\d+ started", timeout=60)
        m.wait_for(r"^\(lin\) .*Linux version 6\.\d+", timeout=TIMEOUT)
        log = m.log
    assert (int(unpacked.group(1)), int(unpacked.group(2))) >= (2, 8), log
    # Debian 6.1's vmlinux is about 63 MiB, its xz payload about 8 MiB.
    assert int(unpacked.group(4)) > 4 * int(unpacked.group(3)), log
    assert not re.search(r"bzimage: .*(not supported|does not decode|bad xz)", log), log
