/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which ports a vCPU's port I/O exits were for (asm/hvm_io_stats.h).
 * Counted on every I/O exit, so kept to a hash and a short probe; printed
 * once, at the domain's end, largest first.
 */
#include <asm/hvm_io_stats.h>
#include <tessera/domain.h>
#include <tessera/lib.h>

#define PROBES      8               /* then the exit goes to "other" */
#define PRINT_TOP   8

void hvm_io_stats_count(struct hvm_io_stats *s, uint16_t port, bool in)
{
    uint32_t key = ((uint32_t)port | (in ? 1u << 16 : 0)) + 1;
    unsigned int h = (port * 0x9e37u) >> 8;

    for (unsigned int i = 0; i < PROBES; i++) {
        unsigned int n = (h + i) & (HVM_IO_STATS_SLOTS - 1);

        if (s->slot[n].key == key || !s->slot[n].key) {
            s->slot[n].key = key;
            s->slot[n].count++;
            return;
        }
    }
    s->other++;
}

/* "dom D id=N: vcpu V: io in 0x64=123 out 0x80=45 ... other=6" */
void hvm_io_stats_print(const struct vcpu *v)
{
    const struct hvm_io_stats *s = &v->arch.io_stats;
    bool shown[HVM_IO_STATS_SLOTS] = { false };
    uint64_t rest = s->other;
    char buf[256];
    size_t n = 0;

    for (unsigned int k = 0; k < PRINT_TOP; k++) {
        int best = -1;

        for (unsigned int i = 0; i < HVM_IO_STATS_SLOTS; i++)
            if (s->slot[i].key && !shown[i] &&
                (best < 0 || s->slot[i].count > s->slot[best].count))
                best = (int)i;
        if (best < 0)
            break;
        shown[best] = true;
        uint32_t key = s->slot[best].key - 1;
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s %#x=%llu",
                              key >> 16 ? "in" : "out", key & 0xffff,
                              (unsigned long long)s->slot[best].count);
        if (n >= sizeof(buf))
            break;
    }
    for (unsigned int i = 0; i < HVM_IO_STATS_SLOTS; i++)
        if (s->slot[i].key && !shown[i])
            rest += s->slot[i].count;
    if (!n && !rest)
        return;                     /* no port I/O at all */
    buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
    printk("dom %s id=%u: vcpu %u: io%s other=%llu\n", v->domain->name, v->domain->id, v->id,
           buf, (unsigned long long)rest);
}
