/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 16550 UART on COM1, the hardware side only: set-up, "how many bytes
 * may I write now" (never waiting), a polled write for the synchronous
 * paths, and polled input. serial_tx.c decides what to send when.
 */
#include <asm/io.h>
#include <tessera/serial.h>

#define UART_THR    0   /* transmit holding (DLAB=0) */
#define UART_DLL    0   /* divisor latch low (DLAB=1) */
#define UART_IER    1
#define UART_DLM    1
#define UART_FCR    2   /* write */
#define UART_IIR    2   /* read */
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define IER_ETBEI   0x02    /* interrupt when the transmitter is empty */
#define MCR_OUT2    0x08    /* on a PC, gates the UART's interrupt onto the bus */
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define LSR_DR      0x01
#define LSR_THRE    0x20
#define LSR_TEMT    0x40    /* transmitter and FIFO both empty */
#define UART_CLOCK  115200  /* 1.8432 MHz / 16 */
#define IIR_FIFO_ON 0xc0    /* both set: a 16550A with working FIFOs */
#define FIFO_BYTES  16      /* the 16550A's transmit FIFO */

static uint16_t uart_base;
static unsigned int tx_fifo = 1;

/* Reprogramming clears the FIFOs (FCR bits 1-2): let what is queued go out
 * first, or the tail of the previous line is lost. Bounded, in case the UART
 * is absent and reads back 0xff or 0x00 forever. */
static void drain(uint16_t port)
{
    for (unsigned int i = 0; i < 100000; i++)
        if (inb(port + UART_LSR) & LSR_TEMT)
            return;
}

int serial_init(uint16_t port, unsigned int baud)
{
    if (baud == 0 || baud > UART_CLOCK || UART_CLOCK % baud)
        return -1;
    unsigned int divisor = UART_CLOCK / baud;

    if (uart_base)
        drain(uart_base);
    outb(0, port + UART_IER);
    outb(LCR_DLAB, port + UART_LCR);
    outb(divisor & 0xff, port + UART_DLL);
    outb(divisor >> 8, port + UART_DLM);
    outb(LCR_8N1, port + UART_LCR);
    outb(0x07, port + UART_FCR);        /* enable and clear FIFOs */
    outb(0x03 | MCR_OUT2, port + UART_MCR);     /* DTR, RTS; IER says which IRQs */
    /* An 8250/16450 has no FIFO (IIR bits 7:6 stay 0; the 16550 without
     * the A sets only bit 7 and its FIFO is unreliable): one byte per THRE. */
    tx_fifo = (inb(port + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON ? FIFO_BYTES : 1;
    uart_base = port;
    return 0;
}

unsigned int serial_tx_room(void)
{
    if (!uart_base)
        return 0;
    /* THRE with the FIFO on means the whole transmit FIFO is empty. */
    return inb(uart_base + UART_LSR) & LSR_THRE ? tx_fifo : 0;
}

void serial_tx_byte(char c)
{
    if (uart_base)
        outb((uint8_t)c, uart_base + UART_THR);
}

void serial_tx_irq(bool on)
{
    if (uart_base)
        outb(on ? IER_ETBEI : 0, uart_base + UART_IER);
}

void serial_irq_ack(void)
{
    /* Reading IIR clears a pending THRE interrupt (16550 datasheet, IIR). */
    if (uart_base)
        inb(uart_base + UART_IIR);
}

void serial_wait_sent(void)
{
    if (uart_base)
        drain(uart_base);
}

bool serial_present(void)
{
    return uart_base != 0;
}

uint16_t serial_io_base(void)
{
    return uart_base;
}

unsigned int serial_wait_room(void)
{
    /* Bounded wait: a missing or wedged UART must not hang the console. */
    for (unsigned int spin = 0; spin < 1000000; spin++) {
        unsigned int room = serial_tx_room();
        if (room)
            return room;
    }
    return 0;
}

int serial_getc(void)
{
    if (!uart_base || !(inb(uart_base + UART_LSR) & LSR_DR))
        return -1;
    return inb(uart_base + UART_THR);
}
