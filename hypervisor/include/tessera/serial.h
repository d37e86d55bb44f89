/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESSERA_SERIAL_H
#define TESSERA_SERIAL_H

#include <tessera/types.h>

#define COM1_PORT   0x3f8

/* Returns 0, or -1 if the baud rate cannot be produced by the UART clock. */
int  serial_init(uint16_t port, unsigned int baud);
void serial_putc(char c);
int  serial_getc(void);    /* -1 when nothing is waiting */

#endif
