# SPDX-License-Identifier: GPL-2.0-only
"""The ABI oracle: checks our Xen-compatible public headers
(hypervisor/include/public/xen/**.h) against Xen's own (Debian's libxen-dev,
/usr/include/xen).

Nothing is hand-listed. Our headers are inventoried by the compiler itself:
  * constants: `clang -E -dD` keeps every #define in place, behind line
    markers that say which file it came from; enum values come from the AST;
  * types: `clang -Xclang -ast-dump=json` gives every struct, union, enum and
    typedef, and every field of them, nested ones included.
Xen's headers are inventoried the same way, to learn which of our names Xen
has at all. Then two C programs are generated from one list of checks: one
built against our headers, one against Xen's, each printing `key<TAB>value`
per check (sizeof/_Alignof of every type, offsetof and sizeof of every field
path, value/type of every constant). Both are built by the host compiler for
x86-64 and their outputs compared key by key. The two programs never share a
translation unit, so the identical names cannot clash.

A definition of ours that Xen lacks fails, unless tests/abi/allowlist.txt
lists it with a reason (and optionally the Xen name to compare it with).

Xen's side is compiled with -D__XEN__: the hypervisor's own view of its
public headers, which is the role Tessera plays. That selects the latest
interface version (xen-compat.h: __XEN_INTERFACE_VERSION__ =
__XEN_LATEST_INTERFACE_VERSION__, 0x00040e00 for Xen 4.17) and shows the
__XEN__-only values (XEN_EINTR, XEN_ERESTART) the hypervisor uses. Xen's
headers expect <stdint.h> to be included first.

Run it by hand: python3 tests/abi/abi_oracle.py
"""
import json
import os
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass, field

ABI_DIR = pathlib.Path(__file__).resolve().parent
REPO = ABI_DIR.parent.parent
OUR_INCLUDE = REPO / "hypervisor" / "include"     # holds public/xen/...
ALLOWLIST = ABI_DIR / "allowlist.txt"
XEN_INCLUDE = pathlib.Path(os.environ.get("XEN_INCLUDE", "/usr/include"))
CLANG = os.environ.get("CLANG", "clang")
HOSTCC = os.environ.get("HOSTCC", "cc")
ARCH_FLAGS = ["-m64", "-std=gnu11"]
XEN_FLAGS = ["-D__XEN__"]


def build_dir():
    return pathlib.Path(os.environ.get("O", REPO / "build")).resolve()


class OracleError(Exception):
    """The oracle itself could not run (a tool failed, an unsupported
    construct): a failure, never a skip."""


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise OracleError(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}\n"
                          f"{r.stdout[-4000:]}{r.stderr[-4000:]}")
    return r.stdout


# ---------------------------------------------------------------- inventory

@dataclass
class Const:
    name: str
    kind: str          # "int", "str", "flag" (empty body), "func" (function-like)
    body: str
    file: str


@dataclass
class Type:
    name: str          # "struct X", "union X", "enum X" or a typedef name
    file: str
    fields: list = field(default_factory=list)   # member paths: "a", "u.b", ...
    flex: set = field(default_factory=set)       # paths that are flexible arrays


@dataclass
class Inventory:
    consts: dict = field(default_factory=dict)   # name -> Const
    types: dict = field(default_factory=dict)    # name -> Type


_LINEMARK = re.compile(r'^# (\d+) "(.*)"')
_DEFINE = re.compile(r'^#define ([A-Za-z_]\w*)(\([^)]*\))?(?:\s+(.*))?$')
_UNDEF = re.compile(r'^#undef ([A-Za-z_]\w*)')


def _include_guard(path):
    """The name tested by the file's first directive if it is `#ifndef X`."""
    try:
        text = pathlib.Path(path).read_text()
    except OSError:
        return None
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    m = re.search(r"^\s*#\s*(\w+)\s*(\w*)", text, flags=re.M)
    return m.group(2) if m and m.group(1) == "ifndef" else None


