#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Generates test vectors for the instruction decoder (tests/unit/
test_insn_decode.c) with GNU binutils as the independent oracle.

Two kinds of vectors, one per line of the output file:

  A <bits> <hex> <len>    assembled by `as`: each instruction sits between two
                          labels, so its length is the distance between them
                          (as's own encoding, not a disassembler's opinion).
                          len 0: must be rejected (-EINVAL).
  R <bits> <hex15> <len>  15 random but plausible bytes: <len> is the length
                          `objdump -d` gives the first instruction (only
                          emitted when objdump decodes it as one instruction).
  I 64 <hex15> <len>      the same with `objdump -M intel64` (the decoder's
                          INSN_F_INTEL: 66h does not shorten near branches).

Usage: gen_insn_vectors.py OUT [--random N]   (deterministic: fixed seed)
"""
import os
import random
import re
import subprocess
import sys
import tempfile

AS_FLAGS = {16: ["--32"], 32: ["--32"], 64: ["--64"]}
OBJDUMP_M = {16: "i8086", 32: "i386", 64: "x86-64"}

R8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"]
R8_64 = ["sil", "dil", "r8b", "r15b", "spl"]
R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"]
R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
R64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r12", "r13", "r15"]

MEM = {
    16: ["[bx+si]", "[bx+di+0x12]", "[bp]", "[bp+si+0x1234]", "[si]", "[di-0x80]",
         "[0x1234]", "[bx]", "[bp+di]", "[eax]", "[esp+eax*2+0x10]", "[ebp]",
         "ss:[bx]", "es:[si+4]", "fs:[0x10]", "[ecx*8+0x12345678]"],
    32: ["[eax]", "[eax+0x12]", "[eax+0x1000]", "[esp]", "[esp+8]", "[ebp]",
         "[ebp+ecx*4]", "[0x12345678]", "[ecx*8+4]", "[edx+esi*2-0x80]",
         "[bx+si]", "[bp+di+0x1234]", "[0x1234]" , "es:[edi]", "fs:[eax+0x100]",
         "gs:[0x10]"],
    64: ["[rax]", "[rax+0x12]", "[rax+0x12345]", "[rsp]", "[rsp+8]", "[rbp]",
         "[r12]", "[r13]", "[r13+0x100]", "[rax+rbx*4]", "[rax+rbx*8+0x7f]",
         "[rbx*2+0x1000]", "[rip+0x1234]", "[r8+r15*2-0x80]", "[eax]",
         "[esp+ecx*4+0x10]", "[0x12345678]", "fs:[rax]", "gs:[0x10]", "[r12+r13*1]",
         "[eip+0x10]"],
}
SIZES = {8: "byte ptr", 16: "word ptr", 32: "dword ptr", 64: "qword ptr"}


def gprs(bits):
    """(width, register list) pairs usable in this mode."""
    out = [(8, R8), (16, R16), (32, R32)]
    if bits == 64:
        out = [(8, R8[:4] + R8_64), (16, R16), (32, R32), (64, R64)]
    return out


def pick(lst, i):
    return lst[i % len(lst)]


def memory_templates(bits):
    """Instructions with a memory operand, across addressing forms."""
    out = []
    mems = MEM[bits]
    alu = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]
    i = 0
    for m in mems:
        for w, regs in gprs(bits):
            r = pick(regs, i)
            sp = SIZES[w]
            i += 1
            for op in alu + ["mov", "test", "xchg"]:
                out.append(f"{op} {sp} {m}, {r}")
            for op in alu + ["mov"]:
                out.append(f"{op} {r}, {sp} {m}")
            imm = {8: "0x12", 16: "0x1234", 32: "0x12345678", 64: "-0x12345678"}[w]
            for op in alu + ["mov", "test"]:
                out.append(f"{op} {sp} {m}, {imm}")
            if w > 8:
                out.append(f"add {sp} {m}, 5")          # 83 /0 ib
                out.append(f"cmp {sp} {m}, -3")
                out.append(f"imul {r}, {sp} {m}, 3")
                out.append(f"imul {r}, {sp} {m}, 300")
                out.append(f"imul {r}, {sp} {m}")
                out.append(f"lea {r}, {m}")
                out.append(f"bt {sp} {m}, 5")
                out.append(f"bts {sp} {m}, {r}")
                out.append(f"shld {sp} {m}, {r}, 3")
                out.append(f"shrd {sp} {m}, {r}, cl")
                out.append(f"cmovz {r}, {sp} {m}")
                out.append(f"xadd {sp} {m}, {r}")
                out.append(f"cmpxchg {sp} {m}, {r}")
                out.append(f"lock xadd {sp} {m}, {r}")
                out.append(f"lock bts {sp} {m}, 7")
                out.append(f"movzx {r}, byte ptr {m}")
                out.append(f"movsx {r}, byte ptr {m}")
                if w != 16:
                    out.append(f"movzx {r}, word ptr {m}")
                    out.append(f"movsx {r}, word ptr {m}")
            for op in ["not", "neg", "mul", "imul", "div", "idiv", "inc", "dec"]:
                out.append(f"{op} {sp} {m}")
            for op in ["rol", "shl", "sar"]:
                out.append(f"{op} {sp} {m}, 1")
                out.append(f"{op} {sp} {m}, cl")
                out.append(f"{op} {sp} {m}, 4")
            out.append(f"lock add {sp} {m}, {r}")
            out.append(f"lock inc {sp} {m}")
            out.append(f"lock or {sp} {m}, 1")
        # control transfer and system instructions through memory
        out += [f"push {SIZES[bits if bits != 32 else 32]} {m}" if bits != 16 else f"push word ptr {m}",
                f"call {'qword' if bits == 64 else 'dword' if bits == 32 else 'word'} ptr {m}",
                f"jmp {'qword' if bits == 64 else 'dword' if bits == 32 else 'word'} ptr {m}",
                f"invlpg {m}", f"lgdt {m}", f"sidt {m}", f"lldt word ptr {m}", f"smsw word ptr {m}",
                f"lmsw word ptr {m}", f"clflush byte ptr {m}", f"fxsave {m}", f"xsave {m}",
                f"xrstor {m}", f"prefetchnta byte ptr {m}", f"nop dword ptr {m}",
                f"fld dword ptr {m}", f"fstp qword ptr {m}", f"fild word ptr {m}",
                f"fldcw word ptr {m}", f"fnstsw word ptr {m}",
                f"movaps xmm1, xmmword ptr {m}", f"movdqu xmmword ptr {m}, xmm2",
                f"movq mm0, qword ptr {m}", f"pshufd xmm0, xmmword ptr {m}, 0x1b",
                f"pshufb xmm3, xmmword ptr {m}", f"palignr xmm1, xmmword ptr {m}, 3",
                f"pextrb byte ptr {m}, xmm1, 2", f"pclmulqdq xmm0, xmmword ptr {m}, 0x11",
                f"aesenc xmm1, xmmword ptr {m}", f"cmpps xmm1, xmmword ptr {m}, 2",
                f"crc32 eax, byte ptr {m}", f"popcnt ecx, dword ptr {m}",
                f"movbe eax, dword ptr {m}", f"vmovaps ymm1, ymmword ptr {m}",
                f"vpaddd xmm1, xmm2, xmmword ptr {m}", f"vpermq ymm1, ymmword ptr {m}, 0x1b",
                f"vfmadd231ps ymm1, ymm2, ymmword ptr {m}", f"vpbroadcastd xmm1, dword ptr {m}",
                f"andn eax, ebx, dword ptr {m}", f"shlx eax, dword ptr {m}, ecx",
                f"vaddps zmm1, zmm2, zmmword ptr {m}", f"vpternlogd zmm1, zmm2, zmmword ptr {m}, 0x55",
                f"vmovdqu64 zmm1{{k1}}{{z}}, zmmword ptr {m}", f"vaddps zmm1, zmm2, dword ptr {m}{{1to16}}",
                f"cmpxchg8b qword ptr {m}", f"lock cmpxchg8b qword ptr {m}",
                f"pfadd mm1, qword ptr {m}", f"invpcid eax, xmmword ptr {m}" if bits != 64 else f"invpcid rax, xmmword ptr {m}",
                f"vmptrld qword ptr {m}", f"xsaveopt {m}", f"xrstors {m}", f"clwb byte ptr {m}",
                f"call fword ptr {m}", f"jmp fword ptr {m}", f"les {'ax' if bits == 16 else 'eax'}, {m}" if bits != 64 else "nop",
                f"mov {m}, ds" if True else "", f"mov es, word ptr {m}",
                ]
        if bits == 64:
            out += [f"movsxd rax, dword ptr {m}", f"cmpxchg16b xmmword ptr {m}",
                    f"mov {m}, rax" if False else f"mov qword ptr {m}, -1"]
    return out


def register_templates(bits):
    out = []
    for w, regs in gprs(bits):
        for i, r in enumerate(regs):
            r2 = pick(regs, i + 3)
            out += [f"add {r}, {r2}", f"mov {r}, {r2}", f"xor {r}, {r2}", f"test {r}, {r2}",
                    f"cmp {r}, 1", f"and {r}, 0x7f", f"or {r}, 0x{(1 << (w - 1)) - 3:x}" if w < 64 else f"or {r}, 0x1234567",
                    f"not {r}", f"inc {r}", f"shl {r}, 3", f"shr {r}, cl", f"mov {r}, 0x12"]
            if w > 8:
                out += [f"push {r}" if w != 32 or bits != 64 else "nop",
                        f"bswap {r}" if w >= 32 else "nop", f"bsf {r}, {r2}", f"imul {r}, {r2}, 7"]
    if bits == 64:
        out += ["movabs rax, 0x1122334455667788", "movabs r15, 0x8000000000000000",
                "mov rax, 0x12345678", "mov eax, 0x12345678", "mov ax, 0x1234", "mov r9w, 0x1234",
                "movabs al, [0x1122334455667788]", "movabs eax, [0x1122334455667788]",
                "movabs [0x1122334455667788], rax", "movabs [0x1122334455667788], ax",
                "mov al, byte ptr ds:0x12345678", "mov eax, dword ptr fs:0x10",
                "mov cr8, rax", "mov rax, cr8", "mov cr0, rax", "mov rbx, cr3", "mov cr4, r9",
                "mov rax, dr7", "mov dr0, r8", "swapgs", "syscall", "sysret", "sysretq",
                "iretq", "push 0x12", "push 0x12345678", "pushfq", "popfq", "cdqe", "cqo",
                "jmp .+0x1000", "call .+0x1000", "je .+0x1000", "jmp .+2", "jne .+5",
                "jrcxz .+5", "loop .+5", "rdpid rax", "rdrand rax", "rdseed r9", "movsq",
                "rep movsq", "stosq", "rep stosq", "lodsq", "cmpsq", "scasq", "xchg r8, rax",
                "xchg eax, r9d", "xchg ax, r10w"]
    else:
        out += ["mov eax, 0x12345678", "mov ax, 0x1234", "mov al, 0x12",
                "mov al, byte ptr ds:0x1234", "mov eax, dword ptr ds:0x12345678",
                "mov byte ptr ds:0x1234, al", "mov word ptr es:0x12, ax",
                "mov cr0, eax", "mov ebx, cr3", "mov cr4, ecx", "mov eax, dr7", "mov dr1, edx",
                "pusha", "popa", "pushad", "popad", "daa", "das", "aaa", "aas", "aam", "aad",
                "aam 16", "aad 7", "into", "push es", "pop es", "push cs", "push ss", "pop ss",
                "push ds", "pop ds", "iret", "iretd", "salc" if False else "cwde",
                "jmp .+0x1000", "call .+0x1000", "je .+0x1000", "jmp .+2", "jne .+5",
                "jcxz .+5", "jecxz .+5", "loop .+5", "push 0x12", "push 0x1234", "pushf", "popf",
                "call 0x10:0x1234", "jmp 0x10:0x1234", "inc eax", "dec cx", "sysenter", "sysexit",
                "bound eax, qword ptr [eax]" if bits == 32 else "bound ax, dword ptr [bx]",
                "arpl word ptr [eax], ax" if bits == 32 else "arpl word ptr [bx], ax",
                "lds eax, [eax]" if bits == 32 else "lds ax, [bx]",
                "les eax, [ebx+4]" if bits == 32 else "les ax, [si]"]
    return out


# Intercepted instructions: each also gets every prefix combination below.
INTERCEPTED = ["cpuid", "rdmsr", "wrmsr", "hlt", "vmmcall", "vmcall", "vmrun", "vmload",
               "vmsave", "stgi", "clgi", "skinit", "invlpga", "pause", "xsetbv", "xgetbv",
               "rdtsc", "rdtscp", "rdpmc", "wbinvd", "invd", "monitor", "mwait", "monitorx",
               "mwaitx", "int3", "int 0x80", "int1", "sti", "cli", "clts", "rsm", "ud2",
               "in al, 0x60", "in ax, 0x60", "in eax, 0x60", "out 0x80, al", "out 0x80, ax",
               "out 0x80, eax", "in al, dx", "in ax, dx", "in eax, dx", "out dx, al",
               "out dx, ax", "out dx, eax", "insb", "insw", "insd", "outsb", "outsw", "outsd",
               "rep insb", "rep insw", "rep insd", "rep outsb", "rep outsw", "rep outsd",
               "movsb", "movsw", "movsd", "stosb", "stosw", "stosd", "lodsb", "rep movsb",
               "rep movsd", "rep stosb", "rep stosd", "cmpsb", "repne scasb",
               "enter 0x10, 1", "enter 0x1234, 0", "leave", "ret", "ret 8", "retf", "retf 0x10",
               "nop", "fnop", "emms", "femms", "vzeroupper", "vzeroall", "sfence", "lfence",
               "mfence", "rdtscp", "xend", "xtest", "wrpkru", "rdpkru", "clac", "stac",
               "encls", "enclu", "getsec", "ud1 eax, ecx", "extrq xmm1, 8, 4",
               "insertq xmm1, xmm2, 8, 4", "vprotb xmm1, xmm2, 3", "lwpins eax, ecx, 0x12345678",
               "bextr eax, ecx, 0x1234", "xabort 0x12", "pushf", "popf", "sahf", "lahf",
               "fxch st(2)", "fadd st, st(1)", "fnstsw ax", "kmovw k1, k2", "kandw k1, k2, k3"]
PREFIXES = {
    16: ["", ".byte 0x66;", ".byte 0x67;", ".byte 0x2e;", ".byte 0x26, 0x64;",
         ".byte 0xf3;", ".byte 0x66, 0x67, 0x3e;", ".byte 0x65, 0x65, 0x65;"],
    32: ["", ".byte 0x66;", ".byte 0x67;", ".byte 0x2e;", ".byte 0x26, 0x64;",
         ".byte 0xf3;", ".byte 0x66, 0x67, 0x3e;", ".byte 0x65, 0x65, 0x65;"],
    64: ["", ".byte 0x66;", ".byte 0x67;", ".byte 0x2e;", ".byte 0x26, 0x64;",
         ".byte 0xf3;", ".byte 0x66, 0x67, 0x3e;", ".byte 0x65, 0x65, 0x65;",
         ".byte 0x40;", ".byte 0x48;", ".byte 0x41, 0x48;", ".byte 0x48, 0x66;",
         ".byte 0x66, 0x48;", ".byte 0x2e, 0x4f;"],
}
# Instructions a prefix would turn into something else (F3 90 is PAUSE, etc.)
# still assemble to *some* valid instruction; VEX-encoded ones reject 66/F3/REX
# in front (length 0 = #UD expected), which the test checks too.
VEX_LIKE = ("vzero", "vprot", "lwpins", "bextr", "kmov", "kand")


def long_prefix_cases(bits):
    """Prefix chains up to and past the 15-byte limit."""
    out = []
    for n in (12, 13, 14):
        out.append((".byte " + ", ".join(["0x2e"] * n) + "; cpuid", n + 2 <= 15))
    out.append((".byte " + ", ".join(["0xf3"] * 9) + "; in al, 0x60", True))
    out.append((".byte " + ", ".join(["0xf3"] * 13) + "; in al, 0x60", True))
    out.append((".byte " + ", ".join(["0xf3"] * 14) + "; in al, 0x60", False))
    return out


def assemble(bits, lines):
    """Returns [(bytes)] for each line that assembles (dropping the others)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, obj = os.path.join(tmp, "v.s"), os.path.join(tmp, "v.o")
        keep = list(lines)
        for _ in range(20):
            body = [".intel_syntax noprefix", f".code{bits}"]
            body += [f"v{i}: {text}" for i, text in enumerate(keep)] + ["vend:"]
            with open(src, "w") as f:
                f.write("\n".join(body) + "\n")
            r = subprocess.run(["as"] + AS_FLAGS[bits] + ["-o", obj, src],
                               capture_output=True, text=True)
            bad = {int(m.group(1)) - 3 for m in re.finditer(r":(\d+): Error", r.stderr)}
            if r.returncode == 0 and not bad:
                break
            if not bad:
                raise RuntimeError(r.stderr)
            keep = [t for i, t in enumerate(keep) if i not in bad]
        nm = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        addr = {}
        for line in nm.splitlines():
            a, _, name = line.split()
            addr[name] = int(a, 16)
        binf = os.path.join(tmp, "v.bin")
        subprocess.run(["objcopy", "-O", "binary", "-j", ".text", obj, binf], check=True)
        data = open(binf, "rb").read()
        out = []
        for i, text in enumerate(keep):
            a, b = addr[f"v{i}"], addr[f"v{i + 1}" if i + 1 < len(keep) else "vend"]
            out.append((text, data[a:b]))
        return out


