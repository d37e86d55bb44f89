# SPDX-License-Identifier: GPL-2.0-only
"""Domain XML in the shape of libvirt's domain format, validated with the
RelaxNG schema shipped in tessera/schemas/domain.rng.

libxml2 gives elements a line but no column; the column reported for an
element is where its start tag appears on that line.
"""
import os

from lxml import etree

from tessera.errors import ConfigError, Problem
from tessera.model import Disk, Domain, Vif, validate

NS = "https://tessera.dev/xmlns/domain/1"
T = "{%s}" % NS
SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "schemas", "domain.rng")
UNITS = {"b": 1, "bytes": 1, "KB": 10**3, "k": 2**10, "KiB": 2**10,
         "MB": 10**6, "M": 2**20, "MiB": 2**20, "GB": 10**9, "G": 2**30,
         "GiB": 2**30, "TB": 10**12, "T": 2**40, "TiB": 2**40}
PVH_OS_TYPES = ("xen", "linux", "xenpvh")
DRIVER_NAMES = {"phy": "phy", "qemu": "qdisk", "tap": "tap"}
BUSES = {"xvd": "xen", "hd": "ide", "sd": "scsi"}

DISK_LOCATIONS = {"vdev": ("target", "dev"), "target": ("source", None),
                  "format": ("driver", "type"), "backendtype": ("driver", "name"),
                  "backend": ("backenddomain", "name"), "script": (T + "script", "path")}
VIF_LOCATIONS = {"mac": ("mac", "address"), "bridge": ("source", "bridge"),
                 "ip": ("ip", "address"), "model": ("model", "type"),
                 "script": ("script", "path"), "vifname": ("target", "dev"),
                 "backend": ("backenddomain", "name"), "mtu": ("mtu", "size"),
                 "type": (T + "vif", "type"), "rate": (T + "vif", "rate")}

_schema = None


def schema():
    global _schema
    if _schema is None:
        _schema = etree.RelaxNG(etree.parse(SCHEMA_PATH))
    return _schema


class _Locator:
    def __init__(self, text):
        self.lines = text.splitlines()

    def at(self, el, attr=None):
        line = el.sourceline or 1
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        col = src.find("<" + etree.QName(el).localname)
        if attr is not None and col >= 0:
            acol = src.find(attr + "=", col)
            col = acol if acol >= 0 else col
        return line, (col + 1 if col >= 0 else 1)


