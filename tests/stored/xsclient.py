# SPDX-License-Identifier: GPL-2.0-only
"""Minimal xenstore wire client for tess-stored tests (io/xs_wire.h)."""
import os
import socket
import struct
import subprocess
import time
import mmap

HDR = struct.Struct("<IIII")
T = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
         TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
         GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14,
         WATCH_EVENT=15, ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18,
         SET_TARGET=19, RESET_WATCHES=21, DIRECTORY_PART=22)
NAMES = {v: k for k, v in T.items()}

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def build_dir():
    return os.environ.get("O") or os.path.join(REPO, "build")


def daemon_path():
    return os.path.join(build_dir(), "bin", "tess-stored")


class XsError(Exception):
    def __init__(self, err):
        super().__init__(err)
        self.err = err


def enc(*parts):
    out = b""
    for p in parts:
        out += (p.encode() if isinstance(p, str) else p) + b"\0"
    return out


class Daemon:
    """A tess-stored in the foreground on a private socket."""

    def __init__(self, tmp, *args, ring=False, trace=True):
        self.dir = str(tmp)
        self.sock = os.path.join(self.dir, "sock")
        self.log = os.path.join(self.dir, "log")
        cmd = [daemon_path(), "--foreground", "--socket", self.sock,
               "--log-file", self.log]
        if trace:
            cmd += ["--trace-file", os.path.join(self.dir, "trace")]
        if ring:
            cmd += ["--ring-dir", self.dir]
        self.proc = subprocess.Popen(cmd + list(args))
        # The socket file appears at bind(), before listen(): wait until a
        # connection is accepted, not just for the file (10 s: CI is busy).
        for _ in range(1000):
            if os.path.exists(self.sock) and self._accepts():
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"tess-stored exited with {self.proc.returncode}")
            time.sleep(0.01)
        else:
            raise RuntimeError("tess-stored did not start")

    def _accepts(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.sock)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def client(self):
        return Client(self.sock)

    def alive(self):
        return self.proc.poll() is None

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


class Conn:
    """Request/reply framing over some byte transport (send/recv)."""

    def __init__(self):
        self.events = []
        self.req = 0

    def send_raw(self, data):
        raise NotImplementedError

    def recv_exact(self, n):
        raise NotImplementedError

    def recv_msg(self):
        t, rid, tx, ln = HDR.unpack(self.recv_exact(HDR.size))
        return t, rid, tx, self.recv_exact(ln) if ln else b""

    def request(self, typ, payload=b"", tx=0):
        self.req += 1
        rid = self.req
        self.send_raw(HDR.pack(T[typ], rid, tx, len(payload)) + payload)
        while True:
            t, r, _, data = self.recv_msg()
            if t == T["WATCH_EVENT"]:
                self.events.append(tuple(data.split(b"\0")[:2]))
                continue
            assert r == rid, (r, rid)
            if t == T["ERROR"]:
                raise XsError(data.rstrip(b"\0").decode())
            assert t == T[typ], (NAMES.get(t), typ)
            return data

    def wait_event(self):
        if self.events:
            return self.events.pop(0)
        t, _, _, data = self.recv_msg()
        assert t == T["WATCH_EVENT"]
        return tuple(data.split(b"\0")[:2])

    # convenience wrappers
    def read(self, path, tx=0):
        return self.request("READ", enc(path), tx)

    def write(self, path, value, tx=0):
        v = value.encode() if isinstance(value, str) else value
        return self.request("WRITE", path.encode() + b"\0" + v, tx)

    def mkdir(self, path, tx=0):
        return self.request("MKDIR", enc(path), tx)

    def rm(self, path, tx=0):
        return self.request("RM", enc(path), tx)

    def ls(self, path, tx=0):
        d = self.request("DIRECTORY", enc(path), tx)
        return [x.decode() for x in d.split(b"\0") if x]

    def get_perms(self, path, tx=0):
        return [x.decode() for x in self.request("GET_PERMS", enc(path), tx).split(b"\0") if x]

    def set_perms(self, path, perms, tx=0):
        return self.request("SET_PERMS", enc(path, *perms), tx)

    def watch(self, path, token):
        return self.request("WATCH", enc(path, token))

    def unwatch(self, path, token):
        return self.request("UNWATCH", enc(path, token))

    def tx_start(self):
        return int(self.request("TRANSACTION_START", b"\0").rstrip(b"\0"))

    def tx_end(self, tx, commit=True):
        return self.request("TRANSACTION_END", enc("T" if commit else "F"), tx)

    def introduce(self, domid, mfn=0, port=0):
        return self.request("INTRODUCE", enc(str(domid), str(mfn), str(port)))

    def release(self, domid):
        return self.request("RELEASE", enc(str(domid)))


class Client(Conn):
    def __init__(self, path):
        super().__init__()
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(20)
        self.s.connect(path)

    def send_raw(self, data):
        self.s.sendall(data)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed")
            buf += chunk
        return buf

    def close(self):
        self.s.close()


RING = 1024
IDX = struct.Struct("<IIIIIII")  # req_cons req_prod rsp_cons rsp_prod features connection error


class RingGuest(Conn):
    """A fake guest on the host ring backend (--ring-dir): a shared page file
    plus FIFOs for the two event-channel directions."""

    def __init__(self, ring_dir, domid):
        super().__init__()
        base = os.path.join(str(ring_dir), str(domid))
        with open(base + ".page", "wb") as f:
            f.write(b"\0" * 4096)
        for s in ("kick", "evt"):
            if not os.path.exists(base + "." + s):
                os.mkfifo(base + "." + s)
        self.f = open(base + ".page", "r+b")
        self.mm = mmap.mmap(self.f.fileno(), 4096)
        self.kick = os.open(base + ".kick", os.O_RDWR | os.O_NONBLOCK)
        self.evt = os.open(base + ".evt", os.O_RDWR | os.O_NONBLOCK)
        self.timeout = 20

    def idx(self):
        return list(IDX.unpack_from(self.mm, 2 * RING))

    def set_idx(self, i, v):
        struct.pack_into("<I", self.mm, 2 * RING + 4 * i, v & 0xffffffff)

    def notify(self):
        os.write(self.kick, b"k")

    def _wait(self):
        import select
        r, _, _ = select.select([self.evt], [], [], 0.05)
        if r:
            try:
                os.read(self.evt, 4096)
            except BlockingIOError:
                pass

    def send_raw(self, data):
        deadline = time.time() + self.timeout
        while data:
            cons, prod = self.idx()[0:2]
            space = RING - (prod - cons)
            n = min(space, len(data))
            for k in range(n):
                self.mm[(prod + k) % RING] = data[k]
            if n:
                self.set_idx(1, prod + n)
                data = data[n:]
                self.notify()
            else:
                if time.time() > deadline:
                    raise TimeoutError("ring full")
                self._wait()

    def recv_exact(self, n):
        buf = b""
        deadline = time.time() + self.timeout
        while len(buf) < n:
            i = self.idx()
            cons, prod = i[2], i[3]
            m = min(prod - cons, n - len(buf))
            if m:
                buf += bytes(self.mm[RING + (cons + k) % RING] for k in range(m))
                self.set_idx(2, cons + m)
                self.notify()
            else:
                if time.time() > deadline:
                    raise TimeoutError("no reply on ring")
                self._wait()
        return buf

    def close(self):
        os.close(self.kick)
        os.close(self.evt)
        self.mm.close()
        self.f.close()
