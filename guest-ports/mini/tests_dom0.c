/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control domain's calls and its access to the machine (docs/dom0-io.md),
 * from both sides: as a domU (the default), every privileged call is
 * refused and nothing of the machine shows; booted as the `dom0` module
 * (mini-dom0.elf, mini.only=dom0), the calls work and the machine's
 * devices answer, except what the hypervisor keeps, which reads as an
 * absent device. The numbers of QEMU's devices used (RTC register A, the
 * VGA framebuffer's address, the IOAPIC's version) are QEMU 7.2's.
 *
 * mini.dom0_no_vga=1 skips the VGA framebuffer (Bochs has none there).
 * mini.dom0_amdvi=1 adds QEMU's AMD IOMMU to what must read as absent.
 * mini.dom0=<case> then ends dom0 in a way that must reach the hypervisor
 * as a request (reset, kbd-reset, s5), be refused (s3), crash dom0 alone
 * (fetch, string-mmio), or reads a line of serial input (echo).
 */
#include <public/xen/errno.h>
#include <public/xen/event_channel.h>
#include <public/xen/features.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/memory.h>
#include <public/xen/physdev.h>
#include <public/xen/platform.h>
#include <public/xen/sched.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "evtchn.h"
#include "hypercall.h"
#include "mini.h"

#define PIC_MASTER_DATA     0x21
#define COM1_LSR            0x3fd
#define RTC_INDEX           0x70
#define RTC_DATA            0x71
#define RTC_REG_A           0x0a
#define HPET_BASE           0xfed00000ul
#define QEMU_VGA_FB         0xfd000000ul
#define IOAPIC_BASE         0xfec00000ul
#define LAPIC_BASE          0xfee00000ul
#define QEMU_IOAPIC_VER     0x00170020u     /* 24 pins, version 0x20 */
#define QEMU_AMDVI_BASE     0xfed80000ul    /* -device amd-iommu's registers */
#define AMDVI_EFR           0x30            /* extended features: non-zero */
/* A page of host RAM that is not ours (dom0_machine_ram()). */
static uint64_t host_ram;

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint8_t v, uint16_t port)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline void outw(uint16_t v, uint16_t port)
{
    __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port));
}

static uint32_t rd32(uint64_t pa)
{
    return *(volatile uint32_t *)pa;
}

static void wr32(uint64_t pa, uint32_t v)
{
    *(volatile uint32_t *)pa = v;
}

static bool am_dom0(void)
{
    struct xen_feature_info fi = { .submap_idx = 0 };

    return HYPERCALL(__HYPERVISOR_xen_version, XENVER_get_features, &fi, 0) == 0 &&
           (fi.submap & (1u << XENFEAT_dom0));
}

static long platform(uint32_t cmd, uint32_t version, struct xen_platform_op *op)
{
    op->cmd = cmd;
    op->interface_version = version;
    return HYPERCALL(__HYPERVISOR_platform_op, op, 0, 0);
}

/* Both kinds of domain: xenstored's loopback channel and the store param. */
static void test_store_bootstrap(bool dom0)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN };
    long rc = HYPERCALL(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &au, 0);

    CHECK("evtchn.alloc_unbound_self_self", rc == 0 && au.port > 0, "rc %ld port %u", rc,
          au.port);
    if (!rc)
        evtchn_close(au.port);
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);
    CHECK("hvm_op.store_evtchn_param", rc == 0 && (!dom0 || p.value == 0), "rc %ld value %lu",
          rc, (unsigned long)p.value);
}

