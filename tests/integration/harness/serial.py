# SPDX-License-Identifier: GPL-2.0-only
"""Collects what an emulator writes on a pipe (or appends to a file) in a
background thread, and lets the test wait for a regular expression in it."""
import os
import re
import threading
import time

# ANSI/VT100 control sequences GRUB and firmware paint the screen with.
_CSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78cDEHM])")


def clean_text(raw):
    """Serial bytes -> text for matching: UTF-8 (bad bytes replaced), control
    sequences removed, CR LF -> LF, other CRs dropped."""
    text = raw.decode("utf-8", errors="replace")
    text = _CSI.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "")


class SerialLog:
    """Text received so far plus a condition variable that fires on new data
    and at end of stream. Optionally copies every byte to `copy_path`."""

    def __init__(self, copy_path=None):
        self._raw = bytearray()
        self._text = ""
        self._text_len = 0
        self._cond = threading.Condition()
        self._eof = False
        self._copy = open(copy_path, "wb", buffering=0) if copy_path else None
        self._thread = None

    # -- feeding -----------------------------------------------------------
    def _add(self, data):
        with self._cond:
            self._raw += data
            if self._copy:
                self._copy.write(data)
            self._cond.notify_all()

    def _finish(self):
        with self._cond:
            self._eof = True
            if self._copy:
                self._copy.close()
                self._copy = None
            self._cond.notify_all()

    def follow_pipe(self, fileobj):
        """Read a pipe until EOF in a daemon thread."""
        def run():
            try:
                fd = fileobj.fileno()
                while True:
                    data = os.read(fd, 65536)
                    if not data:
                        break
                    self._add(data)
            except (OSError, ValueError):
                pass
            finally:
                self._finish()
        self._thread = threading.Thread(target=run, name="serial-reader", daemon=True)
        self._thread.start()

    def follow_file(self, path, alive):
        """Tail a file that another process appends to, while alive() is true
        (then read what is left and stop)."""
        def run():
            try:
                while not os.path.exists(path) and alive():
                    time.sleep(0.05)
                with open(path, "rb") as f:
                    while True:
                        data = f.read(65536)
                        if data:
                            self._add(data)
                            continue
                        if not alive():
                            rest = f.read()
                            if rest:
                                self._add(rest)
                            break
                        time.sleep(0.05)
            except OSError:
                pass
            finally:
                self._finish()
        self._thread = threading.Thread(target=run, name="serial-tail", daemon=True)
        self._thread.start()

    def join(self, timeout=2.0):
        if self._thread:
            self._thread.join(timeout)

    # -- reading -----------------------------------------------------------
    @property
    def raw(self):
        with self._cond:
            return bytes(self._raw)

    @property
    def text(self):
        with self._cond:
            if self._text_len != len(self._raw):
                self._text = clean_text(bytes(self._raw))
                self._text_len = len(self._raw)
            return self._text

    @property
    def eof(self):
        return self._eof

    def tail(self, lines=60):
        return "\n".join(self.text.splitlines()[-lines:])

    def wait(self, predicate, deadline):
        """Wait until predicate(text) returns something true (returned), the
        stream ends (None) or the monotonic deadline passes (None)."""
        with self._cond:
            while True:
                result = predicate(self.text)
                if result:
                    return result
                if self._eof:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.5))
