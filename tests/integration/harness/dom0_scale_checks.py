# SPDX-License-Identifier: GPL-2.0-only
"""Runs INSIDE dom0 as its /etc/rc.local (test_tess_dom0_scale.py and
tests/bench/tess_create.py have harness/dom0.py write it there): a Linux
PVH domU from dom0's disk, then CONFIG["count"] mini domains created one
after another from a shell loop, kept up, then all destroyed, with what
they leave behind checked. Check lines are dom0_checks.py's
("dom0-check: PASS|FAIL <name> <detail>", "dom0-check: done ..."), then
power-off. "dom0-scale: <event>" lines are the moments the host orders the
domains' console lines against, and, under console_timestamps, times.

dom0 cannot read the domains' consoles yet (the hypervisor prints them on
serial), so it waits for the host at three points: the host types
"lin-up" on dom0's console once the Linux guest's /init has printed its
result, "w0-up" once the warm-up mini domain has printed its own, and
"minis-up" once every mini domain has.

CONFIG keys beyond dom0_checks.py's: count, mini_mem (MiB), mini_cmdline,
linux (false: no Linux domU; default true), linux_mem (MiB), linux_extra
(its kernel command line), host_wait_s."""
import os
import select
import subprocess
import sys
import time

if __name__ != "__main__":
    raise ImportError("dom0_scale_checks.py runs in dom0 as /etc/rc.local")
CONFIG = globals().get("CONFIG", {})
TEST = "/usr/lib/tessera/test"
WORK = "/tmp/scale"
# Defined above this in the same rc.local: report(), check(), results
# (harness/dom0_report.py); tess(), short(), expect(), info(), domains(),
# free_pages(), wait_until(), run_checks() (harness/dom0_tess_lib.py).
COUNT = CONFIG.get("count", 50)
state = {}


def mark(event):
    print(f"dom0-scale: {event}", flush=True)


def hv_event_channels():
    """Event channel ports bound in the hypervisor, every domain's."""
    return info()["evtchn_ports"]


def dom0_mem_free_kib():
    with open("/proc/meminfo") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("MemFree:"))


def dom0_event_channels():
    """Event channels bound in dom0's kernel: its /proc/interrupts lists one
    line per bound port ("xen-dyn", "xen-percpu" chips)."""
    with open("/proc/interrupts") as f:
        return sum(1 for line in f if " xen-" in line)


def store_nodes():
    """Every node's path in the system store (xenstore-ls -f /)."""
    r = subprocess.run(["xenstore-ls", "-f", "/"], capture_output=True, text=True, timeout=120)
    if r.returncode:
        raise RuntimeError(f"xenstore-ls: {r.stderr.strip()[:80]}")
    return {line.split(" = ", 1)[0] for line in r.stdout.splitlines()}


def stored_rss_kib():
    """tess-stored's resident anonymous memory (RssAnon: its heap, nodes and
    connections). Not VmRSS, whose file-backed part (its binary, libc)
    dom0's kernel may evict and read back at any time."""
    with open("/run/xenstored.pid") as f:
        pid = f.read().strip()
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssAnon:"))


def wait_host(word):
    """Wait for the host to type WORD on the console (rc.local's input)."""
    mark(f"waiting for {word}")
    end = time.monotonic() + CONFIG.get("host_wait_s", 900)
    while time.monotonic() < end:
        ready, _, _ = select.select([sys.stdin], [], [], end - time.monotonic())
        if ready and sys.stdin.readline().strip() == word:
            return
    raise RuntimeError(f"the host never typed {word}")


def write_config(name, text):
    path = os.path.join(WORK, name + ".cfg")
    with open(path, "w") as f:
        f.write(text)
    return path


