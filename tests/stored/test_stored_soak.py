# SPDX-License-Identifier: GPL-2.0-only
"""Many clients at once: transactional increments never lose an update and
every change reaches every watcher: one event per change, except that an
event identical to one still queued in the daemon for that watcher is
merged with it (xenstore's rule), so a watcher that falls behind may see
fewer, never none after the last change and never more."""
import collections
import os
import threading

from xsclient import XsError

TX_CLIENTS, TX_INCS = 6, int(os.environ.get("STORED_SOAK_INCS", "300"))
WRITERS, WRITES = 4, int(os.environ.get("STORED_SOAK_WRITES", "1000"))
WATCHERS = 3


def test_soak(daemon, xs):
    xs.write("/soak/counter", "0")
    errors, commits, retries = [], [0], [0]
    lock = threading.Lock()
    seen = [collections.Counter() for _ in range(WATCHERS)]
    ready = threading.Barrier(WATCHERS + 1)

    def watcher(i):
        try:
            c = daemon.client()
            c.watch("/soak", "tok")
            assert c.wait_event() == (b"/soak", b"tok")
            ready.wait()
            while True:
                path, tok = c.wait_event()
                assert tok == b"tok"
                if path == b"/soak/done":
                    break
                seen[i][path.decode()] += 1
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    def incrementer():
        try:
            c = daemon.client()
            for _ in range(TX_INCS):
                while True:
                    t = c.tx_start()
                    v = int(c.read("/soak/counter", tx=t))
                    c.write("/soak/counter", str(v + 1), tx=t)
                    try:
                        c.tx_end(t)
                        with lock:
                            commits[0] += 1
                        break
                    except XsError as e:
                        assert e.err == "EAGAIN"
                        with lock:
                            retries[0] += 1
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    def writer(i):
        try:
            c = daemon.client()
            for j in range(WRITES):
                c.write(f"/soak/w{i}", str(j))
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    ws = [threading.Thread(target=watcher, args=(i,)) for i in range(WATCHERS)]
    for t in ws:
        t.start()
    ready.wait()
    workers = [threading.Thread(target=incrementer) for _ in range(TX_CLIENTS)]
    workers += [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(240)
    xs.write("/soak/done", "")
    for t in ws:
        t.join(60)
    assert not errors, errors
    assert int(xs.read("/soak/counter")) == TX_CLIENTS * TX_INCS   # no lost update
    assert commits[0] == TX_CLIENTS * TX_INCS
    for s in seen:
        assert 1 <= s["/soak/counter"] <= TX_CLIENTS * TX_INCS, s
        for i in range(WRITERS):
            assert 1 <= s[f"/soak/w{i}"] <= WRITES, s
        assert set(s) == {"/soak/counter"} | {f"/soak/w{i}" for i in range(WRITERS)}
    print(f"soak: {commits[0]} commits, {retries[0]} EAGAIN retries, events seen "
          f"{[sum(s.values()) for s in seen]} of {TX_CLIENTS * TX_INCS + WRITERS * WRITES}")
