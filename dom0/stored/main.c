// SPDX-License-Identifier: GPL-2.0-only
/* tess-stored: Tessera's xenstore daemon. */
#include "conn.h"
#include "domain.h"
#include "proto.h"
#include "ring_host.h"
#include "ring_xen.h"
#include "dom_exc.h"
#include "sock.h"
#include "log.h"
#include "util.h"
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/var/run/xenstored/socket"

static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tess-stored [OPTION]...\n"
"Tessera's xenstore daemon (the xs_wire.h protocol over a Unix socket for\n"
"dom0 tools and over shared-page rings for guests).\n\n"
"  -F, --foreground            stay in the foreground (default: daemonize)\n"
"  -s, --socket PATH           Unix socket for dom0 clients\n"
"                              (default " DEFAULT_SOCKET ")\n"
"  -p, --pid-file PATH         write the daemon's pid to PATH\n"
"  -l, --log-file PATH         log to PATH instead of stderr\n"
"  -v, --verbose               log every connection event\n"
"  -T, --trace-file PATH       append every request and reply to PATH\n"
"  -r, --ring-dir DIR          host ring backend: INTRODUCE of domain N maps\n"
"                              DIR/N.page and uses FIFOs DIR/N.kick, DIR/N.evt\n"
"  -X, --xen                   the system store in dom0: serve dom0's kernel\n"
"                              (/dev/xen/xenbus_backend) and map each introduced\n"
"                              domain's ring (/dev/xen/privcmd, /dev/xen/evtchn)\n"
"      --quota-nodes N         nodes a domain may own (default %u)\n"
"      --quota-node-size N     bytes of value+perms per node (default %u)\n"
"      --quota-watches N       watches per domain (default %u)\n"
"      --quota-transactions N  open transactions per domain (default %u)\n"
"      --quota-transaction-nodes N  nodes one transaction may copy (default %u)\n"
"      --quota-outstanding N   pending output bytes per connection before its\n"
"                              requests are throttled; twice this closes a\n"
"                              guest's (default %u)\n"
"      --quota-priv-outstanding N  pending output bytes of a dom0 connection\n"
"                              past which its watch events are dropped\n"
"                              (default %u)\n"
"  -h, --help                  show this help\n\n"
"Quotas apply to unprivileged domains, as in Xen; dom0 is capped at %u\n"
"watches and %u transactions per connection. See docs/stored.md.\n",
		quota.nodes, quota.node_size, quota.watches, quota.transactions,
		quota.transaction_nodes, quota.outstanding, quota.priv_outstanding,
		quota.priv_watches,
		quota.priv_transactions);
}

static void on_signal(int sig)
{
	stop = 1;
}

static unsigned num_arg(const char *opt, const char *s)
{
	unsigned long v;

	if (!parse_uint(s, 0xffffffffUL, &v))
		fatal("bad number for %s: %s", opt, s);
	return v;
}

/* exc_fd: VIRQ_DOM_EXC's (--xen), or -1. */
static void event_loop(int listen_fd, int exc_fd)
{
	struct pollfd *pfd = NULL;
	struct conn **who = NULL;
	size_t cap = 0, n, i;
	struct conn *c;
	while (!stop) {
		n = 2;
		for (c = conn_list; c; c = c->next)
			n++;
		if (n > cap) {
			cap = n * 2;
			pfd = xrealloc(pfd, cap * sizeof(*pfd));
			who = xrealloc(who, cap * sizeof(*who));
		}
		pfd[0] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = exc_fd, .events = POLLIN };
		n = 2;
		for (c = conn_list; c; c = c->next) {
			if (c->fd < 0)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = c->fd_is_kick ? POLLIN :
				(conn_wants_input(c) ? POLLIN : 0) | (c->out_head ? POLLOUT : 0);
			pfd[n].revents = 0;
			who[n++] = c;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		if (pfd[0].revents)
			sock_accept(listen_fd);
		if (pfd[1].revents)
			dom_exc_event();
		for (i = 2; i < n; i++) {
			c = who[i];
			if (!pfd[i].revents || c->dead)
				continue;
			if (!c->fd_is_kick && (pfd[i].revents & (POLLHUP | POLLERR)) &&
			    !(pfd[i].revents & POLLIN)) {
				conn_kill(c, "hangup");
				continue;
			}
			if ((pfd[i].revents & (POLLIN | POLLHUP)) && c->tp->readable)
				c->tp->readable(c);
			conn_service(c);
		}
		/* Requests may have queued watch events on other connections. */
		for (c = conn_list; c; c = c->next)
			if (c->out_head && !c->dead)
				conn_service(c);
		conn_reap();
	}
	free(pfd);
	free(who);
}

