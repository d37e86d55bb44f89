/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building dom0 from its boot module (docs/dom0.md): its RAM at the machine
 * addresses its kernel needs and beyond (1:1), the host's conventional
 * memory and firmware areas below 1 MiB, the host's ACPI ranges, a memory
 * map and ACPI root of its own, the kernel, initrd and start info, and
 * vCPU 0 started at the PVH entry with SIF_INITDOMAIN.
 */
#include <asm/acpi.h>
#include <asm/bzimage.h>
#include <asm/dom0_build.h>
#include <asm/percpu.h>
#include <asm/pvh_build.h>
#include <asm/pvh_start.h>
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/elf_image.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/memory.h>
#include <tessera/p2m.h>
#include <tessera/page_alloc.h>
#include <tessera/sched.h>
#include <tessera/time.h>

#define DOM0_ERR(...)   printk(LOG_ERR "dom0: " __VA_ARGS__)
#define LOW_END         MiB(1)
#define INFO_LIMIT      GiB(1)      /* Linux reads start info on its first 1 GiB map */
#define INFO_SIZE       (2 * PAGE_SIZE) /* start info, module, memory map, command line */
#define MAX_LOW         8
#define MAX_BUSY        4

struct dom0_build {
    const struct bootdom_spec *spec;
    struct elf_image img;
    struct bzimage_buf unpacked;
    struct dom0_mem mem;
    unsigned int nr_low;
    struct dom0_range low[MAX_LOW];     /* host RAM below 1 MiB that dom0 gets */
    uint64_t low_bytes;
    unsigned int nr_ram;
    struct dom0_range *ram;             /* low[] + mem.ranges, sorted */
    unsigned int nr_busy;
    struct dom0_range busy[MAX_BUSY];   /* kernel, ACPI, start info, initrd */
    const void *initrd;
    size_t initrd_size;
    uint64_t initrd_pa, acpi_pa, info_pa;
    int nr_e820;
    struct e820_entry e820[DOM0_E820_MAX];
    struct dom0_acpi_layout acpi;
    uint8_t acpi_tables[DOM0_ACPI_MAX];
};

/* The kernel's load range before it is unpacked: a bzImage says how much
 * room it needs from where it runs; an ELF says where its segments go. */
static int kernel_range(struct dom0_build *b, const void *k, size_t size, uint64_t *start,
                        uint64_t *end)
{
    struct bzimage_info bz;
    int rc = bzimage_parse(k, size, &bz);

    if (rc < 0)
        return rc;
    if (rc > 0 && (!bz.pref_address || !bz.init_size)) {
        DOM0_ERR("module %d: a bzImage without pref_address/init_size (protocol %u.%02u)\n",
                 b->spec->kernel_module, bz.version >> 8, bz.version & 0xff);
        return -EOPNOTSUPP;
    }
    if (rc > 0) {
        *start = bz.pref_address;
        *end = bz.pref_address + bz.init_size;
        return 0;
    }
    rc = elf_image_parse(&b->img, k, size, ~0ull);
    if (rc) {
        DOM0_ERR("module %d is not a kernel (neither a bzImage nor a PVH ELF: %d)\n",
                 b->spec->kernel_module, rc);
        return rc;
    }
    *start = b->img.paddr_lo;
    *end = b->img.paddr_hi;
    return 0;
}

/* Host RAM below 1 MiB, all of it: the hypervisor used it only to start
 * its other CPUs (the trampoline page), before any domain. */
static void find_low(struct dom0_build *b, const struct memmap *host)
{
    const struct memmap_range *r;

    memmap_for_each(host, r) {
        uint64_t s = ALIGN_UP(r->start, PAGE_SIZE), e = ALIGN_DOWN(MIN(r->end, LOW_END), PAGE_SIZE);
        if (r->type == MEM_RAM && s < e && b->nr_low < MAX_LOW) {
            b->low[b->nr_low++] = (struct dom0_range){ s, e };
            b->low_bytes += e - s;
        }
    }
}