static void test_refused(void)
{
    struct physdev_pci_device_add add = { 0 };
    struct xen_platform_op op = { 0 };
    struct e820 { uint64_t addr, size; uint32_t type; } __attribute__((packed)) e[4];
    struct xen_memory_map map = { .nr_entries = 4, .buffer.p = (uint64_t)(uintptr_t)e };
    long rc;

    rc = HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_device_add, &add, 0);
    CHECK("domu.physdev_pci_add_refused", rc == -XEN_EPERM, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_eoi, &add, 0);
    CHECK("domu.physdev_pirq_call_nosys", rc == -XEN_ENOSYS, "rc %ld", rc);
    rc = platform(XENPF_get_cpuinfo, XENPF_INTERFACE_VERSION, &op);
    CHECK("domu.platform_op_refused", rc == -XEN_EPERM, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_machine_memory_map, &map, 0);
    CHECK("domu.machine_memory_map_refused", rc == -XEN_EPERM, "rc %ld", rc);
    /* Every port still traps and reads as absent: the RTC, the PIC. */
    CHECK("domu.ports_absent", inb(RTC_DATA) == 0xff && inb(PIC_MASTER_DATA) == 0xff, " ");
    tests_ctl_refused();
}

static void test_dom0_calls(void)
{
    struct e820 { uint64_t addr, size; uint32_t type; } __attribute__((packed)) e[64];
    struct xen_memory_map map = { .nr_entries = 64, .buffer.p = (uint64_t)(uintptr_t)e };
    struct xen_platform_op op = { 0 };
    struct physdev_pci_device_add add = { 0 };
    char buf[16];
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_machine_memory_map, &map, 0);
    bool sorted = true;

    /* Host RAM 2 MiB below the top of the machine's RAM under 1 GiB (our
     * identity map): far above our own, never ours. */
    for (uint32_t i = 0; !rc && i < map.nr_entries; i++) {
        uint64_t end = MIN(e[i].addr + e[i].size, IDENTITY_MAP_END) & ~(PAGE_SIZE - 1);
        if (e[i].type == 1 && end >= e[i].addr + (4ul << 20) && end > ram_hole() + (4ul << 20))
            host_ram = end - (2ul << 20);
        sorted &= !i || e[i].addr >= e[i - 1].addr + e[i - 1].size;
    }
    CHECK("dom0.machine_memory_map", rc == 0 && map.nr_entries > 1 && host_ram && sorted,
          "rc %ld, %u entries, RAM at %#lx", rc, map.nr_entries, (unsigned long)host_ram);
    map.nr_entries = 1;
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_machine_memory_map, &map, 0);
    CHECK("dom0.machine_memory_map_short", rc == 0 && map.nr_entries == 1, "rc %ld", rc);
    map.nr_entries = 64;
    map.buffer.p = 0x8000000000000000ul;
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_machine_memory_map, &map, 0);
    CHECK("dom0.machine_memory_map_bad_buffer", rc == -XEN_EFAULT, "rc %ld", rc);

    op.u.pcpu_info.xen_cpuid = 0;
    rc = platform(XENPF_get_cpuinfo, XENPF_INTERFACE_VERSION, &op);
    CHECK("dom0.platform_cpuinfo", rc == 0 && op.u.pcpu_info.flags == XEN_PCPU_FLAGS_ONLINE,
          "rc %ld flags %u", rc, op.u.pcpu_info.flags);
    op.u.pcpu_info.xen_cpuid = 100000;
    rc = platform(XENPF_get_cpuinfo, XENPF_INTERFACE_VERSION, &op);
    CHECK("dom0.platform_cpuinfo_absent", rc == 0 &&
          op.u.pcpu_info.flags == XEN_PCPU_FLAGS_INVALID && op.u.pcpu_info.max_present < 100000,
          "rc %ld flags %u", rc, op.u.pcpu_info.flags);
    rc = platform(XENPF_get_cpuinfo, 0x03000000, &op);
    CHECK("dom0.platform_old_interface", rc == -XEN_EACCES, "rc %ld", rc);
    rc = platform(XENPF_settime64, XENPF_INTERFACE_VERSION, &op);
    CHECK("dom0.platform_settime_nosys", rc == -XEN_ENOSYS, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_platform_op, 0x8000000000000000ul, 0, 0);
    CHECK("dom0.platform_bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);

    rc = HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_device_add, &add, 0);
    CHECK("dom0.physdev_pci_add", rc == 0, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_restore_msi, &add, 0);
    CHECK("dom0.physdev_restore_msi_nosys", rc == -XEN_ENOSYS, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_device_add, 0x8000000000000000ul, 0);
    CHECK("dom0.physdev_bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);

    rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), buf);
    CHECK("dom0.console_read", rc >= 0 && rc <= (long)sizeof(buf), "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), 0x8000000000000000ul);
    CHECK("dom0.console_read_bad_buffer", rc == 0 || rc == -XEN_EFAULT, "rc %ld", rc);
}

