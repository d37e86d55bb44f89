# SPDX-License-Identifier: GPL-2.0-only
"""Our Xen-compatible public headers (hypervisor/include/public/xen/) against
Xen's own (Debian's libxen-dev): every struct/union/typedef's size and
alignment, every field's offset and size, every constant's value, found by
parsing our headers (see abi_oracle.py). Then the self-checks: copies of our
headers with one thing made wrong must be caught, so this is not a test that
cannot fail."""
import pathlib
import re
import shutil

import pytest

import abi_oracle as oracle

MUTANTS = oracle.build_dir() / "tests" / "abi" / "mutants"


@pytest.fixture(scope="module")
def real():
    rep = oracle.check()
    print(rep.text())
    return rep


def test_headers_match_xen(real):
    assert real.ok, real.text()


def test_every_header_is_inventoried(real):
    """Guards the parsing itself: each of our headers that defines anything
    (a braced definition or a #define with a value) must show up as the file
    of some inventoried definition, or definitions are being lost."""
    seen = {pathlib.Path(d.file).resolve() for d in
            list(real.ours.consts.values()) + list(real.ours.types.values())}
    base = oracle.OUR_INCLUDE / "public" / "xen"
    lost = []
    for h in oracle.our_headers(oracle.OUR_INCLUDE):
        path = (base / h).resolve()
        text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", path.read_text(), flags=re.S)
        if ("{" in text or re.search(r"^\s*#\s*define\s+\w+\s+\S", text, re.M)) \
                and path not in seen:
            lost.append(h)
    assert not lost, f"definitions of these headers were not inventoried: {lost}"
    assert real.n_types and real.n_fields and real.n_consts and real.n_checks


# ------------------------------------------------------------- self-checks

def _mutant(name):
    """A fresh copy of our public headers; returns (include dir, public dir)."""
    root = MUTANTS / name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(oracle.OUR_INCLUDE / "public", root / "public")
    return root, root / "public"


def _in_copy(real_file, public_copy):
    rel = pathlib.Path(real_file).resolve().relative_to(oracle.OUR_INCLUDE / "public")
    return public_copy / rel


_LITERAL = re.compile(r"^(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)$")


def test_selfcheck_wrong_constant_is_caught(real):
    """One compared constant's value, +1, in a copy: exactly it must differ."""
    name, c = next((n, c) for n, c in sorted(real.ours.consts.items())
                   if n in real.compared and c.kind == "int" and _LITERAL.match(c.body))
    root, public = _mutant("constant")
    f = _in_copy(c.file, public)
    num, suffix = _LITERAL.match(c.body).groups()
    text, n = re.subn(rf"^(\s*#\s*define\s+{name}\s+){re.escape(c.body)}\b",
                      rf"\g<1>{int(num, 0) + 1}{suffix}", f.read_text(), count=1, flags=re.M)
    assert n == 1, f"could not rewrite {name} in {f}"
    f.write_text(text)
    rep = oracle.check(include_dir=root, outdir=root / "out")
    print(rep.text())
    assert not rep.ok
    assert [k for k, _, _ in rep.mismatches] == [name], rep.text()


_SCALAR = re.compile(r"\b(u?int(8|16|32|64)_t)(\s+)(\w+)(\s*;)")


def _scalar_field(real):
    """(struct name, header copied into a fresh mutant, its text, match) for
    the first compared struct with a top-level `uintN_t name;` field."""
    for tname in sorted(real.compared):
        if not tname.startswith("struct "):
            continue
        t = real.ours.types[tname]
        text = pathlib.Path(t.file).read_text()
        pattern = r"\bstruct\s+" + re.escape(tname.split()[1]) + r"\s*\{"
        m = re.search(pattern, text)
        if not m:
            continue
        end = text.index("}", m.end())
        for d in _SCALAR.finditer(text, m.end(), end):
            if d.group(4) in t.fields:
                return tname, t.file, text, d
    pytest.fail("no compared struct field with a uintN_t type found to mutate")


def test_selfcheck_wrong_field_type_is_caught(real):
    """One compared struct field's type changed (uint32_t -> uint8_t, ...)
    in a copy: that field's size must differ from Xen's."""
    tname, hdr, text, d = _scalar_field(real)
    root, public = _mutant("field")
    other = "uint8_t" if d.group(2) != "8" else "uint16_t"
    _in_copy(hdr, public).write_text(text[:d.start(1)] + other + text[d.end(1):])
    rep = oracle.check(include_dir=root, outdir=root / "out")
    print(rep.text())
    assert not rep.ok
    assert f"sizeof({tname}.{d.group(4)})" in [k for k, _, _ in rep.mismatches], rep.text()


