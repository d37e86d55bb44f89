# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the rc.local scripts that drive `tess` in dom0
(dom0_tess_checks.py, dom0_scale_checks.py), put in front of them by
harness/dom0.py (Dom0Run(..., helpers=[TESS_LIB])), after dom0_report.py:
the scripts run alone in dom0 and import nothing of the harness."""
import json
import os
import subprocess
import time


def expect(name, ok, detail):
    report("PASS" if ok else "FAIL", name, detail)  # noqa: F821 - dom0_report.py's


def tess(*args, timeout=300):
    return subprocess.run(["tess", *args], capture_output=True, text=True, timeout=timeout)


def short(r):
    """rc and the first words of what it said; a Python traceback's last
    lines go to the console too, for the host's log."""
    if r.returncode and "Traceback" in (r.stderr or ""):
        for line in r.stderr.strip().splitlines()[-6:]:
            print(f"dom0-tess: traceback| {line[:110]}", flush=True)
    return f"rc {r.returncode} {(r.stderr or r.stdout).strip()}"[:90]


def tess_json(*args):
    r = tess(*args, "--json")
    if r.returncode:
        raise RuntimeError(short(r))
    return json.loads(r.stdout)


def info():
    return tess_json("info")


def domains():
    return {d["name"]: d for d in tess_json("list")}


def free_pages():
    return info()["free_pages"]


def wait_until(what, cond, timeout):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.5)


def run_checks(checks, config):
    """Run checks(), a failure escaping it reported as the check "script";
    then the closing count line and, if config says so, power-off."""
    try:
        checks()
    except Exception as e:  # noqa: BLE001 - say it, still power off
        report("FAIL", "script", f"{type(e).__name__}: {e}")  # noqa: F821
    print(f"dom0-check: done {results.count('PASS')} passed "  # noqa: F821
          f"{results.count('FAIL')} failed", flush=True)
    if config.get("poweroff"):
        os.execv("/usr/sbin/dom0-poweroff", ["dom0-poweroff"])
