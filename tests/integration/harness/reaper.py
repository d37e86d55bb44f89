# SPDX-License-Identifier: GPL-2.0-only
"""Makes sure no emulator outlives the test run: every started process is
registered here and killed at interpreter exit, and (on Linux) is asked to
receive SIGKILL when the Python process that started it dies."""
import atexit
import ctypes
import os
import signal
import threading

_live = set()
_lock = threading.Lock()
_PR_SET_PDEATHSIG = 1

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:
    _libc = None


def child_setup():
    """preexec_fn for Popen: die with the parent. (PDEATHSIG follows the
    *thread* that forked, so start machines from a long-lived thread.)"""
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def register(proc):
    with _lock:
        _live.add(proc)


def unregister(proc):
    with _lock:
        _live.discard(proc)


def kill(proc, grace=0.0):
    """Stop a process and its process group (it was started as a session
    leader); SIGTERM first when grace > 0, then SIGKILL. Reaps it."""
    if proc.poll() is None:
        try:
            if grace > 0:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(grace)
                except Exception:
                    pass
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(5)
    except Exception:
        pass
    unregister(proc)


@atexit.register
def _kill_all():
    with _lock:
        procs = list(_live)
    for p in procs:
        kill(p)
