# SPDX-License-Identifier: GPL-2.0-only
"""Runs INSIDE dom0 as its /etc/rc.local (test_tess_dom0.py has
harness/dom0.py write it there, after a CONFIG = {...} line): `tess` and
libtess against the hypervisor, one console line per check in
dom0_checks.py's form, "dom0-check: PASS|FAIL <name> <detail>", then
"dom0-check: done <passed> passed <failed> failed", then power-off.
"dom0-tess: <event>" lines mark moments the test on the host orders the
domains' own console lines against. Every line stays under 128 characters.
No CONFIG keys beyond dom0_checks.py's are used (poweroff)."""
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time

if __name__ != "__main__":
    raise ImportError("dom0_tess_checks.py runs in dom0 as /etc/rc.local")
CONFIG = globals().get("CONFIG", {})
MINI = "/usr/lib/tessera/test/mini.elf"
LIBTESS_TEST = "/usr/lib/tessera/test/libtess-test"
WORK = "/tmp/tess"
# Defined above this in the same rc.local: report(), check(), results
# (harness/dom0_report.py); tess(), short(), expect(), info(), domains(),
# free_pages(), wait_until(), run_checks() (harness/dom0_tess_lib.py).


def mark(event):
    print(f"dom0-tess: {event}", flush=True)


def config(name, text):
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, name + ".cfg")
    with open(path, "w") as f:
        f.write(text)
    return path


def mini_cfg(name, memory=32, extra="", cmdline="", kernel=MINI):
    text = f'name = "{name}"\nmemory = {memory}\nvcpus = 1\nkernel = "{kernel}"\n'
    if cmdline:
        text += f'cmdline = "{cmdline}"\n'
    return config(name, text + extra)


def ended(name):
    d = domains().get(name)
    return d is None or d["state"] in ("dying", "shutdown")


def gone(name):
    if ended(name) and name in domains():
        tess("destroy", name)
    return name not in domains()


state = {}


def full_run():
    @check("info")
    def _info():
        i = info()
        state["free_first"] = i["free_pages"]
        pools = [p["name"] for p in i["pools"]]
        ok = i["nr_cpus"] >= 1 and 0 < i["free_pages"] <= i["total_pages"] and pools
        text = tess("info")
        ok = ok and text.returncode == 0 and "MiB free" in text.stdout
        expect("info", ok, f"cpus {i['nr_cpus']} free {i['free_mib']} MiB pools {','.join(pools)}")

    @check("list-dom0")
    def _list():
        doms = domains()
        state["names0"] = set(doms)
        d = doms.get("dom0", {})
        ok = d.get("id") == 0 and d.get("state") == "running" and d.get("vcpus") == 2
        ok = ok and tess("list").stdout.startswith("ID ")
        expect("list-dom0", ok, " ".join(f"{k}={v}" for k, v in d.items()) or "no dom0")

    @check("libtess-probe")
    def _probe():
        r = subprocess.run([LIBTESS_TEST, "probe"], capture_output=True, text=True)
        expect("libtess-probe", r.returncode == 0 and "domain 0 dom0" in r.stdout, short(r))

    @check("bad-syntax")
    def _syntax():
        path = config("bad", 'name = "bad"\nmemory = [\n')
        r = tess("create", path)
        ok = r.returncode == 3 and r.stderr.startswith(path + ":2:10: ")
        expect("bad-syntax", ok and set(domains()) == state["names0"]
               and free_pages() == state["free_first"], short(r))

    first_domain()
    # The hypervisor's heap keeps one slab per size class once used
    # (common/heap.c): the first domain's life leaves some pages with it.
    # Every later create and destroy must give back exactly what it took.
    state["free0"] = free_pages()
    mark(f"heap kept {state['free_first'] - state['free0']} pages after the first domain")
    bad_inputs()
    lifecycle()
    pools()
    store_checks()
    consoles()

    @check("memory-back")
    def _memory():
        end = time.monotonic() + 30
        while free_pages() != state["free0"] and time.monotonic() < end:
            time.sleep(0.5)
        delta = free_pages() - state["free0"]
        left = set(domains()) - state["names0"]
        expect("memory-back", not left and not delta,
               f"free_pages {delta:+d} from before; domains left {left or '-'}")