def loads(text, filename="<string>"):
    """Parse domain XML TEXT into a Domain; raise ConfigError on any problem."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line, col = e.position
        raise ConfigError(filename, [Problem(line, col, e.msg)]) from None
    loc = _Locator(data.decode("utf-8", "replace"))
    if root.tag != "domain" or root.get("type") != "xen":
        line, col = loc.at(root)
        raise ConfigError(filename, [Problem(line, col, f"expected <domain type='xen'>, found "
                                             f"<{root.tag} type='{root.get('type')}'>")])
    rng = schema()
    if not rng.validate(root):
        problems = []
        seen = set()
        tree = root.getroottree()
        for entry in rng.error_log:
            line, col = entry.line, entry.column or 1
            nodes = tree.xpath(entry.path) if entry.path else []
            if nodes and isinstance(nodes[0], etree._Element):
                line, col = loc.at(nodes[0])
            if (line, col, entry.message) not in seen and line > 0:
                seen.add((line, col, entry.message))
                problems.append(Problem(line, col, entry.message))
        raise ConfigError(filename, problems or [Problem(1, 1, "does not match the schema")])
    problems = _cardinality(root, loc)
    if problems:
        raise ConfigError(filename, problems)
    dom, where = _build(root, loc)
    problems = list(where.get("#errors", []))
    for path, message in validate(dom) if not problems else []:
        p = path
        while p and p not in where:
            p = p.rpartition(".")[0]
        line, col = where.get(p, (root.sourceline, loc.at(root)[1]))
        problems.append(Problem(line, col, message))
    if problems:
        problems.sort(key=lambda p: (p.line, p.col))
        raise ConfigError(filename, problems)
    return dom


# For each element: the children it must have, and those it may have once.
REQUIRED = {"domain": ("name", "memory", "os"), "os": ("type",), "disk": ("target",)}
ONCE = {"domain": ("name", "uuid", "memory", "currentMemory", "vcpu", "os", "on_poweroff",
                   "on_reboot", "on_crash", "metadata", "devices"),
        "os": ("type", "kernel", "initrd", "cmdline"),
        "metadata": (T + "pool",),
        "disk": ("driver", "source", "target", "readonly", "backenddomain", T + "script"),
        "interface": ("mac", "source", "ip", "model", "script", "target", "backenddomain",
                      "mtu", T + "vif")}


def _cardinality(root, loc):
    problems = []
    for el in root.iter():
        if el.tag not in ONCE:
            continue
        seen = {}
        for child in el:
            if child.tag in ONCE[el.tag]:
                if child.tag in seen:
                    line, col = loc.at(child)
                    problems.append(Problem(line, col, f"<{etree.QName(child).localname}> "
                                            f"given twice in <{el.tag}> (first at line "
                                            f"{seen[child.tag]})"))
                seen.setdefault(child.tag, child.sourceline)
        for tag in REQUIRED.get(el.tag, ()):
            if tag not in seen:
                line, col = loc.at(el)
                problems.append(Problem(line, col, f"<{el.tag}> has no <{tag}>"))
    return problems


def _mib(el, loc, where, path):
    unit = el.get("unit", "KiB")
    nbytes = int(el.text) * UNITS[unit]
    if nbytes % 2**20:
        line, col = loc.at(el)
        where.setdefault("#errors", []).append(
            Problem(line, col, f"<{el.tag}> {el.text} {unit} is not a whole number of MiB"))
    return nbytes // 2**20


def _build(root, loc):
    dom = Domain()
    where = {}

    def text(tag, field, parent=root):
        el = parent.find(tag)
        if el is not None:
            setattr(dom, field, el.text or "")
            where[field] = loc.at(el)

    text("name", "name")
    text("uuid", "uuid")
    mem = root.find("memory")
    cur = root.find("currentMemory")
    if cur is not None:
        dom.memory = _mib(cur, loc, where, "memory")
        dom.maxmem = _mib(mem, loc, where, "maxmem")
        where["memory"], where["maxmem"] = loc.at(cur), loc.at(mem)
    else:
        dom.memory = _mib(mem, loc, where, "memory")
        where["memory"] = loc.at(mem)
    vcpu = root.find("vcpu")
    if vcpu is not None:
        dom.vcpus = int(vcpu.text)
        where["vcpus"] = loc.at(vcpu)
        if vcpu.get("cpuset") is not None:
            dom.cpus = vcpu.get("cpuset")
            where["cpus"] = loc.at(vcpu, "cpuset")
    os_el = root.find("os")
    ostype = os_el.find("type")
    dom.type = "pvh" if ostype.text in PVH_OS_TYPES else "hvm"
    where["type"] = loc.at(ostype)
    text("kernel", "kernel", os_el)
    text("initrd", "ramdisk", os_el)
    text("cmdline", "cmdline", os_el)
    if dom.type == "pvh" and "kernel" not in where:
        where["kernel"] = loc.at(os_el)
    for action in ("on_poweroff", "on_reboot", "on_crash"):
        text(action, action)
    pool = root.find(f"metadata/{T}pool")
    if pool is not None:
        dom.pool = pool.text or ""
        where["pool"] = loc.at(pool)
    devices = root.find("devices")
    for el in devices if devices is not None else []:
        if el.tag == "disk":
            p = f"disks.{len(dom.disks)}"
            dom.disks.append(_disk(el))
            fields = DISK_LOCATIONS
        elif el.tag == "interface":
            p = f"vifs.{len(dom.vifs)}"
            dom.vifs.append(_vif(el))
            fields = VIF_LOCATIONS
        else:
            continue
        where[p] = loc.at(el)
        for field, (tag, attr) in fields.items():
            child = el.find(tag)
            if child is not None:
                where[f"{p}.{field}"] = loc.at(child, attr)
    return dom, where


def _disk(el):
    d = Disk()
    d.devtype = el.get("device", "disk")
    drv = el.find("driver")
    if drv is not None:
        if drv.get("name"):
            d.backendtype = DRIVER_NAMES[drv.get("name")]
        d.format = drv.get("type", "raw")
    src = el.find("source")
    if src is not None:
        d.target = src.get("file") if src.get("file") is not None else src.get("dev")
    d.vdev = el.find("target").get("dev")
    d.access = "ro" if el.find("readonly") is not None else "rw"
    bd = el.find("backenddomain")
    if bd is not None:
        d.backend = bd.get("name")
    sc = el.find(f"{T}script")
    if sc is not None:
        d.script = sc.get("path")
    return d


def _vif(el):
    v = Vif()
    for tag, attr, field in (("mac", "address", "mac"), ("source", "bridge", "bridge"),
                             ("ip", "address", "ip"), ("model", "type", "model"),
                             ("script", "path", "script"), ("target", "dev", "vifname"),
                             ("backenddomain", "name", "backend"), ("mtu", "size", "mtu"),
                             (f"{T}vif", "type", "type"), (f"{T}vif", "rate", "rate")):
        child = el.find(tag)
        if child is not None and child.get(attr) is not None:
            setattr(v, field, child.get(attr))
    if v.mtu is not None:
        v.mtu = int(v.mtu)
    if v.mac is not None:
        v.mac = v.mac.lower()
    return v


def load(path):
    with open(path, "rb") as f:
        return loads(f.read(), path)


def dumps(dom: Domain):
    E = etree.Element
    S = etree.SubElement
    root = E("domain", type="xen", nsmap={"tessera": NS})
    S(root, "name").text = dom.name
    if dom.uuid is not None:
        S(root, "uuid").text = dom.uuid
    if dom.maxmem is not None:
        S(root, "memory", unit="MiB").text = str(dom.maxmem)
        S(root, "currentMemory", unit="MiB").text = str(dom.memory)
    else:
        S(root, "memory", unit="MiB").text = str(dom.memory)
    vcpu = S(root, "vcpu")
    vcpu.text = str(dom.vcpus)
    if dom.cpus is not None:
        vcpu.set("cpuset", dom.cpus)
    if dom.pool is not None:
        S(S(root, "metadata"), T + "pool").text = dom.pool
    os_el = S(root, "os")
    S(os_el, "type", arch="x86_64").text = "hvm" if dom.type == "hvm" else "xen"
    for field, tag in (("kernel", "kernel"), ("ramdisk", "initrd"), ("cmdline", "cmdline")):
        if getattr(dom, field) is not None:
            S(os_el, tag).text = getattr(dom, field)
    for action in ("on_poweroff", "on_reboot", "on_crash"):
        S(root, action).text = getattr(dom, action)
    if dom.disks or dom.vifs:
        devices = S(root, "devices")
        for d in dom.disks:
            _dump_disk(S, devices, d)
        for v in dom.vifs:
            _dump_vif(S, devices, v)
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def _dump_disk(S, devices, d):
    block = d.target.startswith("/dev/")
    el = S(devices, "disk", type="block" if block else "file", device=d.devtype)
    drv = S(el, "driver", type=d.format)
    if d.backendtype is not None:
        drv.set("name", {v: k for k, v in DRIVER_NAMES.items()}[d.backendtype])
    if d.target:
        S(el, "source", **{"dev" if block else "file": d.target})
    tgt = S(el, "target", dev=d.vdev)
    for prefix, bus in BUSES.items():
        if d.vdev.startswith(prefix):
            tgt.set("bus", bus)
    if d.access == "ro":
        S(el, "readonly")
    if d.backend is not None:
        S(el, "backenddomain", name=d.backend)
    if d.script is not None:
        S(el, T + "script", path=d.script)


def _dump_vif(S, devices, v):
    el = S(devices, "interface", type="bridge" if v.bridge is not None else "ethernet")
    for tag, attr, field in (("mac", "address", "mac"), ("source", "bridge", "bridge"),
                             ("ip", "address", "ip"), ("model", "type", "model"),
                             ("script", "path", "script"), ("target", "dev", "vifname"),
                             ("backenddomain", "name", "backend"), ("mtu", "size", "mtu")):
        if getattr(v, field) is not None:
            S(el, tag, **{attr: str(getattr(v, field))})
    if v.type is not None or v.rate is not None:
        tv = S(el, T + "vif")
        if v.type is not None:
            tv.set("type", v.type)
        if v.rate is not None:
            tv.set("rate", v.rate)
