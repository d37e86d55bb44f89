# SPDX-License-Identifier: GPL-2.0-only
"""dom0's image (make dom0-image, docs/dom0-image.md) under test: a private
copy of its root disk with the checks of harness/dom0_checks.py as
/etc/rc.local (written with debugfs, the image is not rebuilt), a data disk
for the O_DIRECT check, an HTTP server on the host's loopback (QEMU's user
network shows it at 10.0.2.2), the QEMU devices of each machine
configuration, and the check lines read back from the console.

    run = Dom0Run(tmp_path, "q35")      # or "pc"
    QemuMachine(..., extra_args=run.qemu_args(), ...)
    checks = run.results(m.log)         # {name: (status, detail)}
    run.disk_sha256()                   # the data disk image, after QEMU
"""
import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import threading

from .paths import REPO, build_dir
from .qemu import QemuMachine

# Under the hypervisor, dom0's console lines carry its "(dom0) " prefix.
PREFIX = r"^(?:\(\S+\) )?"
DONE = PREFIX + r"dom0-check: done (\d+) passed (\d+) failed"
CHECK = PREFIX + r"dom0-check: (PASS|FAIL|SKIP) (\S+) ?(.*)$"
INIT_START = PREFIX + r"dom0-init: start uptime (\d+\.\d+)"
# The initramfs gave up (no root disk, ...) and left a shell.
RESCUE = PREFIX + r"dom0-initrd: (.*); here is a shell"
POWER_DOWN = r"reboot: Power down"
# Runs in dom0, never imported here (it would run its checks on the host).
CHECKS_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dom0_checks.py")
REPORT_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dom0_report.py")
# The helpers of the scripts that drive `tess` (helpers=[TESS_LIB]).
TESS_LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dom0_tess_lib.py")
DATA_MIB = 64
DISK_BYTES = 96 << 20
BLOB_BYTES = 4 << 20

# One NIC and one disk controller per machine: q35's own ICH9 AHCI (MSI) with
# virtio-net (MSI-X); pc's PIIX IDE (legacy IRQ 14/15) with e1000 (INTx).
MACHINES = {
    "q35": {"nic": "virtio-net-pci", "root_bus": "ide.0", "data_bus": "ide.1"},
    "pc": {"nic": "e1000", "root_bus": "ide.0", "data_bus": "ide.1"},
}


def dom0_image():
    """(vmlinuz, initrd.img, rootfs.img), built or refreshed by make."""
    out = build_dir()
    try:
        subprocess.check_output(["make", "--no-print-directory", "-C", REPO, f"O={out}",
                                 "dom0-image"], stderr=subprocess.STDOUT, text=True)
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"make dom0-image failed:\n{e.output}") from None
    d = os.path.join(out, "dom0")
    return (os.path.join(d, "vmlinuz"), os.path.join(d, "initrd.img"),
            os.path.join(d, "rootfs.img"))


