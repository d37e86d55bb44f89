/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_CONTROL_H
#define TESS_STORED_CONTROL_H
#include "util.h"

/* XS_CONTROL commands; returns 0 with the reply in out, or an errno. */
int control_run(const char **vec, int n, struct buf *out);

#endif
