/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_DOM_EXC_H
#define TESS_STORED_DOM_EXC_H

/* Binds VIRQ_DOM_EXC (exits if it cannot) and returns the fd to poll. */
int dom_exc_init(void);
/* The fd is readable: release every introduced domain that has ended. */
void dom_exc_event(void);

#endif
