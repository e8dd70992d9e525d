/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_conn.c: rexec(1)'s sockets.  The primary connection tries every
 * address of the host in turn, each within the timeout.  The stderr
 * channel listens on the primary connection's local address only (never
 * the wildcard) and takes the connect-back only from the address the
 * primary connection went to.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The numeric form of an address, for messages. */
static void
addr_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	if (getnameinfo(sa, len, buf, size, NULL, 0, NI_NUMERICHOST) != 0)
		strncpy(buf, "?", size);
}

/* Whether two socket addresses name the same host (ports aside). */
static int
same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4, *b4;
	const struct sockaddr_in6 *a6, *b6;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return memcmp(&a6->sin6_addr, &b6->sin6_addr,
			   sizeof(a6->sin6_addr)) == 0 &&
		    a6->sin6_scope_id == b6->sin6_scope_id;
	}
	return 0;
}

/*
 * Connects to one address within the timeout.  Returns a blocking,
 * close-on-exec socket, or -1 with errno set.
 */
static int
connect_one(const struct addrinfo *ai, long timeout_ms)
{
	int fd, err;

	fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (netio_connect(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms) == -1) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

#define MAX_FAILURES 16

struct failure {
	char addr[NI_MAXHOST];
	int err;
};

/* Reports why each address failed, once all of them have. */
static void
report_failures(const struct cli_opts *o, const struct failure *f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		errno = f[i].err;
		if (errno == ETIMEDOUT)
			cli_msg_warnx("%s: %s port %s: connection timed out "
				      "after %d s",
			    o->host, f[i].addr, o->port, o->timeout);
		else
			cli_msg_warn("%s: %s port %s", o->host, f[i].addr,
			    o->port);
	}
}

/*
 * Resolves o->host and connects to each address in turn until one
 * answers; if none does, prints why for each.  0 with c->fd and c->peer
 * set, or -1.
 */
int
cli_conn_open(const struct cli_opts *o, struct cli_conn *c)
{
	static struct failure failed[MAX_FAILURES];
	struct addrinfo hints, *res, *ai;
	int e, n = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	c->fd = c->errfd = -1;
	if ((e = getaddrinfo(o->host, o->port, &hints, &res)) != 0) {
		if (e == EAI_SYSTEM)
			cli_msg_warn("%s", o->host);
		else
			cli_msg_warnx("%s: %s", o->host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((c->fd = connect_one(ai, o->timeout_ms)) != -1) {
			memcpy(&c->peer, ai->ai_addr, ai->ai_addrlen);
			c->peerlen = ai->ai_addrlen;
			break;
		}
		if (n < MAX_FAILURES) {
			failed[n].err = errno;
			addr_text(ai->ai_addr, ai->ai_addrlen, failed[n].addr,
			    sizeof(failed[n].addr));
			n++;
		}
	}
	freeaddrinfo(res);
	if (c->fd == -1)
		report_failures(o, failed, n);
	return c->fd == -1 ? -1 : 0;
}

/*
 * Opens the stderr channel's listening socket on the primary
 * connection's local address, any port.  0 with *lfd and *port, or -1.
 */
int
cli_conn_listen(const struct cli_conn *c, int *lfd, unsigned int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 1) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET ?
		((struct sockaddr_in *)&ss)->sin_port :
		((struct sockaddr_in6 *)&ss)->sin6_port);
	*lfd = fd;
	return 0;
}

/*
 * Waits for the server's connect-back on lfd until the deadline.  A
 * connection from any other address is closed and reported.  Returns
 * the stderr channel, -2 if the server wrote on (or closed) the primary
 * connection instead, or -1 after printing why.
 */
int
cli_conn_accept(const struct cli_opts *o, const struct cli_conn *c, int lfd,
    int64_t deadline)
{
	struct sockaddr_storage ss;
	struct pollfd p[2];
	socklen_t len;
	char addr[NI_MAXHOST];
	int fd;

	memset(&ss, 0, sizeof(ss));
	for (;;) {
		p[0].fd = lfd;
		p[1].fd = c->fd;
		p[0].events = p[1].events = POLLIN;
		if (netio_poll(p, 2, deadline) == -1) {
			if (errno != ETIMEDOUT)
				cli_msg_warn("poll");
			else
				cli_msg_warnx(
				    "%s: timed out after %d s waiting "
				    "for the server to connect back",
				    o->host, o->timeout);
			return -1;
		}
		if (p[1].revents != 0)
			return -2;
		len = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			cli_msg_warn("accept");
			return -1;
		}
		if (same_host(&ss, &c->peer))
			return fd;
		addr_text((struct sockaddr *)&ss, len, addr, sizeof(addr));
		cli_msg_warnx("%s: refused a stderr connection from %s",
		    o->host, addr);
		close(fd);
	}
}
