# SPDX-License-Identifier: GPL-2.0-only
"""The part of a test machine that does not depend on the emulator: start
and always stop the process, enforce the hard time limit, wait for serial
output or for the end, and explain failures with the log tail."""
import os
import re
import shlex
import subprocess
import threading
import time

from . import reaper
from .errors import MachineExited, MachineStartError, MachineTimeout
from .serial import SerialLog

TAIL_LINES = 60


def complete_match(rx, text, start=0):
    """rx's match in text, unless it ends at the very end of what has
    arrived on a letter or digit: the line may still be arriving (the
    hypervisor sends its output from the UART's interrupt, a FIFO at a
    time), and `n=(\\d+)` would take the first digits of a number."""
    m = rx.search(text, start)
    if m and m.end() == len(text) and m.end() > m.start() and text[m.end() - 1].isalnum():
        return None
    return m


class Machine:
    """Base class. Subclasses provide prepare() (build inputs, return the
    command line) and may override serial_file() to read the serial port
    from a file instead of the emulator's stdout.

    Use as a context manager; the emulator is killed on leaving it, at
    interpreter exit, or when `timeout` seconds have passed since start."""

    kind = "machine"
    # Set by tests/integration/conftest.py: where serial logs are copied to
    # and the prefix of their names (the current test's name).
    log_dir = None
    log_prefix = None
    _log_counter = {}

    def __init__(self, timeout=60):
        self.timeout = timeout
        self.cmd = None
        self.proc = None
        self.serial = None
        self.stderr = None
        self.log_path = None
        self.started_at = None
        self._timer = None
        self.expired = False

    # -- to be provided by subclasses -----------------------------------------
    def prepare(self):
        """Build whatever the emulator needs; return its argv."""
        raise NotImplementedError

    def serial_file(self):
        """Path the emulator writes the serial port to, or None when it
        writes it to stdout."""
        return None

    def cwd(self):
        return None

    # True when the emulator reads the serial port's input from its stdin.
    serial_input = False

    # -- life cycle -----------------------------------------------------------
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        if self.proc is not None:
            raise MachineStartError(f"{self.kind} already started")
        self.cmd = [str(a) for a in self.prepare()]
        sfile = self.serial_file()
        try:
            self.proc = subprocess.Popen(
                self.cmd,
                stdin=subprocess.PIPE if self.serial_input else subprocess.DEVNULL,
                stdout=subprocess.DEVNULL if sfile else subprocess.PIPE,
                stderr=subprocess.PIPE, cwd=self.cwd(),
                start_new_session=True, preexec_fn=reaper.child_setup)
        except OSError as e:
            raise MachineStartError(f"cannot start {self.kind}: {e}\ncommand: "
                                    f"{shlex.join(self.cmd)}") from e
        reaper.register(self.proc)
        self.started_at = time.monotonic()
        self.log_path = self._copy_path()
        self.serial = SerialLog(self.log_path)
        self.stderr = SerialLog()
        if sfile:
            self.serial.follow_file(sfile, lambda: self.proc.poll() is None)
        else:
            self.serial.follow_pipe(self.proc.stdout)
        self.stderr.follow_pipe(self.proc.stderr)
        self._timer = threading.Timer(self.timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def _expire(self):
        if self.proc and self.proc.poll() is None:
            self.expired = True
            reaper.kill(self.proc)

    def stop(self):
        """Kill the emulator (if still running) and finish reading its output."""
        if self._timer:
            self._timer.cancel()
        if self.proc is not None:
            reaper.kill(self.proc, grace=0.0)
            for log in (self.serial, self.stderr):
                if log:
                    log.join()
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if f:
                    try:
                        f.close()
                    except OSError:
                        pass

    def _copy_path(self):
        if not self.log_dir:
            return None
        os.makedirs(self.log_dir, exist_ok=True)
        prefix = self.log_prefix or self.kind
        n = Machine._log_counter.get(prefix, 0)
        Machine._log_counter[prefix] = n + 1
        suffix = f".{n}" if n else ""
        return os.path.join(self.log_dir, f"{prefix}{suffix}.{self.kind}.log")

    # -- state ----------------------------------------------------------------
    @property
    def log(self):
        """Serial output so far, as text (control sequences and CRs removed)."""
        return self.serial.text if self.serial else ""

    @property
    def raw_log(self):
        return self.serial.raw if self.serial else b""

    def log_tail(self, lines=TAIL_LINES):
        return self.serial.tail(lines) if self.serial else ""

    @property
    def elapsed(self):
        return time.monotonic() - self.started_at if self.started_at else 0.0

    @property
    def returncode(self):
        return self.proc.poll() if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def describe(self, what):
        """A failure report: what happened, the command, the log tail."""
        parts = [f"{what} (after {self.elapsed:.1f} s)"]
        if self.expired:
            parts.append(f"the machine hit its hard time limit of {self.timeout} s and was killed")
        rc = self.returncode
        if rc is not None and not self.expired:
            parts.append(f"{self.kind} exited with status {rc}")
        parts.append(f"command: {shlex.join(self.cmd or [])}")
        if self.log_path:
            parts.append(f"full serial log: {self.log_path}")
        tail = self.log_tail()
        n = len(tail.splitlines())
        parts.append(f"--- last {n} lines of the serial log ---\n{tail}\n--- end of log ---")
        err = self.stderr.tail(20) if self.stderr else ""
        if err.strip():
            parts.append(f"--- {self.kind} stderr ---\n{err}")
        return "\n".join(parts)

    def write(self, data):
        """Send text or bytes to the machine's serial port (type on its console)."""
        if not self.serial_input:
            raise NotImplementedError(f"{self.kind} machines take no serial input")
        if not self.running():
            raise MachineExited(self.describe(f"cannot write to the serial port: "
                                              f"{self.kind} is not running"))
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    # -- waiting --------------------------------------------------------------
    def _deadline(self, timeout):
        if self.started_at is None:
            raise MachineStartError(f"{self.kind} not started (use it in a with statement)")
        hard = self.started_at + self.timeout
        if timeout is None:
            return hard
        return min(time.monotonic() + timeout, hard + 1.0)

    def wait_for(self, pattern, timeout=None, flags=re.M, start=0):
        """Wait until `pattern` matches the serial log at or after position
        `start`; return the re.Match (its positions index self.log).
        Raise MachineTimeout or MachineExited with the log tail otherwise.
        timeout=None waits up to the machine's hard time limit."""
        rx = re.compile(pattern, flags)
        deadline = self._deadline(timeout)
        m = self.serial.wait(lambda text: complete_match(rx, text, start), deadline)
        if m:
            return m
        # One last look: the data may have arrived with the end of stream.
        m = rx.search(self.log, start)
        if m:
            return m
        self._settle()
        if self.expired or self.running():
            limit = timeout if timeout is not None else self.timeout
            raise MachineTimeout(self.describe(
                f"timed out after {limit} s waiting for /{pattern}/ on the serial console"))
        raise MachineExited(self.describe(
            f"{self.kind} ended before /{pattern}/ appeared on the serial console"))

    def _settle(self):
        """After a wait failed: enforce the hard limit if it has passed (the
        timer may not have fired yet), and give an emulator whose output
        just ended a moment to be reaped, so the report says which it was."""
        if time.monotonic() >= self.started_at + self.timeout:
            self._expire()
        if self.serial.eof and self.proc.poll() is None:
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                pass

    def wait_exit(self, timeout=None):
        """Wait for the emulator to end by itself; return its exit status.
        Raise MachineTimeout (the machine is left running) otherwise."""
        deadline = self._deadline(timeout)
        try:
            self.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        self._settle()
        if self.expired or self.proc.poll() is None:
            limit = timeout if timeout is not None else self.timeout
            raise MachineTimeout(self.describe(
                f"{self.kind} still running {limit} s after waiting for it to exit"))
        self.serial.join()
        return self.proc.returncode
