/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 architectural constants, each defined once, for C and for .S:
 * control-register, EFER and RFLAGS bits, debug-register defaults and
 * MSR numbers (SDM vol. 3 2.5 and 2.2.1, vol. 4; APM2 3.1 and appendix A).
 * Values are plain expressions; _AC() gives them their C type only in C,
 * so the assembler sees no suffix.
 */
#ifndef ASM_X86_DEFNS_H
#define ASM_X86_DEFNS_H

#ifdef __ASSEMBLY__
#define _AC(x, t)   x
#else
#define _AC_(x, t)  x##t
#define _AC(x, t)   _AC_(x, t)
#endif

#define _BITUL(n)   (_AC(1, UL) << (n))

/* CR0 (SDM vol. 3 2.5) */
#define X86_CR0_PE      _BITUL(0)
#define X86_CR0_MP      _BITUL(1)
#define X86_CR0_ET      _BITUL(4)
#define X86_CR0_NE      _BITUL(5)
#define X86_CR0_WP      _BITUL(16)
#define X86_CR0_NW      _BITUL(29)
#define X86_CR0_CD      _BITUL(30)
#define X86_CR0_PG      _BITUL(31)

/* CR4 */
#define X86_CR4_PSE     _BITUL(4)
#define X86_CR4_PAE     _BITUL(5)
#define X86_CR4_PGE     _BITUL(7)
#define X86_CR4_OSFXSR  _BITUL(9)
#define X86_CR4_LA57    _BITUL(12)
#define X86_CR4_VMXE    _BITUL(13)

/* EFER (SDM vol. 3 2.2.1, APM2 3.1.7) */
#define EFER_SCE        _BITUL(0)
#define EFER_LME        _BITUL(8)
#define EFER_LMA        _BITUL(10)
#define EFER_NXE        _BITUL(11)
#define EFER_SVME       _BITUL(12)

/* RFLAGS */
#define X86_EFLAGS_FIXED _BITUL(1)      /* always 1 */
#define X86_EFLAGS_IF   _BITUL(9)

/* DR6/DR7 as RESET and INIT leave them (SDM vol. 3 18.2.3, 18.2.4) */
#define X86_DR6_DEFAULT _AC(0xffff0ff0, UL)
#define X86_DR7_DEFAULT _AC(0x400, UL)
#define X86_DR7_ENABLED _AC(0xff, UL)   /* L0-L3, G0-G3: a breakpoint is armed */

/* MSRs (SDM vol. 4 chapter 2, APM2 appendix A) */
#define MSR_IA32_TSC            0x00000010
#define MSR_IA32_APIC_BASE      0x0000001b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_SYSENTER_CS    0x00000174
#define MSR_IA32_SYSENTER_ESP   0x00000175
#define MSR_IA32_SYSENTER_EIP   0x00000176
#define MSR_IA32_PAT            0x00000277
#define MSR_IA32_TSC_DEADLINE   0x000006e0
#define MSR_EFER                0xc0000080
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_SFMASK              0xc0000084
#define MSR_FS_BASE             0xc0000100
#define MSR_GS_BASE             0xc0000101
#define MSR_KERNEL_GS_BASE      0xc0000102
#define MSR_TSC_AUX             0xc0000103
#define MSR_VM_CR               0xc0010114
#define MSR_VM_HSAVE_PA         0xc0010117

#endif