def linux_domu():
    """lin: Debian's kernel with the guest initramfs, both from dom0's disk,
    created, listed, left to reach /init, shut down with -w, reaped."""
    path = write_config("lin", f'name = "lin"\ntype = "pvh"\n'
                        f'memory = {CONFIG.get("linux_mem", 128)}\nvcpus = 1\n'
                        f'kernel = "{TEST}/vmlinuz"\nramdisk = "{TEST}/initramfs.cpio.gz"\n'
                        f'extra = "{CONFIG.get("linux_extra", "console=hvc0 tess.cpus=1")}"\n')

    @check("linux-create")
    def _create():
        mark("create lin")
        r = tess("create", path)
        mark("created lin")
        mark(f"lin running free_pages {free_pages()} dom0_memfree_kib {dom0_mem_free_kib()}")
        d = domains().get("lin", {})
        text = tess("list").stdout
        ok = r.returncode == 0 and d.get("state") == "running" and d.get("vcpus") == 1
        ok = ok and d.get("memory_mib") == CONFIG.get("linux_mem", 128)
        listed = any(line.split()[1:2] == ["lin"] for line in text.splitlines())
        expect("linux-create", ok and listed, f"{short(r)} {d}")

    @check("linux-shutdown")
    def _shutdown():
        wait_host("lin-up")
        mark("shutting down lin")
        r = tess("shutdown", "-w", "lin", timeout=120)
        after = domains().get("lin", {}).get("state", "gone")
        mark("lin ended")
        r2 = tess("destroy", "lin") if after == "dying" else None
        wait_until("lin gone", lambda: "lin" not in domains(), 30)
        ok = r.returncode == 0 and after in ("dying", "gone") and (r2 is None or not r2.returncode)
        expect("linux-shutdown", ok, f"{short(r)} then {after}")


def shell_loop(what, command):
    """One shell loop over the mini domains s1..sCOUNT, each step marked on
    the console as it happens; returns the failures it printed."""
    failures = os.path.join(WORK, what + ".failed")
    script = (f': >{failures}; for i in $(seq 1 {COUNT}); do echo "dom0-scale: {what} s$i"; '
              f'{command} >/dev/null 2>{WORK}/err || '
              f'echo "dom0-scale: {what} s$i failed: $(head -c 80 {WORK}/err)" | tee -a {failures}; '
              f'echo "dom0-scale: {what} s$i done"; done')
    sys.stdout.flush()
    subprocess.run(["sh", "-c", script], timeout=3600)
    with open(failures) as f:
        return f.read().splitlines()


def mini_config(name):
    return write_config(name, f'name = "{name}"\nmemory = {CONFIG.get("mini_mem", 2)}\n'
                        f'vcpus = 1\nkernel = "{TEST}/mini.elf"\n'
                        f'cmdline = "{CONFIG.get("mini_cmdline", "mini.end=idle")}"\n')


def warm_up():
    """One mini domain's whole life before the baseline: the heap keeps a
    slab per size class once used (common/heap.c), and a mini domain's
    suite uses classes the Linux one did not (its 1024 event channels,
    maptrack). The host types w0-up once w0 has printed its result."""
    r = tess("create", mini_config("w0"))
    wait_host("w0-up")
    r2 = tess("destroy", "w0")
    wait_until("w0 gone", lambda: "w0" not in domains(), 30)
    if r.returncode or r2.returncode:
        raise RuntimeError(f"warm-up: {short(r)} {short(r2)}")


def startup_marks():
    """What a Python command costs in dom0 (timed by the hypervisor's
    console stamps on the host): the bare interpreter, lxml, `tess`."""
    for what, argv in (("python", ["python3", "-c", "pass"]),
                       ("lxml", ["python3", "-c", "import lxml.etree"]),
                       ("ctypes", ["python3", "-c", "import ctypes, argparse"]),
                       ("tess-help", ["tess", "--help"]),
                       ("tess-info", ["tess", "info"])):
        mark(f"startup {what}")
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        mark(f"startup {what} done")


