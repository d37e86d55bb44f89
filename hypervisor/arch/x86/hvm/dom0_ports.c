/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which I/O ports the control domain reaches directly (docs/dom0-io.md).
 * Everything is the machine's, except what the hypervisor drives itself or
 * what would let dom0 take the machine away from it, following the list
 * Xen keeps from its dom0 (dom0_setup_permissions()):
 *
 *  - the legacy interrupt controllers, their aliases and the IMCR: denied,
 *    so that Linux's 8259 probe reads 0xff and picks the NULL PIC
 *    (abi-pvh-dom0.md 10, item 1); interrupts reach dom0 via vIOAPICs;
 *  - the PIT (and its ICH aliases), port 0x61, the ISA DMA controllers,
 *    the FPU error port 0xf0, port 0x92 (whose bit 0 resets the CPU);
 *  - the hypervisor's UART;
 *  - mediated: the RTC index 0x70 (its bit 7 masks NMIs, which stay the
 *    hypervisor's), the i8042 command port 0x64 and 0xcf9 (both can reset
 *    the machine) and the ACPI PM1 control blocks (SLP_EN powers it off),
 *    so that those requests become an orderly reboot or power-off;
 *  - emulated: 0xcf8-0xcff (the vPCI config mechanism) and 0xe9 (the
 *    debug console).
 */
#include <asm/dom0_io.h>
#include <tessera/lib.h>

struct port_run {
    uint16_t first, last;
};

static const struct port_run denied[] = {
    { 0x00, 0x1f },         /* ISA DMA controller 1 */
    { 0x22, 0x23 },         /* IMCR: PIC or APIC mode (MP spec 3.6.2.1) */
    { 0x40, 0x43 },         /* 8254 PIT */
    { 0x50, 0x53 },         /* its ICH alias (ICH9 datasheet 9.3) */
    { 0x61, 0x61 },         /* NMI status and control, PIT gate */
    { 0x81, 0x8f },         /* DMA page registers (0x80, POST codes, stays) */
    { 0x92, 0x92 },         /* system control port A: fast reset */
    { 0xc0, 0xdf },         /* ISA DMA controller 2 */
    { 0xf0, 0xf0 },         /* FPU error */
    { 0x4d0, 0x4d1 },       /* 8259 edge/level control */
};

/* The 8259s answer at 0x20/0x21 and 0xa0/0xa1 and, on PIIX and ICH
 * chipsets, at every port of 0x20-0x3f and 0xa0-0xbf with bit 1 clear
 * (ICH9 datasheet 9.3); the others there are not theirs (0xb2/0xb3 are
 * the APM ports through which ACPI mode is enabled). */
static bool is_pic_port(uint16_t port)
{
    return ((port >= 0x20 && port <= 0x3f) || (port >= 0xa0 && port <= 0xbf)) && !(port & 2);
}

#define PORT_RTC_INDEX      0x70
#define PORT_I8042_CMD      0x64
#define PORT_RESET_CTL      0xcf9
#define PORT_PCI_FIRST      0xcf8
#define PORT_PCI_LAST       0xcff
#define PORT_DEBUG_CON      0xe9

static bool in_block(uint16_t port, uint16_t base, unsigned int len)
{
    return base && port >= base && (unsigned int)(port - base) < len;
}

enum dom0_port_use dom0_port_use(const struct dom0_io_host *h, uint16_t port)
{
    if (port == PORT_RTC_INDEX || port == PORT_I8042_CMD || port == PORT_RESET_CTL ||
        in_block(port, h->pm1a_cnt, 2) || in_block(port, h->pm1b_cnt, 2))
        return DOM0_PORT_MEDIATE;
    if ((port >= PORT_PCI_FIRST && port <= PORT_PCI_LAST) || port == PORT_DEBUG_CON)
        return DOM0_PORT_EMULATE;
    if (in_block(port, h->uart_base, 8) || is_pic_port(port))
        return DOM0_PORT_DENY;
    for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
        if (port >= denied[i].first && port <= denied[i].last)
            return DOM0_PORT_DENY;
    return DOM0_PORT_DIRECT;
}

void dom0_io_bitmap_fill(const struct dom0_io_host *h, uint8_t bitmap[DOM0_IO_BITMAP_BYTES])
{
    for (unsigned int port = 0; port < 0x10000; port++) {
        uint8_t bit = (uint8_t)(1u << (port % 8));

        if (dom0_port_use(h, (uint16_t)port) == DOM0_PORT_DIRECT)
            bitmap[port / 8] &= (uint8_t)~bit;
        else
            bitmap[port / 8] |= bit;
    }
}
