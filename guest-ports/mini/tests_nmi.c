/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NMIs through the local APIC (ICR delivery mode NMI): one reaches vCPU 0
 * with interrupts off; a second one sent from inside the handler waits for
 * the handler's IRET (SDM vol. 3 6.7.1), then comes; with more vCPUs,
 * each secondary one, idling in HLT, takes one too.
 */
#include "mini.h"

#define ICR_NMI     (4u << 8)
#define WAIT_MS     2000
#define HOLD_MS     5

static volatile unsigned int nmis[MAX_VCPUS];
static volatile bool send_again, nested;

static unsigned int vcpu_id(void)
{
    uint32_t r[4];

    cpuid(0x40000004, 0, r);        /* EBX: vCPU id (public/arch-x86/cpuid.h) */
    return r[1] < MAX_VCPUS ? r[1] : 0;
}

static void spin_ms(unsigned int ms)
{
    uint64_t end = rdtsc() + ms * tsc_khz();

    while (rdtsc() < end)
        cpu_relax();
}

static void on_nmi(unsigned int vector)
{
    unsigned int id = vcpu_id(), count = ++nmis[id];

    (void)vector;
    if (id == 0 && send_again && count == 1) {
        send_again = false;
        apic_send_icr(0, ICR_NMI);
        spin_ms(HOLD_MS);               /* the second must not come in here */
        nested = nmis[0] != count;
    }
}

static bool wait_nmis(unsigned int id, unsigned int want)
{
    uint64_t end = rdtsc() + WAIT_MS * tsc_khz();

    while (nmis[id] < want)
        if (rdtsc() > end)
            return false;
    return true;
}

void tests_nmi(void)
{
    irq_set_handler(VEC_NMI, on_nmi);

    irq_disable();
    apic_send_icr(0, ICR_NMI);          /* vCPU 0's APIC id is 0 */
    bool got = wait_nmis(0, 1);
    irq_enable();
    CHECK("nmi.delivered_with_if_clear", got, "NMIs %u", nmis[0]);

    nmis[0] = 0;
    send_again = true;
    apic_send_icr(0, ICR_NMI);
    got = wait_nmis(0, 2);
    CHECK("nmi.blocked_until_iret", got && !nested, "NMIs %u, nested %d", nmis[0], nested);

    if (nr_vcpus < 2)
        return;
    bool all = true;
    for (unsigned int i = 1; i < nr_vcpus && i < MAX_VCPUS; i++) {
        apic_send_icr(2 * i, ICR_NMI);  /* APIC ids are 2 x vCPU id */
        all = wait_nmis(i, 1) && all;
    }
    CHECK("nmi.each_vcpu", all, "an AP missed its NMI");
}
