# SPDX-License-Identifier: GPL-2.0-only
"""The daemon's loop: one thread, select() over the listening socket,
/dev/xen/evtchn and the attached clients, with a pass over every ring each
POLL_S as well (a guest that never notifies is still heard).

VIRQ_DOM_EXC (raised to dom0 whenever a domain ends) makes it look at every
domain it serves: one gone (destroyed by `tess destroy`) is let go; one
ended and kept by the hypervisor (TESS_CREATE_KEEP: state shutdown, its end
reason readable) gets its last output taken and its on_* action:
  poweroff (and suspend) -> on_poweroff, reboot -> on_reboot,
  crash and watchdog     -> on_crash;
destroy and coredump-destroy destroy it, restart and coredump-restart
destroy it and build it again from what `tess create` handed over (a new
id, the same name and log), preserve leaves it listed until `tess destroy`
(no dump is written: coredump-* are their plain forms).

VIRQ_DOM_EXC can be bound once in dom0: if another daemon holds it (a
store raising @releaseDomain from it, as Xen's xenstored does), this one
looks at its domains' states every POLL_S instead."""
import errno
import faulthandler
import os
import select
import socket
import sys
import time
import traceback

from tessera.consoled import client
from tessera.consoled.served import Served
from tessera.store import domain as store_domain
from tessera.store.client import StoreError, StoreUnreachable
from tessera.libtess import (CREATE_CONSOLE_DOM0, CREATE_KEEP, VIRQ_DOM_EXC, CtlError,
                             Evtchn, Libtess)

POLL_S = 0.5
REQUEST_TIMEOUT_S = 2.0
KIND_OF_END = {0: "poweroff", 1: "reboot", 2: "poweroff", 3: "crash", 4: "crash"}
PLAIN_ACTION = {"coredump-destroy": "destroy", "coredump-restart": "restart"}


def say(text):
    print(f"tess-consoled: {text}", flush=True)


