# SPDX-License-Identifier: GPL-2.0-only
"""`tess console DOM`: the domain's PV console, through tess-consoled. On a
terminal it is put in raw mode; Ctrl-] leaves (the domain goes on). What
is typed goes to the domain's console ring. It ends by itself when the
domain ends."""
import os
import select
import sys
import termios
import tty

from tessera.cli import ctl
from tessera.cli.exitcodes import FAILED, Failure
from tessera.consoled import client

ESCAPE = b"\x1d"        # Ctrl-]


def register(sub, epilog):
    p = sub.add_parser("console", help="attach to a domain's console (Ctrl-] leaves)",
                       description="Attach to the PV console of DOM (its name or id), "
                       "served by tess-consoled: its output appears here, what is typed "
                       "goes to it. Ctrl-] detaches; the domain goes on.", epilog=epilog)
    p.add_argument("dom", metavar="DOM")
    p.set_defaults(func=console)


def open_console(domid):
    """A socket the domain's console flows through; Failure if not served."""
    sock = client.connect()
    if sock is None:
        raise Failure(FAILED, "tess-consoled is not running")
    try:
        client.request(sock, op="console", domid=domid)
    except client.DaemonError as e:
        sock.close()
        raise Failure(FAILED, str(e)) from None
    return sock


def run(sock):
    """Copies both ways until Ctrl-] or the domain's end (the end of input
    only stops the copying in); 0."""
    fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
    saved = termios.tcgetattr(fd_in) if os.isatty(fd_in) else None
    watched = [sock, fd_in]
    if saved:
        # TCSANOW: tty.setraw's default (TCSAFLUSH) would drop what was
        # typed while tess was starting.
        tty.setraw(fd_in, termios.TCSANOW)
    try:
        while True:
            ready, _, _ = select.select(watched, [], [])
            if sock in ready:
                data = sock.recv(4096)
                if not data:
                    break
                os.write(fd_out, data)
            if fd_in in ready:
                data = os.read(fd_in, 1024)
                if not data:
                    watched.remove(fd_in)
                    continue
                if ESCAPE in data:
                    sock.sendall(data[:data.index(ESCAPE)])
                    break
                sock.sendall(data)
    finally:
        if saved:
            termios.tcsetattr(fd_in, termios.TCSADRAIN, saved)
        sock.close()
    return 0


def console(args):
    with ctl.session() as lt:
        domid = ctl.resolve(lt, args.dom)
    return run(open_console(domid))
