/* SPDX-License-Identifier: GPL-2.0-only */
/* Chooses the virtualization backend the CPU offers and starts it on each CPU. */
#include "backend.h"
#include <asm/processor.h>
#include <asm/smp.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/errno.h>

const struct hvm_backend *hvm;

/* Guest x87/SSE state is switched with FXSAVE/FXRSTOR (hvm/run.c): that
 * needs CR4.OSFXSR (and OSXMMEXCPT for SIMD exceptions) and CR0.EM clear,
 * CR0.TS clear (SDM vol. 3 2.5). */
static void fpu_cpu_init(void)
{
    write_cr0((read_cr0() & ~((1ul << 2) | (1ul << 3))) | (1ul << 1));
    write_cr4(read_cr4() | (1ul << 9) | (1ul << 10));
}

static bool cpu_has_vmx(void)
{
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    return c & (1u << 5);
}

int hvm_init(void)
{
    int rc;

    if (svm_probe() == 0)
        hvm = &svm_backend;
    else if (cpu_has_vmx() && vmx_probe() == 0)
        hvm = &vmx_backend;
    else if (cpu_has_vmx()) {
        printk(LOG_WARN "hvm: VT-x found, but without what the VMX backend needs: no guests\n");
        return -ENODEV;
    } else {
        printk(LOG_WARN "hvm: no usable SVM (with NPT) or VMX (with EPT): no guests\n");
        return -ENODEV;
    }
    rc = hvm_cpu_init();
    if (rc) {
        printk(LOG_ERR "hvm: %s failed to start on the boot CPU (%d)\n", hvm->name, rc);
        hvm = NULL;
        return rc;
    }
    printk("hvm: using %s\n", hvm->name);
    return 0;
}

int hvm_cpu_init(void)
{
    if (!hvm)
        return -ENODEV;
    fpu_cpu_init();
    return hvm->cpu_init();
}

static void ap_hvm_init(void *failed)
{
    if (arch_cpu_id() != 0 && hvm_cpu_init())
        __atomic_store_n((bool *)failed, true, __ATOMIC_RELAXED);
}

bool arch_virt_start(void)
{
    bool failed = false;

    if (hvm_init())
        return false;
    on_each_cpu(ap_hvm_init, &failed);
    if (failed) {
        printk(LOG_ERR "hvm: a CPU could not enable %s: no guests\n", hvm->name);
        hvm = NULL;
    }
    return hvm;
}

bool arch_virt_ready(void)
{
    return hvm;
}

int hvm_set_initial_state(struct vcpu *v, const struct hvm_initial_state *s)
{
    return hvm->set_initial_state(v, s);
}