def answer_scale_waits(m, count, linux_line, mini_line, timeout):
    """The host's side of dom0_scale_checks.py's waits: each word typed on
    dom0's console once dom0 waits for it and the domain lines it stands
    for are there. linux_line: the pattern of lin's result (None: no Linux
    domain, CONFIG "linux" false); mini_line(name): a mini domain's."""
    waits = [("w0-up", ["w0"]), ("minis-up", [f"s{i}" for i in range(1, count + 1)])]
    for word, names in ([("lin-up", None)] if linux_line else []) + waits:
        m.wait_for(rf"dom0-scale: waiting for {word}", timeout=timeout)
        for pattern in [linux_line] if names is None else map(mini_line, names):
            m.wait_for(pattern, timeout=timeout)
        m.write(word + "\r")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class BlobServer:
    """A file of random bytes served over HTTP on 127.0.0.1 (any port)."""

    def __init__(self, directory, size=BLOB_BYTES):
        data = os.urandom(size)
        with open(os.path.join(directory, "blob"), "wb") as f:
            f.write(data)
        self.size = size
        self.sha256 = hashlib.sha256(data).hexdigest()
        handler = functools.partial(_Quiet, directory=directory)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def write_rc_local(image, text, workdir):
    """Put TEXT into IMAGE's /etc/rc.local (root-owned, mode 0755)."""
    src = os.path.join(workdir, "rc.local")
    with open(src, "w") as f:
        f.write(text)
    cmds = "\n".join(["rm /etc/rc.local", f"write {src} /etc/rc.local",
                      "sif /etc/rc.local mode 0100755", "sif /etc/rc.local uid 0",
                      "sif /etc/rc.local gid 0", ""])
    proc = subprocess.run(["debugfs", "-w", "-f", "-", image], input=cmds, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check = subprocess.run(["debugfs", "-R", "stat /etc/rc.local", image],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode or "Mode:  0755" not in check.stdout:
        raise RuntimeError(f"debugfs could not write rc.local:\n{proc.stdout}\n{check.stdout}")


class Dom0Run:
    """Everything one dom0 boot needs besides the machine itself. checks:
    the script that becomes rc.local (another one must print the same
    dom0-check lines), helpers: scripts put in front of it,
    extra_config: more CONFIG keys for it."""

    def __init__(self, workdir, machine, xen, image=None, poweroff=True, idle_s=0,
                 checks=CHECKS_SCRIPT, helpers=(), extra_config=None):
        if machine not in MACHINES:
            raise ValueError(f"machine must be one of {sorted(MACHINES)}")
        self.workdir = str(workdir)
        self.machine = machine
        self.vmlinuz, self.initrd, rootfs = image or dom0_image()
        self.root = os.path.join(self.workdir, "root.img")
        subprocess.run(["cp", "--sparse=always", rootfs, self.root], check=True)
        self.data = os.path.join(self.workdir, "data.img")
        with open(self.data, "wb") as f:
            f.truncate(DISK_BYTES)
        blobdir = os.path.join(self.workdir, "www")
        os.makedirs(blobdir, exist_ok=True)
        self.server = BlobServer(blobdir)
        config = {"ip": "10.0.2.15", "url": f"http://10.0.2.2:{self.server.port}/blob",
                  "size": self.server.size, "sha256": self.server.sha256,
                  "disk_bytes": DISK_BYTES, "data_mib": DATA_MIB, "xen": xen,
                  "poweroff": poweroff, "idle_s": idle_s, **(extra_config or {})}
        script = ""
        for path in (REPORT_SCRIPT, *helpers, checks):
            with open(path) as f:
                script += f.read()
        write_rc_local(self.root, f"#!/usr/bin/python3\nCONFIG = {config!r}\n" + script,
                       self.workdir)

    def qemu_args(self, nic=True, data_disk=True, nic_options=""):
        """The machine's disks and NIC; without the NIC or the data disk the
        checks that need them must fail (test_dom0_bare.py shows it).
        nic_options: more ",key=value" for the NIC device."""
        m = MACHINES[self.machine]
        args = ["-nodefaults",
                "-drive", f"if=none,id=root,format=raw,file={self.root}",
                "-device", f"ide-hd,drive=root,bus={m['root_bus']}"]
        if data_disk:
            args += ["-drive", f"if=none,id=data,format=raw,file={self.data}",
                     "-device", f"ide-hd,drive=data,bus={m['data_bus']}"]
        if nic:
            args += ["-netdev", "user,id=net0", "-device", f"{m['nic']},netdev=net0{nic_options}"]
        return args

    def tess_machine(self, dom0, timeout, icount=False, cmdline="console=com1", smp=2,
                     **qemu_args):
        """The machine of the tests that drive `tess` in dom0: QEMU TCG
        q35, -cpu max (SVM), smp CPUs, 2 GiB, dom0 from its module line
        `dom0` with the initramfs; qemu_args go to qemu_args()."""
        return QemuMachine(boot="kernel", machine=self.machine, cpu="max", smp=smp, mem="2G",
                           icount=icount, timeout=timeout, cmdline=cmdline,
                           modules=[(self.vmlinuz, dom0), (self.initrd, "initrd")],
                           extra_args=self.qemu_args(**qemu_args))

    def wait_booted(self, m):
        """dom0 entered, then its /sbin/init started."""
        m.wait_for(r"tessera: dom dom0 id=0 started", timeout=300)
        self.wait_init(m, 400)

    @staticmethod
    def wait_end(m, timeout):
        """The checks' closing line (its match) and the log once dom0 has
        powered the machine off."""
        done = m.wait_for(DONE, timeout=timeout)
        m.wait_for(r"dom dom0: asks for a host power-off", timeout=120)
        return done, m.log

    @staticmethod
    def wait_init(m, timeout):
        """Wait until dom0's /sbin/init starts; fail at once, with the
        initramfs' reason, if it gave up instead."""
        got = m.wait_for(f"(?:{INIT_START})|(?:{RESCUE})", timeout=timeout)
        if "here is a shell" in got.group(0):
            raise AssertionError(f"dom0's initramfs gave up: {got.group(0)}\n{m.log_tail()}")
        return got

    @staticmethod
    def results(log):
        return {m.group(2): (m.group(1), m.group(3).strip())
                for m in re.finditer(CHECK, log, re.M)}

    @classmethod
    def assert_all_passed(cls, log, names, done):
        """Every check in names passed, and the closing line (the DONE
        match) counts exactly those, none failed."""
        checks = cls.results(log)
        failed = {n: checks.get(n, ("missing", ""))[1] for n in names
                  if checks.get(n, ("missing",))[0] != "PASS"}
        assert not failed, f"{failed}\n{log}"
        assert (done.group(1), done.group(2)) == (str(len(names)), "0"), log

    def disk_sha256(self, nbytes=DATA_MIB << 20):
        h = hashlib.sha256()
        with open(self.data, "rb") as f:
            h.update(f.read(nbytes))
        return h.hexdigest()

    def close(self):
        self.server.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