def _macros(tu, flags, in_scope):
    """Macros #defined by files for which in_scope(path) is true, in order."""
    out = _run([CLANG, *ARCH_FLAGS, *flags, "-E", "-dD", "-x", "c", "-"], input=tu)
    found, cur = {}, None
    guards = {}
    for line in out.splitlines():
        m = _LINEMARK.match(line)
        if m:
            cur = m.group(2)
            continue
        m = _UNDEF.match(line)
        if m and cur and in_scope(cur):
            found.pop(m.group(1), None)
            continue
        m = _DEFINE.match(line)
        if not m or not cur or not in_scope(cur):
            continue
        name, params, body = m.group(1), m.group(2), (m.group(3) or "").strip()
        if params is not None:
            kind = "func"
        elif not body:
            if cur not in guards:
                guards[cur] = _include_guard(cur)
            if guards[cur] == name:
                continue
            kind = "flag"
        elif body.startswith('"'):
            kind = "str"
        else:
            kind = "int"
        found[name] = Const(name, kind, body, cur)
    return found


def _all_macro_names(tu, flags):
    out = _run([CLANG, *ARCH_FLAGS, *flags, "-E", "-dM", "-x", "c", "-"], input=tu)
    names = {}
    for line in out.splitlines():
        m = _DEFINE.match(line)
        if m:
            names[m.group(1)] = "func" if m.group(2) is not None else "obj"
    return names


def _ast(tu, flags):
    out = _run([CLANG, *ARCH_FLAGS, *flags, "-fsyntax-only", "-Xclang", "-ast-dump=json",
                "-x", "c", "-"], input=tu)
    return json.loads(out)


def _top_level_with_files(ast):
    """(node, file) for every top-level declaration. clang's JSON writes a
    location's file only when it changes from the previously written one, so
    walk the whole document in its written order to track it."""
    state = {"file": None}

    def walk(obj):
        if isinstance(obj, dict):
            if "offset" in obj and "file" in obj:
                state["file"] = obj["file"]
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    for node in ast.get("inner", []):
        # A node's own "loc" is written before its range and children.
        loc = node.get("loc", {})
        walk(loc)
        here = state["file"]
        for k, v in node.items():
            if k != "loc":
                walk(v)
        yield node, here


_ANON = ("(unnamed", "(anonymous")


class _Records:
    """Every complete struct/union of a translation unit, by tag and by id,
    and every typedef, so field types can be followed into nested records."""

    def __init__(self, ast):
        self.by_tag, self.by_id, self.typedefs = {}, {}, {}
        self._index(ast.get("inner", []))

    def _index(self, nodes):
        for n in nodes:
            if n.get("kind") == "RecordDecl" and n.get("completeDefinition"):
                self.by_id[n["id"]] = n
                if n.get("name"):
                    self.by_tag[f'{n["tagUsed"]} {n["name"]}'] = n
                self._index(n.get("inner", []))
            elif n.get("kind") == "TypedefDecl":
                self.typedefs[n["name"]] = n

    def typedef_record(self, td):
        """The record a typedef names (through typedef chains), or None."""
        seen = set()
        while td is not None and td["name"] not in seen:
            seen.add(td["name"])
            for inner in td.get("inner", []):
                owned = inner.get("ownedTagDecl")
                if owned and owned["id"] in self.by_id:
                    return self.by_id[owned["id"]]
            t = td["type"].get("desugaredQualType", td["type"]["qualType"])
            if t in self.by_tag:
                return self.by_tag[t]
            if "[" in t or "*" in t or "(" in t:
                return None
            td = self.typedefs.get(t) or self.typedefs.get(td["type"]["qualType"])
        return None

    def field_record(self, fnode, prev_anon):
        unq = lambda s: re.sub(r"\b(const|volatile)\s+", "", s).strip()  # noqa: E731
        t = unq(fnode["type"].get("desugaredQualType", fnode["type"]["qualType"]))
        q = unq(fnode["type"]["qualType"])
        if any(a in q for a in _ANON) or any(a in t for a in _ANON):
            if "[" in q or "*" in q:
                return None
            return prev_anon
        if "[" in t or "*" in t or "(" in t:
            return None
        if t in self.by_tag:
            return self.by_tag[t]
        if q in self.typedefs:
            return self.typedef_record(self.typedefs[q])
        return None

    def paths(self, rec, where, strict, prefix="", depth=0):
        """[(path, is_flexible_array)] for every member, nested ones too.
        strict: a bit-field is an error (ours), else it is left out (Xen's)."""
        if depth > 16:
            raise OracleError(f"{where}: records nested too deep")
        out, prev_anon = [], None
        for n in rec.get("inner", []):
            kind = n.get("kind")
            if kind == "RecordDecl":
                prev_anon = n if not n.get("name") else self.by_tag.get(
                    f'{n["tagUsed"]} {n["name"]}', n)
                continue
            if kind != "FieldDecl":
                continue
            if n.get("isBitfield"):
                if not strict:
                    continue
                raise OracleError(f"{where}: bit-field {prefix}{n.get('name', '')} "
                                  "cannot be checked with offsetof; extend tests/abi")
            sub = self.field_record(n, prev_anon)
            name = n.get("name")
            if not name:    # anonymous struct/union member: its fields are ours
                if sub is None:
                    raise OracleError(f"{where}: unnamed member of unknown type")
                out += self.paths(sub, where, strict, prefix, depth + 1)
                continue
            path = prefix + name
            out.append((path, n["type"]["qualType"].rstrip().endswith("[]")))
            if sub is not None:
                out += self.paths(sub, where, strict, path + ".", depth + 1)
        return out


