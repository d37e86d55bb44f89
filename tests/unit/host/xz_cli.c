/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xz_cli.h"

uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int rc = 0;

    if (!f)
        return -1;
    if (len && fwrite(data, 1, len, f) != len)
        rc = -1;
    if (fclose(f))
        rc = -1;
    return rc;
}

uint8_t *xz_cli(const void *data, size_t len, const char *args, size_t *out_len)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[512], in[600], out[600], cmd[2048];
    uint8_t *res = NULL;

    snprintf(dir, sizeof(dir), "%s/xz_cli.XXXXXX", tmp);
    if (!mkdtemp(dir))
        return NULL;
    snprintf(in, sizeof(in), "%s/in", dir);
    snprintf(out, sizeof(out), "%s/in.xz", dir);
    if (write_file(in, data, len) == 0) {
        snprintf(cmd, sizeof(cmd), "xz %s -c '%s' > '%s'", args, in, out);
        if (system(cmd) == 0)
            res = read_file(out, out_len);
    }
    unlink(in);
    unlink(out);
    rmdir(dir);
    return res;
}
