# SPDX-License-Identifier: GPL-2.0-only
"""The check lines every dom0 rc.local script prints, put in front of the
script by harness/dom0.py (after its CONFIG line; the scripts run alone in
dom0 and import nothing of the harness): "dom0-check: PASS|FAIL|SKIP
<name> <detail>" through report(), and @check(name), which runs a check at
once and reports an exception as its failure."""
results = []


def report(status, name, detail=""):
    results.append(status)
    print(f"dom0-check: {status} {name} {detail}".rstrip(), flush=True)


def check(name):
    """Decorator: run the check, report an exception as its failure."""
    def wrap(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - a failed check, not a crash
            report("FAIL", name, f"{type(e).__name__}: {e}")
        return fn
    return wrap
