# SPDX-License-Identifier: GPL-2.0-only
"""The disk and vif spec mini-languages."""
import pytest

from tessera import diskspec, vifspec
from tessera.model import Disk, Vif
from tessera.specsplit import SpecError

LVM = Disk(target="/dev/vg/guest-volume", vdev="hda", format="raw", access="rw")
ISO = Disk(target="/srv/images/install.iso", vdev="hdc", format="raw", access="ro", devtype="cdrom")


# The equivalent spellings listed in xl-disk-configuration(5).
@pytest.mark.parametrize("spec,disk", [
    ("/dev/vg/guest-volume,,hda", LVM),
    ("/dev/vg/guest-volume,raw,hda,rw", LVM),
    ("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume", LVM),
    ("/srv/images/install.iso,,hdc,cdrom", ISO),
    ("/srv/images/install.iso,,hdc,,cdrom", ISO),
    ("/srv/images/install.iso,raw,hdc,devtype=cdrom", ISO),
    ("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/srv/images/install.iso", ISO),
    ("/srv/images/install.iso,raw,hdc:cdrom,ro", ISO),
    ("/srv/images/install.iso, raw, hdc, ro, cdrom, ", ISO),
])
def test_disk_equivalent_forms(spec, disk):
    assert diskspec.parse(spec)[0] == disk


def test_disk_target_takes_the_rest():
    d, where = diskspec.parse("vdev=xvda, target=/a b,c=d ")
    assert d.target == "/a b,c=d " and where["target"] == 11


def test_disk_keys():
    d, _ = diskspec.parse("backendtype=qdisk,backend=dd,script=block-iscsi,vdev=xvdb,"
                          "access=r,target=iqn.x")
    assert (d.backendtype, d.backend, d.script, d.access, d.target) == \
        ("qdisk", "dd", "block-iscsi", "ro", "iqn.x")


@pytest.mark.parametrize("spec,module,offset,msg", [
    ("a,raw,xvda,rw,b", diskspec, 14, "too many positional parameters at 'b'"),
    ("vdev=xvda,vdev=xvdb", diskspec, 10, "disk parameter 'vdev' given twice"),
    ("/x,raw,xvda,size=1G", diskspec, 12, "unknown disk parameter 'size'"),
    ("bridge=br0,xenbr0", vifspec, 11, "vif parameter 'xenbr0' is not key=value"),
    ("bridge=a,bridge=b", vifspec, 9, "vif parameter 'bridge' given twice"),
    ("accel=x", vifspec, 0, "unknown vif parameter 'accel'"),
])
def test_spec_errors(spec, module, offset, msg):
    with pytest.raises(SpecError) as e:
        module.parse(spec)
    assert (e.value.offset, e.value.message) == (offset, msg)


def test_disk_format_round_trip():
    d = Disk(target="/x,y", vdev="xvdb", format="qcow2", access="ro", backend="b",
             backendtype="phy", script="s")
    assert diskspec.parse(diskspec.format(d))[0] == d


def test_vif_keys():
    v, where = vifspec.parse("mac=00:16:3E:AA:BB:CC, bridge=br0,ip=10.0.0.2,type=vif,"
                             "model=e1000,vifname=v1,script=vif-route,backend=nd,"
                             "rate=5MB/s@20ms,mtu=9000")
    assert v == Vif(mac="00:16:3e:aa:bb:cc", bridge="br0", ip="10.0.0.2", type="vif",
                    model="e1000", vifname="v1", script="vif-route", backend="nd",
                    rate="5MB/s@20ms", mtu=9000)
    assert where["bridge"] == 23
    assert vifspec.parse(vifspec.format(v))[0] == v


def test_vif_empty_is_defaults():
    assert vifspec.parse("")[0] == Vif()

