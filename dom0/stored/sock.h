/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_SOCK_H
#define TESS_STORED_SOCK_H

/* dom0's transport: every client of the Unix socket acts as domain 0. */
int sock_listen(const char *path);
void sock_accept(int listen_fd);

#endif