static int join_ram(struct dom0_build *b)
{
    b->ram = xmalloc((b->nr_low + b->mem.nr_ranges) * sizeof(*b->ram));
    if (!b->ram)
        return -ENOMEM;
    memcpy(b->ram, b->low, b->nr_low * sizeof(*b->ram));
    memcpy(b->ram + b->nr_low, b->mem.ranges, b->mem.nr_ranges * sizeof(*b->ram));
    b->nr_ram = b->nr_low + b->mem.nr_ranges;
    return 0;
}

static bool in_ram(const struct dom0_build *b, uint64_t s, uint64_t e)
{
    for (unsigned int i = 0; i < b->nr_ram; i++)
        if (s >= b->ram[i].start && e <= b->ram[i].end)
            return true;
    return false;
}

static bool busy(const struct dom0_build *b, uint64_t s, uint64_t e)
{
    for (unsigned int i = 0; i < b->nr_busy; i++)
        if (s < b->busy[i].end && b->busy[i].start < e)
            return true;
    return false;
}

/* The lowest page-aligned spot above 1 MiB in dom0's RAM for size bytes,
 * below limit and clear of what is placed; the spot is then busy. */
static int place(struct dom0_build *b, uint64_t size, uint64_t limit, uint64_t *out)
{
    uint64_t best = ~0ull;

    size = ALIGN_UP(size, PAGE_SIZE);
    for (unsigned int i = 0; i < b->nr_ram + b->nr_busy; i++) {
        uint64_t c = i < b->nr_ram ? b->ram[i].start : b->busy[i - b->nr_ram].end;
        c = ALIGN_UP(MAX(c, LOW_END), PAGE_SIZE);
        if (c < best && c + size <= limit && in_ram(b, c, c + size) && !busy(b, c, c + size))
            best = c;
    }
    if (best == ~0ull || b->nr_busy == MAX_BUSY)
        return -ENOMEM;
    b->busy[b->nr_busy++] = (struct dom0_range){ best, best + size };
    *out = best;
    return 0;
}

static int unpack_kernel(struct dom0_build *b)
{
    size_t size;
    const void *k = bootdom_module_data(b->spec->kernel_module, &size);
    int rc = bzimage_unpack(b->spec->name, &k, &size, &b->unpacked);

    if (!rc)
        rc = elf_image_parse(&b->img, k, size, ~0ull);
    if (rc)
        DOM0_ERR("module %d is not a kernel it can start (%d)\n", b->spec->kernel_module, rc);
    return rc;
}

/* Every segment inside the RAM taken for it. */
static int check_kernel(struct dom0_build *b, uint64_t need_start, uint64_t need_end)
{
    for (unsigned int i = 0; i < b->img.nr_segments; i++) {
        const struct elf_segment *s = &b->img.seg[i];
        if (!in_ram(b, s->paddr, s->paddr + s->memsz)) {
            DOM0_ERR("kernel segment [%#llx, %#llx) outside the [%#llx, %#llx) it asked for\n",
                     (unsigned long long)s->paddr, (unsigned long long)(s->paddr + s->memsz),
                     (unsigned long long)need_start, (unsigned long long)need_end);
            return -EINVAL;
        }
    }
    b->busy[b->nr_busy++] = (struct dom0_range){ ALIGN_DOWN(b->img.paddr_lo, PAGE_SIZE),
                                                 ALIGN_UP(b->img.paddr_hi, PAGE_SIZE) };
    return 0;
}

/* Whether the pages of [pa, pa + len) are all host firmware memory (in
 * the map, not RAM): what dom0 may be given 1:1 without exposing RAM. */
