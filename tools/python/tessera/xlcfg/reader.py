# SPDX-License-Identifier: GPL-2.0-only
"""Turn parsed xl.cfg settings into a validated Domain."""
from tessera import diskspec, vifspec
from tessera.errors import ConfigError, Problem
from tessera.model import Domain, validate
from tessera.specsplit import SpecError
from tessera.xlcfg.lexer import XlSyntaxError
from tessera.xlcfg.parser import parse

STRING_KEYS = ("name", "type", "builder", "uuid", "pool", "kernel", "ramdisk",
               "cmdline", "extra", "root", "on_poweroff", "on_reboot", "on_crash")
NUMBER_KEYS = ("memory", "maxmem", "vcpus")
SUPPORTED = STRING_KEYS + NUMBER_KEYS + ("cpus", "disk", "vif")
BUILDERS = {"hvm": "hvm", "pvh": "pvh"}


def loads(text, filename="<string>", overrides=()):
    """Parse xl.cfg TEXT into a Domain; raise ConfigError listing every problem.
    OVERRIDES are xl's command-line `key=value` settings: as xl does, they are
    read as lines after the file's last one (a problem in the first is
    located on the line after the file's end) and replace the file's
    settings of the same key."""
    if text and not text.endswith("\n"):
        text += "\n"
    file_lines = text.count("\n")
    try:
        settings = parse(text + "".join(o + "\n" for o in overrides))
    except XlSyntaxError as e:
        raise ConfigError(filename, [Problem(e.line, e.col, e.message)]) from None
    return _Reader(filename).read(_overridden(settings, file_lines))


def _overridden(settings, file_lines):
    """Drop every setting that a later command-line setting replaces."""
    last = {s.key: i for i, s in enumerate(settings) if s.line > file_lines}
    return [s for i, s in enumerate(settings) if last.get(s.key, i) == i]


class _Reader:
    def __init__(self, filename):
        self.filename = filename
        self.problems = []
        self.loc = {}

    def problem(self, line, col, message):
        self.problems.append(Problem(line, col, message))

    def read(self, settings):
        vals = {}
        for s in settings:
            if s.key not in SUPPORTED:
                self.problem(s.line, s.col, f"unsupported setting '{s.key}'")
                continue
            if s.key in vals:
                self.problem(s.line, s.col, f"'{s.key}' set twice (first at line "
                                            f"{vals[s.key].line})")
                continue
            if self.typecheck(s):
                vals[s.key] = s
        dom = self.build(vals)
        if not self.problems:
            for path, message in validate(dom):
                line, col = self.locate(path)
                self.problem(line, col, message)
        if self.problems:
            self.problems.sort(key=lambda p: (p.line, p.col))
            raise ConfigError(self.filename, self.problems)
        return dom

    def typecheck(self, s):
        v = s.value
        if s.key in STRING_KEYS and v.kind != "string":
            self.problem(v.line, v.col, f"'{s.key}' must be a string")
        elif s.key in NUMBER_KEYS and v.kind != "number":
            self.problem(v.line, v.col, f"'{s.key}' must be a number")
        elif s.key == "cpus" and v.kind == "number":
            self.problem(v.line, v.col, "'cpus' must be a string or a list")
        elif s.key in ("disk", "vif") and v.kind != "list":
            self.problem(v.line, v.col, f"'{s.key}' must be a list of strings")
        elif v.kind == "list" and s.key in ("disk", "vif"):
            for item in v.value:
                if item.kind != "string":
                    self.problem(item.line, item.col, f"'{s.key}' items must be strings")
                    return False
            return True
        else:
            return True
        return False

    def setloc(self, path, value, offset=None):
        if offset is None:
            self.loc[path] = (value.line, value.col)
        else:
            self.loc[path] = (value.line, value.col + 1 + offset)

    def locate(self, path):
        while path:
            if path in self.loc:
                return self.loc[path]
            path = path.rpartition(".")[0]
        return (1, 1)

    def build(self, vals):
        dom = Domain()
        for key in ("name", "uuid", "pool", "kernel", "ramdisk", "cmdline",
                    "on_poweroff", "on_reboot", "on_crash", "memory", "maxmem", "vcpus"):
            if key in vals:
                setattr(dom, key, vals[key].value.value)
                self.setloc(key, vals[key].value)
        self.build_type(dom, vals)
        self.build_cmdline(dom, vals)
        if "cpus" in vals:
            v = vals["cpus"].value
            dom.cpus = v.value if v.kind == "string" else ",".join(str(i.value) for i in v.value)
            self.setloc("cpus", v)
        for key, field, spec in (("disk", "disks", diskspec), ("vif", "vifs", vifspec)):
            for i, item in enumerate(vals[key].value.value if key in vals else []):
                try:
                    obj, where = spec.parse(item.value)
                except SpecError as e:
                    self.problem(item.line, item.col + 1 + e.offset, e.message)
                    continue
                n = len(getattr(dom, field))
                getattr(dom, field).append(obj)
                self.setloc(f"{field}.{n}", item)
                for f, off in where.items():
                    self.setloc(f"{field}.{n}.{f}", item, off)
        return dom

    def build_type(self, dom, vals):
        if "type" in vals and "builder" in vals:
            b = vals["builder"]
            self.problem(b.line, b.col, "'builder' is the old name of 'type': set only one")
        elif "builder" in vals:
            v = vals["builder"].value
            if v.value not in BUILDERS:
                self.problem(v.line, v.col, f"unsupported builder '{v.value}' (Tessera runs "
                                            "pvh and hvm guests)")
            else:
                dom.type = BUILDERS[v.value]
            self.setloc("type", v)
        elif "type" in vals:
            dom.type = vals["type"].value.value
            self.setloc("type", vals["type"].value)

    def build_cmdline(self, dom, vals):
        legacy = [vals[k] for k in ("root", "extra") if k in vals]
        if "cmdline" in vals and legacy:
            s = legacy[0]
            self.problem(s.line, s.col, f"'{s.key}' cannot be combined with 'cmdline'")
        elif legacy:
            parts = []
            if "root" in vals:
                parts.append("root=" + vals["root"].value.value)
            if "extra" in vals:
                parts.append(vals["extra"].value.value)
            dom.cmdline = " ".join(parts)
            self.setloc("cmdline", legacy[0].value)


def load(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read(), path)
