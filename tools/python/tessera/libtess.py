# SPDX-License-Identifier: GPL-2.0-only
"""ctypes binding of libtess (tools/libtess/libtess.h): the hypervisor's
control calls from dom0. libtess keeps every structure layout: records come
back in buffers of libtess_record_size() bytes and are read by field name,
so nothing here depends on public/tessera/ctl.h's layouts.

    with Libtess() as lt:       # CtlError if not in the control domain
        lt.physinfo()["free_pages"]
"""
import ctypes
import errno
import os
import signal

# Where libtess.so is looked for: $TESS_LIBTESS, dom0's image, the build
# tree beside this source tree (build/lib, or $O/lib).
_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.abspath(os.path.join(_HERE, "..", "..", ".."))
INSTALLED = "/usr/lib/tessera/libtess.so"

PHYSINFO = (("nr_cpus", "max_cpu_id", "total_pages", "free_pages", "cpu_khz", "evtchn_ports"),
            (), ("online_cpus",))
DOMINFO = (("domid", "nr_vcpus", "mem_pages", "cpu_time_ns", "flags", "end_reason",
            "running", "paused", "dying", "hardware", "boot", "shutdown"), ("name", "pool"), ())
POOLINFO = (("pool_id", "dedicated", "nr_domains"), ("name",), ("cpus",))
VCPUINFO = (("vcpu", "cpu", "cpu_time_ns", "nr_exits", "nr_intr_exits", "up", "on_cpu",
             "blocked"), (), ("affinity",))
SIGNED = ("cpu",)       # libtess sign-extends these (-1: on no CPU)
VCPU_MAX = 64
HISTORY_CHUNK = 64 << 10
# libtess_create's flags (libtess.h's LIBTESS_CREATE_*).
CREATE_PAUSED, CREATE_CONSOLE_DOM0, CREATE_KEEP = 1, 2, 4
# Why a domain ended: SHUTDOWN_* of public/xen/sched.h, by name.
END_REASONS = {"poweroff": 0, "reboot": 1, "suspend": 2, "crash": 3, "watchdog": 4}
VIRQ_DOM_EXC = 3        # public/xen/event_channel.h: a domain ended (global)
RING_CHUNK = 4096       # bytes taken from a console ring per call
LIST_ROOM = 256         # domains a listing first makes room for
POOL_MAX = 64
STR_LEN = 1024

_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)


class CtlError(Exception):
    """A libtess call failed: errno (positive) and libtess's message."""

    def __init__(self, err, message):
        super().__init__(message)
        self.errno = err


def _candidates():
    env = os.environ.get("TESS_LIBTESS")
    if env:
        return [env]
    build = os.environ.get("O") or os.path.join(_REPO, "build")
    return [INSTALLED, os.path.join(build, "lib", "libtess.so")]


def _load():
    for path in _candidates():
        if os.path.exists(path):
            return _declare(ctypes.CDLL(path))
    raise CtlError(errno.ENOENT, "libtess.so not found (looked at "
                   + ", ".join(_candidates()) + ")")


