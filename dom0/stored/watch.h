/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_WATCH_H
#define TESS_STORED_WATCH_H
#include "conn.h"

/* Returns 0 or an errno (EEXIST, ENOSPC). Fires the initial event. */
int watch_add(struct conn *c, const char *path, const char *token, bool relative);
int watch_del(struct conn *c, const char *path, const char *token);
void watch_del_all(struct conn *c);
/* Deliver the events for the changes a view recorded, then forget them. */
void watch_fire_changes(struct txn *t);
void watch_fire_special(const char *name);
unsigned watch_total(void);

#endif
