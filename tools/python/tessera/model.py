# SPDX-License-Identifier: GPL-2.0-only
"""The domain model shared by every configuration format.

Memory sizes are MiB. validate() returns (field, message) pairs; the format
readers turn the field into a location in the file they read.
"""
import re
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import List, Optional

TYPES = ("pvh", "hvm")
ACTIONS = ("destroy", "restart", "rename-restart", "preserve",
           "coredump-destroy", "coredump-restart", "soft-reset")
DISK_FORMATS = ("raw", "qcow", "qcow2", "vhd", "qed")
DISK_ACCESS = ("rw", "ro")
DISK_DEVTYPES = ("disk", "cdrom")
DISK_BACKENDTYPES = ("phy", "qdisk", "tap")
VIF_TYPES = ("ioemu", "vif")

MAX_MEMORY_MIB = 16 * 1024 * 1024
MAX_VCPUS = 128
MAX_CPU = 4095

NAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")
VDEV_RE = re.compile(r"(xvd|hd|sd)[a-z]{1,3}[0-9]{0,2}\Z")
MAC_RE = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}\Z")
IFNAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,15}\Z")
RATE_RE = re.compile(r"[0-9]+[KMG]?[Bb]/s(@[0-9]+[mu]?s)?\Z")
CPU_ITEM_RE = re.compile(r"\^?([0-9]+)(-([0-9]+))?\Z")


@dataclass
class Disk:
    target: str = ""
    vdev: str = ""
    format: str = "raw"
    access: str = "rw"
    devtype: str = "disk"
    backend: Optional[str] = None
    backendtype: Optional[str] = None
    script: Optional[str] = None


@dataclass
class Vif:
    mac: Optional[str] = None
    bridge: Optional[str] = None
    ip: Optional[str] = None
    type: Optional[str] = None
    model: Optional[str] = None
    vifname: Optional[str] = None
    script: Optional[str] = None
    backend: Optional[str] = None
    rate: Optional[str] = None
    mtu: Optional[int] = None


@dataclass
class Domain:
    name: str = ""
    type: str = "pvh"
    uuid: Optional[str] = None
    memory: Optional[int] = None
    maxmem: Optional[int] = None
    vcpus: int = 1
    cpus: Optional[str] = None
    pool: Optional[str] = None
    kernel: Optional[str] = None
    ramdisk: Optional[str] = None
    cmdline: Optional[str] = None
    on_poweroff: str = "destroy"
    on_reboot: str = "restart"
    on_crash: str = "destroy"
    disks: List[Disk] = field(default_factory=list)
    vifs: List[Vif] = field(default_factory=list)


def check_cpulist(text):
    """Return None if TEXT is a valid xl cpu list ("all", "0-3,^2,6"), else why not."""
    if text == "all":
        return None
    if not text:
        return "empty cpu list"
    for item in text.split(","):
        m = CPU_ITEM_RE.match(item.strip())
        if not m:
            return f"bad cpu list item '{item}'"
        lo = int(m.group(1))
        hi = int(m.group(3)) if m.group(3) else lo
        if hi < lo:
            return f"bad cpu range '{item}'"
        if hi > MAX_CPU:
            return f"cpu {hi} out of range (max {MAX_CPU})"
    return None


def _choice(errs, path, value, allowed):
    if value not in allowed:
        errs.append((path, f"invalid {path.split('.')[-1]} '{value}' "
                           f"(one of: {', '.join(allowed)})"))


def _validate_disk(d, p, errs):
    if not d.vdev:
        errs.append((f"{p}.vdev", "disk has no vdev"))
    elif not VDEV_RE.match(d.vdev):
        errs.append((f"{p}.vdev", f"invalid vdev '{d.vdev}'"))
    if not d.target and d.devtype != "cdrom":
        errs.append((f"{p}.target", "disk has no target (only a cdrom may be empty)"))
    _choice(errs, f"{p}.format", d.format, DISK_FORMATS)
    _choice(errs, f"{p}.access", d.access, DISK_ACCESS)
    _choice(errs, f"{p}.devtype", d.devtype, DISK_DEVTYPES)
    if d.backendtype is not None:
        _choice(errs, f"{p}.backendtype", d.backendtype, DISK_BACKENDTYPES)
    if d.backend is not None and not NAME_RE.match(d.backend):
        errs.append((f"{p}.backend", f"invalid backend domain name '{d.backend}'"))
    if d.script is not None and (not d.script or d.script != d.script.strip()
                                 or "," in d.script):
        errs.append((f"{p}.script", f"invalid script '{d.script}'"))


