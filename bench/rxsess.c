/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxsess.c: one rexec session as a client sees it, for the benchmark.
 * It connects (from a given source address if asked), opens the stderr
 * channel the way glibc does (listen, send the port, accept, then the
 * credentials), reads the status byte, and then moves the workload's
 * bytes.  Every wait has a deadline; nothing here blocks for ever.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "rxload.h"

#define IOBUF (128 * 1024)

/* Seconds on the monotonic clock. */
double
rx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds since the epoch (to match timestamps written by other processes). */
double
rx_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until fd is ready for events or the deadline passes: 0 or -1. */
int
rx_wait(int fd, short events, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	double left;
	int n;

	for (;;) {
		left = deadline - rx_now();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

/* Writes all of buf before the deadline: 0 or -1. */
static int
write_all(int fd, const void *buf, size_t len, double deadline)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (rx_wait(fd, POLLOUT, deadline) == -1)
			return -1;
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Connects a non-blocking socket to the server, from src if given. */
static int
dial(const struct rx_target *t, const struct in_addr *src, double deadline)
{
	struct sockaddr_in from;
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	if (src != NULL) {
		memset(&from, 0, sizeof(from));
		from.sin_family = AF_INET;
		from.sin_addr = *src;
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)) == -1)
			goto fail;
	}
	if (connect(fd, (const struct sockaddr *)&t->addr,
	    sizeof(t->addr)) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		if (rx_wait(fd, POLLOUT, deadline) == -1)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* A listening socket on the primary connection's local address. */
static int
errchan_listen(int sock, unsigned int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd;

	if (getsockname(sock, (struct sockaddr *)&a, &len) == -1)
		return -1;
	a.sin_port = 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(fd, 1) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* Sends the port field and, with a stderr channel, accepts it. */
static int
send_port(struct rx_conn *c, int errchan, double deadline)
{
	char buf[PROTO_PORT_DIGITS + 1];
	unsigned int port = 0;
	ssize_t n;
	int lfd = -1, rc = -1;

	if (errchan && (lfd = errchan_listen(c->sock, &port)) == -1)
		return -1;
	if ((n = proto_encode_port(buf, sizeof(buf), port)) == -1 ||
	    write_all(c->sock, buf, (size_t)n, deadline) == -1)
		goto out;
	if (errchan) {
		if (rx_wait(lfd, POLLIN, deadline) == -1)
			goto out;
		c->errfd = accept4(lfd, NULL, NULL,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c->errfd == -1)
			goto out;
	}
	rc = 0;
out:
	if (lfd != -1)
		close(lfd);
	return rc;
}

/* Reads the status byte (or the refusal line) from the primary socket. */
static enum rx_result
read_status(struct rx_conn *c, double deadline)
{
	struct proto_reply r;
	enum proto_reply_status st;
	char buf[512];
	size_t used;
	ssize_t n;

	proto_reply_init(&r);
	for (;;) {
		if (rx_wait(c->sock, POLLIN, deadline) == -1)
			return RX_ERROR;
		n = read(c->sock, buf, sizeof(buf));
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == 0 || (n == -1 && errno == ECONNRESET)) {
			c->t_status = rx_now();
			snprintf(c->msg, sizeof(c->msg), n == 0 ?
			    "closed without a word" : "reset without a word");
			return RX_CLOSED;
		}
		if (n == -1)
			return RX_ERROR;
		st = proto_reply_feed(&r, buf, (size_t)n, &used);
		c->t_status = rx_now();
		if (st == PROTO_R_OK) {
			c->early = (size_t)n - used;
			return RX_OK;
		}
		if (st == PROTO_R_REFUSED) {
			snprintf(c->msg, sizeof(c->msg), "%.*s", RX_MSG_MAX - 1, r.msg);
			return RX_REFUSED;
		}
		if (st == PROTO_R_BAD) {
			snprintf(c->msg, sizeof(c->msg), "bad status byte");
			return RX_ERROR;
		}
	}
}

/*
 * Opens a session: connect (from src if not NULL), the port field, the
 * stderr channel if errchan, user, password (pass, or the target's),
 * command; returns what the status byte said.  On RX_OK the connection
 * stays open in c; otherwise c is closed and c->msg says why.
 */
enum rx_result
rxsess_open(const struct rx_target *t, const struct in_addr *src,
    const char *pass, const char *cmd, int errchan, struct rx_conn *c,
    double deadline)
{
	static __thread char buf[PROTO_USER_MAX + PROTO_PASS_MAX + 4096];
	enum rx_result r = RX_ERROR;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->errfd = -1;
	c->t_start = rx_now();
	if ((c->sock = dial(t, src, deadline)) == -1)
		goto fail;
	if (send_port(c, errchan, deadline) == -1)
		goto fail;
	n = proto_encode_creds(buf, sizeof(buf), t->user,
	    pass != NULL ? pass : t->pass, cmd);
	if (n == -1) {
		errno = EINVAL;
		goto fail;
	}
	/* A server that refused at once may have closed: read its answer. */
	if (write_all(c->sock, buf, (size_t)n, deadline) == -1 &&
	    errno != EPIPE && errno != ECONNRESET)
		goto fail;
	if ((r = read_status(c, deadline)) == RX_OK)
		return RX_OK;
	if (r == RX_REFUSED || r == RX_CLOSED)
		goto out;
fail:
	snprintf(c->msg, sizeof(c->msg), "%s", strerror(errno));
	r = RX_ERROR;
out:
	rxsess_close(c);
	return r;
}

/* Reads and counts what fd has; sets *eof at end of stream. */
static int
drain_one(int fd, size_t *count, int *eof)
{
	static __thread char buf[IOBUF];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n == -1)
		return (errno == EINTR || errno == EAGAIN) ? 0 : -1;
	if (n == 0)
		*eof = 1;
	*count += (size_t)n;
	return 0;
}