static bool host_is_firmware(uint64_t pa, uint64_t len)
{
    uint64_t s = ALIGN_DOWN(pa, PAGE_SIZE), e = ALIGN_UP(pa + len, PAGE_SIZE), at = s;
    const struct memmap_range *r;

    if (!len || pa + len < pa)
        return false;
    memmap_for_each(memory_firmware_map(), r) {
        if (r->end <= at || r->start >= e)
            continue;
        if (r->type == MEM_RAM || r->start > at)
            return false;
        at = r->end;
    }
    return at >= e;
}

/* Where the ACPI tables, start info and initrd go; dom0's memory map. */
static int lay_out(struct dom0_build *b)
{
    const char *what = "ACPI tables";
    int rc = place(b, DOM0_ACPI_MAX, INFO_LIMIT, &b->acpi_pa);

    if (!rc) {
        what = "start info";
        rc = place(b, INFO_SIZE, INFO_LIMIT, &b->info_pa);
    }
    if (!rc && b->initrd_size) {
        what = "initrd";
        rc = place(b, b->initrd_size, ~0ull - PAGE_SIZE, &b->initrd_pa);
    }
    if (rc) {
        DOM0_ERR("no room for its %s in mem=%lluM\n", what,
                 (unsigned long long)(b->spec->mem >> 20));
        return rc;
    }
    b->nr_e820 = dom0_e820_build(memory_firmware_map(), b->ram, b->nr_ram, b->acpi_pa,
                                 b->acpi_pa + DOM0_ACPI_MAX, b->e820, DOM0_E820_MAX);
    if (b->nr_e820 < 0) {
        DOM0_ERR("its memory map needs more than %u entries\n", DOM0_E820_MAX);
        return -ENOSPC;
    }
    return dom0_acpi_build(b->acpi_tables, sizeof(b->acpi_tables), b->acpi_pa, b->spec->vcpus,
                           acpi_host(), acpi_map, host_is_firmware, &b->acpi);
}

static int map_identity(struct domain *d, uint64_t s, uint64_t e, enum p2m_type type)
{
    s = ALIGN_DOWN(s, PAGE_SIZE);
    e = ALIGN_UP(e, PAGE_SIZE);
    return s < e ? p2m_set_range(d->p2m, s >> PAGE_SHIFT, (e - s) >> PAGE_SHIFT,
                                 s >> PAGE_SHIFT, type) : 0;
}

/*
 * What dom0 sees 1:1 besides its own blocks: its RAM below 1 MiB (page 0,
 * the real-mode IVT and BDA, as MMIO: readable, but never a hypercall
 * buffer, since the hypervisor leaves page 0 unmapped), the rest of the
 * first MiB as MMIO (EBDA, VGA, ROMs, BIOS), the host's ACPI and NVS
 * ranges and the tables its XSDT lists.
 */
static int map_firmware(struct dom0_build *b, struct domain *d)
{
    const struct memmap_range *r;
    uint64_t at = 0;
    int rc = 0;

    for (unsigned int i = 0; i < b->nr_low && !rc; i++) {
        if (b->low[i].start > at)
            rc = map_identity(d, at, b->low[i].start, P2M_MMIO);
        if (!rc)
            rc = map_identity(d, b->low[i].start, b->low[i].end, P2M_RAM_RW);
        at = b->low[i].end;
        d->mem_bytes += b->low[i].end - b->low[i].start;
    }
    if (!rc && at < LOW_END)
        rc = map_identity(d, at, LOW_END, P2M_MMIO);
    if (!rc)
        rc = map_identity(d, 0, PAGE_SIZE, P2M_MMIO);
    memmap_for_each(memory_firmware_map(), r)
        if (!rc && (r->type == MEM_ACPI || r->type == MEM_NVS) && r->end > LOW_END)
            rc = map_identity(d, MAX(r->start, LOW_END), r->end, P2M_MMIO);
    for (unsigned int i = 0; i < b->acpi.nr_host && !rc; i++)
        rc = map_identity(d, b->acpi.host[i].start, b->acpi.host[i].end, P2M_MMIO);
    return rc;
}