def first_domain():
    """m1, created paused: listed as such and silent until unpaused, then
    runs its suite and ends (the host checks its lines)."""
    @check("create-suite")
    def _suite():
        r = tess("create", "-p", "--json", mini_cfg("m1"))
        d = domains().get("m1", {})
        ok = r.returncode == 0 and d.get("memory_mib") == 32 and d.get("vcpus") == 1
        ok = ok and d.get("state") in ("paused", "built") and d.get("pool") == "default"
        time.sleep(3)
        mark("unpausing m1")
        r2 = tess("unpause", "m1")
        expect("create-suite", ok and r2.returncode == 0,
               f"{r.stdout.strip()} {d or sorted(domains())} {short(r2)}")
        wait_until("m1's suite to end", lambda: ended("m1"), 900)
        wait_until("m1 gone", lambda: gone("m1"), 30)
        mark("m1 ended")


def nothing_created(name, r, ok):
    """A refused create must leave no domain and take no memory."""
    added = set(domains()) - state["names0"]
    delta = free_pages() - state["free0"]
    left = f"LEFT {','.join(added) or '-'} free {delta:+d} " if added or delta else ""
    expect(name, ok and not left, left + short(r))


def bad_inputs():
    for name, cfg in (("bad-kernel", mini_cfg("b1", kernel="/etc/hostname")),
                      ("bad-too-much-memory", None),
                      ("bad-pool", mini_cfg("b3", extra='pool = "nosuchpool"\n')),
                      ("bad-cpu", mini_cfg("b4", extra='cpus = "200"\n'))):
        @check(name)
        def _bad():
            path = cfg
            if path is None:
                mib = (info()["free_mib"] + 256) // 2 * 2
                path = mini_cfg("b2", memory=mib)
            r = tess("create", path)
            nothing_created(name, r, r.returncode == 1 and r.stderr.startswith("tess: "))

    @check("destroy-unknown")
    def _destroy():
        r1, r2 = tess("destroy", "nosuch"), tess("destroy", "31000")
        ok = (r1.returncode, r1.stderr) == (1, "tess: no domain 'nosuch'\n") and r2.returncode == 1
        nothing_created("destroy-unknown", r2, ok)


