# SPDX-License-Identifier: GPL-2.0-only
"""The hypervisor subcommands and libtess on the host, outside dom0: what
can be checked without a hypervisor. libtess-test's record accessors and
CPU-list parser; `tess info|list|create|destroy|...` saying they are not in
dom0 with exit status 1; `tess create` reading and checking its file (and
key=value overrides) before it asks for anything, so that configuration
errors are status 3 with FILE:LINE:COL. The rest runs in dom0:
tests/integration/test_tess_dom0.py."""
import os
import subprocess

import pytest

from tesshelpers import REPO, build_dir

NOT_DOM0 = "tess: not in the control domain: no /dev/xen/privcmd\n"
GOOD = """name = "m1"
memory = 32
vcpus = 1
kernel = "/usr/lib/tessera/test/mini.elf"
"""


@pytest.fixture(scope="module", autouse=True)
def built():
    subprocess.run(["make", "-s", "-C", REPO, f"O={build_dir()}",
                    os.path.join(build_dir(), "bin", "libtess-test"),
                    os.path.join(build_dir(), "lib", "libtess.so")], check=True)
    assert not os.path.exists("/dev/xen/privcmd"), "these tests need a host outside dom0"


def test_libtess_records():
    r = subprocess.run([os.path.join(build_dir(), "bin", "libtess-test"), "records"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "FAIL" not in r.stdout, r.stdout
    assert r.stdout.count("PASS") >= 20


def test_libtess_probe_outside_dom0():
    r = subprocess.run([os.path.join(build_dir(), "bin", "libtess-test"), "probe"],
                       capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == "libtess-test: not in the control domain: no /dev/xen/privcmd\n"


@pytest.mark.parametrize("cmd", [["info"], ["list", "--json"], ["destroy", "1"],
                                 ["pause", "web"], ["unpause", "2"], ["shutdown", "-w", "x"],
                                 ["vcpu-list"], ["vcpu-pin", "x", "all", "1"], ["sched-get"],
                                 ["sched-set", "x", "-w", "9"], ["cpupool-list", "--json"],
                                 ["cpupool-create", "p", "-s", "dedicated"],
                                 ["cpupool-destroy", "p"], ["cpupool-cpu-add", "p", "1-2"],
                                 ["cpupool-cpu-remove", "p", "1"], ["cpupool-migrate", "x", "p"],
                                 ["dmesg"]])
def test_outside_dom0(tess, cmd):
    r = tess(*cmd)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", NOT_DOM0)


@pytest.mark.parametrize("cmd", [["sched-set", "x"], ["cpupool-cpu-add", "p", "1-"],
                                 ["cpupool-cpu-remove", "p", "a"],
                                 ["cpupool-create", "p", "-s", "fifo"], ["vcpu-pin", "x", "0"]])
def test_usage_errors_before_dom0(tess, cmd):
    """Bad arguments are status 2 even outside dom0: checked first."""
    r = tess(*cmd)
    assert r.returncode == 2 and r.stdout == "", r.stderr


def write(tmp_path, text, name="d.cfg"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_create_checks_the_file_first(tess, tmp_path):
    r = tess("create", write(tmp_path, GOOD))
    assert (r.returncode, r.stderr) == (1, NOT_DOM0)


def test_create_config_error_is_located(tess, tmp_path):
    path = write(tmp_path, GOOD + "vcpus = [\n")
    r = tess("create", path)
    assert r.returncode == 3 and r.stdout == ""
    assert r.stderr == f"{path}:5:9: unterminated list\n"


def test_create_override_replaces_and_is_located(tess, tmp_path):
    path = write(tmp_path, GOOD)
    r = tess("create", path, "memory=64", 'name="m2"')
    assert (r.returncode, r.stderr) == (1, NOT_DOM0)
    r = tess("create", path, "memory=64", 'memory="lots"')
    assert (r.returncode, r.stderr) == (3, f"{path}:6:8: 'memory' must be a number\n")
    r = tess("create", path, "disk=")
    assert r.returncode == 3 and f"{path}:5:6: expected a value" in r.stderr


@pytest.mark.parametrize("extra, code, message", [
    ("memory = 33\n", 3, "memory 33 MiB is not a multiple of 2 MiB"),
    ('type = "hvm"\n', 1, "tess create builds pvh domains only"),
    ('disk = ["/dev/sdb,raw,xvda,rw"]\n', 1, "disks and network interfaces have no backend"),
])
def test_create_refuses_what_it_cannot_build(tess, tmp_path, extra, code, message):
    text = GOOD.replace("memory = 32\n", "") if extra.startswith("memory") else GOOD
    r = tess("create", write(tmp_path, text + extra))
    assert r.returncode == code and message in r.stderr, r.stderr


def test_create_xml_takes_no_overrides(tess, tmp_path):
    path = write(tmp_path, "<domain type='xen'/>", "d.xml")
    r = tess("create", path, "memory=64")
    assert r.returncode == 2 and "key=value settings go with xl.cfg files only" in r.stderr
