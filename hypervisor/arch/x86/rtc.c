/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CMOS real-time clock (MC146818 registers behind ports 0x70/0x71),
 * read once at boot for the wall clock. The fields are read while no update
 * is in progress (register A bit 7) and read again until two reads agree,
 * so a second turning over in between is not half-seen. Register B says
 * whether the fields are BCD (bit 2 clear) and whether hours are 12-hour
 * with bit 7 meaning PM (bit 1 clear). The century register is not
 * standard (ACPI FADT names one, if any): two-digit years below 70 are
 * taken as 20xx.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <tessera/wallclock.h>

#define CMOS_INDEX      0x70
#define CMOS_DATA       0x71
#define RTC_SEC         0x00
#define RTC_MIN         0x02
#define RTC_HOUR        0x04
#define RTC_DAY         0x07
#define RTC_MON         0x08
#define RTC_YEAR        0x09
#define RTC_REG_A       0x0a
#define RTC_REG_B       0x0b
#define RTC_A_UIP       0x80
#define RTC_B_24H       0x02
#define RTC_B_BINARY    0x04
#define RTC_HOUR_PM     0x80

static uint8_t cmos_read(uint8_t reg)
{
    outb(reg, CMOS_INDEX);
    return inb(CMOS_DATA);
}

static bool wait_no_update(void)
{
    for (unsigned long i = 0; i < 10000000UL; i++) {
        if (!(cmos_read(RTC_REG_A) & RTC_A_UIP))
            return true;
        cpu_relax();
    }
    return false;
}

static void read_raw(uint8_t r[6])
{
    static const uint8_t regs[6] = { RTC_SEC, RTC_MIN, RTC_HOUR, RTC_DAY, RTC_MON, RTC_YEAR };

    for (unsigned int i = 0; i < 6; i++)
        r[i] = cmos_read(regs[i]);
}

static unsigned int from_bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

bool arch_rtc_read(struct rtc_time *t)
{
    uint8_t a[6], b[6];
    unsigned int tries = 0;

    do {
        if (!wait_no_update() || ++tries > 5)
            return false;
        read_raw(a);
        if (!wait_no_update())
            return false;
        read_raw(b);
    } while (__builtin_memcmp(a, b, sizeof(a)));

    uint8_t regb = cmos_read(RTC_REG_B);
    bool binary = regb & RTC_B_BINARY;
    bool pm = !(regb & RTC_B_24H) && (a[2] & RTC_HOUR_PM);
    unsigned int hour = from_bcd(a[2] & ~RTC_HOUR_PM, binary);

    if (!(regb & RTC_B_24H))
        hour = hour % 12 + (pm ? 12 : 0);     /* 12 AM is 0, 12 PM is 12 */
    unsigned int year = from_bcd(a[5], binary);
    *t = (struct rtc_time){
        .year = year + (year < 70 ? 2000 : 1900),
        .mon = from_bcd(a[4], binary),
        .day = from_bcd(a[3], binary),
        .hour = hour,
        .min = from_bcd(a[1], binary),
        .sec = from_bcd(a[0], binary),
    };
    return true;
}
