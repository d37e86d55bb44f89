# SPDX-License-Identifier: GPL-2.0-only
"""A small blocking xenstore client over a Unix socket.

Every message is a header of four little-endian uint32s (type, req_id,
tx_id, len) followed by len bytes of NUL-separated payload. Watch events can
arrive between a request and its reply, so they are queued aside.
"""
import collections
import os
import select
import socket
import struct

HEADER = struct.Struct("<IIII")
PAYLOAD_MAX = 4096

DIRECTORY = 1
READ = 2
WATCH = 4
UNWATCH = 5
INTRODUCE = 8
RELEASE = 9
WRITE = 11
MKDIR = 12
RM = 13
SET_PERMS = 14
WATCH_EVENT = 15
ERROR = 16

DEFAULT_SOCKET = "/var/run/xenstored/socket"


def socket_path(option=None, environ=os.environ):
    """The socket to use: OPTION, else $TESS_STORE_SOCKET, else $XENSTORED_PATH,
    else DEFAULT_SOCKET."""
    for candidate in (option, environ.get("TESS_STORE_SOCKET"), environ.get("XENSTORED_PATH")):
        if candidate:
            return candidate
    return DEFAULT_SOCKET


class StoreError(Exception):
    """The store answered a request with an error (ENOENT, EACCES, ...)."""

    def __init__(self, errname, path=None):
        super().__init__(f"{path}: {errname}" if path else errname)
        self.errname = errname
        self.path = path


class StoreUnreachable(Exception):
    """The socket cannot be reached, or the connection broke."""


def _payload(*parts, terminate_last=True):
    out = b""
    for i, p in enumerate(parts):
        out += p.encode() if isinstance(p, str) else p
        if terminate_last or i < len(parts) - 1:
            out += b"\0"
    return out


# (type, payload, path) of the requests a Client sends alone and a Batch
# sends together.
def _write(path, value):
    return WRITE, _payload(path, value, terminate_last=False), path


def _rm(path):
    return RM, _payload(path), path


def _set_perms(path, perms):
    return SET_PERMS, _payload(path, *perms), path


def _introduce(domid, gfn, port):
    return INTRODUCE, _payload(str(domid), str(gfn), str(port)), None


class Client:
    def __init__(self, path, timeout=10.0):
        self.path = path
        self.timeout = timeout
        self.req_id = 0
        self.events = collections.deque()
        self.buf = b""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as e:
            self.sock.close()
            raise StoreUnreachable(f"{path}: {e.strerror}") from None

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _recv_msg(self, timeout):
        while True:
            if len(self.buf) >= HEADER.size:
                mtype, req_id, tx_id, length = HEADER.unpack_from(self.buf)
                if length > PAYLOAD_MAX:
                    raise StoreUnreachable(f"{self.path}: reply of {length} bytes is too long")
                if len(self.buf) >= HEADER.size + length:
                    body = self.buf[HEADER.size:HEADER.size + length]
                    self.buf = self.buf[HEADER.size + length:]
                    return mtype, req_id, body
            ready, _, _ = select.select([self.sock], [], [], timeout)
            if not ready:
                return None
            try:
                chunk = self.sock.recv(65536)
            except OSError as e:
                raise StoreUnreachable(f"{self.path}: {e.strerror}") from None
            if not chunk:
                raise StoreUnreachable(f"{self.path}: connection closed by the store")
            self.buf += chunk

    def _send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise StoreUnreachable(f"{self.path}: {e.strerror}") from None

    def _reply(self, req_id, mtype, path):
        """The body of the reply to req_id; watch events met on the way are
        kept for next_event(), replies to earlier requests skipped."""
        while True:
            msg = self._recv_msg(self.timeout)
            if msg is None:
                raise StoreUnreachable(f"{self.path}: no reply within {self.timeout:g}s")
            rtype, rid, body = msg
            if rtype == WATCH_EVENT:
                self.events.append(_event(body))
                continue
            if rid != req_id:
                continue
            if rtype == ERROR:
                raise StoreError(body.rstrip(b"\0").decode("ascii", "replace"), path)
            if rtype != mtype:
                raise StoreUnreachable(f"{self.path}: reply type {rtype} to request {mtype}")
            return body

    def _header(self, mtype, payload, path):
        if len(payload) > PAYLOAD_MAX:
            raise StoreError("E2BIG", path)
        self.req_id = (self.req_id + 1) & 0xffffffff
        return HEADER.pack(mtype, self.req_id, 0, len(payload)) + payload

    def request(self, mtype, payload, path=None):
        self._send(self._header(mtype, payload, path))
        return self._reply(self.req_id, mtype, path)

    def pipeline(self, requests):
        """Sends every (mtype, payload, path, errors allowed) request at once,
        then reads the replies, which the store gives a connection in order:
        one round trip instead of one per request. Raises the first error
        not allowed once every reply is in."""
        data, ids = [], []
        for mtype, payload, path, _ in requests:
            data.append(self._header(mtype, payload, path))
            ids.append(self.req_id)
        self._send(b"".join(data))
        first = None
        for req_id, (mtype, _, path, allowed) in zip(ids, requests):
            try:
                self._reply(req_id, mtype, path)
            except StoreError as e:
                if e.errname not in allowed and first is None:
                    first = e
        if first:
            raise first

    def batch(self):
        return Batch(self)

    def read(self, path):
        return self.request(READ, _payload(path), path)

    def write(self, path, value):
        self.request(*_write(path, value))

    def directory(self, path):
        body = self.request(DIRECTORY, _payload(path), path)
        return [n.decode("utf-8", "replace") for n in body.split(b"\0") if n]

    def rm(self, path):
        self.request(*_rm(path))

    def mkdir(self, path):
        self.request(MKDIR, _payload(path), path)

    def set_perms(self, path, perms):
        """perms: ["n0", "r5", ...]: the owner and its default first."""
        self.request(*_set_perms(path, perms))

    def introduce(self, domid, gfn, port):
        self.request(*_introduce(domid, gfn, port))

    def release(self, domid):
        self.request(RELEASE, _payload(str(domid)))

    def watch(self, path, token):
        self.request(WATCH, _payload(path, token), path)

    def unwatch(self, path, token):
        self.request(UNWATCH, _payload(path, token), path)

    def next_event(self, timeout=None):
        """The next (path, token) watch event, or None after TIMEOUT seconds."""
        while not self.events:
            msg = self._recv_msg(timeout)
            if msg is None:
                return None
            if msg[0] == WATCH_EVENT:
                self.events.append(_event(msg[2]))
        return self.events.popleft()


def _event(body):
    parts = body.split(b"\0")
    path = parts[0].decode("utf-8", "replace")
    token = parts[1].decode("utf-8", "replace") if len(parts) > 1 else ""
    return path, token


class Batch:
    """Requests queued with a Client's own method names and sent together
    by send() (Client.pipeline): for writes that need no answer, such as a
    new domain's nodes."""

    def __init__(self, client):
        self.client = client
        self.requests = []

    def write(self, path, value):
        self.requests.append((*_write(path, value), ()))

    def set_perms(self, path, perms):
        self.requests.append((*_set_perms(path, perms), ()))

    def rm(self, path, missing_ok=False):
        self.requests.append((*_rm(path), ("ENOENT",) if missing_ok else ()))

    def introduce(self, domid, gfn, port):
        self.requests.append((*_introduce(domid, gfn, port), ()))

    def send(self):
        self.client.pipeline(self.requests)
        self.requests = []
