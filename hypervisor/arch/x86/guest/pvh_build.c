/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building one PVH domain from its spec and its kernel and initrd bytes
 * (boot modules for boot-time domains, a control stage for runtime ones,
 * common/ctl/create.c): check the kernel's ELF,
 * lay out guest memory, create the domain, copy the kernel, the initrd and
 * the start-of-day block in, and start vCPU 0 in the ABI's 32-bit flat
 * protected mode (xen docs/misc/pvh.pandoc: %ebx = hvm_start_info,
 * CR0.PE=1 and paging off, flat 4 GiB segments).
 */
#include <asm/bootinfo.h>
#include <asm/hvm.h>
#include <tessera/arch.h>
#include <tessera/bootdom.h>
#include <asm/bzimage.h>
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/domain.h>
#include <tessera/elf_image.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <asm/pvh_build.h>
#include <asm/pvh_layout.h>
#include <tessera/sched.h>
#include <tessera/store_ring.h>
#include <tessera/time.h>

static int copy_cb(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return copy_to_gpa(ctx, gpa, src, len);
}

static int zero_cb(void *ctx, uint64_t gpa, size_t len)
{
    return zero_gpa(ctx, gpa, len);
}

const struct guest_copy_ops pvh_guest_ops = { .copy = copy_cb, .zero = zero_cb };

const void *bootdom_module_data(int index, size_t *size)
{
    const struct boot_module *m = &boot_info.modules[index];

    *size = (size_t)(m->end - m->start);
    return phys_to_virt(m->start);
}

static int set_memory_map(struct domain *d, const struct pvh_layout *l)
{
    d->e820 = xmalloc(l->nr_memmap * sizeof(*d->e820));
    if (!d->e820)
        return -ENOMEM;
    for (unsigned int i = 0; i < l->nr_memmap; i++)
        d->e820[i] = (struct e820_entry){ l->memmap[i].addr, l->memmap[i].size,
                                          l->memmap[i].type };
    d->nr_e820 = l->nr_memmap;
    return 0;
}

/* vCPU 0's PVH entry state; the domain is then ready to start. */
static int pvh_ready_vcpu0(struct domain *d, uint32_t entry, uint64_t start_info)
{
    struct hvm_initial_state st = {
        .rip = entry,
        .rflags = 2,
        .cr0 = 0x11,                    /* PE, ET */
        .regs.rbx = start_info,
    };
    int rc = hvm_set_initial_state(d->vcpus[0], &st);

    if (!rc)
        d->vcpus[0]->initialised = true;
    return rc;
}

int pvh_start_vcpu0(struct domain *d, uint32_t entry, uint64_t start_info)
{
    int rc = pvh_ready_vcpu0(d, entry, start_info);

    return rc ? rc : domain_start(d);
}

/* The kernel, unpacked first if it is a bzImage, parsed as a PVH ELF. */
static int read_kernel(const struct bootdom_spec *spec, const struct pvh_images *im,
                       struct elf_image *img, struct bzimage_buf *unpacked)
{
    const void *kernel = im->kernel;
    size_t kernel_size = im->kernel_size;
    int rc = bzimage_unpack(spec->name, &kernel, &kernel_size, unpacked);

    if (rc)
        return rc;
    return elf_image_parse(img, kernel, kernel_size, spec->mem);
}

/* Runtime domains (no boot index) get a xenstore ring: dom0's tess-stored
 * serves them. Boot-time domains start before any store exists. */
static int lay_out(const struct bootdom_spec *spec, int boot_index, const struct elf_image *img,
                   size_t initrd_size, struct pvh_layout *l)
{
    struct pvh_layout_req req = {
        .mem = spec->mem,
        .kernel_start = img->paddr_lo,
        .kernel_end = img->paddr_hi,
        .initrd_size = initrd_size,
        .cmdline_len = strlen(spec->cmdline),
        .nr_vcpus = spec->vcpus,
        .store_page = boot_index < 0,
    };

    return pvh_layout_compute(l, &req);
}

int bootdom_domain_config(const struct bootdom_spec *spec, int boot_index,
                          struct domain_config *cfg, cpumask_t *cpus)
{
    *cfg = (struct domain_config){
        .name = spec->name,
        .nr_vcpus = spec->vcpus,
        .pool = sched_pool_find(spec->pool),
        .weight = spec->weight,
        .cap = spec->cap,
        .boot_index = boot_index,
        .budget = spec->budget,
        .hardware = spec->hardware,
        .keep_ended = spec->keep_ended,
    };
    if (spec->has_cpus) {
        cpumask_clear(cpus);
        for (unsigned int c = 0; c < BOOTDOM_MAX_CPUS && c < CPUMASK_BITS; c++)
            if (spec->cpus[c / 64] & (1ull << (c % 64)))
                cpumask_set(c, cpus);
        cfg->cpus = cpus;
    }
    if (!cfg->pool) {
        printk(LOG_ERR "dom %s: no pool named '%s'\n", spec->name, spec->pool);
        return -ENOENT;
    }
    return 0;
}