def _validate_vif(v, p, errs):
    if v.mac is not None and not MAC_RE.match(v.mac):
        errs.append((f"{p}.mac",
                     f"invalid mac '{v.mac}' (want 6 hex octets, e.g. 00:16:3e:01:02:03)"))
    if v.type is not None:
        _choice(errs, f"{p}.type", v.type, VIF_TYPES)
    if v.vifname is not None and not IFNAME_RE.match(v.vifname):
        errs.append((f"{p}.vifname", f"invalid vifname '{v.vifname}'"))
    if v.backend is not None and not NAME_RE.match(v.backend):
        errs.append((f"{p}.backend", f"invalid backend domain name '{v.backend}'"))
    if v.rate is not None and not RATE_RE.match(v.rate):
        errs.append((f"{p}.rate", f"invalid rate '{v.rate}' (e.g. 10Mb/s or 1MB/s@20ms)"))
    if v.mtu is not None and not 68 <= v.mtu <= 65535:
        errs.append((f"{p}.mtu", f"mtu {v.mtu} out of range 68..65535"))
    for f in ("bridge", "ip", "model", "script"):
        val = getattr(v, f)
        if val is not None and (not val or any(c in val for c in ", \t\n")):
            errs.append((f"{p}.{f}", f"invalid {f} '{val}'"))


def validate(dom):
    errs = []
    if not dom.name:
        errs.append(("name", "no domain name"))
    elif not NAME_RE.match(dom.name) or dom.name.isdigit():
        errs.append(("name", f"invalid domain name '{dom.name}' (1-64 of A-Z a-z 0-9 _ . -, "
                             "not all digits)"))
    _choice(errs, "type", dom.type, TYPES)
    if dom.uuid is not None:
        try:
            if str(uuidlib.UUID(dom.uuid)) != dom.uuid:
                raise ValueError
        except ValueError:
            errs.append(("uuid", f"invalid uuid '{dom.uuid}' (want lower-case 8-4-4-4-12 hex)"))
    if dom.memory is None:
        errs.append(("memory", "no memory size (memory)"))
    elif not 1 <= dom.memory <= MAX_MEMORY_MIB:
        errs.append(("memory", f"memory {dom.memory} MiB out of range 1..{MAX_MEMORY_MIB}"))
    if dom.maxmem is not None:
        if dom.maxmem > MAX_MEMORY_MIB:
            errs.append(("maxmem", f"maxmem {dom.maxmem} MiB out of range (max {MAX_MEMORY_MIB})"))
        elif dom.memory is not None and dom.maxmem < dom.memory:
            errs.append(("maxmem", f"maxmem {dom.maxmem} MiB is below memory {dom.memory} MiB"))
    if not 1 <= dom.vcpus <= MAX_VCPUS:
        errs.append(("vcpus", f"vcpus {dom.vcpus} out of range 1..{MAX_VCPUS}"))
    if dom.cpus is not None:
        why = check_cpulist(dom.cpus)
        if why:
            errs.append(("cpus", why))
    if dom.pool is not None and not NAME_RE.match(dom.pool):
        errs.append(("pool", f"invalid pool name '{dom.pool}'"))
    if dom.type == "pvh" and not dom.kernel:
        errs.append(("kernel", "a pvh domain needs a kernel"))
    for f in ("kernel", "ramdisk"):
        if getattr(dom, f) == "":
            errs.append((f, f"empty {f} path"))
    if (dom.ramdisk or dom.cmdline) and not dom.kernel:
        errs.append(("ramdisk" if dom.ramdisk else "cmdline",
                     "ramdisk and cmdline need a kernel"))
    for f in ("on_poweroff", "on_reboot", "on_crash"):
        _choice(errs, f, getattr(dom, f), ACTIONS)
    seen = {}
    for i, d in enumerate(dom.disks):
        _validate_disk(d, f"disks.{i}", errs)
        if d.vdev and d.vdev in seen:
            errs.append((f"disks.{i}.vdev", f"vdev '{d.vdev}' already used by disk {seen[d.vdev]}"))
        seen.setdefault(d.vdev, i)
    macs = {}
    for i, v in enumerate(dom.vifs):
        _validate_vif(v, f"vifs.{i}", errs)
        if v.mac and v.mac in macs:
            errs.append((f"vifs.{i}.mac", f"mac '{v.mac}' already used by vif {macs[v.mac]}"))
        if v.mac:
            macs.setdefault(v.mac, i)
    return errs
