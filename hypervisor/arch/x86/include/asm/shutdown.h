/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_SHUTDOWN_H
#define ASM_SHUTDOWN_H

#include <tessera/arch.h>     /* machine_reboot(), machine_poweroff() */
#include <tessera/types.h>

enum panic_action { PANIC_HALT, PANIC_REBOOT };

extern const struct boot_enum shutdown_opt_panic;   /* panic=halt|reboot */
__noreturn void stop_this_cpu(void);

/* The two halves of panic(), for callers that print their own report. */
void panic_begin(void);
__noreturn void panic_end(const char *why);
bool panic_in_progress(void);



/* What ACPI told us about resetting and powering off (filled by setup.c). */
struct power_regs {
    bool     has_reset_reg;
    uint8_t  reset_space;       /* GAS address space: 0 memory, 1 I/O, 2 PCI config */
    uint64_t reset_addr;
    uint8_t  reset_value;
    uint32_t pm1a_cnt, pm1b_cnt;    /* I/O ports, 0 if absent */
    bool     has_s5;
    uint8_t  slp_typa, slp_typb;
    uint32_t smi_cmd;
    uint8_t  acpi_enable;
};

extern struct power_regs power_regs;
#endif
