# SPDX-License-Identifier: GPL-2.0-only
"""A tiny in-process xenstore server (READ, WRITE, DIRECTORY, RM, WATCH) for
testing the client without tess-stored."""
import os
import socket
import struct
import threading

HDR = struct.Struct("<IIII")
DIRECTORY, READ, WATCH, WRITE, RM, WATCH_EVENT, ERROR = 1, 2, 4, 11, 13, 15, 16


class FakeStore:
    def __init__(self, path):
        self.path = path
        self.nodes = {"/": b""}
        self.watches = []          # (conn, path, token)
        self.lock = threading.Lock()
        self.requests = []
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(8)
        self.conns = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def close(self):
        self.listener.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _recv(self, conn, n):
        buf = b""
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _send(self, conn, mtype, req_id, payload):
        with self.lock:
            conn.sendall(HDR.pack(mtype, req_id, 0, len(payload)) + payload)

    def _serve(self, conn):
        try:
            while True:
                mtype, req_id, tx_id, length = HDR.unpack(self._recv(conn, HDR.size))
                body = self._recv(conn, length)
                self.requests.append(mtype)
                self._handle(conn, mtype, req_id, body)
        except (EOFError, OSError):
            with self.lock:
                self.watches = [w for w in self.watches if w[0] is not conn]

    def _fire(self, path):
        for conn, wpath, token in list(self.watches):
            if path == wpath or path.startswith(wpath.rstrip("/") + "/"):
                self._send(conn, WATCH_EVENT, 0, path.encode() + b"\0" + token + b"\0")

    def _handle(self, conn, mtype, req_id, body):
        parts = body.split(b"\0")
        path = parts[0].decode()
        if mtype == READ:
            if path not in self.nodes:
                return self._send(conn, ERROR, req_id, b"ENOENT\0")
            return self._send(conn, READ, req_id, self.nodes[path])
        if mtype == WRITE:
            value = body[len(parts[0]) + 1:]
            p = path
            while p not in self.nodes:
                self.nodes[p] = b""
                p = os.path.dirname(p)
            self.nodes[path] = value
            self._send(conn, WRITE, req_id, b"OK\0")
            return self._fire(path)
        if mtype == DIRECTORY:
            if path not in self.nodes:
                return self._send(conn, ERROR, req_id, b"ENOENT\0")
            prefix = path.rstrip("/") + "/"
            kids = sorted(p[len(prefix):] for p in self.nodes
                          if p.startswith(prefix) and "/" not in p[len(prefix):] and p != "/")
            return self._send(conn, DIRECTORY, req_id, b"".join(k.encode() + b"\0" for k in kids))
        if mtype == RM:
            if path not in self.nodes:
                return self._send(conn, ERROR, req_id, b"ENOENT\0")
            for p in [p for p in self.nodes if p == path or p.startswith(path + "/")]:
                del self.nodes[p]
            self._send(conn, RM, req_id, b"OK\0")
            return self._fire(path)
        if mtype == WATCH:
            with self.lock:
                self.watches.append((conn, path, parts[1]))
            self._send(conn, WATCH, req_id, b"OK\0")
            return self._fire(path)
        self._send(conn, ERROR, req_id, b"ENOSYS\0")