def random_candidates(bits, n, rng):
    legacy = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65]
    out = []
    for _ in range(n):
        b = []
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            b.append(rng.choice(legacy))
        if bits == 64 and rng.random() < 0.3:
            b.append(0x40 | rng.randrange(16))
        kind = rng.random()
        if kind < 0.04:                 # 66h near branches: vendor-specific
            b += [0x66] + rng.choice([[0xe8], [0xe9], [0x0f, 0x80 | rng.randrange(16)]])
        elif kind < 0.45:
            b.append(rng.randrange(256))
        elif kind < 0.75:
            b += [0x0f, rng.randrange(256)]
        elif kind < 0.83:
            b += [0x0f, rng.choice([0x38, 0x3a]), rng.randrange(256)]
        elif kind < 0.93:
            if rng.random() < 0.5:
                b += [0xc5, rng.randrange(256) | (0 if bits == 64 else 0x80)]
            else:
                b += [0xc4, (rng.randrange(256) & 0xe0 | 0xc0 if bits != 64 else rng.randrange(256) & 0xe0)
                      | rng.choice([1, 2, 3]), rng.randrange(256)]
            b.append(rng.randrange(256))
        else:
            p0 = (rng.randrange(256) & 0xf0) | rng.choice([1, 2, 3, 5, 6])
            if bits != 64:
                p0 |= 0xc0
            b += [0x62, p0, rng.randrange(256) | 0x04, rng.randrange(256), rng.randrange(256)]
        while len(b) < 15:
            b.append(rng.randrange(256))
        out.append(bytes(b[:15]))
    return out