def lifecycle():
    @check("pause-unpause")
    def _pause():
        r = tess("create", mini_cfg("m2", cmdline="mini.bench=spin mini.ms=900000"))
        time.sleep(3)
        running = domains()["m2"]["state"]
        r2 = tess("pause", "m2")
        t0 = domains()["m2"]["cpu_time_s"]
        time.sleep(3)
        t1, paused = domains()["m2"]["cpu_time_s"], domains()["m2"]["state"]
        r3 = tess("unpause", "m2")
        time.sleep(3)
        t2, again = domains()["m2"]["cpu_time_s"], domains()["m2"]["state"]
        rcs = (r.returncode, r2.returncode, r3.returncode)
        ok = rcs == (0, 0, 0) and (running, paused, again) == ("running", "paused", "running")
        expect("pause-unpause", ok and t0 == t1 < t2,
               f"rcs {rcs} states {running},{paused},{again} time {t0},{t1},{t2}")

    @check("destroy")
    def _destroy():
        r = tess("destroy", "m2")
        wait_until("m2 gone", lambda: "m2" not in domains(), 30)
        delta = free_pages() - state["free0"]
        expect("destroy", r.returncode == 0 and not delta, f"{short(r)} free {delta:+d}")

    @check("initrd-progress")
    def _initrd():
        rd = os.path.join(WORK, "rd.img")
        with open(rd, "wb") as f:
            f.write(os.urandom(5 << 20))
        path = mini_cfg("m4", extra=f'ramdisk = "{rd}"\n',
                        cmdline="mini.bench=spin mini.ms=900000")
        # script(1) gives tess a terminal, where it shows its progress.
        r = subprocess.run(["script", "-qec", f"tess create {path}", "/dev/null"],
                           capture_output=True, text=True, timeout=300)
        steps = re.findall(r"staging m4: (\d+)% of 5\.\d MiB", r.stdout)
        shown = len(steps) == 6 and steps[-1] == "100"     # 6 chunks of 1 MiB
        listed = domains().get("m4", {}).get("state") == "running"
        r2 = tess("destroy", "m4")
        wait_until("m4 gone", lambda: "m4" not in domains(), 30)
        delta = free_pages() - state["free0"]
        expect("initrd-progress", r.returncode == 0 and shown and listed and r2.returncode == 0
               and not delta, f"steps {','.join(steps)} listed {listed} free {delta:+d} {short(r2)}")

    @check("interrupted")
    def _interrupted():
        """Ctrl-C while staging a 255 MiB initrd: status 130, no domain,
        the stage freed (free memory as before). tess is stopped at the
        first progress line seen, so that the interrupt lands mid-staging."""
        rd = os.path.join(WORK, "big.img")
        with open(rd, "wb") as f:
            f.truncate(255 << 20)
        path = mini_cfg("m5", extra=f'ramdisk = "{rd}"\n')
        master, slave = pty.openpty()

        def sigint_default():
            # init runs rc.local with SIGINT ignored, which tess would keep.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        proc = subprocess.Popen(["tess", "create", path], stdin=slave, stdout=slave,
                                stderr=slave, preexec_fn=sigint_default)
        os.close(slave)
        seen = b""
        while b"% of" not in seen:
            seen += os.read(master, 256)
        proc.send_signal(signal.SIGSTOP)
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGCONT)
        rc = proc.wait(timeout=120)
        try:
            while True:
                seen += os.read(master, 4096)
        except OSError:             # EIO once the child side is closed
            pass
        os.close(master)
        steps = re.findall(rb"staging m5: (\d+)%", seen)
        delta = free_pages() - state["free0"]
        ok = rc == 130 and steps and int(steps[-1]) < 100 and "m5" not in domains()
        expect("interrupted", ok and not delta,
               f"rc {rc} at {int(steps[-1]) if steps else '-'}% free {delta:+d}")

    @check("shutdown-wait")
    def _shutdown():
        r = tess("create", mini_cfg("m3", cmdline="mini.bench=spin mini.ms=900000"))
        r2 = tess("shutdown", "-w", "m3", timeout=120)
        after = domains().get("m3", {}).get("state", "gone")
        wait_until("m3 gone", lambda: gone("m3"), 30)
        ok = (r.returncode, r2.returncode) == (0, 0) and after in ("shutdown", "dying", "gone")
        expect("shutdown-wait", ok, f"{short(r2)} then {after}")

STORED_LOG = "/var/log/tessera/stored.log"
# libxenstore takes XENSTORED_PATH for either transport: a socket, or the
# kernel's device (then requests go through dom0's own xenbus ring).
VIA_SOCKET = dict(os.environ, XENSTORED_PATH="/run/xenstored/socket")
VIA_KERNEL = dict(os.environ, XENSTORED_PATH="/dev/xen/xenbus")


def run(*args, env=None, timeout=30):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, env=env)


