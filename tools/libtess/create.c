/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Building a domain (public/tessera/ctl.h): stage_alloc for the kernel
 * and initrd, stage_write in TESS_STAGE_CHUNK pieces from the files,
 * create; stage_free if anything fails on the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

struct image {
    const char *path;
    int fd;
    uint64_t size;
};

struct staging {
    struct libtess *h;
    uint32_t stage;
    uint8_t *chunk; /* TESS_STAGE_CHUNK bytes, locked */
    uint64_t done, total;
    libtess_progress_fn *progress;
    void *arg;
};

static int image_open(struct libtess *h, struct image *img, const char *what)
{
    struct stat st;

    img->fd = open(img->path, O_RDONLY | O_CLOEXEC);
    if (img->fd < 0)
        return tess_fail(h, -errno, "%s %s: %s", what, img->path, strerror(errno));
    if (fstat(img->fd, &st) < 0)
        return tess_fail(h, -errno, "%s %s: %s", what, img->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return tess_fail(h, -EINVAL, "%s %s: not a regular file", what, img->path);
    if (st.st_size == 0)
        return tess_fail(h, -EINVAL, "%s %s: empty file", what, img->path);
    img->size = (uint64_t)st.st_size;
    return 0;
}

static int read_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO; /* the file shrank under us */
        got += (size_t)n;
    }
    return 0;
}

static int stage_image(struct staging *s, struct image *img, uint32_t which)
{
    for (uint64_t off = 0; off < img->size; off += TESS_STAGE_CHUNK) {
        uint64_t len = img->size - off < TESS_STAGE_CHUNK ? img->size - off : TESS_STAGE_CHUNK;
        struct tess_domctl op = { .cmd = TESS_DOMCTL_stage_write };
        int rc = read_full(img->fd, s->chunk, (size_t)len, off);

        if (rc < 0)
            return tess_fail(s->h, rc, "%s: %s", img->path, strerror(-rc));
        op.u.stage_write.stage = s->stage;
        op.u.stage_write.which = which;
        op.u.stage_write.offset = off;
        op.u.stage_write.len = len;
        op.u.stage_write.buffer = (uint64_t)(uintptr_t)s->chunk;
        rc = tess_domctl(s->h, &op, "stage_write");
        if (rc < 0)
            return rc;
        s->done += len;
        if (s->progress && s->progress(s->done, s->total, s->arg))
            return tess_fail(s->h, -EINTR, "create: interrupted while staging");
    }
    return 0;
}

/* Drops the stage without losing the message of the failure that led here. */
static void stage_free(struct libtess *h, uint32_t stage)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_stage_free };
    char saved[sizeof(h->error)];

    memcpy(saved, h->error, sizeof(saved));
    op.u.stage_free = stage;
    tess_domctl(h, &op, "stage_free");
    memcpy(h->error, saved, sizeof(saved));
}

static int copy_name(struct libtess *h, char *dst, size_t max, const char *src,
                     const char *what)
{
    if (strlen(src) >= max)
        return tess_fail(h, -ENAMETOOLONG, "%s '%s': longer than %zu characters", what, src,
                         max - 1);
    strcpy(dst, src);
    return 0;
}

static int fill_create(struct libtess *h, struct tess_create *c, const char *cmdline,
                       const char *name, const char *pool, const char *cpus)
{
    int rc = copy_name(h, c->name, sizeof(c->name), name, "name");

    if (!rc && pool)
        rc = copy_name(h, c->pool, sizeof(c->pool), pool, "pool");
    if (!rc && cmdline)
        rc = copy_name(h, c->cmdline, sizeof(c->cmdline), cmdline, "cmdline");
    if (!rc && cpus && strcmp(cpus, "all")) {
        rc = tess_cpumask_parse(cpus, c->cpus);
        if (rc < 0)
            return tess_fail(h, rc, "cpus '%s': %s", cpus,
                             rc == -ERANGE ? "a CPU beyond 255" : "not a cpu list");
        c->has_cpus = 1;
    }
    return rc;
}

/* The hypervisor's create errors in the caller's terms (public/tessera/ctl.h
 * leaves their meaning to the builder: these are what it answers). */
static int explain(struct libtess *h, int rc, const struct tess_create *c)
{
    switch (rc) {
    case -ENOENT:
        return tess_fail(h, rc, "create: no pool '%s'", c->pool[0] ? c->pool : "default");
    case -ENOMEM:
        return tess_fail(h, rc, "create: not enough free memory for %llu MiB (ENOMEM)",
                         (unsigned long long)(c->mem_bytes >> 20));
    case -EEXIST:
        return tess_fail(h, rc, "create: a domain named '%s' exists", c->name);
    case -EINVAL:
        return tess_fail(h, rc,
                         "create: refused (EINVAL): not a kernel the builder takes, "
                         "CPUs outside the pool, or a setting out of range");
    default:
        return rc;
    }
}

static int build(struct staging *s, struct image *kernel, struct image *initrd,
                 struct tess_domctl *create)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_stage_alloc };
    int rc;

    op.u.stage_alloc.kernel_size = kernel->size;
    op.u.stage_alloc.initrd_size = initrd->path ? initrd->size : 0;
    rc = tess_domctl(s->h, &op, "stage_alloc");
    if (rc < 0)
        return rc;
    s->stage = op.u.stage_alloc.stage;
    rc = stage_image(s, kernel, TESS_STAGE_KERNEL);
    if (!rc && initrd->path)
        rc = stage_image(s, initrd, TESS_STAGE_INITRD);
    if (!rc) {
        create->u.create.stage = s->stage;
        rc = tess_domctl(s->h, create, "create");
        if (rc < 0)
            rc = explain(s->h, rc, &create->u.create);
    }
    if (rc < 0)
        stage_free(s->h, s->stage);
    return rc < 0 ? rc : (int)create->u.create.domid;
}

int libtess_create(struct libtess *h, const char *kernel, const char *initrd,
                   const char *cmdline, const char *name, const char *pool, const char *cpus,
                   uint64_t mem_bytes, unsigned int vcpus, unsigned int flags,
                   libtess_progress_fn *progress, void *arg)
{
    struct image k = { .path = kernel, .fd = -1 }, i = { .path = initrd, .fd = -1 };
    struct staging s = { .h = h, .progress = progress, .arg = arg };
    struct tess_domctl op = { .cmd = TESS_DOMCTL_create };
    int rc;

    op.u.create.flags = flags;
    op.u.create.mem_bytes = mem_bytes;
    op.u.create.nr_vcpus = vcpus;
    rc = fill_create(h, &op.u.create, cmdline, name, pool, cpus);
    if (!rc)
        rc = image_open(h, &k, "kernel");
    if (!rc && initrd)
        rc = image_open(h, &i, "initrd");
    if (!rc) {
        s.total = k.size + (initrd ? i.size : 0);
        s.chunk = tess_buf_alloc(TESS_STAGE_CHUNK);
        rc = s.chunk
                 ? build(&s, &k, &i, &op)
                 : tess_fail(h, -errno, "cannot lock a staging buffer: %s", strerror(errno));
    }
    tess_buf_free(s.chunk, TESS_STAGE_CHUNK);
    if (k.fd >= 0)
        close(k.fd);
    if (i.fd >= 0)
        close(i.fd);
    return rc;
}
