/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID feature detection (SDM Vol. 2A CPUID; AMD APM Vol. 3 appendix E). */
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/vmx.h>
#include <tessera/lib.h>

struct cpu_features boot_cpu;

static void detect_vmx_secondary(void)
{
    /* EPT, VPID and unrestricted guest are secondary processor-based
     * controls: allowed-1 settings are the high half of the capability
     * MSR (SDM Vol. 3D, A.3.3). The secondary controls exist only if
     * bit 63 of the primary capability MSR is allowed-1. */
    if (!(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS) >> 63))
        return;
    uint32_t allowed1 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32;

    boot_cpu.ept = allowed1 & (1u << 1);
    boot_cpu.vpid = allowed1 & (1u << 5);
    boot_cpu.unrestricted_guest = allowed1 & (1u << 7);
}

void cpu_features_detect(void)
{
    uint32_t a, b, c, d;

    cpuid(0, &a, &b, &c, &d);
    boot_cpu.max_leaf = a;
    memcpy(boot_cpu.vendor + 0, &b, 4);
    memcpy(boot_cpu.vendor + 4, &d, 4);
    memcpy(boot_cpu.vendor + 8, &c, 4);
    boot_cpu.vendor[12] = 0;

    cpuid(1, &a, &b, &c, &d);
    boot_cpu.family = (a >> 8) & 0xf;
    boot_cpu.model = (a >> 4) & 0xf;
    if (boot_cpu.family == 0xf)
        boot_cpu.family += (a >> 20) & 0xff;
    if (boot_cpu.family >= 6)
        boot_cpu.model |= ((a >> 16) & 0xf) << 4;
    boot_cpu.stepping = a & 0xf;
    boot_cpu.vmx = c & (1u << 5);
    boot_cpu.pcid = c & (1u << 17);
    boot_cpu.x2apic = c & (1u << 21);
    boot_cpu.tsc_deadline = c & (1u << 24);
    boot_cpu.xsave = c & (1u << 26);
    boot_cpu.hypervisor = c & (1u << 31);

    cpuid(0x80000000, &a, &b, &c, &d);
    boot_cpu.max_ext_leaf = a;
    if (a >= 0x80000001) {
        cpuid(0x80000001, &a, &b, &c, &d);
        boot_cpu.svm = c & (1u << 2);
        boot_cpu.nx = d & (1u << 20);
        boot_cpu.page1gb = d & (1u << 26);
    }
    if (boot_cpu.max_ext_leaf >= 0x80000004) {
        uint32_t *w = (uint32_t *)boot_cpu.brand;
        for (uint32_t leaf = 0x80000002; leaf <= 0x80000004; leaf++, w += 4)
            cpuid(leaf, &w[0], &w[1], &w[2], &w[3]);
        boot_cpu.brand[48] = 0;
    }
    if (boot_cpu.max_ext_leaf >= 0x80000007) {
        cpuid(0x80000007, &a, &b, &c, &d);
        boot_cpu.invariant_tsc = d & (1u << 8);
    }
    boot_cpu.phys_addr_bits = 36;
    if (boot_cpu.max_ext_leaf >= 0x80000008) {
        cpuid(0x80000008, &a, &b, &c, &d);
        boot_cpu.phys_addr_bits = a & 0xff;
    }
    if (boot_cpu.svm && boot_cpu.max_ext_leaf >= 0x8000000a) {
        cpuid(0x8000000a, &a, &b, &c, &d);
        boot_cpu.npt = d & (1u << 0);
        boot_cpu.nrip_save = d & (1u << 3);
        boot_cpu.decode_assists = d & (1u << 7);
    }
    if (boot_cpu.vmx)
        detect_vmx_secondary();
}

void cpu_features_print(void)
{
    const char *brand = boot_cpu.brand;

    while (*brand == ' ')
        brand++;
    printk("cpu: %s family %#x model %#x stepping %u \"%s\"\n", boot_cpu.vendor,
           boot_cpu.family, boot_cpu.model, boot_cpu.stepping, brand);
    printk("cpu: virtualization: %s%s%s%s%s%s%s%s\n",
           boot_cpu.vmx ? "vmx " : "", boot_cpu.ept ? "ept " : "",
           boot_cpu.vpid ? "vpid " : "", boot_cpu.unrestricted_guest ? "unrestricted-guest " : "",
           boot_cpu.svm ? "svm " : "", boot_cpu.npt ? "npt " : "",
           boot_cpu.nrip_save ? "nrip-save " : "",
           !boot_cpu.vmx && !boot_cpu.svm ? "none" : "");
    printk("cpu: features: %s%s%s%s%s%s%s%sphys-bits=%u\n",
           boot_cpu.x2apic ? "x2apic " : "", boot_cpu.tsc_deadline ? "tsc-deadline " : "",
           boot_cpu.invariant_tsc ? "invariant-tsc " : "", boot_cpu.page1gb ? "1g-pages " : "",
           boot_cpu.nx ? "nx " : "", boot_cpu.pcid ? "pcid " : "",
           boot_cpu.xsave ? "xsave " : "", boot_cpu.hypervisor ? "under-hypervisor " : "",
           boot_cpu.phys_addr_bits);
}