static int create(struct dom0_build *b, int boot_index, struct domain **d)
{
    struct domain_config cfg;
    cpumask_t mask;
    int rc = bootdom_domain_config(b->spec, boot_index, &cfg, &mask);

    if (rc) {
        dom0_mem_release(&b->mem, true);
        return rc;
    }
    cfg.blocks = b->mem.blocks;
    cfg.nr_blocks = b->mem.nr_blocks;
    rc = domain_create(&cfg, d);
    dom0_mem_release(&b->mem, false);   /* the domain's now, or given back */
    return rc;
}

/* The start info block: hvm_start_info, the initrd's entry, the memory
 * map, the command line (xen/include/public/arch-x86/hvm/start_info.h). */
static int write_start_info(struct dom0_build *b, struct domain *d)
{
    const struct guest_copy_ops *ops = &pvh_guest_ops;
    uint64_t mod = b->info_pa + sizeof(struct hvm_start_info);
    uint64_t map = mod + sizeof(struct hvm_modlist_entry);
    uint64_t cmd = map + (uint64_t)b->nr_e820 * sizeof(struct hvm_memmap_table_entry);
    size_t cmdlen = strlen(b->spec->cmdline) + 1;
    struct hvm_start_info si = {
        .magic = HVM_START_MAGIC,
        .version = HVM_START_VERSION,
        .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
        .nr_modules = b->initrd_size ? 1 : 0,
        .modlist_paddr = b->initrd_size ? mod : 0,
        .cmdline_paddr = cmd,
        .rsdp_paddr = b->acpi_pa + b->acpi.rsdp,
        .memmap_paddr = map,
        .memmap_entries = (uint32_t)b->nr_e820,
    };
    struct hvm_modlist_entry m = { .paddr = b->initrd_pa, .size = b->initrd_size };
    int rc;

    if (cmd + cmdlen > b->info_pa + INFO_SIZE)
        return -ENOSPC;
    if ((rc = ops->zero(d, b->info_pa, INFO_SIZE)) ||
        (rc = ops->copy(d, b->info_pa, &si, sizeof(si))) ||
        (rc = ops->copy(d, mod, &m, sizeof(m))) ||
        (rc = ops->copy(d, cmd, b->spec->cmdline, cmdlen)))
        return rc;
    for (int i = 0; i < b->nr_e820; i++) {
        struct hvm_memmap_table_entry e = {
            .addr = b->e820[i].addr, .size = b->e820[i].size, .type = b->e820[i].type,
        };
        if ((rc = ops->copy(d, map + (uint64_t)i * sizeof(e), &e, sizeof(e))))
            return rc;
    }
    return 0;
}

static int fill(struct dom0_build *b, struct domain *d)
{
    const struct guest_copy_ops *ops = &pvh_guest_ops;
    int rc = map_firmware(b, d);

    if (!rc)
        rc = dom0_absent_register(d, acpi_host());

    if (!rc)
        rc = elf_image_load(&b->img, ops, d);
    if (!rc && b->initrd_size)
        rc = ops->copy(d, b->initrd_pa, b->initrd, b->initrd_size);
    if (!rc && !(rc = ops->zero(d, b->acpi_pa, DOM0_ACPI_MAX)))
        rc = ops->copy(d, b->acpi_pa, b->acpi_tables, b->acpi.size);
    if (!rc)
        rc = write_start_info(b, d);
    if (rc)
        return rc;
    d->e820 = xmalloc((size_t)b->nr_e820 * sizeof(*d->e820));
    if (!d->e820)
        return -ENOMEM;
    memcpy(d->e820, b->e820, (size_t)b->nr_e820 * sizeof(*d->e820));
    d->nr_e820 = (unsigned int)b->nr_e820;
    domain_p2m_flush(d);
    return 0;
}