PREFIX_WORDS = {"cs", "ds", "es", "ss", "fs", "gs", "data16", "data32", "addr16", "addr32",
                "lock", "rep", "repz", "repnz", "repe", "repne", "bnd", "notrack",
                "xacquire", "xrelease"}


def first_opcode(bits, code):
    legacy = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65}
    for x in code:
        if x not in legacy and not (bits == 64 and x & 0xf0 == 0x40):
            return x
    return None


def objdump_lengths(bits, cands, isa=None):
    """First-instruction length objdump gives each candidate, or None."""
    with tempfile.TemporaryDirectory() as tmp:
        src, obj = os.path.join(tmp, "r.s"), os.path.join(tmp, "r.o")
        with open(src, "w") as f:
            f.write(f".code{bits}\n")
            for i, c in enumerate(cands):
                f.write(f"r{i}: .byte {', '.join(str(x) for x in c)}\n")
        subprocess.run(["as"] + AS_FLAGS[bits] + ["-o", obj, src], check=True)
        dis = subprocess.run(["objdump", "-d", "-M", OBJDUMP_M[bits] + (f",{isa}" if isa else ""),
                              "--insn-width=16", obj],
                             capture_output=True, text=True, check=True).stdout
    res = [None] * len(cands)
    cur, first = None, False
    for line in dis.splitlines():
        m = re.match(r"^[0-9a-f]+ <r(\d+)>:", line)
        if m:
            cur, first = int(m.group(1)), True
            continue
        m = re.match(r"^\s*[0-9a-f]+:\t([0-9a-f ]+)\t(.*)$", line)
        if not (m and first):
            continue
        first = False
        nbytes = len(m.group(1).split())
        text = m.group(2).strip()
        words = text.split()
        if not words or "(bad)" in text or text.startswith(".byte") or \
                all(w in PREFIX_WORDS or w.startswith("rex") for w in words) or \
                "{bad}" in text or "(bad" in text:
            continue
        if first_opcode(bits, cands[cur]) == 0x9b:
            continue                    # objdump folds FWAIT into the next x87 insn
        res[cur] = nbytes
    return res