def _types_and_enums(ast, in_scope):
    """Types and enum constants declared at file scope by files for which
    in_scope(path) is true (all of them if in_scope is None)."""
    recs = _Records(ast)
    strict = in_scope is not None
    types, enum_consts = {}, {}
    def record(node, f):
        """A named record, and the named ones declared inside it (their tags
        have file scope in C)."""
        name = f'{node["tagUsed"]} {node["name"]}'
        t = Type(name, f)
        for p, flex in recs.paths(node, name, strict):
            t.fields.append(p)
            if flex:
                t.flex.add(p)
        types[name] = t
        for n in node.get("inner", []):
            if n.get("kind") == "RecordDecl" and n.get("completeDefinition") \
                    and n.get("name"):
                record(n, f)

    for node, f in _top_level_with_files(ast):
        if in_scope is not None and (f is None or not in_scope(f)):
            continue
        kind = node.get("kind")
        if kind == "RecordDecl" and node.get("completeDefinition") and node.get("name"):
            record(node, f)
        elif kind == "TypedefDecl":
            name = node["name"]
            t = Type(name, f)
            rec = recs.typedef_record(node)
            if rec is not None:
                for p, flex in recs.paths(rec, name, strict):
                    t.fields.append(p)
                    if flex:
                        t.flex.add(p)
            types[name] = t
        elif kind == "EnumDecl":
            if node.get("name"):
                types[f'enum {node["name"]}'] = Type(f'enum {node["name"]}', f)
            for c in node.get("inner", []):
                if c.get("kind") == "EnumConstantDecl":
                    enum_consts[c["name"]] = Const(c["name"], "int", "(enum)", f)
    return types, enum_consts


def our_headers(include_dir):
    base = pathlib.Path(include_dir) / "public" / "xen"
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.h"))


def _our_tu(include_dir):
    return "".join(f"#include <public/xen/{h}>\n" for h in our_headers(include_dir))


def _xen_tu(headers):
    # Xen's headers use uint*_t without including <stdint.h> themselves.
    tu = "#include <stdint.h>\n#include <xen/xen.h>\n"
    for h in headers:
        if h != "xen.h" and (XEN_INCLUDE / "xen" / h).is_file():
            tu += f"#include <xen/{h}>\n"
    return tu


