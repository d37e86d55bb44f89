// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark: host throughput of the hypervisor's .xz decoder on a real
 * kernel's payload (default build/linux/vmlinuz, Debian's bzImage, fetched
 * by tests/unit/test_vmlinuz.py or guest-ports/linux/fetch-kernel.sh), best
 * of RUNS, in MB/s of decompressed output (and of compressed input); and,
 * for scale, the same decode by the xz tool (liblzma) when it is installed.
 * Built without sanitizers, at the hypervisor's optimisation level:
 *
 *   cc -O2 -Itests/unit/host -Ihypervisor/include -Ihypervisor/arch/x86/include \
 *      -o build/xz_decode_bench tests/bench/xz_decode.c \
 *      hypervisor/common/lib/xz/[a-z]*.c hypervisor/arch/x86/guest/bzimage.c \
 *      hypervisor/common/page_alloc.c tests/unit/host/host.c tests/unit/host/xz_cli.c \
 *      tests/unit/host/xmalloc.c \
 *   && build/xz_decode_bench [VMLINUZ]
 */
#include <time.h>
#include <asm/bzimage.h>
#include <tessera/xz.h>
#include "test.h"
#include "xz_cli.h"

#define RUNS    5

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time too: on a shared machine, wall time also measures the others. */
static double cpu_now(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

uint64_t time_now_ns(void)
{
    return (uint64_t)(now() * 1e9);
}

/* The xz tool on the same stream, output discarded: its best wall time. */
static double xz_tool_seconds(const uint8_t *z, size_t len)
{
    const char *path = "/tmp/xz_decode_bench.xz";
    double best = 0;

    if (write_file(path, z, len))
        return 0;
    for (int i = 0; i < RUNS; i++) {
        double t0 = now();
        if (system("xz -dc /tmp/xz_decode_bench.xz > /dev/null 2>&1"))
            break;
        double t = now() - t0;
        best = (!best || t < best) ? t : best;
    }
    remove(path);
    return best;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "build/linux/vmlinuz";
    struct bzimage_info info;
    size_t len, in_len, got;
    uint8_t *image = read_file(path, &len), *out;
    uint64_t size;
    double best = 0, best_cpu = 0;

    if (!image) {
        fprintf(stderr, "%s: cannot read (fetch it: guest-ports/linux/fetch-kernel.sh)\n", path);
        return 1;
    }
    if (bzimage_parse(image, len, &info) != 1 || info.format != BZ_FMT_XZ) {
        fprintf(stderr, "%s: not a bzImage with an xz payload\n", path);
        return 1;
    }
    /* Linux appends the uncompressed size as a u32 after the stream. */
    in_len = info.payload_len - 4;
    if (xz_uncompressed_size(info.payload, in_len, &size)) {
        fprintf(stderr, "%s: the xz index does not parse\n", path);
        return 1;
    }
    out = malloc(size);
    for (int i = 0; i < RUNS; i++) {
        double t0 = now(), c0 = cpu_now();
        int rc = xz_decode_buf(info.payload, in_len, out, size, &got);
        double t = now() - t0, c = cpu_now() - c0;
        if (rc || got != size) {
            fprintf(stderr, "decode failed: %d\n", rc);
            return 1;
        }
        best = (!best || t < best) ? t : best;
        best_cpu = (!best_cpu || c < best_cpu) ? c : best_cpu;
    }
    printf("xz_decode: %s: %zu -> %zu bytes, best of %d: %.3f s, %.1f MB/s out, %.1f MB/s in\n",
           path, in_len, got, RUNS, best, got / best / 1e6, in_len / best / 1e6);
    printf("xz_decode: CPU time %.3f s, %.1f MB/s out\n", best_cpu, got / best_cpu / 1e6);
    double ref = xz_tool_seconds(info.payload, in_len);
    if (ref)
        printf("xz_decode: xz tool (liblzma, incl. process start): %.3f s, %.1f MB/s out; "
               "ours takes %.2fx its time\n", ref, got / ref / 1e6, best / ref);
    free(out);
    free(image);
    return 0;
}
