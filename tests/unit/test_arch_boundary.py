# SPDX-License-Identifier: GPL-2.0-only
"""The arch/common boundary (hypervisor/include/tessera/arch.h), checked on
the source: common/ includes no asm/ header but the ones arch.h lists, the
tessera/ headers no others either, common/ never looks inside the arch
halves of a vCPU or domain (->arch.) nor at the backend's ops table
(hvm->), and the ops table is private to arch/x86/hvm/."""
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
HV = REPO / "hypervisor"

# What arch.h documents, and where each may be included from.
ALLOWED_IN_COMMON = {"spinlock.h", "percpu.h"}
ALLOWED_IN_TESSERA_HEADERS = {"spinlock.h", "percpu.h", "domain.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s*<asm/([^>]+)>', re.M)
FORBIDDEN_USES = [
    (re.compile(r"->\s*arch\s*\.|\.arch\s*\."), "looks inside struct arch_vcpu/arch_domain"),
    (re.compile(r"\bhvm\s*->"), "calls the backend's ops table"),
    (re.compile(r"#\s*include\s*\"[^\"]*arch/"), "includes an arch file by path"),
]


def sources(root, exts=(".c", ".h")):
    return sorted(p for p in root.rglob("*") if p.suffix in exts)


def violations(common_dir, tessera_dir, hvm_dir, arch_dir):
    """Every breach of the boundary, as 'path:line: what' strings."""
    found = []
    for path in sources(common_dir):
        text = path.read_text()
        for m in INCLUDE.finditer(text):
            if m.group(1) not in ALLOWED_IN_COMMON:
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path}:{line}: includes asm/{m.group(1)}")
        for n, line_text in enumerate(text.splitlines(), 1):
            for pattern, what in FORBIDDEN_USES:
                if pattern.search(line_text):
                    found.append(f"{path}:{n}: {what}")
    for path in sources(tessera_dir, (".h",)):
        text = path.read_text()
        for m in INCLUDE.finditer(text):
            name = m.group(1)
            if name not in ALLOWED_IN_TESSERA_HEADERS or (name == "domain.h" and path.name != "domain.h"):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path}:{line}: includes asm/{name}")
    for path in sources(arch_dir):
        if hvm_dir in path.parents:
            continue
        text = path.read_text()
        if re.search(r"\bhvm\s*->|struct hvm_backend|backend\.h\"", text):
            found.append(f"{path}: uses the backend's ops table outside arch/x86/hvm/")
    return found


def test_tree_keeps_the_boundary():
    found = violations(HV / "common", HV / "include" / "tessera",
                       HV / "arch" / "x86" / "hvm", HV / "arch" / "x86")
    assert not found, "the arch/common boundary (tessera/arch.h) is broken:\n" + "\n".join(found)


@pytest.mark.parametrize("where,text,expect", [
    ("common/x.c", "#include <asm/p2m.h>\n", "includes asm/p2m.h"),
    ("common/sub/y.h", "  # include <asm/hvm.h>\n", "includes asm/hvm.h"),
    ("common/z.c", "int f(struct vcpu *v) { return v->arch.regs.rax; }\n", "looks inside"),
    ("common/w.c", "void g(struct vcpu *v) { hvm->run(v, 0); }\n", "ops table"),
    ("tessera/t.h", "#include <asm/domain.h>\n", "includes asm/domain.h"),
    ("arch/guest/b.c", "x = hvm->name;\n", "outside arch/x86/hvm/"),
])
def test_checker_catches(tmp_path, where, text, expect):
    for d in ("common", "tessera", "arch/hvm", "arch/guest"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    (tmp_path / "common" / "ok.c").write_text("#include <asm/spinlock.h>\n")
    (tmp_path / "tessera" / "domain.h").write_text("#include <asm/domain.h>\n")
    (tmp_path / "arch" / "hvm" / "exit.c").write_text("hvm->run(v, e);\n")
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    found = violations(tmp_path / "common", tmp_path / "tessera",
                       tmp_path / "arch" / "hvm", tmp_path / "arch")
    assert len(found) == 1 and expect in found[0], found
