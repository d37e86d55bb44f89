# SPDX-License-Identifier: GPL-2.0-only
"""Talking to tess-consoled over its Unix socket: one JSON request line,
one JSON answer line; a console request then carries raw bytes both ways
until either side closes."""
import json
import socket

SOCKET = "/run/tessera/consoled.sock"
ANSWER_MAX = 4096


class DaemonError(Exception):
    """The daemon refused a request; the message says why."""


def connect(path=SOCKET):
    """A connected socket, or None when no daemon listens there."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError:
        s.close()
        return None
    return s


def request(sock, **req):
    """Sends req, returns the answer (a dict); DaemonError if it says no."""
    sock.sendall(json.dumps(req).encode() + b"\n")
    line = b""
    while not line.endswith(b"\n"):
        part = sock.recv(1)
        if not part or len(line) > ANSWER_MAX:
            raise DaemonError("tess-consoled closed the connection")
        line += part
    answer = json.loads(line)
    if "error" in answer:
        raise DaemonError(answer["error"])
    return answer


def read_request(sock):
    """The daemon's side: one request line (a dict), or None if malformed."""
    line = b""
    while not line.endswith(b"\n"):
        part = sock.recv(1)
        if not part or len(line) > ANSWER_MAX:
            return None
        line += part
    try:
        req = json.loads(line)
    except ValueError:
        return None
    return req if isinstance(req, dict) else None


def answer(sock, **ans):
    sock.sendall(json.dumps(ans).encode() + b"\n")