int main(int argc, char **argv)
{
	enum { Q_NODES = 256, Q_SIZE, Q_WATCHES, Q_TXNS, Q_TXNODES, Q_OUT, Q_PRIV_OUT };
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "socket", required_argument, NULL, 's' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "log-file", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace-file", required_argument, NULL, 'T' },
		{ "ring-dir", required_argument, NULL, 'r' },
		{ "xen", no_argument, NULL, 'X' },
		{ "quota-nodes", required_argument, NULL, Q_NODES },
		{ "quota-node-size", required_argument, NULL, Q_SIZE },
		{ "quota-watches", required_argument, NULL, Q_WATCHES },
		{ "quota-transactions", required_argument, NULL, Q_TXNS },
		{ "quota-transaction-nodes", required_argument, NULL, Q_TXNODES },
		{ "quota-outstanding", required_argument, NULL, Q_OUT },
		{ "quota-priv-outstanding", required_argument, NULL, Q_PRIV_OUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock_path = DEFAULT_SOCKET, *pid_file = NULL, *log_file = NULL;
	const char *trace_file = NULL, *ring_dir = NULL;
	bool foreground = false, xen = false;
	int opt, listen_fd, exc_fd = -1;

	while ((opt = getopt_long(argc, argv, "Fs:p:l:vT:r:Xh", opts, NULL)) != -1) {
		switch (opt) {
		case 'F': foreground = true; break;
		case 's': sock_path = optarg; break;
		case 'p': pid_file = optarg; break;
		case 'l': log_file = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'T': trace_file = optarg; break;
		case 'r': ring_dir = optarg; break;
		case 'X': xen = true; break;
		case Q_NODES: quota.nodes = num_arg("--quota-nodes", optarg); break;
		case Q_SIZE: quota.node_size = num_arg("--quota-node-size", optarg); break;
		case Q_WATCHES: quota.watches = num_arg("--quota-watches", optarg); break;
		case Q_TXNS: quota.transactions = num_arg("--quota-transactions", optarg); break;
		case Q_TXNODES:
			quota.transaction_nodes = num_arg("--quota-transaction-nodes", optarg);
			break;
		case Q_OUT: quota.outstanding = num_arg("--quota-outstanding", optarg); break;
		case Q_PRIV_OUT:
			quota.priv_outstanding = num_arg("--quota-priv-outstanding", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (quota.outstanding < 8192)
		quota.outstanding = 8192;	/* room for one full reply */
	if (quota.priv_outstanding < 8192)
		quota.priv_outstanding = 8192;
	log_open(log_file, trace_file);
	domain_init();
	store_init();
	proto_init();
	if (ring_dir && xen)
		fatal("--ring-dir and --xen exclude each other");
	if (ring_dir)
		ring_host_init(ring_dir);
	if (xen) {
		ring_xen_init();
		exc_fd = dom_exc_init();
	}
	listen_fd = sock_listen(sock_path);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!foreground && daemon(0, log_file ? 0 : 1) < 0)
		fatal("daemon: %s", strerror(errno));
	if (pid_file) {
		FILE *f = fopen(pid_file, "w");
		if (!f)
			fatal("cannot write %s", pid_file);
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
	logmsg("serving %s", sock_path);
	event_loop(listen_fd, exc_fd);
	unlink(sock_path);
	logmsg("exiting");
	return 0;
}
