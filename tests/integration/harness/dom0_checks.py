# SPDX-License-Identifier: GPL-2.0-only
"""Runs INSIDE dom0 as its /etc/rc.local (harness/dom0.py writes it there,
preceded by a CONFIG = {...} line): the issue 13 checks, one console line
each, "dom0-check: PASS|FAIL|SKIP <name> <detail>", then
"dom0-check: done <passed> passed <failed> failed", and, when CONFIG asks,
the machine powers off. Throughput goes on "dom0-figure: <name> MB/s <x>"
lines. Every line stays under 128 characters, where a hypervisor's console
may cut it. Only Python's standard library and dom0's image.

CONFIG keys: ip (expected IPv4), url / size / sha256 (the file to fetch),
disk_bytes (size of the data disk, which is how it is found), data_mib
(how much to write), xen (True: the Xen device checks must pass, False:
they are skipped), idle_s (seconds to stay idle after the checks, for the
benchmark's idle exit counts), poweroff."""
import glob
import hashlib
import mmap
import os
import re
import subprocess
import time
import urllib.request

if __name__ != "__main__":
    raise ImportError("dom0_checks.py runs in dom0 as /etc/rc.local; harness/dom0.py reads it")
CONFIG = globals().get("CONFIG", {})
# report(), check() and results: harness/dom0_report.py, put before this.
report, check, results = globals()["report"], globals()["check"], globals()["results"]


def figure(name, mbps):
    print(f"dom0-figure: {name} MB/s {mbps:.2f}", flush=True)


def irq_totals():
    """{irq: (count summed over CPUs, its names)} from /proc/interrupts."""
    out = {}
    with open("/proc/interrupts") as f:
        ncpu = len(f.readline().split())
        for line in f:
            words = line.split()
            if not words or not words[0].endswith(":"):
                continue
            counts = [int(w) for w in words[1:1 + ncpu] if w.isdigit()]
            out[words[0][:-1]] = (sum(counts), " ".join(words[1 + ncpu:]))
    return out


def pci_parent(path):
    """The PCI device directory at or above a sysfs device path."""
    path = os.path.realpath(path)
    while path != "/":
        if os.path.exists(os.path.join(path, "vendor")) and \
           os.path.exists(os.path.join(path, "class")):
            return path
        path = os.path.dirname(path)
    raise RuntimeError("no PCI device above it")


def device_irqs(pci):
    """The interrupts a PCI device raises: its MSI/MSI-X vectors, its INTx
    line, and lines named after its driver (legacy IDE uses IRQ 14/15,
    named ata_piix, that the PCI device does not list)."""
    irqs = set()
    msi = os.path.join(pci, "msi_irqs")
    if os.path.isdir(msi):
        irqs.update(os.listdir(msi))
    try:
        with open(os.path.join(pci, "irq")) as f:
            n = f.read().strip()
        if n not in ("", "0"):
            irqs.add(n)
    except OSError:
        pass
    driver = os.path.basename(os.path.realpath(os.path.join(pci, "driver")))
    for irq, (_, names) in irq_totals().items():
        if driver and driver.replace("-", "_") in re.split(r"[\s\[\]]+", names.replace("-", "_")):
            irqs.add(irq)
    return irqs, driver


def irq_delta(irqs, before, after):
    return sum(after.get(i, (0, ""))[0] - before.get(i, (0, ""))[0] for i in irqs)


def nic_name():
    for path in sorted(glob.glob("/sys/class/net/*")):
        if os.path.exists(os.path.join(path, "device")):
            return os.path.basename(path)
    raise RuntimeError("no network interface with a device")


def data_disk():
    want = CONFIG["disk_bytes"]
    for path in sorted(glob.glob("/sys/block/*")):
        with open(os.path.join(path, "size")) as f:
            if int(f.read()) * 512 == want:
                return os.path.basename(path)
    raise RuntimeError(f"no disk of {want} bytes")


report("PASS", "rc.local", f"uptime {open('/proc/uptime').read().split()[0]}")

state = {}