def minis():
    for i in range(1, COUNT + 1):
        mini_config(f"s{i}")
    warm_up()
    state["names0"] = set(domains())
    state["free0"], state["kib0"] = free_pages(), dom0_mem_free_kib()
    state["ports0"], state["hv_ports0"] = dom0_event_channels(), hv_event_channels()
    state["nodes0"], state["rss0"] = store_nodes(), stored_rss_kib()
    mark(f"before free_pages {state['free0']} dom0_memfree_kib {state['kib0']} "
         f"dom0_ports {state['ports0']} hv_ports {state['hv_ports0']} "
         f"store_nodes {len(state['nodes0'])} stored_rss_kib {state['rss0']}")

    @check("minis-create")
    def _create():
        failed = shell_loop("create", f"tess create {WORK}/s$i.cfg")
        wait_host("minis-up")
        doms = domains()
        up = [n for n in (f"s{i}" for i in range(1, COUNT + 1))
              if doms.get(n, {}).get("state") == "running"]
        free, kib, hv_ports = free_pages(), dom0_mem_free_kib(), hv_event_channels()
        mark(f"running {len(up)} free_pages {free} dom0_memfree_kib {kib} "
             f"dom0_ports {dom0_event_channels()} hv_ports {hv_ports} "
             f"store_nodes {len(store_nodes())} stored_rss_kib {stored_rss_kib()}")
        # Each keeps at least its console ring's port bound: the count sees them.
        counted = hv_ports - state["hv_ports0"] >= COUNT
        expect("minis-create", not failed and len(up) == COUNT and counted,
               f"{len(up)} of {COUNT} running, hv ports {hv_ports - state['hv_ports0']:+d}; "
               f"{';'.join(failed)[:60]}")

    @check("minis-destroy")
    def _destroy():
        failed = shell_loop("destroy", "tess destroy s$i")
        wait_until("every mini gone", lambda: set(domains()) == state["names0"], 120)
        expect("minis-destroy", not failed, f"{len(failed)} failed; {';'.join(failed)[:80]}")

    @check("minis-nothing-left")
    def _left():
        end = time.monotonic() + 30
        while free_pages() != state["free0"] and time.monotonic() < end:
            time.sleep(0.5)
        delta, ports = free_pages() - state["free0"], dom0_event_channels() - state["ports0"]
        hv_ports = hv_event_channels() - state["hv_ports0"]
        left = set(domains()) - state["names0"]
        nodes = store_nodes()
        nodes_left, nodes_gone = nodes - state["nodes0"], state["nodes0"] - nodes
        mark(f"after free_pages {free_pages()} dom0_memfree_kib {dom0_mem_free_kib()} "
             f"store_nodes {len(nodes)} stored_rss_kib {stored_rss_kib()}")
        for path in sorted(nodes_left | nodes_gone)[:10]:
            mark(f"store node {'left' if path in nodes_left else 'gone'}: {path[:100]}")
        # kept_pages_max: pages the hypervisor may keep after the loop, fewer
        # than one per domain (a per-domain leak of a page or more fails).
        kept_ok = -CONFIG.get("kept_pages_max", 0) <= delta <= 0
        expect("minis-nothing-left", kept_ok and not left and not ports and not hv_ports
               and not nodes_left and not nodes_gone,
               f"free_pages {delta:+d} ports dom0 {ports:+d} hv {hv_ports:+d} "
               f"store nodes {len(nodes_left):+d}/-{len(nodes_gone)} "
               f"domains left {left or '-'}")


def full_run():
    os.makedirs(WORK, exist_ok=True)
    if CONFIG.get("startup_marks"):
        startup_marks()
    free_first = free_pages()
    mark(f"first free_pages {free_first} dom0_memfree_kib {dom0_mem_free_kib()}")
    if CONFIG.get("linux", True):
        linux_domu()
    # The hypervisor's heap keeps one slab per size class once used
    # (common/heap.c): the first domain's life leaves some pages with it.
    mark(f"heap kept {free_first - free_pages()} pages after the first domain")
    minis()


def without_consoled():
    """The host reads the guests' lines (and times them) on the hypervisor's
    serial console, so this test runs without dom0's console daemon: tess
    create then leaves each domain's console ring to the hypervisor."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"tessera.consoled" in f.read():
                    os.kill(int(pid), 15)
        except OSError:
            pass
    time.sleep(1)
    full_run()


run_checks(without_consoled, CONFIG)