static void test_dom0_ports(void)
{
    uint8_t a;

    /* The PIC is the hypervisor's: the NULL-PIC probe answer. */
    CHECK("dom0.pic_absent", inb(PIC_MASTER_DATA) == 0xff, " ");
    /* The hypervisor's UART: its line status would show an empty
     * transmitter (0x60); dom0 sees no UART. */
    CHECK("dom0.hypervisor_uart_absent", inb(COM1_LSR) == 0xff, " ");
    /* The RTC is the machine's: register A reads its divider (0x26),
     * also with the NMI-mask bit, which the hypervisor keeps clear. */
    outb(RTC_REG_A, RTC_INDEX);
    a = inb(RTC_DATA);
    CHECK("dom0.rtc_reaches_machine", (a & 0x7f) == 0x26, "register A %#x", a);
    outb(0x80 | RTC_REG_A, RTC_INDEX);
    a = inb(RTC_DATA);
    CHECK("dom0.rtc_nmi_bit_mediated", (a & 0x7f) == 0x26, "register A %#x", a);
}

static void test_dom0_mmio(void)
{
    uint32_t v;

    /* A device of the machine, mapped at the first touch: QEMU's VGA
     * framebuffer (BAR 0 as SeaBIOS places it) keeps what is written.
     * mini.dom0_no_vga: none there (Bochs). */
    if (!cmdline_option("mini.dom0_no_vga")) {
        wr32(QEMU_VGA_FB, 0x5aa5c33c);
        v = rd32(QEMU_VGA_FB);
        CHECK("dom0.vga_framebuffer_mapped", v == 0x5aa5c33c, "read %#x", v);
    }
    /* The HPET is the hypervisor's (its table is hidden from dom0). */
    v = rd32(HPET_BASE);
    CHECK("dom0.hpet_absent", v == 0xffffffffu, "capabilities %#x", v);
    /* The local APIC page is our vCPU's emulated one, not the CPU's: the
     * test runs dom0 on the machine's CPU 1 (APIC ID 1), vCPU 0 has ID 0. */
    v = rd32(LAPIC_BASE + 0x20);
    CHECK("dom0.lapic_is_virtual", v >> 24 == 0, "APIC ID register %#x", v);
    /* The IOAPIC is the hypervisor's: whatever dom0 sees there (all ones,
     * or an emulated vIOAPIC) is not the machine's version register. */
    wr32(IOAPIC_BASE, 1);
    v = rd32(IOAPIC_BASE + 0x10);
    CHECK("dom0.ioapic_not_machine", v != QEMU_IOAPIC_VER, "version %#x", v);
    /* Host RAM outside our own: absent, and writes go nowhere. */
    if (host_ram) {
        wr32(host_ram, 0x12345678);
        v = rd32(host_ram);
        CHECK("dom0.host_ram_absent", v == 0xffffffffu, "read %#x at %#lx", v,
              (unsigned long)host_ram);
    }
    /* mini.dom0_amdvi: QEMU's AMD IOMMU is there, and the hypervisor's. */
    if (cmdline_option("mini.dom0_amdvi")) {
        wr32(QEMU_AMDVI_BASE + 0x18, 0);            /* its control register */
        v = rd32(QEMU_AMDVI_BASE + AMDVI_EFR);
        CHECK("dom0.amdvi_absent", v == 0xffffffffu, "features %#x", v);
    }
}

