# SPDX-License-Identifier: GPL-2.0-only
"""`tess` as scripts see it: help, exit statuses, JSON output, conversion."""
import argparse
import json
import os

import pytest

from tessera.cli.main import build_parser

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")
GOOD_XL = os.path.join(CORPUS, "good", "multiline-lists.cfg")
GOOD_XML = os.path.join(CORPUS, "xml", "good", "libvirt-pvh.xml")
BAD_XL = os.path.join(CORPUS, "bad", "unsupported-key.cfg")


def _commands(parser, prefix=()):
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, prefix + (name,))


COMMANDS = list(_commands(build_parser()))


def test_every_command_is_listed():
    assert ("config", "check") in COMMANDS and ("store", "watch") in COMMANDS
    assert ("create",) in COMMANDS and ("shutdown",) in COMMANDS
    assert ("reboot",) in COMMANDS and ("console",) in COMMANDS
    assert len(COMMANDS) == 31


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "tess")
def test_help_on_every_command(tess, cmd):
    r = tess(*cmd, "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("usage: tess " + " ".join(cmd))
    assert "exit status: 0 ok" in r.stdout


def test_usage_errors_exit_2(tess):
    assert tess().returncode == 2
    assert tess("config").returncode == 2
    assert tess("config", "convert", GOOD_XL, "--to", "yaml").returncode == 2
    assert tess("frobnicate").returncode == 2


def test_check_ok_and_invalid(tess):
    r = tess("config", "check", GOOD_XL, GOOD_XML)
    assert r.returncode == 0
    assert r.stdout == f"{GOOD_XL}: ok\n{GOOD_XML}: ok\n"
    r = tess("config", "check", GOOD_XL, BAD_XL)
    assert r.returncode == 3
    assert r.stderr == (f"{BAD_XL}:4:1: unsupported setting 'vnc'\n"
                        f"{BAD_XL}:5:1: unsupported setting 'serial'\n")


def test_check_json(tess):
    r = tess("config", "check", "--json", GOOD_XL, BAD_XL, "/nonexistent.cfg")
    assert r.returncode == 3
    report = json.loads(r.stdout)
    assert [e["ok"] for e in report] == [True, False, False]
    assert report[1]["errors"][0] == {"line": 4, "col": 1, "message": "unsupported setting 'vnc'"}


def test_missing_file_exits_1(tess):
    r = tess("config", "show", "/nonexistent.cfg")
    assert r.returncode == 1 and "No such file" in r.stderr


def test_show(tess):
    r = tess("config", "show", GOOD_XL)
    assert r.returncode == 0 and "memory:       4096 MiB\n" in r.stdout
    r = tess("config", "show", "--json", GOOD_XML)
    assert json.loads(r.stdout)["pool"] == "web"
    assert tess("config", "show", BAD_XL).returncode == 3


def test_convert_xl_xml_xl(tess, tmp_path):
    xml = tmp_path / "d.xml"
    r = tess("config", "convert", GOOD_XL, "--to", "xml", "-o", str(xml))
    assert r.returncode == 0 and xml.read_text().startswith("<domain")
    back = tess("config", "convert", str(xml), "--to", "xl")
    direct = tess("config", "convert", GOOD_XL, "--to", "xl")
    assert back.returncode == 0 and back.stdout == direct.stdout
    r = tess("config", "convert", "--json", str(xml), "--to", "xl")
    assert json.loads(r.stdout) == {"format": "xl", "text": direct.stdout}
