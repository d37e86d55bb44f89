# SPDX-License-Identifier: GPL-2.0-only
"""Read a domain configuration file of either format. domxml (and lxml,
a large extension module) is imported only for XML: every `tess` command
imports this module, and in dom0 importing lxml is much of its start."""
from tessera.xlcfg import reader as xlreader
from tessera.xlcfg import writer as xlwriter

FORMATS = ("xl", "xml")


def detect(data):
    """'xml' when the first non-blank character is '<', else 'xl'."""
    return "xml" if data.lstrip()[:1] == b"<" else "xl"


def load(path):
    """Return (Domain, format); raise OSError or ConfigError."""
    with open(path, "rb") as f:
        data = f.read()
    fmt = detect(data)
    if fmt == "xml":
        from tessera import domxml
        return domxml.loads(data, path), fmt
    return xlreader.loads(data.decode("utf-8", "replace"), path), fmt


def dumps(dom, fmt):
    if fmt == "xml":
        from tessera import domxml
        return domxml.dumps(dom)
    return xlwriter.dumps(dom)