def inventory_ours(include_dir):
    include_dir = pathlib.Path(include_dir).resolve()
    scope = str(include_dir / "public" / "xen") + os.sep
    in_scope = lambda f: os.path.abspath(f).startswith(scope)  # noqa: E731
    tu, flags = _our_tu(include_dir), [f"-I{include_dir}"]
    inv = Inventory()
    inv.consts = _macros(tu, flags, in_scope)
    types, enum_consts = _types_and_enums(_ast(tu, flags), in_scope)
    inv.types = types
    for name, c in enum_consts.items():
        inv.consts.setdefault(name, c)
    return inv


def inventory_xen(headers):
    tu, flags = _xen_tu(headers), [f"-I{XEN_INCLUDE}", *XEN_FLAGS]
    inv = Inventory()
    for name, kind in _all_macro_names(tu, flags).items():
        inv.consts[name] = Const(name, "func" if kind == "func" else "int", "", "")
    types, enum_consts = _types_and_enums(_ast(tu, flags), None)
    inv.types = types
    for name, c in enum_consts.items():
        inv.consts.setdefault(name, c)
    return inv


# --------------------------------------------------------------- allow-list

@dataclass
class Allowed:
    name: str
    xen_name: str | None   # compare with this Xen name instead; None: ours only
    reason: str
    line: int


def read_allowlist(path):
    """Lines `NAME [= XEN_NAME]  # reason`. NAME is a constant, a type
    ("struct X", "union X", "enum X", typedef name) or a field ("TYPE.path")."""
    entries, errors = {}, []
    for i, raw in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        body, _, reason = line.partition("#")
        body, reason = body.strip(), reason.strip()
        name, _, xen = (s.strip() for s in body.partition("="))
        name = " ".join(name.split())
        if not reason:
            errors.append(f"allowlist.txt:{i}: '{name}' has no reason (# comment)")
        if name in entries:
            errors.append(f"allowlist.txt:{i}: '{name}' listed twice")
        entries[name] = Allowed(name, " ".join(xen.split()) or None, reason, i)
    return entries, errors


# ------------------------------------------------------------------- checks

def _is_tagged(name):
    return name.split(" ", 1)[0] in ("struct", "union", "enum")


def _c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Report:
    mismatches: list = field(default_factory=list)   # (key, ours, xen)
    missing: list = field(default_factory=list)      # our names Xen lacks
    errors: list = field(default_factory=list)       # allow-list / oracle problems
    allowed: list = field(default_factory=list)      # our names excused by the list
    notes: list = field(default_factory=list)        # (key, ours, xen): not failures
    n_types: int = 0
    n_fields: int = 0
    n_consts: int = 0
    n_checks: int = 0
    ours: Inventory = None                          # what our headers define
    compared: dict = field(default_factory=dict)    # our type/constant -> Xen's name

    @property
    def ok(self):
        return not (self.mismatches or self.missing or self.errors)

    def summary(self):
        return (f"ABI oracle: {self.n_types} types, {self.n_fields} field paths, "
                f"{self.n_consts} constants defined by our headers; "
                f"{self.n_checks} values compared with Xen's; "
                f"{len(self.allowed)} allow-listed as ours only")

    def text(self):
        lines = [self.summary()]
        for key, a, b in self.mismatches:
            lines.append(f"MISMATCH {key}: ours {a}, Xen {b}")
        for m in self.missing:
            lines.append(f"NOT IN XEN {m} (fix it, or list it in tests/abi/allowlist.txt "
                         "with a reason)")
        lines += [f"ERROR {e}" for e in self.errors]
        for key, a, b in self.notes:
            lines.append(f"note: {key}: ours {a}, Xen {b} (same value)")
        return "\n".join(lines)


