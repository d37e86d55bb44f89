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
            "running", "paused", "dying", "hardware", "boot"), ("name", "pool"), ())
POOLINFO = (("pool_id", "dedicated", "nr_domains"), ("name",), ("cpus",))
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
        "libtess_create": (i, [vp, cp, cp, cp, cp, cp, cp, u64, ctypes.c_uint, i,
                               _PROGRESS, vp]),
        "libtess_getinfo": (i, [vp, u32, vp]),
        "libtess_pause": (i, [vp, u32]),
        "libtess_unpause": (i, [vp, u32]),
        "libtess_shutdown": (i, [vp, u32]),
        "libtess_destroy": (i, [vp, u32]),
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
            out[f] = val.value
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
               paused=False, progress=None):
        """Build a domain; return its id. progress(done, total) after each
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
                _bytes(pool), _bytes(cpus), mem_bytes, vcpus, int(paused), _PROGRESS(relay),
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

    def shutdown(self, domid):
        self._check(self.lib.libtess_shutdown(self.h, domid))

    def destroy(self, domid):
        self._check(self.lib.libtess_destroy(self.h, domid))
