# SPDX-License-Identifier: GPL-2.0-only
"""Property tests: random valid domains survive every conversion unchanged."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tessera import domxml
from tessera.model import (ACTIONS, DISK_BACKENDTYPES, DISK_FORMATS, MAX_VCPUS, VIF_TYPES,
                           Disk, Domain, Vif, validate)
from tessera.xlcfg import reader, writer

NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
# Anything printable, plus quotes and backslashes that the writers must escape.
TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24f,
                             blacklist_categories=("Cs",)), max_size=40)
WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789/_.-:", min_size=1, max_size=20)
names = st.text(NAME_CHARS, min_size=1, max_size=64).filter(lambda s: not s.isdigit())
opt = st.none().__or__


@st.composite
def cpulists(draw):
    if draw(st.booleans()):
        return "all"
    items = []
    for _ in range(draw(st.integers(1, 4))):
        lo = draw(st.integers(0, 200))
        hi = draw(st.integers(lo, 260))
        item = str(lo) if lo == hi else f"{lo}-{hi}"
        items.append(("^" if draw(st.booleans()) else "") + item)
    return ",".join(items)


@st.composite
def disks(draw, vdev):
    devtype = draw(st.sampled_from(["disk", "cdrom"]))
    target = draw(TEXT.filter(lambda s: s.strip() == s))
    if devtype == "disk" and not target:
        target = "/dev/vg/x"
    return Disk(target=target, vdev=vdev, format=draw(st.sampled_from(DISK_FORMATS)),
                access=draw(st.sampled_from(["rw", "ro"])), devtype=devtype,
                backend=draw(opt(names)),
                backendtype=draw(opt(st.sampled_from(DISK_BACKENDTYPES))),
                script=draw(opt(WORD)))


@st.composite
def vifs(draw, mac):
    return Vif(mac=mac, bridge=draw(opt(WORD)), ip=draw(opt(WORD)),
               type=draw(opt(st.sampled_from(VIF_TYPES))), model=draw(opt(WORD)),
               vifname=draw(opt(st.text(NAME_CHARS, min_size=1, max_size=15))),
               script=draw(opt(WORD)), backend=draw(opt(names)),
               rate=draw(opt(st.sampled_from(["10Mb/s", "1GB/s@20ms", "500Kb/s@50us"]))),
               mtu=draw(opt(st.integers(68, 65535))))


@st.composite
def domains(draw):
    dtype = draw(st.sampled_from(["pvh", "hvm"]))
    kernel = draw(TEXT.filter(bool)) if dtype == "pvh" else draw(opt(TEXT.filter(bool)))
    memory = draw(st.integers(1, 1 << 20))
    vdevs = draw(st.lists(st.from_regex(r"(xvd|hd|sd)[a-z]{1,2}", fullmatch=True),
                          max_size=3, unique=True))
    macs = draw(st.lists(opt(st.lists(st.integers(0, 255), min_size=3, max_size=3).map(
        lambda b: "00:16:3e:" + ":".join(f"{x:02x}" for x in b))), max_size=3))
    seen = set()
    macs = [m if m not in seen and not seen.add(m) else None for m in macs]
    return Domain(
        name=draw(names), type=dtype,
        uuid=draw(opt(st.uuids().map(str))),
        memory=memory, maxmem=draw(opt(st.integers(memory, 1 << 21))),
        vcpus=draw(st.integers(1, MAX_VCPUS)), cpus=draw(opt(cpulists())),
        pool=draw(opt(names)), kernel=kernel,
        ramdisk=draw(opt(TEXT.filter(bool))) if kernel else None,
        cmdline=draw(opt(TEXT)) if kernel else None,
        on_poweroff=draw(st.sampled_from(ACTIONS)), on_reboot=draw(st.sampled_from(ACTIONS)),
        on_crash=draw(st.sampled_from(ACTIONS)),
        disks=[draw(disks(v)) for v in vdevs], vifs=[draw(vifs(m)) for m in macs])


SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(domains())
def test_generated_domains_are_valid(dom):
    assert validate(dom) == []


@SETTINGS
@given(domains())
def test_model_xl_model(dom):
    assert reader.loads(writer.dumps(dom)) == dom


@SETTINGS
@given(domains())
def test_model_xml_model(dom):
    assert domxml.loads(domxml.dumps(dom)) == dom


@SETTINGS
@given(domains())
def test_xl_xml_xl(dom):
    text = writer.dumps(dom)
    again = writer.dumps(domxml.loads(domxml.dumps(reader.loads(text))))
    assert again == text