def _program(headers_tu, checks):
    """C source printing `key<TAB>value` for each (key, kind, expr)."""
    src = ["#include <stdio.h>", "#include <stddef.h>", "#include <stdint.h>",
           headers_tu, "int main(void)", "{"]
    for key, kind, expr in checks:
        k = _c_str(key)
        if kind == "size":
            src.append(f'    printf("%s\\t%zu\\n", {k}, (size_t)({expr}));')
        elif kind == "int":
            # The value, exactly, whatever its sign; then, for information,
            # its type (-1 converted to that type is negative only if signed).
            src.append(f"    if (({expr}) < 0) printf(\"%s\\t%lld\\n\", {k}, "
                       f"(long long)({expr}));")
            src.append(f"    else printf(\"%s\\t%llu\\n\", {k}, "
                       f"(unsigned long long)({expr}));")
            src.append(f'    printf("%s\\t%s%zu\\n", "type of " {k}, '
                       f'((__typeof__(({expr})))-1 < 0) ? "int" : "uint", '
                       f"sizeof(({expr})) * 8);")
        elif kind == "span":
            off, size = expr
            src.append(f'    printf("%s\\t%zu %zu\\n", {k}, (size_t)({off}), (size_t)({size}));')
        elif kind == "str":
            src.append(f'    printf("%s\\t%s\\n", {k}, {expr});')
    src += ["    return 0;", "}", ""]
    return "\n".join(src)


def _build_and_run(name, src, flags, outdir):
    c = outdir / f"{name}.c"
    exe = outdir / name
    c.write_text(src)
    _run([HOSTCC, *ARCH_FLAGS, "-O0", "-w", *flags, "-o", str(exe), str(c)])
    values = {}
    for line in _run([str(exe)], timeout=60).splitlines():
        key, _, val = line.partition("\t")
        values[key] = val
    return values