def _declare(lib):
    vp, u32, u64, cp, i = (ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint64,
                           ctypes.c_char_p, ctypes.c_int)
    sigs = {
        "libtess_open": (i, [ctypes.POINTER(vp)]),
        "libtess_close": (None, [vp]),
        "libtess_error": (cp, [vp]),
        "libtess_record_size": (ctypes.c_size_t, [cp]),
        "libtess_record_u64": (i, [vp, cp, ctypes.c_uint, cp, ctypes.POINTER(u64)]),
        "libtess_record_str": (i, [vp, cp, ctypes.c_uint, cp, cp, ctypes.c_size_t]),
        "libtess_record_cpus": (i, [vp, cp, ctypes.c_uint, cp, cp, ctypes.c_size_t]),
        "libtess_physinfo": (i, [vp, vp]),
        "libtess_domain_list": (i, [vp, vp, ctypes.c_uint]),
        "libtess_pool_list": (i, [vp, vp, ctypes.c_uint]),
        "libtess_create": (i, [vp, cp, cp, cp, cp, cp, cp, u64, ctypes.c_uint, ctypes.c_uint,
                               _PROGRESS, vp]),
        "libtess_shutdown_reason": (i, [vp, u32, ctypes.c_uint]),
        "libtess_console_ring": (i, [vp, u32, ctypes.POINTER(u64), ctypes.POINTER(u32)]),
        "libtess_console_take": (i, [vp, ctypes.POINTER(u32), cp, ctypes.c_size_t]),
        "libtess_console_give": (i, [vp, ctypes.POINTER(u32), cp, ctypes.c_size_t]),
        "libtess_map_foreign": (vp, [vp, u32, u64]),
        "libtess_unmap_foreign": (None, [vp]),
        "libtess_evtchn_open": (i, []),
        "libtess_evtchn_bind_virq": (i, [i, ctypes.c_uint]),
        "libtess_evtchn_bind_interdomain": (i, [i, u32, u32]),
        "libtess_evtchn_unbind": (i, [i, u32]),
        "libtess_evtchn_notify": (i, [i, u32]),
        "libtess_evtchn_pending": (i, [i, i]),
        "libtess_evtchn_unmask": (i, [i, u32]),
        "libtess_getinfo": (i, [vp, u32, vp]),
        "libtess_pause": (i, [vp, u32]),
        "libtess_unpause": (i, [vp, u32]),
        "libtess_shutdown": (i, [vp, u32]),
        "libtess_destroy": (i, [vp, u32]),
        "libtess_pool_create": (i, [vp, cp, i]),
        "libtess_pool_destroy": (i, [vp, cp]),
        "libtess_pool_cpu_add": (i, [vp, cp, ctypes.c_uint]),
        "libtess_pool_cpu_remove": (i, [vp, ctypes.c_uint]),
        "libtess_pool_migrate": (i, [vp, u32, cp]),
        "libtess_vcpu_list": (i, [vp, u32, vp, ctypes.c_uint]),
        "libtess_vcpu_pin": (i, [vp, u32, ctypes.c_uint, cp]),
        "libtess_sched_get": (i, [vp, u32, ctypes.POINTER(u32), ctypes.POINTER(u32)]),
        "libtess_sched_set": (i, [vp, u32, u32, u32]),
        "libtess_console_read": (i, [vp, u64, vp, ctypes.c_uint, ctypes.POINTER(u64),
                                     ctypes.POINTER(u64)]),
        "libtess_store_ring": (i, [vp, u32, ctypes.POINTER(u64), ctypes.POINTER(u32)]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


def _bytes(s):
    return None if s is None else s.encode()


class Libtess:
    """One open handle on /dev/xen/privcmd; raises CtlError as libtess fails."""

    def __init__(self):
        self.lib = _load()
        self.h = ctypes.c_void_p()
        rc = self.lib.libtess_open(ctypes.byref(self.h))
        if rc < 0:
            self._raise(rc)

    def close(self):
        if self.h:
            self.lib.libtess_close(self.h)
            self.h = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _raise(self, rc):
        message = self.lib.libtess_error(self.h).decode(errors="replace")
        self.close()
        raise CtlError(-rc, message)

    def _check(self, rc):
        if rc < 0:
            message = self.lib.libtess_error(self.h).decode(errors="replace")
            raise CtlError(-rc, message)
        return rc

    def _buffer(self, kind, n):
        return ctypes.create_string_buffer(self.lib.libtess_record_size(kind.encode()) * n)

    def _record(self, buf, kind, i, fields):
        nums, strs, cpus = fields
        k = kind.encode()
        out = {}
        val = ctypes.c_uint64()
        text = ctypes.create_string_buffer(STR_LEN)
        for f in nums:
            self._check(self.lib.libtess_record_u64(buf, k, i, f.encode(), ctypes.byref(val)))
            out[f] = ctypes.c_int64(val.value).value if f in SIGNED else val.value
        for f in strs:
            self._check(self.lib.libtess_record_str(buf, k, i, f.encode(), text, STR_LEN))
            out[f] = text.value.decode(errors="replace")
        for f in cpus:
            self._check(self.lib.libtess_record_cpus(buf, k, i, f.encode(), text, STR_LEN))
            out[f] = text.value.decode()
        return out

    def physinfo(self):
        buf = self._buffer("physinfo", 1)
        self._check(self.lib.libtess_physinfo(self.h, buf))
        return self._record(buf, "physinfo", 0, PHYSINFO)

    def domains(self):
        room = LIST_ROOM
        while True:
            buf = self._buffer("dominfo", room)
            n = self._check(self.lib.libtess_domain_list(self.h, buf, room))
            if n <= room:
                return [self._record(buf, "dominfo", i, DOMINFO) for i in range(n)]
            room = n + LIST_ROOM        # more domains than room: again, with enough

    def pools(self):
        buf = self._buffer("poolinfo", POOL_MAX)
        n = min(self._check(self.lib.libtess_pool_list(self.h, buf, POOL_MAX)), POOL_MAX)
        return [self._record(buf, "poolinfo", i, POOLINFO) for i in range(n)]

    def getinfo(self, domid):
        buf = self._buffer("dominfo", 1)
        self._check(self.lib.libtess_getinfo(self.h, domid, buf))
        return self._record(buf, "dominfo", 0, DOMINFO)

    def create(self, kernel, initrd, cmdline, name, pool, cpus, mem_bytes, vcpus,
               paused=False, progress=None, flags=0):
        """Build a domain; return its id. flags: CREATE_* beyond paused.
        progress(done, total) after each
        chunk. Ctrl-C (SIGINT, unless ignored) meanwhile stops the create,
        nothing left behind, and raises KeyboardInterrupt here. A handler
        that only takes note is installed for the call, because a
        KeyboardInterrupt raised inside a ctypes callback is lost."""
        interrupted = []

        def relay(done, total, _arg):
            if progress:
                progress(done, total)
            return 1 if interrupted else 0

        old = signal.getsignal(signal.SIGINT)
        if old != signal.SIG_IGN:
            signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
        try:
            rc = self.lib.libtess_create(
                self.h, _bytes(kernel), _bytes(initrd), _bytes(cmdline), _bytes(name),
                _bytes(pool), _bytes(cpus), mem_bytes, vcpus,
                flags | (CREATE_PAUSED if paused else 0), _PROGRESS(relay),
                None)
        finally:
            if old != signal.SIG_IGN:
                signal.signal(signal.SIGINT, old)
        if interrupted:
            raise KeyboardInterrupt
        return self._check(rc)

    def pause(self, domid):
        self._check(self.lib.libtess_pause(self.h, domid))

    def unpause(self, domid):
        self._check(self.lib.libtess_unpause(self.h, domid))

    def destroy(self, domid):
        self._check(self.lib.libtess_destroy(self.h, domid))

    def shutdown(self, domid, reason="poweroff"):
        self._check(self.lib.libtess_shutdown_reason(self.h, domid, END_REASONS[reason]))

    def console_ring(self, domid):
        """(gfn, port) of a dom0-served console ring; CtlError ENOENT if the
        hypervisor serves it."""
        gfn, port = ctypes.c_uint64(), ctypes.c_uint32()
        self._check(self.lib.libtess_console_ring(self.h, domid, ctypes.byref(gfn),
                                                  ctypes.byref(port)))
        return gfn.value, port.value

    def map_foreign(self, domid, gfn):
        """The address of domid's frame gfn mapped here (unmap_foreign it)."""
        addr = self.lib.libtess_map_foreign(self.h, domid, gfn)
        if not addr:
            raise CtlError(errno.EIO, self.lib.libtess_error(self.h).decode(errors="replace"))
        return addr

    def unmap_foreign(self, addr):
        self.lib.libtess_unmap_foreign(addr)

    def pool_create(self, name, dedicated):
        self._check(self.lib.libtess_pool_create(self.h, _bytes(name), int(dedicated)))

    def pool_destroy(self, name):
        self._check(self.lib.libtess_pool_destroy(self.h, _bytes(name)))

    def pool_cpu_add(self, name, cpu):
        self._check(self.lib.libtess_pool_cpu_add(self.h, _bytes(name), cpu))

    def pool_cpu_remove(self, cpu):
        self._check(self.lib.libtess_pool_cpu_remove(self.h, cpu))

    def pool_migrate(self, domid, pool):
        self._check(self.lib.libtess_pool_migrate(self.h, domid, _bytes(pool)))

    def vcpus(self, domid):
        buf = self._buffer("vcpuinfo", VCPU_MAX)
        n = min(self._check(self.lib.libtess_vcpu_list(self.h, domid, buf, VCPU_MAX)), VCPU_MAX)
        return [self._record(buf, "vcpuinfo", i, VCPUINFO) for i in range(n)]

    def vcpu_pin(self, domid, vcpu, cpus):
        self._check(self.lib.libtess_vcpu_pin(self.h, domid, vcpu, _bytes(cpus)))

    def sched_get(self, domid):
        weight, cap = ctypes.c_uint32(), ctypes.c_uint32()
        self._check(self.lib.libtess_sched_get(self.h, domid, ctypes.byref(weight),
                                               ctypes.byref(cap)))
        return {"weight": weight.value, "cap": cap.value}

    def sched_set(self, domid, weight, cap):
        self._check(self.lib.libtess_sched_set(self.h, domid, weight, cap))

    def console_read(self, offset=0):
        """(first, bytes, end): the hypervisor's console history from offset
        on, as far as one call reaches; first is where the bytes start (later
        than offset if that was overwritten), end where the history ends."""
        buf = ctypes.create_string_buffer(HISTORY_CHUNK)
        first, end = ctypes.c_uint64(), ctypes.c_uint64()
        n = self._check(self.lib.libtess_console_read(self.h, offset, buf, HISTORY_CHUNK,
                                                      ctypes.byref(first), ctypes.byref(end)))
        return first.value, buf.raw[:n], end.value
    def store_ring(self, domid):
        """(gfn, port) of the domain's xenstore ring."""
        gfn, port = ctypes.c_uint64(), ctypes.c_uint32()
        self._check(self.lib.libtess_store_ring(self.h, domid, ctypes.byref(gfn),
                                                ctypes.byref(port)))
        return gfn.value, port.value


class ConsoleRing:
    """A mapped console ring page seen from its backend (libtess_console_*):
    our own positions, the guest's indices checked against them."""

    def __init__(self, lib, addr):
        self.lib, self.addr = lib, addr
        self.out_cons, self.in_prod = ctypes.c_uint32(0), ctypes.c_uint32(0)
        self.buf = ctypes.create_string_buffer(RING_CHUNK)

    def take(self):
        """What the guest wrote (up to RING_CHUNK bytes), or None when its
        indices were out of range (what it claimed is dropped)."""
        n = self.lib.libtess_console_take(self.addr, ctypes.byref(self.out_cons), self.buf,
                                          RING_CHUNK)
        return None if n < 0 else self.buf.raw[:n]

    def give(self, data):
        """How many bytes of data went into in[] (0: full), or None when
        the guest's in_cons is out of range."""
        n = self.lib.libtess_console_give(self.addr, ctypes.byref(self.in_prod), data, len(data))
        return None if n < 0 else n


class Evtchn:
    """/dev/xen/evtchn: ports bound here fire until unmasked again."""

    def __init__(self, lib):
        self.lib = lib
        self.fd = self._call(lib.libtess_evtchn_open(), "open /dev/xen/evtchn")

    def _call(self, rc, what):
        if rc < 0:
            raise CtlError(-rc, f"{what}: {os.strerror(-rc)}")
        return rc

    def bind_virq(self, virq):
        return self._call(self.lib.libtess_evtchn_bind_virq(self.fd, virq), f"bind VIRQ {virq}")

    def bind_interdomain(self, domid, port):
        return self._call(self.lib.libtess_evtchn_bind_interdomain(self.fd, domid, port),
                          f"bind domain {domid}'s port {port}")

    def unbind(self, port):
        self.lib.libtess_evtchn_unbind(self.fd, port)

    def notify(self, port):
        self.lib.libtess_evtchn_notify(self.fd, port)

    def pending(self):
        """A port that fired, without waiting (the fd polled readable), or None."""
        rc = self.lib.libtess_evtchn_pending(self.fd, 0)
        return None if rc == -errno.EAGAIN else self._call(rc, "read /dev/xen/evtchn")

    def unmask(self, port):
        self.lib.libtess_evtchn_unmask(self.fd, port)

    def close(self):
        os.close(self.fd)
