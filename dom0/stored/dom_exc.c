// SPDX-License-Identifier: GPL-2.0-only
/*
 * VIRQ_DOM_EXC in dom0: the hypervisor raises it when a domain shuts down
 * or ends. As Xen's xenstored does (domain_cleanup()), each introduced
 * domain the hypervisor reports dying, or no longer knows, is released
 * here: its ring unmapped and unbound, its nodes removed, @releaseDomain
 * fired. So a domain that powers itself off leaves nothing in the store,
 * and the toolstack's later RELEASE finds nothing (ENOENT). Asking the
 * hypervisor goes through libtess (LGPL-2.1, linked statically).
 */
#include "dom_exc.h"
#include "domain.h"
#include "log.h"
#include "proto.h"
#include "util.h"
#include "watch.h"
#include "xs_proto.h"
#include "../../tools/libtess/libtess.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Linux include/uapi/xen/evtchn.h; VIRQ_DOM_EXC is public/event_channel.h's. */
struct ioctl_evtchn_bind_virq {
	unsigned int virq;
};
#define IOCTL_EVTCHN_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))
#define VIRQ_DOM_EXC 3

static struct libtess *lt;
static void *info;
static int fd = -1;

int dom_exc_init(void)
{
	struct ioctl_evtchn_bind_virq b = { VIRQ_DOM_EXC };

	if (libtess_open(&lt) < 0)
		fatal("libtess: %s", libtess_error(lt));
	info = xzalloc(libtess_record_size("dominfo"));
	fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b) < 0)
		fatal("binding VIRQ_DOM_EXC: %s", strerror(errno));
	return fd;
}

/* Whether the hypervisor says the domain is dying or gone. A failure to
 * ask is not taken for an end. */
static bool ended(unsigned domid)
{
	uint64_t dying = 0;
	int rc = libtess_getinfo(lt, domid, info);

	if (rc == -ESRCH)
		return true;
	if (rc < 0) {
		logmsg("domain %u: %s", domid, libtess_error(lt));
		return false;
	}
	return !libtess_record_u64(info, "dominfo", 0, "dying", &dying) && dying;
}

void dom_exc_event(void)
{
	uint32_t ports[16];
	ssize_t n;
	bool released = false;

	while ((n = read(fd, ports, sizeof(ports))) > 0)
		if (write(fd, ports, n) < 0)		/* unmask */
			dbg("evtchn unmask: %s", strerror(errno));
	for (unsigned id = 1; id < DOMID_FIRST_RESERVED; id++) {
		struct domain *d = domain_get(id);

		if (d && d->introduced && ended(id)) {
			logmsg("domain %u ended", id);
			store_release_domain(d);
			released = true;
		}
	}
	if (released)
		watch_fire_special("@releaseDomain");
}
