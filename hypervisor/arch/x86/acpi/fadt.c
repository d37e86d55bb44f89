/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI: the Fixed ACPI Description Table (ACPI 6.5 section 5.2.9, table 5.9).
 * The FADT grew over the revisions; a field is read only if the table's
 * length covers it (a revision 1 FADT is 116 bytes, with no reset register
 * and no X_ fields).
 */
#include <asm/acpi.h>
#include <tessera/lib.h>

/* Byte offsets of the FADT fields used (table 5.9). */
#define FADT_FIRMWARE_CTRL      36
#define FADT_DSDT               40
#define FADT_SCI_INT            46
#define FADT_SMI_CMD            48
#define FADT_ACPI_ENABLE        52
#define FADT_ACPI_DISABLE       53
#define FADT_PM1A_EVT_BLK       56
#define FADT_PM1B_EVT_BLK       60
#define FADT_PM1A_CNT_BLK       64
#define FADT_PM1B_CNT_BLK       68
#define FADT_PM_TMR_BLK         76
#define FADT_PM_TMR_LEN         91
#define FADT_IAPC_BOOT_ARCH     109
#define FADT_FLAGS              112
#define FADT_RESET_REG          116
#define FADT_RESET_VALUE        128
#define FADT_X_FIRMWARE_CTRL    132
#define FADT_X_DSDT             140
#define FADT_X_PM1A_EVT_BLK     148
#define FADT_X_PM1B_EVT_BLK     160
#define FADT_X_PM1A_CNT_BLK     172
#define FADT_X_PM1B_CNT_BLK     184
#define FADT_X_PM_TMR_BLK       208
#define GAS_LEN                 12

#define has(len, off, size)     ((len) >= (off) + (size))

/*
 * 5.2.9: an X_ block field, when present and non-zero, supersedes the
 * legacy 32-bit port field. Our users want I/O ports; an X_ block in another
 * address space (memory-mapped PM blocks) is not one, so then the legacy
 * field is kept.
 */
static uint32_t port_field(const void *t, uint32_t len, size_t legacy, size_t x)
{
    uint32_t port = acpi_rd32(t, legacy);

    if (has(len, x, GAS_LEN)) {
        struct acpi_gas g;
        acpi_gas_read(t, x, &g);
        if (g.address && g.space_id == ACPI_GAS_IO && g.address <= 0xffff)
            port = (uint32_t)g.address;
    }
    return port <= 0xffff ? port : 0;
}

void acpi_parse_fadt(const void *t, uint32_t len, struct acpi_info *out)
{
    struct acpi_fadt_info *f = &out->fadt;

    if (!has(len, FADT_PM_TMR_LEN, 1)) {
        printk(LOG_WARN "acpi: FADT too short (%u bytes), skipped\n", len);
        out->bad_tables++;
        return;
    }
    f->present = true;
    f->revision = acpi_rd8(t, 8);
    f->length = len;
    f->facs = acpi_rd32(t, FADT_FIRMWARE_CTRL);
    f->dsdt = acpi_rd32(t, FADT_DSDT);
    f->sci_irq = acpi_rd16(t, FADT_SCI_INT);
    f->smi_cmd = acpi_rd32(t, FADT_SMI_CMD);
    f->acpi_enable = acpi_rd8(t, FADT_ACPI_ENABLE);
    f->acpi_disable = acpi_rd8(t, FADT_ACPI_DISABLE);
    f->pm1a_evt = port_field(t, len, FADT_PM1A_EVT_BLK, FADT_X_PM1A_EVT_BLK);
    f->pm1b_evt = port_field(t, len, FADT_PM1B_EVT_BLK, FADT_X_PM1B_EVT_BLK);
    f->pm1a_cnt = port_field(t, len, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT_BLK);
    f->pm1b_cnt = port_field(t, len, FADT_PM1B_CNT_BLK, FADT_X_PM1B_CNT_BLK);

    /* PM_TMR_LEN must be 4 when the timer exists (table 5.9) */
    uint32_t tmr = port_field(t, len, FADT_PM_TMR_BLK, FADT_X_PM_TMR_BLK);
    if (tmr && acpi_rd8(t, FADT_PM_TMR_LEN) == 4)
        f->pm_tmr_blk = (uint16_t)tmr;

    if (has(len, FADT_FLAGS, 4)) {
        f->iapc_boot_arch = acpi_rd16(t, FADT_IAPC_BOOT_ARCH);
        f->flags = acpi_rd32(t, FADT_FLAGS);
    }
    f->pm_tmr_32bit = f->pm_tmr_blk && (f->flags & ACPI_FADT_TMR_VAL_EXT);
    f->hw_reduced = f->flags & ACPI_FADT_HW_REDUCED;

    /* Reset register (4.8.3.6): only meaningful with RESET_REG_SUP, and we
     * can drive it only in I/O, memory or PCI configuration space. */
    if (has(len, FADT_RESET_VALUE, 1)) {
        acpi_gas_read(t, FADT_RESET_REG, &f->reset_reg);
        f->reset_value = acpi_rd8(t, FADT_RESET_VALUE);
        f->reset_supported = (f->flags & ACPI_FADT_RESET_REG_SUP) &&
                             f->reset_reg.address &&
                             f->reset_reg.space_id <= ACPI_GAS_PCI;
    }
    /* 5.2.9: X_DSDT / X_FIRMWARE_CTRL, when non-zero, take precedence. */
    if (has(len, FADT_X_DSDT, 8) && acpi_rd64(t, FADT_X_DSDT))
        f->dsdt = acpi_rd64(t, FADT_X_DSDT);
    if (has(len, FADT_X_FIRMWARE_CTRL, 8) && acpi_rd64(t, FADT_X_FIRMWARE_CTRL))
        f->facs = acpi_rd64(t, FADT_X_FIRMWARE_CTRL);
}
