# SPDX-License-Identifier: GPL-2.0-only
"""`tess dmesg`: the hypervisor's console history (its last 64 KiB)."""
import sys

from tessera.cli import ctl


def register(sub, epilog):
    p = sub.add_parser("dmesg", help="print the hypervisor's console history",
                       description="Print what the hypervisor wrote to its console, as far "
                       "back as it keeps (the last 64 KiB).", epilog=epilog)
    p.set_defaults(func=dmesg)


def dmesg(args):
    offset, out = 0, sys.stdout.buffer
    with ctl.session() as lt:
        while True:
            first, data, end = lt.console_read(offset)
            if not data:
                break
            out.write(data)
            offset = first + len(data)
            if offset >= end:
                break
    out.flush()
    return 0