static evtchn_port_t console_virq;

static bool console_virq_pending(void)
{
    return ev_pending(console_virq);
}

/* mini.dom0=echo: one line typed on the serial line once the input is
 * switched to dom0, read with CONSOLEIO_read, each arrival announced by
 * VIRQ_CONSOLE (the port masked: its pending bit is what we look at).
 * After the first bytes, a prompt without a newline, as a shell's: the
 * console must show it before the line is finished. */
static void dom0_echo(void)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
    char line[80];
    size_t n = 0;
    unsigned int raised = 0;
    long rc = evtchn_map_shared_info();

    if (!rc)
        rc = evtchn_op(EVTCHNOP_bind_virq, &b);
    CHECK("dom0.bind_virq_console", rc == 0, "rc %ld", rc);
    if (rc)
        return;
    console_virq = b.port;
    ev_set_mask(console_virq, true);
    printf("mini: echo ready\n");
    while (n < sizeof(line) - 1 && ev_wait(console_virq_pending, 60000)) {
        raised++;
        ev_clear_pending(console_virq);
        while (n < sizeof(line) - 1) {
            rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(line) - 1 - n,
                           line + n);
            if (rc <= 0)
                break;
            n += (size_t)rc;
        }
        if (rc < 0 || (n && line[n - 1] == '\r'))
            break;
        if (n && raised == 1)
            printf("mini: echo> ");
    }
    CHECK("dom0.console_read_line", rc >= 0 && raised > 0 && n && line[n - 1] == '\r',
          "rc %ld, %u VIRQs, %u bytes", rc, raised, (unsigned int)n);
    line[n && line[n - 1] == '\r' ? n - 1 : n] = 0;
    for (size_t i = 0; line[i]; i++)
        if (line[i] < 0x20)
            line[i] = '^';
    printf("mini: echo %s\n", line);
}

/* mini.dom0=<case>: a request that ends the machine, a fault of ours, or
 * the console input test. */
static void dom0_end(const char *which)
{
    printf("mini: dom0 case %s\n", which);
    if (!strcmp(which, "echo")) {
        dom0_echo();
        shutdown(SHUTDOWN_poweroff);
    }
    if (!strcmp(which, "s3")) {
        /* Sleep is refused: the write is dropped and we go on, twice. */
        outw(1u << 10 | 1u << 13, 0x604);
        outw(1u << 10 | 1u << 13, 0x604);
        CHECK("dom0.s3_refused", true, " ");
        return;
    }
    if (!strcmp(which, "reset"))
        outb(0x06, 0xcf9);                          /* RST_CPU | SYS_RST */
    else if (!strcmp(which, "kbd-reset"))
        outb(0xfe, 0x64);                           /* pulse the reset line */
    else if (!strcmp(which, "s5"))
        outw(1u << 13, 0x604);                      /* q35 PM1a_CNT, SLP_TYP 0 (S5) */
    else if (!strcmp(which, "fetch"))
        ((void (*)(void))IOAPIC_BASE)();            /* execute from a denied frame */
    else if (!strcmp(which, "string-mmio"))
        __asm__ volatile("rep movsb" :: "S"(IOAPIC_BASE), "D"(ram_hole() - 64), "c"(8)
                         : "memory");
    printf("mini: FAIL dom0 case %s came back\n", which);
}

void tests_dom0(void)
{
    const char *end = cmdline_option("mini.dom0");
    bool dom0 = am_dom0();

    test_store_bootstrap(dom0);
    if (!dom0) {
        test_refused();
        return;
    }
    test_dom0_calls();
    test_dom0_ports();
    test_dom0_mmio();
    if (end) {
        char which[16];
        size_t n = 0;
        while (end[n] && end[n] != ' ' && n < sizeof(which) - 1) {
            which[n] = end[n];
            n++;
        }
        which[n] = 0;
        dom0_end(which);
    }
}