def check(include_dir=OUR_INCLUDE, allowlist=ALLOWLIST, outdir=None):
    """Runs the oracle; returns a Report."""
    if not (XEN_INCLUDE / "xen" / "xen.h").is_file():
        raise OracleError(f"{XEN_INCLUDE}/xen/xen.h missing: install libxen-dev "
                          "(scripts/deps.sh check)")
    include_dir = pathlib.Path(include_dir).resolve()
    outdir = pathlib.Path(outdir or build_dir() / "tests" / "abi")
    outdir.mkdir(parents=True, exist_ok=True)
    rep = Report()
    allow, rep.errors = read_allowlist(allowlist)
    headers = our_headers(include_dir)
    ours = inventory_ours(include_dir)
    rep.ours = ours
    xen = inventory_xen(headers)
    used = set()

    def counterpart(name, present, probe=None):
        """Xen's name for our `name` (present(x) says whether Xen has x;
        probe is what to ask it for when not `name` itself), or None: then
        `name` is reported missing or is allowed as ours only."""
        a = allow.get(name)
        probe = name if probe is None else probe
        if a is not None:
            used.add(name)
            if a.xen_name is None:
                if present(probe):
                    rep.errors.append(f"allowlist.txt:{a.line}: Xen has '{name}' now: "
                                      "remove it from the list so it gets checked")
                else:
                    rep.allowed.append(name)
                return None
            if not present(a.xen_name):
                rep.errors.append(f"allowlist.txt:{a.line}: Xen has no '{a.xen_name}'")
                return None
            return a.xen_name
        if present(probe):
            return probe
        rep.missing.append(name)
        return None

    checks_ours, checks_xen = [], []
    ours_only = []      # allow-listed fields of ours in a type Xen has

    def add(key, kind, ours_expr, xen_expr):
        checks_ours.append((key, kind, ours_expr))
        checks_xen.append((key, kind, xen_expr))

    for name, t in sorted(ours.types.items()):
        rep.n_types += 1
        rep.n_fields += len(t.fields)
        xname = counterpart(name, lambda n: n in xen.types)
        if xname is None:
            continue
        rep.compared[name] = xname
        add(f"sizeof({name})", "size", f"sizeof({name})", f"sizeof({xname})")
        add(f"_Alignof({name})", "size", f"_Alignof({name})", f"_Alignof({xname})")
        xfields = set(xen.types[xname].fields)
        for p in t.fields:
            # A field's allow-list entry is `TYPE.path [= xen.path]`.
            xp = counterpart(f"{name}.{p}", lambda n: n in xfields, probe=p)
            if xp is None:
                if f"{name}.{p}" in rep.allowed:
                    ours_only.append((name, xname, p))
                continue
            add(f"offsetof({name}, {p})", "size",
                f"offsetof({name}, {p})", f"offsetof({xname}, {xp})")
            if p not in t.flex:
                add(f"sizeof({name}.{p})", "size",
                    f"sizeof((({name} *)0)->{p})", f"sizeof((({xname} *)0)->{xp})")

    for name, c in sorted(ours.consts.items()):
        rep.n_consts += 1
        if c.kind == "func":
            if name in allow:
                used.add(name)
                rep.allowed.append(name)
            else:
                rep.errors.append(f"function-like macro {name} ({c.file}) cannot be "
                                  "compared: allow-list it with a reason")
            continue
        xname = counterpart(name, lambda n: n in xen.consts and xen.consts[n].kind != "func")
        if xname is None:
            continue
        rep.compared[name] = xname
        if c.kind == "flag":
            continue        # a flag (defined empty) is checked by its presence alone
        add(name, c.kind, name, xname)

    # A field only we name (explicit padding, typically) must sit where
    # Xen's type has nothing: it must overlap none of Xen's sibling fields.
    spans = []
    for name, xname, p in ours_only:
        parent = p.rpartition(".")[0]
        checks_ours.append((f"span {name}.{p}", "span",
                            (f"offsetof({name}, {p})", f"sizeof((({name} *)0)->{p})")))
        for xp in xen.types[xname].fields:
            if xp.rpartition(".")[0] == parent and xp not in xen.types[xname].flex:
                checks_xen.append((f"span {xname}.{xp}", "span",
                                   (f"offsetof({xname}, {xp})",
                                    f"sizeof((({xname} *)0)->{xp})")))
                spans.append((f"{name}.{p}", f"{xname}.{xp}"))

    for name, a in allow.items():
        if name not in used:
            rep.errors.append(f"allowlist.txt:{a.line}: '{name}' is not defined by our "
                              "headers: remove it")

    rep.n_checks = sum(2 if k == "int" else 1 for _, k, _ in checks_ours if k != "span")
    if rep.errors and not checks_ours:
        return rep
    v_ours = _build_and_run("abi_ours", _program(_our_tu(include_dir), checks_ours),
                            [f"-I{include_dir}"], outdir)
    v_xen = _build_and_run("abi_xen", _program(_xen_tu(headers), checks_xen),
                           [f"-I{XEN_INCLUDE}", *XEN_FLAGS], outdir)
    for ours_key, xen_key in spans:
        o_off, o_size = map(int, v_ours[f"span {ours_key}"].split())
        x_off, x_size = map(int, v_xen[f"span {xen_key}"].split())
        if o_off < x_off + x_size and x_off < o_off + o_size:
            rep.mismatches.append((f"ours-only {ours_key} (bytes {o_off}..{o_off + o_size - 1})",
                                   "is padding", f"has {xen_key} at bytes "
                                   f"{x_off}..{x_off + x_size - 1}"))
    v_ours = {k: v for k, v in v_ours.items() if not k.startswith("span ")}
    v_xen = {k: v for k, v in v_xen.items() if not k.startswith("span ")}
    for key in sorted(set(v_ours) | set(v_xen)):
        a, b = v_ours.get(key, "<absent>"), v_xen.get(key, "<absent>")
        if a == b:
            continue
        # A constant's C type (0x1u against 0x1) is spelling, not ABI: the
        # value is compared exactly; a type difference is only reported.
        if key.startswith("type of ") and "<absent>" not in (a, b):
            rep.notes.append((key, a, b))
        else:
            rep.mismatches.append((key, a, b))
    if len(v_ours) != rep.n_checks:
        rep.errors.append(f"expected {rep.n_checks} values, our program printed {len(v_ours)}")
    return rep


if __name__ == "__main__":
    r = check()
    print(r.text())
    sys.exit(0 if r.ok else 1)
