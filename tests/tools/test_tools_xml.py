# SPDX-License-Identifier: GPL-2.0-only
"""Domain XML: the schema, the good/bad corpora, units and locations."""
import glob
import os

import pytest
from tesshelpers import check_bad, check_good
from lxml import etree

from tessera import domxml
from tessera.errors import ConfigError
from tessera.model import Domain

CORPUS = os.path.join(os.path.dirname(__file__), "corpus", "xml")
GOOD = sorted(glob.glob(os.path.join(CORPUS, "good", "*.xml")))
BAD = sorted(glob.glob(os.path.join(CORPUS, "bad", "*.xml")))


def test_corpora_are_there():
    assert len(GOOD) >= 2 and len(BAD) >= 8


def test_schema_is_valid_relaxng():
    etree.RelaxNG(etree.parse(domxml.SCHEMA_PATH))


@pytest.mark.parametrize("path", GOOD, ids=os.path.basename)
def test_good_corpus(path):
    dom = check_good(domxml.load, path)
    assert domxml.loads(domxml.dumps(dom)) == dom


@pytest.mark.parametrize("path", BAD, ids=os.path.basename)
def test_bad_corpus(path):
    check_bad(domxml.load, path)


def _xml(memory):
    return ("<domain type='xen'><name>u</name>%s<os><type>hvm</type></os></domain>" % memory)


@pytest.mark.parametrize("memory,mib", [
    ("<memory>131072</memory>", 128), ("<memory unit='M'>128</memory>", 128),
    ("<memory unit='GiB'>2</memory>", 2048), ("<memory unit='bytes'>1048576</memory>", 1),
    ("<memory unit='T'>1</memory>", 1024 * 1024),
])
def test_memory_units(memory, mib):
    assert domxml.loads(_xml(memory)).memory == mib


def test_written_xml_validates_against_schema():
    dom = Domain(name="v", type="hvm", memory=64, maxmem=128, pool="p", cpus="1")
    root = etree.fromstring(domxml.dumps(dom).encode())
    assert domxml.schema().validate(root)


def test_entities_are_not_expanded():
    text = ('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<domain type='xen'><name>&x;</name><memory>1024</memory>"
            "<os><type>hvm</type></os></domain>")
    try:
        dom = domxml.loads(text)
    except ConfigError:
        return
    assert "root:" not in (dom.name or "")