@check("dhcp")
def _dhcp():
    nic = nic_name()
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", nic],
                         capture_output=True, text=True).stdout
    addrs = [w.split("/")[0] for line in out.splitlines()
             for i, w in enumerate(line.split()) if line.split()[i - 1] == "inet"]
    ok = CONFIG["ip"] in addrs
    report("PASS" if ok else "FAIL", "dhcp", f"{nic} {' '.join(addrs) or 'no address'}")


def count_irqs(what, sysfs_device):
    """Note the device's interrupts and their counts before its traffic;
    irq_after(what) notes them after."""
    state[what + "_irqs"], state[what + "_driver"] = device_irqs(pci_parent(sysfs_device))
    state[what + "_before"] = irq_totals()


def irq_after(what):
    state[what + "_after"] = irq_totals()


@check("http")
def _http():
    count_irqs("nic", f"/sys/class/net/{nic_name()}/device")
    h = hashlib.sha256()
    n = 0
    t0 = time.monotonic()
    with urllib.request.urlopen(CONFIG["url"], timeout=120) as r:
        while True:
            chunk = r.read(1 << 16)
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
    dt = time.monotonic() - t0
    irq_after("nic")
    ok = n == CONFIG["size"] and h.hexdigest() == CONFIG["sha256"]
    figure("http", n / dt / 1e6)
    report("PASS" if ok else "FAIL", "http", f"bytes {n} sha256 {h.hexdigest()}")


@check("disk")
def _disk():
    disk = data_disk()
    count_irqs("disk", f"/sys/block/{disk}/device")
    size = CONFIG["data_mib"] << 20
    chunk = 1 << 20
    data = os.urandom(size)
    buf = mmap.mmap(-1, chunk)     # page-aligned, as O_DIRECT needs
    fd = os.open(f"/dev/{disk}", os.O_RDWR | os.O_DIRECT)
    try:
        t0 = time.monotonic()
        for off in range(0, size, chunk):
            buf[:] = data[off:off + chunk]
            os.pwrite(fd, buf, off)
        os.fsync(fd)
        t1 = time.monotonic()
        back = bytearray()
        for off in range(0, size, chunk):
            os.preadv(fd, [buf], off)
            back += buf
        t2 = time.monotonic()
    finally:
        os.close(fd)
    irq_after("disk")
    ok = bytes(back) == data
    figure("disk-write", size / (t1 - t0) / 1e6)
    figure("disk-read", size / (t2 - t1) / 1e6)
    report("PASS" if ok else "FAIL", "disk",
           f"{disk} {size >> 20} MiB sha256 {hashlib.sha256(data).hexdigest()}")


for what in ("nic", "disk"):
    @check(f"irq-{what}")
    def _irq():
        if what + "_after" not in state:
            raise RuntimeError(f"no {what} traffic was measured")
        irqs = state[f"{what}_irqs"]
        n = irq_delta(irqs, state[what + "_before"], state[what + "_after"])
        report("PASS" if irqs and n > 0 else "FAIL", f"irq-{what}",
               f"{state[what + '_driver']} irqs {','.join(sorted(irqs, key=str)) or 'none'} "
               f"counted {n}")


@check("xen")
def _xen():
    devs = [d for d in ("privcmd", "evtchn", "gntdev") if os.path.exists(f"/dev/xen/{d}")]
    try:
        with open("/proc/xen/capabilities") as f:
            caps = f.read().strip()
    except OSError:
        caps = "none"
    detail = f"devices {','.join(devs) or 'none'} capabilities {caps or 'empty'}"
    if not CONFIG.get("xen"):
        report("SKIP", "xen", "not under a hypervisor: " + detail)
    else:
        ok = len(devs) == 3 and caps == "control_d"
        report("PASS" if ok else "FAIL", "xen", detail)


passed = results.count("PASS")
failed = results.count("FAIL")
print(f"dom0-check: done {passed} passed {failed} failed", flush=True)
if CONFIG.get("idle_s"):
    time.sleep(CONFIG["idle_s"])
    print(f"dom0-check: idled {CONFIG['idle_s']} s", flush=True)
if CONFIG.get("poweroff"):
    os.execv("/usr/sbin/dom0-poweroff", ["dom0-poweroff"])