def watch(path, events):
    """xenstore-watch printing EVENTS paths (the first fires at once)."""
    w = subprocess.Popen(["xenstore-watch", "-n", str(events), path], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    time.sleep(1)
    return w


def watched(w):
    try:
        return w.communicate(timeout=60)[0].split()
    except subprocess.TimeoutExpired:
        w.kill()
        return w.communicate()[0].split() + ["TIMEOUT"]


def stored_log():
    with open(STORED_LOG) as f:
        return f.read()


def perms_of(listing, name):
    """The permissions xenstore-ls -p shows for the child NAME."""
    m = re.search(rf"^{re.escape(name)} = .*\((\S+)\)$", listing, re.M)
    return m.group(1) if m else None


def store_checks():
    """tess-stored as the system store (docs/stored.md): dom0's kernel and
    Debian's xenstore-* tools on both transports; mini domains introduced
    with libxl's nodes and permissions, reading over their rings (s1 its
    own name and dom0's, which it may not: EACCES; s2 sends a header over
    the length limit first, s4 a producer index out of range, which close
    their own connections only), released
    at destroy with nothing left. The host test reads the domains' lines."""
    @check("store-up")
    def _up():
        with open("/run/xenstored.pid") as f:
            alive = os.path.exists(f"/proc/{f.read().strip()}")
        kernel = run("xenstore-read", "/local/domain/0/name", env=VIA_KERNEL)
        sock = run("xenstore-read", "domid", env=VIA_SOCKET)
        ok = alive and (kernel.stdout, sock.stdout) == ("Domain-0\n", "0\n")
        ok = ok and "serving dom0's kernel" in stored_log()
        expect("store-up", ok, f"alive {alive} kernel {short(kernel)} socket {short(sock)}")

    @check("store-tools")
    def _tools():
        w = watch("/tool/t", 2)
        wr = run("xenstore-write", "/tool/t/a", "hello")
        seen = watched(w)
        rd = run("xenstore-read", "/tool/t/a", env=VIA_KERNEL)
        ls = run("xenstore-ls", "/local/domain/0")
        rm = run("xenstore-rm", "/tool/t")
        ok = (wr.returncode, rm.returncode) == (0, 0) and rd.stdout == "hello\n"
        ok = ok and seen == ["/tool/t", "/tool/t/a"] and 'name = "Domain-0"' in ls.stdout
        expect("store-tools", ok, f"watch {seen} read {short(rd)} ls {short(ls)}")

    @check("store-introduce")
    def _introduce():
        w = watch("@introduceDomain", 4)
        rs = [tess("create", "--json", mini_cfg(name, cmdline=f"mini.xs={what}"))
              for name, what in (("s1", "name,/local/domain/0/name"), ("s2", "garbage"),
                                 ("s4", "badidx"))]
        seen = watched(w)
        ids = [json.loads(r.stdout)["id"] for r in rs if r.returncode == 0]
        state["store_ids"] = ids
        bad = [short(r) for r in rs if r.returncode]
        for domid in ids:
            home = f"/local/domain/{domid}"
            ls = run("xenstore-ls", "-p", home).stdout
            vm = run("xenstore-read", f"{home}/vm").stdout.strip()
            got = (perms_of(ls, "name"), perms_of(ls, "data"), perms_of(ls, "control"),
                   run("xenstore-read", f"{home}/domid").stdout.strip(),
                   run("xenstore-read", f"{vm}/uuid").returncode)
            want = (f"n0,r{domid}", f"n{domid}", f"n0,r{domid}", str(domid), 0)
            if got != want:
                bad.append(f"{domid}: {got}")
            if f"introduced domain {domid} (mfn 0xfeffe, port" not in stored_log():
                bad.append(f"{domid}: no ring in the log")
        ok = len(ids) == 3 and seen == ["@introduceDomain"] * 4 and not bad
        expect("store-introduce", ok, f"ids {ids} watch {len(seen)} {' '.join(bad)}"[:110])

    @check("store-release")
    def _release():
        time.sleep(5)           # the domains' reads (the host test checks them)
        mark("store domains destroyed")
        alive = run("xenstore-read", "/local/domain/0/name", env=VIA_KERNEL).stdout
        rcs, seen = [], []
        for domid in state.get("store_ids", []):
            w = watch("@releaseDomain", 2)
            rcs.append(tess("destroy", str(domid)).returncode)
            seen += watched(w)
        left = [ln.split(" = ")[0] for ln in run("xenstore-ls", "/local/domain").stdout.split("\n")
                if ln and not ln.startswith(" ")]
        vms = run("xenstore-ls", "/vm").stdout.strip()
        log = stored_log()
        released = all(f"released domain {d}" in log for d in state.get("store_ids", []))
        ok = rcs == [0, 0, 0] and seen == ["@releaseDomain"] * 6 and released
        ok = ok and alive == "Domain-0\n" and left == ["0"] and not vms
        expect("store-release", ok, f"rcs {rcs} watch {len(seen)} left {left} vms {vms!r}")

    @check("store-self-ended")
    def _self_ended():
        """A domain that powers itself off: VIRQ_DOM_EXC has tess-stored
        release it before any tess destroy."""
        w = watch("@releaseDomain", 2)
        r = tess("create", "--json", mini_cfg("s3", cmdline="mini.bench=spin mini.ms=2000"))
        seen = watched(w)
        domid = json.loads(r.stdout)["id"] if r.returncode == 0 else -1
        gone_home = run("xenstore-read", f"/local/domain/{domid}/name").returncode != 0
        ended_log = f"domain {domid} ended" in stored_log()
        wait_until("s3 gone", lambda: gone("s3"), 60)
        ok = r.returncode == 0 and seen == ["@releaseDomain"] * 2 and gone_home and ended_log
        expect("store-self-ended", ok, f"{short(r)} watch {seen} home gone {gone_home} "
               f"logged {ended_log}")

def vcpu0(name):
    r = tess("vcpu-list", name, "--json")
    if r.returncode:
        raise RuntimeError(short(r))
    return json.loads(r.stdout)[0]


def pools():
    """CPU 2 out of default into a dedicated pool made at runtime; m6 (a
    spinner) pinned to CPU 1 stays there (dom0 samples it from its vCPUs,
    which keep CPUs 0-1), then moved into that pool takes no interrupt
    exits; weight and cap; bad pool commands refused; dmesg shows the move;
    all undone after."""
    @check("pool-setup")
    def _setup():
        rcs = [tess(*a).returncode for a in (
            ("cpupool-create", "ded", "-s", "dedicated"), ("cpupool-cpu-remove", "default", "2"),
            ("cpupool-cpu-add", "ded", "2"))]
        r = tess("cpupool-list", "--json")
        listed = {p["name"]: p for p in json.loads(r.stdout)["pools"]} if not r.returncode else {}
        ded = listed.get("ded", {})
        ok = rcs == [0, 0, 0] and ded.get("cpus") == "2" and ded.get("sched") == "dedicated"
        ok = ok and listed.get("default", {}).get("cpus") == "0-1"
        expect("pool-setup", ok, f"rcs {rcs} pools {sorted(listed)} ded {ded}")

    @check("vcpu-pin")
    def _pin():
        r = tess("create", mini_cfg("m6", cmdline="mini.bench=spin mini.ms=90000000"))
        r2 = tess("vcpu-pin", "m6", "0", "1")
        seen = set()
        for _ in range(6):
            time.sleep(0.5)
            seen.add(vcpu0("m6")["cpu"])
        v = vcpu0("m6")
        ok = (r.returncode, r2.returncode) == (0, 0) and seen <= {1, None} and 1 in seen
        expect("vcpu-pin", ok and v["affinity"] == "1", f"{short(r2)} cpus seen {seen} {v}")

    @check("sched-set")
    def _sched():
        r = tess("sched-set", "m6", "-w", "512", "-c", "40")
        g = tess("sched-get", "m6", "--json")
        row = json.loads(g.stdout)[0] if not g.returncode else {}
        r2 = tess("sched-set", "m6", "-w", "0")
        r3 = tess("sched-set", "m6", "-w", "256", "-c", "0")
        ok = r.returncode == 0 and (row.get("weight"), row.get("cap")) == (512, 40)
        expect("sched-set", ok and r2.returncode == 1 and r3.returncode == 0,
               f"{row} then {short(r2)}")

    @check("pool-bad")
    def _bad():
        rcs = {" ".join(a): tess(*a).returncode for a in (
            ("cpupool-destroy", "default"), ("cpupool-destroy", "nosuch"),
            ("cpupool-cpu-add", "ded", "0"), ("cpupool-cpu-add", "ded", "9"),
            ("cpupool-cpu-remove", "ded", "0"), ("cpupool-migrate", "m6", "nosuch"),
            ("cpupool-migrate", "nosuch", "ded"), ("vcpu-pin", "m6", "0", "2"),
            ("vcpu-pin", "m6", "3", "0"), ("cpupool-create", "default"))}
        bad = {k: v for k, v in rcs.items() if v not in (1, 2)}
        expect("pool-bad", not bad, f"not refused: {bad}" if bad else f"{len(rcs)} refused")

    @check("pool-migrate-no-ticks")
    def _migrate():
        r = tess("cpupool-migrate", "m6", "ded")
        time.sleep(1)
        a = vcpu0("m6")
        time.sleep(3)
        b = vcpu0("m6")
        ticks = b["interrupt_exits"] - a["interrupt_exits"]
        ran = b["cpu_time_s"] - a["cpu_time_s"]
        pool = domains()["m6"]["pool"]
        r2 = tess("cpupool-destroy", "ded")
        ok = r.returncode == 0 and pool == "ded" and b["cpu"] == 2 and not ticks and ran >= 2
        expect("pool-migrate-no-ticks", ok and r2.returncode == 1,
               f"{short(r)} pool {pool} cpu {b['cpu']} intr exits {ticks} ran {ran:.1f} s")

    @check("dmesg")
    def _dmesg():
        r = tess("dmesg")
        ok = r.returncode == 0 and "ctl: dom m6 id=" in r.stdout and "moved to pool 'ded'" in r.stdout
        expect("dmesg", ok, f"rc {r.returncode} {len(r.stdout)} bytes")

    @check("pool-teardown")
    def _teardown():
        # Its spin may have run out under TCG's fast guest clock: then it is gone.
        r = tess("destroy", "m6")
        destroyed = r.returncode == 0 or r.stderr == "tess: no domain 'm6'\n"
        wait_until("m6 gone", lambda: "m6" not in domains(), 30)
        rcs = [tess(*a).returncode for a in (
            ("cpupool-cpu-remove", "ded", "2"), ("cpupool-destroy", "ded"),
            ("cpupool-cpu-add", "default", "2"))]
        pools_now = [p["name"] for p in info()["pools"]]
        expect("pool-teardown", destroyed and rcs == [0, 0, 0] and pools_now == ["default"],
               f"{short(r)} rcs {rcs} pools {pools_now}")


# ---- Consoles served by tess-consoled, and the on_* actions ----

LOGS = "/var/log/tessera"
LINUX_GUEST = "/usr/lib/tessera/test"   # the guest kernel and initramfs (dom0-image.md)
CONSOLED = "/run/tessera/consoled.sock"


def log_of(name):
    try:
        with open(os.path.join(LOGS, name + ".log"), "rb") as f:
            return f.read()
    except OSError:
        return b""


def on_pty(*argv):
    """tess ARGV on a new terminal: (process, the terminal's master fd)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(["tess", *argv], stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    return proc, master


def read_until(master, pattern, timeout, seen=b""):
    """What the terminal showed until pattern (bytes) appeared; raises on
    a timeout or its end."""
    end = time.monotonic() + timeout
    while pattern not in seen:
        left = end - time.monotonic()
        if left <= 0 or not select.select([master], [], [], left)[0]:
            raise RuntimeError(f"no {pattern!r} on the terminal: {seen[-80:]!r}")
        try:
            seen += os.read(master, 4096)
        except OSError:
            raise RuntimeError(f"terminal closed before {pattern!r}: {seen[-80:]!r}") from None
    return seen


def daemon_alive():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(CONSOLED)
        return True
    except OSError:
        return False
    finally:
        s.close()


def consoles():
    """mini's console self-tests (a line, a 3000-byte burst that wraps
    the ring, a bogus out_prod, a notification storm) land in c1's log
    and c1 is destroyed by on_poweroff; c2 echoes a line typed through
    `tess console` on a terminal after `tess create -c` left it with
    Ctrl-]; c3 restarts under `tess reboot`; c4 crashes and is preserved."""
    @check("console-log")
    def _log():
        r = tess("create", mini_cfg("c1", cmdline="mini.only=console"))
        wait_until("c1 destroyed by on_poweroff", lambda: "c1" not in domains(), 300)
        log = log_of("c1")
        burst = re.findall(rb"^[A-Z]{60}$", log, re.M)
        ok = (r.returncode == 0 and b"ring: hello through the console ring\n" in log
              and len(burst) == 3000 // 61 and b"ring: after bogus\n" in log
              and b"ring: after storm\n" in log)
        expect("console-log", ok, f"{short(r)} {len(log)} bytes, {len(burst)} burst lines")

    @check("console-hostile-indices")
    def _hostile():
        log = log_of("c1")
        ok = b"[tess-consoled: console ring indices out of range; output dropped]" in log
        expect("console-hostile-indices", ok and daemon_alive(),
               f"noted {ok}, daemon alive {daemon_alive()}")

    @check("on-poweroff-destroy")
    def _poweroff():
        log = log_of("c1")
        ok = re.search(rb"ended \(poweroff\): on_poweroff=destroy\]", log) is not None
        expect("on-poweroff-destroy", ok and "c1" not in domains(), log[-100:].decode())

    @check("console-create-c")
    def _create_c():
        proc, master = on_pty("create", "-c", mini_cfg("c2", cmdline="mini.echo=ring"))
        try:
            seen = read_until(master, b"ring: echo ready", 120)
            os.write(master, b"\x1d")
            rc = proc.wait(timeout=60)
        finally:
            os.close(master)
        state_now = domains().get("c2", {}).get("state")
        expect("console-create-c", rc == 0 and state_now == "running",
               f"rc {rc} c2 {state_now} {seen[-40:]!r}")

    @check("console-input")
    def _input():
        proc, master = on_pty("console", "c2")
        try:
            time.sleep(2)
            os.write(master, b"hi there\r")
            seen = read_until(master, b"ring: echo hi there", 60)
            rc = proc.wait(timeout=60)      # c2 ends after its line
        finally:
            os.close(master)
        wait_until("c2 destroyed", lambda: "c2" not in domains(), 60)
        expect("console-input", rc == 0 and b"ring: echo hi there" in log_of("c2"),
               f"rc {rc} {seen[-40:]!r}")

    @check("on-reboot-restart")
    def _reboot():
        tess("create", mini_cfg("c3", cmdline="mini.bench=spin mini.ms=900000"))
        first = domains()["c3"]["id"]
        r = tess("reboot", "c3")

        def again():
            d = domains().get("c3", {})
            return d.get("id", first) != first and d.get("state") == "running"
        wait_until("c3 restarted", again, 120)
        second = domains()["c3"]["id"]
        noted = f"restarted as domain {second}".encode() in log_of("c3")
        r2 = tess("destroy", "c3")
        wait_until("c3 gone", lambda: "c3" not in domains(), 60)
        expect("on-reboot-restart", r.returncode == 0 and noted and r2.returncode == 0,
               f"{short(r)} id {first} -> {second} noted {noted}")

    @check("on-crash-preserve")
    def _crash():
        r = tess("create", mini_cfg("c4", cmdline="mini.test=triplefault",
                                    extra='on_crash = "preserve"\n'))
        wait_until("c4 to crash", lambda: domains().get("c4", {}).get("state") == "shutdown",
                   120)
        time.sleep(3)
        kept = domains().get("c4", {}).get("state")
        listed = re.search(r"c4 .* shutdown ", tess("list").stdout) is not None
        r2 = tess("destroy", "c4")
        wait_until("c4 gone", lambda: "c4" not in domains(), 60)
        expect("on-crash-preserve", r.returncode == 0 and kept == "shutdown" and listed
               and r2.returncode == 0, f"{short(r)} kept {kept} listed {listed} {short(r2)}")

    @check("linux-console")
    def _linux():
        """The Debian guest kernel with the busybox initramfs, from dom0's
        disk, through `tess create -c`: its console=hvc0 output on the
        terminal and in its log; its xenbus up (the kernel wrote its
        control/feature-poweroff node in the store, as on Xen); a command
        typed into its shell through the console runs there; `tess
        shutdown -w` ends it in poweroff (on_poweroff=destroy: gone)."""
        path = config("lx", f'name = "lx"\nmemory = 256\nvcpus = 1\n'
                      f'kernel = "{LINUX_GUEST}/vmlinuz"\n'
                      f'ramdisk = "{LINUX_GUEST}/initramfs.cpio.gz"\n'
                      'cmdline = "console=hvc0 tess.cpus=1 tess.end=shell"\n')
        proc, master = on_pty("create", "-c", path)
        try:
            seen = read_until(master, b"tess-init: start uptime", 600)
            domid = domains()["lx"]["id"]
            feature = run("xenstore-read", f"/local/domain/{domid}/control/feature-poweroff")
            console = run("xenstore-read", f"/local/domain/{domid}/console/type")
            seen = read_until(master, b"tess-init: shell", 300, seen)
            typed = shell_answers(master, b"echo typed-$((6*7))\n", b"typed-42")
            down = tess("shutdown", "-w", "lx", timeout=120)
            rc = proc.wait(timeout=120)     # it powered off: the console ends
        finally:
            os.close(master)
        wait_until("lx destroyed", lambda: "lx" not in domains(), 60)
        log = log_of("lx")
        result = re.search(rb"tess-init: (\d+) passed, (\d+) failed", log)
        poweroff = re.search(rb"\[tess-consoled: domain \d+ ended \(poweroff\): "
                             rb"on_poweroff=destroy\]", log) is not None
        xenbus = feature.stdout.strip() == "1" and console.stdout.strip() == "xenconsoled"
        expect("linux-console", rc == 0 and b"Linux version" in log and result is not None
               and result.group(2) == b"0" and xenbus and typed
               and down.returncode == 0 and poweroff,
               f"rc {rc} {short(down)} poweroff {poweroff} typed {typed} "
               f"xenbus {feature.stdout.strip()!r}/{console.stdout.strip()!r} "
               f"{result.group(0) if result else seen[-60:]!r}")


def shell_answers(master, line, want, timeout=60):
    """Types LINE into a guest's shell on the terminal until WANT (which
    the echoed line itself does not contain) comes back."""
    end, seen = time.monotonic() + timeout, b""
    while time.monotonic() < end:
        os.write(master, line)
        stop = time.monotonic() + 5
        while time.monotonic() < stop and select.select([master], [], [], 1)[0]:
            seen += os.read(master, 4096)
            if want in seen:
                return True
        seen = seen[-200:]
    mark(f"the guest's shell never answered {want!r}: {seen[-100:]!r}")
    return False

def consoled_log_tail(lines=12):
    """tess-consoled's own log, last lines, on the console for the host."""
    try:
        with open(os.path.join(LOGS, "tess-consoled.log"), errors="replace") as f:
            tail = f.read().splitlines()[-lines:]
    except OSError as e:
        tail = [f"no log: {e}"]
    for line in tail:
        for i in range(0, len(line), 100):
            mark("consoled| " + line[i:i + 100])
    for line in tess("list").stdout.splitlines():
        mark("list| " + line)


def checks_then_logs():
    try:
        full_run()
    finally:
        consoled_log_tail()


run_checks(checks_then_logs, CONFIG)