def main():
    out = sys.argv[1]
    nrand = int(sys.argv[sys.argv.index("--random") + 1]) if "--random" in sys.argv else 3000
    lines = ["# SPDX-License-Identifier: GPL-2.0-only",
             "# Generated by tests/unit/gen_insn_vectors.py from GNU as/objdump. Do not edit."]
    rng = random.Random(1234)
    for bits in (16, 32, 64):
        texts = memory_templates(bits) + register_templates(bits)
        for ins in INTERCEPTED:
            for p in PREFIXES[bits]:
                texts.append(f"{p} {ins}".strip())
        texts = list(dict.fromkeys(t for t in texts if t))
        for text, code in assemble(bits, texts):
            exp = len(code)
            # VEX/EVEX/XOP after 66/F3/REX is #UD (as assembles it anyway).
            if any(v in text for v in VEX_LIKE) and text.startswith(".byte") and \
                    not re.match(r"\.byte 0x(2e|26|64|65|67|3e)(, 0x(2e|26|64|65|67|3e))*;", text):
                exp = 0
            lines.append(f"A {bits} {code.hex()} {exp} # {text}")
        for text, ok in long_prefix_cases(bits):
            for _, code in assemble(bits, [text]):
                lines.append(f"A {bits} {code.hex()} {len(code) if ok else 0} # {text}")
        cands = random_candidates(bits, nrand, rng)
        for c, n in zip(cands, objdump_lengths(bits, cands)):
            if n is not None:
                lines.append(f"R {bits} {c.hex()} {n}")
        if bits == 64:                  # the same bytes decoded as Intel 64
            for c, n in zip(cands, objdump_lengths(bits, cands, "intel64")):
                if n is not None:
                    lines.append(f"I {bits} {c.hex()} {n}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
