# SPDX-License-Identifier: GPL-2.0-only
"""The DISKSPEC mini-language of xl-disk-configuration(5)."""
from tessera.model import Disk
from tessera.specsplit import SpecError, items

POSITIONAL = ("target", "format", "vdev", "access")
KEYS = POSITIONAL + ("devtype", "backend", "backendtype", "script")
ACCESS_ALIASES = {"r": "ro", "ro": "ro", "w": "rw", "rw": "rw"}


def parse(text):
    """Parse TEXT into (Disk, {field: offset}); raise SpecError on bad syntax."""
    disk = Disk()
    where = {}
    given = set()
    for off, key, value in items(text, stop_key="target"):
        if key is None:
            if value == "cdrom":
                key, value = "devtype", "cdrom"
            else:
                free = [p for p in POSITIONAL if p not in given]
                if not free and value == "":
                    continue
                if not free:
                    raise SpecError(off, f"too many positional parameters at '{value}'")
                key = free[0]
        if key not in KEYS:
            raise SpecError(off, f"unknown disk parameter '{key}'")
        if key in given and not (key == "target" and not disk.target):
            raise SpecError(off, f"disk parameter '{key}' given twice")
        given.add(key)
        if key != "target":
            value = value.rstrip()
        if value == "":
            continue
        where[key] = off
        if key == "access":
            value = ACCESS_ALIASES.get(value, value)
        if key == "vdev" and value.endswith(":cdrom"):
            value = value[:-len(":cdrom")]
            disk.devtype = "cdrom"
        setattr(disk, key, value)
    if disk.devtype == "cdrom" and "access" not in where:
        disk.access = "ro"
    return disk, where


def format(disk):
    parts = [f"format={disk.format}", f"vdev={disk.vdev}", f"access={disk.access}"]
    if disk.devtype != "disk":
        parts.append(f"devtype={disk.devtype}")
    for k in ("backend", "backendtype", "script"):
        v = getattr(disk, k)
        if v is not None:
            parts.append(f"{k}={v}")
    parts.append(f"target={disk.target}")
    return ", ".join(parts)
