# SPDX-License-Identifier: GPL-2.0-only
"""Write a Domain as an xl.cfg(5) file that reads back to the same Domain."""
from tessera import diskspec, vifspec
from tessera.model import Domain

_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(s):
    out = []
    for c in s:
        if c in _ESC:
            out.append(_ESC[c])
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def dumps(dom: Domain):
    lines = [f"name = {quote(dom.name)}", f"type = {quote(dom.type)}"]
    if dom.uuid is not None:
        lines.append(f"uuid = {quote(dom.uuid)}")
    lines.append(f"memory = {dom.memory}")
    if dom.maxmem is not None:
        lines.append(f"maxmem = {dom.maxmem}")
    lines.append(f"vcpus = {dom.vcpus}")
    for key in ("cpus", "pool", "kernel", "ramdisk", "cmdline"):
        v = getattr(dom, key)
        if v is not None:
            lines.append(f"{key} = {quote(v)}")
    for key in ("on_poweroff", "on_reboot", "on_crash"):
        lines.append(f"{key} = {quote(getattr(dom, key))}")
    for key, items, spec in (("disk", dom.disks, diskspec), ("vif", dom.vifs, vifspec)):
        if items:
            lines.append(f"{key} = [")
            lines.extend(f"    {quote(spec.format(x))}," for x in items)
            lines.append("]")
    return "\n".join(lines) + "\n"
