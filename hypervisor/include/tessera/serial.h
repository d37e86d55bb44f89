/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESSERA_SERIAL_H
#define TESSERA_SERIAL_H

#include <tessera/types.h>

#define COM1_PORT   0x3f8

/* The UART (ns16550.c). Returns 0, or -1 if the baud rate cannot be
 * produced by the UART clock. */
int  serial_init(uint16_t port, unsigned int baud);
bool serial_present(void);
uint16_t serial_io_base(void);     /* its first port (8 in all); 0: none */
/* Bytes that may be written to the UART now without waiting: its FIFO size
 * if the transmitter is empty, else 0. Never waits. */
unsigned int serial_tx_room(void);
void serial_tx_byte(char c);       /* only after serial_tx_room() said so */
/* serial_tx_room(), polling until it is non-zero (bounded; 0: the UART
 * never became ready). For the synchronous paths only. */
unsigned int serial_wait_room(void);
/* Polls (bounded) until the FIFO and the shift register are empty: what
 * was written is on the wire (before a power-off or reset). */
void serial_wait_sent(void);
int  serial_getc(void);    /* -1 when nothing is waiting */
/* The transmitter-empty interrupt on or off; its acknowledgement. */
void serial_tx_irq(bool on);
void serial_irq_ack(void);

/* The transmit ring in front of the UART (serial_tx.c). Until
 * serial_tx_start_async() and again after serial_tx_sync(), every write
 * is sent before it returns (polling the UART); in between, a write queues
 * its bytes (dropping and counting what does not fit), sends what the UART
 * takes at once, and a timer tick sends the rest. '\n' goes out as "\r\n". */
void serial_tx_write(const char *s, size_t n);
/* Interrupts and timers work on this CPU: the tick runs here from now on. */
void serial_tx_start_async(void);
/* COM1's interrupt is routed to this CPU (arch): the UART's transmitter-
 * empty interrupt sends from now on, and the tick is only a fallback. */
void serial_tx_use_interrupt(void);
void serial_tx_interrupt(void);    /* from that interrupt */
/* Synchronous again, and everything queued is sent before it returns.
 * force: the ring's lock is taken over whoever holds it (panic: the holder
 * may be stopped for good). */
void serial_tx_sync(bool force);
uint64_t serial_tx_dropped(void);  /* bytes lost since boot */
/* Transmitter-empty interrupts and ticks that ran, since boot. */
void serial_tx_stats(uint64_t *irqs, uint64_t *ticks);
/* More than half the ring is queued: who can wait (the console rings'
 * backend) should, so that it is not others' lines that get dropped. */
bool serial_tx_busy(void);

#endif