/*
 * Reads the primary socket and the stderr channel until both end,
 * counting the bytes of each; sets c->t_end.  0, or -1 on error or
 * when the deadline passes.
 */
int
rxsess_drain(struct rx_conn *c, double deadline, size_t *out, size_t *err)
{
	struct pollfd pfd[2];
	int eof[2] = { 0, c->errfd == -1 }, n;
	double left;

	*out = c->early;
	*err = 0;
	while (!eof[0] || !eof[1]) {
		pfd[0].fd = eof[0] ? -1 : c->sock;
		pfd[1].fd = eof[1] ? -1 : c->errfd;
		pfd[0].events = pfd[1].events = POLLIN;
		if ((left = deadline - rx_now()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(pfd, 2, (int)(left * 1000) + 1);
		if (n == -1 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue;
		if (pfd[0].revents && drain_one(c->sock, out, &eof[0]) == -1)
			return -1;
		if (pfd[1].revents && drain_one(c->errfd, err, &eof[1]) == -1)
			return -1;
	}
	c->t_end = rx_now();
	return 0;
}

/*
 * Sends size zero bytes as the command's stdin, then half-closes the
 * primary socket so the command sees EOF.  0 or -1.
 */
int
rxsess_push(struct rx_conn *c, size_t size, double deadline)
{
	static __thread char zeros[IOBUF];
	size_t n;

	while (size > 0) {
		n = size < sizeof(zeros) ? size : sizeof(zeros);
		if (write_all(c->sock, zeros, n, deadline) == -1)
			return -1;
		size -= n;
	}
	return shutdown(c->sock, SHUT_WR);
}

/* Closes whatever is open. */
void
rxsess_close(struct rx_conn *c)
{
	if (c->sock != -1)
		close(c->sock);
	if (c->errfd != -1)
		close(c->errfd);
	c->sock = c->errfd = -1;
}