class Daemon:
    def __init__(self, path):
        self.lt = Libtess()
        self.evtchn = Evtchn(self.lt.lib)
        try:
            self.virq_port = self.evtchn.bind_virq(VIRQ_DOM_EXC)
        except CtlError as e:
            if e.errno != errno.EEXIST:
                raise
            self.virq_port = None   # bound elsewhere: polled instead
        self.served = {}            # domid -> Served
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            os.unlink(path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        os.chmod(path, 0o600)
        self.listener.listen(16)

    def run(self):
        say(f"serving, VIRQ_DOM_EXC on port {self.virq_port}" if self.virq_port is not None
            else f"serving, VIRQ_DOM_EXC bound elsewhere: domain ends polled every {POLL_S} s")
        while True:
            socks = [c for s in self.served.values() for c in s.clients]
            ready, _, _ = select.select([self.listener, self.evtchn.fd] + socks, [], [],
                                        POLL_S)
            for r in ready:
                if r is self.listener:
                    self.accept()
                elif r is self.evtchn.fd:
                    self.events()
                else:
                    self.client_input(r)
            for s in list(self.served.values()):
                self.guarded(s, s.drain)
            if self.virq_port is None and self.served:
                self.domains_ended()

    def guarded(self, s, fn, *args):
        """fn(*args) for s; a failure is logged, never the daemon's end."""
        try:
            return fn(*args)
        except (CtlError, OSError) as e:
            say(f"domain {s.domid} ({s.name}): {e}")
            return None

    def events(self):
        while True:
            port = self.evtchn.pending()
            if port is None:
                return
            if port == self.virq_port:
                self.domains_ended()
            for s in list(self.served.values()):
                if s.port == port:
                    self.guarded(s, s.drain)
            self.evtchn.unmask(port)

    def domains_ended(self):
        """Each served domain looked at on its own: one that fails to be
        handled is logged and leaves the others handled."""
        for s in list(self.served.values()):
            try:
                self.domain_ended(s)
            except Exception:   # noqa: BLE001 - the next domain still counts
                say(f"domain {s.domid}: " + traceback.format_exc().replace("\n", " | "))

    def domain_ended(self, s):
        try:
            info = self.lt.getinfo(s.domid)
        except CtlError as e:
            if e.errno != errno.ESRCH:
                raise
            s.note("domain destroyed")
            self.let_go(s)
            return
        if info["shutdown"]:
            self.guarded(s, s.drain)
            self.apply(s, KIND_OF_END.get(info["end_reason"], "crash"))

    def let_go(self, s):
        self.served.pop(s.domid, None)
        self.guarded(s, s.release)

    def apply(self, s, kind):
        action = s.actions.get("on_" + kind, "destroy")
        action = PLAIN_ACTION.get(action, action)
        s.note(f"domain {s.domid} ended ({kind}): on_{kind}={action}")
        say(f"domain {s.domid} ({s.name}) ended ({kind}): {action}")
        self.let_go(s)
        if action == "preserve":
            return
        try:
            self.lt.destroy(s.domid)
        except CtlError as e:
            say(f"domain {s.domid}: destroy: {e}")
            return
        if action == "restart":
            self.restart(s)

    def restart(self, s):
        b = s.build
        try:
            domid = self.lt.create(b["kernel"], b["ramdisk"], b["cmdline"], s.name, b["pool"],
                                   b["cpus"], b["mem_bytes"], b["vcpus"], paused=True,
                                   flags=CREATE_CONSOLE_DOM0 | CREATE_KEEP)
        except CtlError as e:
            say(f"{s.name}: restart failed: {e}")
            return
        try:
            store_domain.introduce_built(self.lt, domid, s.name, b["mem_bytes"] >> 20,
                                         b["vcpus"], b.get("uuid"), console=True)
        except (StoreError, StoreUnreachable) as e:
            say(f"{s.name}: restart as domain {domid} failed: store: {e}")
            return
        except CtlError as e:
            say(f"{s.name}: restart as domain {domid} failed: {e}")
            self.lt.destroy(domid)
            return
        try:
            self.adopt(domid, s.name, s.actions, b)
            self.served[domid].note(f"restarted as domain {domid}")
            self.lt.unpause(domid)
        except (CtlError, OSError) as e:
            say(f"{s.name}: restart as domain {domid} failed: {e}")
            self.served.pop(domid, None)
            self.lt.destroy(domid)
            store_domain.release_quietly(domid)
            return
        say(f"{s.name} restarted as domain {domid}")

    def adopt(self, domid, name, actions, build):
        if domid in self.served:
            raise CtlError(errno.EEXIST, f"domain {domid} is served already")
        self.served[domid] = Served(self.lt, self.evtchn, domid, name, actions, build)

    def accept(self):
        conn, _ = self.listener.accept()
        conn.settimeout(REQUEST_TIMEOUT_S)
        try:
            req = client.read_request(conn)
        except OSError:
            req = None
        try:
            if req is None:
                client.answer(conn, error="bad request")
            elif req.get("op") == "adopt":
                self.adopt(int(req["domid"]), str(req["name"]), dict(req["actions"]),
                           dict(req["build"]))
                client.answer(conn, ok=True)
            elif req.get("op") == "console":
                s = self.served.get(req.get("domid"))
                if s is None:
                    client.answer(conn, error=f"domain {req.get('domid')}'s console is not "
                                  "served by tess-consoled")
                else:
                    client.answer(conn, ok=True, name=s.name)
                    s.attach(conn)
                    return
            else:
                client.answer(conn, error=f"unknown request {req.get('op')!r}")
        except (CtlError, OSError, KeyError, TypeError, ValueError) as e:
            try:
                client.answer(conn, error=str(e))
            except OSError:
                pass
        conn.close()

    def client_input(self, sock):
        for s in self.served.values():
            if sock in s.clients:
                try:
                    data = sock.recv(4096)
                except BlockingIOError:
                    return
                except OSError:
                    data = b""
                if data:
                    self.guarded(s, s.type, data)
                else:
                    s.detach(sock)
                return


def main(argv=None):
    faulthandler.enable()       # a crash in C still leaves a trace in its log
    path = (argv or sys.argv[1:] or [client.SOCKET])[0]
    try:
        d = Daemon(path)
    except (CtlError, OSError) as e:
        say(f"cannot start: {e}")
        return 1
    while True:
        try:
            d.run()
        except KeyboardInterrupt:
            return 0
        except Exception:   # noqa: BLE001 - a bug must not leave every domain unserved
            say("error, going on: " + traceback.format_exc().replace("\n", " | "))
            time.sleep(POLL_S)
