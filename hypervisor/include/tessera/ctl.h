/* SPDX-License-Identifier: GPL-2.0-only */
/* What the rest of the hypervisor sees of the control hypercalls
 * (common/ctl/, public/tessera/ctl.h, docs/control.md). */
#ifndef TESSERA_CTL_H
#define TESSERA_CTL_H

#include <tessera/types.h>

/* Domain id's memory is being freed: the stages it made (only the control
 * domain makes any) go with it. */
void ctl_domain_freed(uint16_t id);

#endif