/* The domain, with the layout's RAM, in the spec's pool and on its CPUs.
 * A console ring dom0 serves is a page of the domain's RAM (dom0 maps it
 * as such, foreign.c), at the special gfn the hypervisor's ring takes. */
static int create_domain(const struct bootdom_spec *spec, int boot_index,
                         const struct pvh_layout *l, struct domain **d)
{
    struct gfn_range ram[PVH_BACKED_MAX + 1];
    struct domain_config cfg;
    cpumask_t cpus;
    int rc = bootdom_domain_config(spec, boot_index, &cfg, &cpus);

    if (rc)
        return rc;
    for (unsigned int i = 0; i < l->nr_backed; i++)
        ram[cfg.nr_ram++] = (struct gfn_range){ l->backed[i].addr >> PAGE_SHIFT,
                                                l->backed[i].size >> PAGE_SHIFT };
    if (spec->console_dom0)
        ram[cfg.nr_ram++] = (struct gfn_range){ arch_special_gfn(CONSOLE_RING_SPECIAL_INDEX), 1 };
    cfg.ram = ram;
    return domain_create(&cfg, d);
}

/* Copies the guest's contents in and starts it; t0: when the build began. */
static int fill_and_start(struct domain *d, const struct bootdom_spec *spec,
                          const struct elf_image *img, const struct pvh_layout *l,
                          const void *initrd, uint64_t t0, bool start)
{
    uint64_t us;
    int rc;

    rc = elf_image_load(img, &pvh_guest_ops, d);
    if (!rc)
        rc = pvh_layout_write(l, spec->cmdline, initrd, &pvh_guest_ops, d);
    if (!rc)
        rc = set_memory_map(d, l);
    if (!rc)
        rc = spec->console_dom0 ? console_ring_attach_dom0(d) : console_ring_attach(d);
    if (!rc && l->store_gfn)
        rc = store_ring_attach(d, l->store_gfn);
    if (rc)
        return rc;
    us = (time_now_ns() - t0) / 1000;
    printk("dom %s id=%u: %llu MiB, %u vCPUs, pool %s, built in %llu us\n", d->name, d->id,
           (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus, sched_pool_name(d->pool),
           (unsigned long long)us);
    if (!start)
        return pvh_ready_vcpu0(d, img->phys32_entry, l->start_info_paddr);
    return pvh_start_vcpu0(d, img->phys32_entry, l->start_info_paddr);
}

int bootdom_build_images(const struct bootdom_spec *spec, int boot_index,
                         const struct pvh_images *im, bool start, struct domain **out)
{
    uint64_t t0 = time_now_ns();
    struct elf_image *img = xmalloc(sizeof(*img));
    struct pvh_layout *l = xmalloc(sizeof(*l));
    struct bzimage_buf unpacked = { .order = -1 };
    struct domain *d = NULL;
    int rc = -ENOMEM;

    if (!img || !l)
        goto out;
    rc = read_kernel(spec, im, img, &unpacked);
    if (!rc)
        rc = lay_out(spec, boot_index, img, im->initrd ? im->initrd_size : 0, l);
    if (!rc)
        rc = create_domain(spec, boot_index, l, &d);
    if (rc)
        goto out;
    rc = fill_and_start(d, spec, img, l, im->initrd, t0, start);
    if (rc) {
        d->boot_index = -1;     /* never started: nothing to rebuild or count */
        domain_shutdown(d, DOM_END_CRASH);
    }
out:
    bzimage_release(&unpacked);
    xfree(img);
    xfree(l);
    if (rc && !d)
        printk(LOG_ERR "dom %s: cannot be built (%d)\n", spec->name, rc);
    if (out)
        *out = rc ? NULL : d;
    return rc;
}

int bootdom_build(const struct bootdom_spec *spec, int boot_index)
{
    struct pvh_images im = { NULL, 0, NULL, 0 };

    if (spec->hardware)
        return dom0_build(spec, boot_index);
    im.kernel = bootdom_module_data(spec->kernel_module, &im.kernel_size);
    if (spec->initrd_module >= 0)
        im.initrd = bootdom_module_data(spec->initrd_module, &im.initrd_size);
    return bootdom_build_images(spec, boot_index, &im, true, NULL);
}
