# SPDX-License-Identifier: GPL-2.0-only
"""One domain whose console ring dom0 serves: the mapped ring, its event
channel, its log file, the `tess console` clients attached, and what to do
when it ends.

The guest owns the ring page and is hostile: its indices are checked by
libtess against our own positions (libtess_console_take/_give), a call
takes at most RING_CHUNK bytes, and a drain takes at most DRAIN_MAX bytes
before the daemon goes on to the others, so a guest flooding its ring or
writing garbage indices can neither hang the daemon nor make it read
outside the page."""
import os

from tessera.libtess import ConsoleRing

LOG_DIR = "/var/log/tessera"
LOG_MAX = 1 << 20           # bytes per log file; one older file (.1) is kept
DRAIN_MAX = 16384           # bytes taken from one ring per pass
INPUT_MAX = 4096            # typed bytes waiting for room in in[]
CLIENT_LAG_MAX = 65536      # output queued for a client that does not read


class Served:
    def __init__(self, lt, evtchn, domid, name, actions, build):
        self.lt, self.evtchn = lt, evtchn
        self.domid, self.name = domid, name
        self.actions, self.build = actions, build
        self.clients = {}           # socket -> bytes not yet sent
        self.pending_input = b""
        self.bogus = 0
        self.log = None
        gfn, port = lt.console_ring(domid)
        self.addr = lt.map_foreign(domid, gfn)
        try:
            self.port = evtchn.bind_interdomain(domid, port)
        except Exception:
            lt.unmap_foreign(self.addr)
            raise
        self.ring = ConsoleRing(lt.lib, self.addr)
        os.makedirs(LOG_DIR, exist_ok=True)
        self.log_path = os.path.join(LOG_DIR, name + ".log")
        self.log = open(self.log_path, "ab", buffering=0)

    def note(self, text):
        """A line of the daemon's own in the log: [tess-consoled: ...]."""
        self._log(f"[tess-consoled: {text}]\n".encode())

    def _log(self, data):
        if self.log.tell() + len(data) > LOG_MAX:
            self.log.close()
            os.replace(self.log_path, self.log_path + ".1")
            self.log = open(self.log_path, "ab", buffering=0)
        self.log.write(data)

    def drain(self):
        """Takes what the guest wrote (at most DRAIN_MAX bytes) into the
        log and to the clients; feeds typed input as room allows."""
        taken = 0
        while taken < DRAIN_MAX:
            data = self.ring.take()
            if data is None:
                self.bogus += 1
                if self.bogus == 1:
                    self.note("console ring indices out of range; output dropped")
                break
            if not data:
                break
            taken += len(data)
            self._log(data)
            for c in self.clients:
                if len(self.clients[c]) < CLIENT_LAG_MAX:
                    self.clients[c] += data
        self.flush_clients()
        self.give_input()
        if taken:
            self.evtchn.notify(self.port)      # room in out[] again
        return taken

    def type(self, data):
        self.pending_input = (self.pending_input + data)[:INPUT_MAX]
        self.give_input()

    def give_input(self):
        if not self.pending_input:
            return
        n = self.ring.give(self.pending_input)
        if n is None:
            self.pending_input = b""        # its in_cons makes no sense: dropped
        elif n:
            self.pending_input = self.pending_input[n:]
            self.evtchn.notify(self.port)

    def flush_clients(self):
        """Sends without blocking; a client that does not keep up loses
        what is over CLIENT_LAG_MAX (the log keeps everything)."""
        for c, queued in list(self.clients.items()):
            if not queued:
                continue
            try:
                sent = c.send(queued)
                self.clients[c] = queued[sent:]
            except BlockingIOError:
                pass
            except OSError:
                self.detach(c)

    def attach(self, sock):
        sock.setblocking(False)
        self.clients[sock] = b""

    def detach(self, sock):
        self.clients.pop(sock, None)
        sock.close()

    def release(self):
        """Stops serving: clients closed, port unbound, page unmapped (its
        frame is held by the mapping until then), log closed."""
        for c in list(self.clients):
            self.detach(c)
        self.evtchn.unbind(self.port)
        self.lt.unmap_foreign(self.addr)
        if self.log:
            self.log.close()
