// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include "sock.h"
#include "conn.h"
#include "domain.h"
#include "log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Reads are buffered, and a short read() means the socket is drained until
 * poll() says otherwise: one read() per batch of requests instead of two or
 * three per request. */
struct sockbuf {
	size_t off, len;
	bool drained;
	char data[16384];
};

static int tp_read(struct conn *c, void *buf, size_t len)
{
	struct sockbuf *b = c->tp_data;
	ssize_t n;

	if (b->off == b->len) {
		if (b->drained)
			return 0;
		b->off = b->len = 0;
		n = read(c->fd, b->data, sizeof(b->data));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (n < 0)
			n = 0;
		b->drained = (size_t)n < sizeof(b->data);
		b->len = n;
	}
	if (len > b->len - b->off)
		len = b->len - b->off;
	memcpy(buf, b->data + b->off, len);
	b->off += len;
	return len;
}

static void tp_readable(struct conn *c)
{
	((struct sockbuf *)c->tp_data)->drained = false;
}

static int tp_write(struct conn *c, const void *buf, size_t len)
{
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0)
		return n;
	return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

static void tp_close(struct conn *c)
{
	close(c->fd);
	free(c->tp_data);
}

static const struct transport sock_transport = { tp_read, tp_write, tp_close, tp_readable };

int sock_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		fatal("socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket: %s", strerror(errno));
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0)
		fatal("cannot listen on %s: %s", path, strerror(errno));
	return fd;
}

void sock_accept(int listen_fd)
{
	int fd;

	while ((fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		conn_new(&sock_transport, xzalloc(sizeof(struct sockbuf)), fd, domain_get(0));
}