/* Everything up to the domain: checks, RAM, kernel, layout. */
static int prepare(struct dom0_build *b)
{
    const struct memmap *host = memory_firmware_map();
    const void *k;
    size_t ksize;
    uint64_t kstart = 0, kend = 0;
    int rc;

    if (b->spec->vcpus > nr_cpus_online) {
        DOM0_ERR("vcpus=%u, but the machine has %u CPUs online\n", b->spec->vcpus,
                 nr_cpus_online);
        return -EINVAL;
    }
    if (!acpi_host()->root_addr) {
        DOM0_ERR("the host has no usable ACPI tables to give it\n");
        return -ENODEV;
    }
    k = bootdom_module_data(b->spec->kernel_module, &ksize);
    if (b->spec->initrd_module >= 0)
        b->initrd = bootdom_module_data(b->spec->initrd_module, &b->initrd_size);
    if ((rc = kernel_range(b, k, ksize, &kstart, &kend)) < 0)
        return rc;
    find_low(b, host);
    if (b->spec->mem <= b->low_bytes) {
        DOM0_ERR("mem=%lluK is not even its memory below 1M\n",
                 (unsigned long long)(b->spec->mem >> 10));
        return -EINVAL;
    }
    if (b->spec->mem - b->low_bytes > (uint64_t)page_alloc_free_pages() << PAGE_SHIFT) {
        DOM0_ERR("mem=%lluM, but the machine has %lluM free\n",
                 (unsigned long long)(b->spec->mem >> 20),
                 (unsigned long long)((page_alloc_free_pages() + (b->low_bytes >> PAGE_SHIFT)) >>
                                      (20 - PAGE_SHIFT)));
        return -ENOMEM;
    }
    /* The kernel's frames before the unpacking buffer is taken, the rest
     * after, so that a small machine still has a block for the buffer. */
    if ((rc = dom0_mem_claim(host, b->spec->mem - b->low_bytes, kstart, kend, &b->mem)) < 0 ||
        (rc = unpack_kernel(b)) < 0 || (rc = dom0_mem_claim_rest(host, &b->mem)) < 0 ||
        (rc = join_ram(b)) < 0 || (rc = check_kernel(b, kstart, kend)) < 0 ||
        (rc = lay_out(b)) < 0)
        return rc;
    return 0;
}

int dom0_build(const struct bootdom_spec *spec, int boot_index)
{
    uint64_t t0 = time_now_ns();
    struct dom0_build *b = xzalloc(sizeof(*b));
    struct domain *d = NULL;
    int rc = -ENOMEM;

    if (b) {
        b->spec = spec;
        b->unpacked.order = -1;
        rc = prepare(b);
    }
    if (!rc) {
        rc = create(b, boot_index, &d);
        if (rc)
            DOM0_ERR("the domain cannot be made (%d)\n", rc);
    }
    if (!rc && (rc = fill(b, d)) < 0)
        DOM0_ERR("its memory cannot be filled in (%d)\n", rc);
    if (!rc) {
        printk(LOG_WARN "dom0: its RAM is mapped 1:1 (guest-physical = machine address) "
               "and there is no IOMMU: DMA isolation is off, its devices can reach all memory\n");
        printk("dom %s id=%u: %llu MiB in %u ranges, %u vCPUs, pool %s, %u ACPI tables "
               "(%u hidden), built in %llu us\n", d->name, d->id,
               (unsigned long long)(d->mem_bytes >> 20), b->nr_ram, d->nr_vcpus,
               sched_pool_name(d->pool), b->acpi.nr_listed, b->acpi.nr_hidden,
               (unsigned long long)((time_now_ns() - t0) / 1000));
        rc = pvh_start_vcpu0(d, b->img.phys32_entry, b->info_pa);
        if (!rc)
            console_input_focus_dom0();
    }
    if (rc && d) {
        d->boot_index = -1;             /* never started: nothing to rebuild or count */
        domain_shutdown(d, DOM_END_CRASH);
    }
    if (b) {
        if (!d)
            dom0_mem_release(&b->mem, true);
        bzimage_release(&b->unpacked);
        xfree(b->ram);
        xfree(b);
    }
    return rc;
}