def test_selfcheck_padding_must_be_padding(real, tmp_path):
    """A field allow-listed as ours only must lie where Xen's type has no
    field: rename a real field in a copy, allow-list the new name, and the
    overlap with Xen's field must be reported."""
    tname, hdr, text, d = _scalar_field(real)
    root, public = _mutant("padding")
    _in_copy(hdr, public).write_text(text[:d.start(4)] + "tessera_pad" + text[d.end(4):])
    lst = tmp_path / "allowlist.txt"
    lst.write_text(oracle.ALLOWLIST.read_text() + f"{tname}.tessera_pad   # self-check\n")
    rep = oracle.check(include_dir=root, allowlist=lst, outdir=root / "out")
    print(rep.text())
    assert not rep.ok
    assert any(k.startswith(f"ours-only {tname}.tessera_pad ")
               for k, _, _ in rep.mismatches), rep.text()


def test_selfcheck_new_definitions_are_covered(real):
    """Definitions added to a header are checked without editing the test:
    ones Xen lacks must be reported."""
    root, public = _mutant("added")
    f = public / "xen" / "xen.h"
    text = f.read_text()
    at = text.rindex("#endif")      # inside the include guard
    f.write_text(text[:at] + """
#define TESSERA_ABI_SELFTEST_CONST 7
struct tessera_abi_selftest { uint32_t x; };
enum tessera_abi_selftest_e { TESSERA_ABI_SELFTEST_ENUM = 3 };
typedef struct tessera_abi_selftest tessera_abi_selftest_t;

""" + text[at:])
    rep = oracle.check(include_dir=root, outdir=root / "out")
    print(rep.text())
    assert not rep.ok
    assert set(rep.missing) == {
        "TESSERA_ABI_SELFTEST_CONST", "struct tessera_abi_selftest",
        "enum tessera_abi_selftest_e", "TESSERA_ABI_SELFTEST_ENUM",
        "tessera_abi_selftest_t"}, rep.text()


def test_selfcheck_allowlist_is_policed(real, tmp_path):
    """An allow-list entry without a reason, one for something we do not
    define, and one for something Xen has (so it would go unchecked) fail."""
    present = next(n for n in sorted(real.compared) if n in real.ours.consts)
    lst = tmp_path / "allowlist.txt"
    lst.write_text(oracle.ALLOWLIST.read_text() +
                   "TESSERA_NO_SUCH_THING   # not defined anywhere\n"
                   f"{present}   # Xen has it\n"
                   "XEN_ENOSYS\n")
    rep = oracle.check(allowlist=lst, outdir=MUTANTS / "allowlist")
    print(rep.text())
    text = "\n".join(rep.errors)
    assert "'TESSERA_NO_SUCH_THING' is not defined by our headers" in text, rep.text()
    assert f"Xen has '{present}' now" in text, rep.text()
    assert "'XEN_ENOSYS' has no reason" in text, rep.text()


def test_grant_table_abi_is_compared(real):
    """The grant-table v1 definitions (public/xen/grant_table.h) and the
    add_to_physmap ones are among those compared with Xen's, field by field."""
    must = ["struct grant_entry_v1", "struct gnttab_map_grant_ref",
            "struct gnttab_unmap_grant_ref", "struct gnttab_setup_table",
            "struct gnttab_copy", "struct gnttab_copy_ptr", "struct gnttab_query_size",
            "struct gnttab_set_version", "struct gnttab_get_version",
            "struct xen_add_to_physmap", "grant_ref_t", "grant_handle_t", "xen_pfn_t",
            "GTF_permit_access", "GTF_readonly", "GTF_reading", "GTF_writing",
            "GNTMAP_host_map", "GNTMAP_readonly", "GNTCOPY_source_gref",
            "GNTCOPY_dest_gref", "GNTST_okay", "GNTST_no_space", "GNTTABOP_cache_flush",
            "XENMAPSPACE_grant_table", "XENMAPIDX_grant_table_status"]
    missing = [n for n in must if real.compared.get(n) != n]
    assert not missing, f"not compared with Xen's same-named definition: {missing}"
    fields = real.ours.types["struct gnttab_copy"].fields
    assert "source.u.gmfn" in fields and "dest.offset" in fields, fields
