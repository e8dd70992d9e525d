/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netio.c: the I/O layer of both programs.  Deadlines are milliseconds
 * on the monotonic clock; every wait ends at one, every write is
 * complete, every descriptor is close-on-exec.  Its users: the
 * connection process (root: handshake fields, connect-back, refusals),
 * the user's process (the status byte, the last close), the listener
 * (the clock, addresses for the log) and the client (waits, writes and
 * connecting).  No logging here: callers say what failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netio.h"

#define PEEK_SIZE 4096	   /* a page of stack, a handful of peeks per field */
#define DRAIN_BUDGET 65536 /* bytes discarded per look at a closing socket */
#define KEEPALIVE_PROBES 3 /* unanswered probes before a peer is dead */

/* Milliseconds on the monotonic clock (which cannot fail on Linux). */
int64_t
netio_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The deadline ms milliseconds from now; NETIO_NEVER when ms < 0. */
int64_t
netio_deadline(long ms)
{
	return ms < 0 ? NETIO_NEVER : netio_now() + ms;
}

/*
 * Milliseconds left until the deadline as poll() takes them: 0 once it
 * has passed, -1 for NETIO_NEVER, at most INT_MAX.
 */
int
netio_left(int64_t deadline)
{
	int64_t ms;

	if (deadline == NETIO_NEVER)
		return -1;
	ms = deadline - netio_now();
	if (ms <= 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Sleeps until the deadline, through signals. */
void
netio_sleep_until(int64_t deadline)
{
	struct timespec ts = { .tv_sec = deadline / 1000,
		.tv_nsec = (deadline % 1000) * 1000000L };

	while (
	    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * Polls the descriptors until one is ready or the deadline passes,
 * through EINTR.  Returns how many are ready, or -1 with errno ETIMEDOUT
 * or poll()'s error.  A deadline already passed is a timeout.
 */
int
netio_poll(struct pollfd *p, nfds_t n, int64_t deadline)
{
	int ms, r;

	for (;;) {
		if ((ms = netio_left(deadline)) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(p, n, ms);
		if (r > 0)
			return r;
		if (r == -1 && errno != EINTR)
			return -1;
	}
}

/* Waits until fd has one of the events, an error or a hangup: 0 or -1. */
int
netio_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	return netio_poll(&p, 1, deadline) == -1 ? -1 : 0;
}

/* Records an address with its numeric form; a v4-mapped one reads as IPv4. */
int
netio_addr_fill(struct netio_addr *a, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const char *h;

	if (len < sizeof(sa_family_t) || len > sizeof(a->ss))
		return -1;
	memcpy(&a->ss, sa, len);
	a->len = len;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return -1;
	if (getnameinfo(sa, len, a->host, sizeof(a->host), NULL, 0,
		NI_NUMERICHOST) != 0)
		return -1;
	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
	    strncmp(a->host, "::ffff:", 7) == 0) {
		h = a->host + 7;
		memmove(a->host, h, strlen(h) + 1);
	}
	if (sa->sa_family == AF_INET)
		a->port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	else
		a->port = ntohs(s6->sin6_port);
	return 0;
}

/* The peer's and our own address of a connected socket. */
int
netio_endpoints(int fd, struct netio_addr *peer, struct netio_addr *local)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    netio_addr_fill(peer, (struct sockaddr *)&ss, len) == -1)
		return -1;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    netio_addr_fill(local, (struct sockaddr *)&ss, len) == -1)
		return -1;
	return 0;
}

/*
 * Puts all of buf on fd, through short writes and EINTR, waiting for
 * room until the deadline when fd is non-blocking.  On a socket (sock)
 * with send(), which never blocks and never raises SIGPIPE; otherwise
 * with write().  Returns 0, or -1 with errno set.
 */
static int
put_all(int fd, const char *p, size_t len, int64_t deadline, int sock)
{
	ssize_t n;

	while (len > 0) {
		n = sock ? send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL) :
			   write(fd, p, len);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (netio_wait(fd, POLLOUT, deadline) == -1)
				return -1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes all of buf to fd, however long it takes (a descriptor left
 * non-blocking is waited for).  Returns 0, or -1 with errno set.
 */
int
netio_write_all(int fd, const void *buf, size_t len)
{
	return put_all(fd, buf, len, NETIO_NEVER, 0);
}

/*
 * Sends all of buf on a socket before the deadline, never blocking past
 * it and never raising SIGPIPE.  Returns 0, or -1 with errno set
 * (ETIMEDOUT when the time ran out).
 */
int
netio_send_all(int fd, const void *buf, size_t len, int64_t deadline)
{
	return put_all(fd, buf, len, deadline, 1);
}

/*
 * Takes exactly len bytes that a peek already saw.  On TCP, MSG_TRUNC
 * discards them in the kernel: nothing is copied twice.
 */
static enum netio_result
consume(int fd, size_t len)
{
	ssize_t n;

	while (len > 0) {
		/* no buffer: MSG_TRUNC discards TCP data in the kernel */
		/* cppcheck-suppress nullPointer */
		n = recv(fd, NULL, len, MSG_TRUNC);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return NETIO_ERROR;
		len -= (size_t)n;
	}
	return NETIO_OK;
}

/*
 * Reads one handshake field into hs.  Bytes are peeked, fed to the
 * parser, and only those it took are removed from the socket, so data
 * after the command (the command's stdin) stays where it is.  *st gets
 * PROTO_FIELD or the parser's error.
 */
enum netio_result
netio_recv_field(int fd, struct proto_handshake *hs, int64_t deadline,
    enum proto_status *st)
{
	char buf[PEEK_SIZE];
	enum netio_result r;
	size_t used;
	ssize_t n;

	for (;;) {
		if (netio_wait(fd, POLLIN, deadline) == -1)
			return errno == ETIMEDOUT ? NETIO_TIMEOUT : NETIO_ERROR;
		n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return NETIO_ERROR;
		if (n == 0)
			return NETIO_EOF;
		*st = proto_feed(hs, buf, (size_t)n, &used);
		explicit_bzero(buf, (size_t)n);
		if (used > 0 && (r = consume(fd, used)) != NETIO_OK)
			return r;
		if (*st != PROTO_MORE)
			return NETIO_OK;
	}
}

/*
 * Starts connecting the stderr channel, without waiting: from the local
 * address the client used (any port) to the peer's own address at port.
 * Returns the non-blocking socket (connected, or EINPROGRESS), or -1.
 */
int
netio_connect_back_start(const struct netio_addr *peer,
    const struct netio_addr *local, unsigned int port)
{
	struct sockaddr_storage to = peer->ss, from = local->ss;
	int fd, err, one = 1;

	if (to.ss_family == AF_INET) {
		((struct sockaddr_in *)&to)->sin_port = htons((uint16_t)port);
		((struct sockaddr_in *)&from)->sin_port = 0;
	} else {
		((struct sockaddr_in6 *)&to)->sin6_port = htons((uint16_t)port);
		((struct sockaddr_in6 *)&from)->sin6_port = 0;
	}
	fd =
	    socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	/* Take the port at connect time: many sessions share one address. */
	(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one));
	if (bind(fd, (struct sockaddr *)&from, local->len) == -1 ||
	    (connect(fd, (struct sockaddr *)&to, peer->len) == -1 &&
		errno != EINPROGRESS)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * Waits until the connection the non-blocking socket fd is making is
 * established, within timeout_ms (less than 0: no limit), then makes it
 * blocking.  Returns 0, or -1 with errno (ETIMEDOUT when the time ran
 * out).
 */
static int
connect_finish(int fd, long timeout_ms)
{
	socklen_t elen = sizeof(int);
	int err = 0, flags;

	if (netio_wait(fd, POLLOUT, netio_deadline(timeout_ms)) == -1)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		return -1;
	return 0;
}

/*
 * Opens the stderr channel: connects from the local address the client
 * used (any port) to the peer's own address at port, within timeout_ms.
 * Returns the connected socket, or -1.
 */
int
netio_connect_back(const struct netio_addr *peer,
    const struct netio_addr *local, unsigned int port, long timeout_ms)
{
	int fd, err;

	if ((fd = netio_connect_back_start(peer, local, port)) == -1)
		return -1;
	if (connect_finish(fd, timeout_ms) == -1) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * Connects the non-blocking socket fd to sa within timeout_ms (less than
 * 0: no limit), then makes it blocking.  Returns 0, or -1 with errno
 * (ETIMEDOUT when the time ran out).
 */
int
netio_connect(int fd, const struct sockaddr *sa, socklen_t len, long timeout_ms)
{
	if (connect(fd, sa, len) == -1 && errno != EINPROGRESS &&
	    errno != EINTR)
		return -1;
	return connect_finish(fd, timeout_ms);
}

/*
 * Turns TCP keepalive on for fd: a probe after s seconds without a
 * segment from the peer, then every s/3 seconds (at least 1), and the
 * connection fails after KEEPALIVE_PROBES unanswered probes, so a dead
 * peer is noticed within about 2s seconds.  s == 0 leaves fd alone.  A
 * listening socket passes the settings on to the sockets it accepts.
 */
int
netio_keepalive(int fd, unsigned int s)
{
	int on = 1, idle = (int)s, intvl = s / 3 > 0 ? (int)s / 3 : 1;
	int cnt = KEEPALIVE_PROBES;

	if (s == 0)
		return 0;
	if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) ==
		-1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) ==
		-1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == -1)
		return -1;
	return 0;
}

/*
 * Reads and discards what the peer has sent so far, without waiting;
 * when budget is not NULL, at most *budget bytes in all (it counts
 * down).  Returns 1 once nothing more is to be read: the peer closed its
 * side, the connection failed, or the budget is spent.  Returns 0 when
 * the input is merely empty for now.
 */
int
netio_discard(int fd, size_t *budget)
{
	char sink[4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n > 0 && budget != NULL && (size_t)n >= *budget) {
			*budget = 0;
			return 1;
		}
		if (n > 0 && budget != NULL)
			*budget -= (size_t)n;
		if (n > 0 || (n == -1 && errno == EINTR))
			continue;
		return n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) ?
		    0 :
		    1;
	}
}

/*
 * Discards what the peer of fd has sent, at most DRAIN_BUDGET bytes at
 * a time; 1 once it has closed its side (or the connection failed).
 */
static int
peer_done(int fd)
{
	size_t budget = DRAIN_BUDGET;

	return netio_discard(fd, &budget) == 1 && budget > 0;
}

/*
 * Closes fd and fd2 (or -1), connections this process alone holds,
 * without losing what was written to them and without a reset: shut
 * the write side of each, so that the peer reads everything, then the
 * end, and closes; discard what it still sends until it has closed
 * (its FIN comes after its last byte), for at most max_ms; close.  A
 * close over unread input would make the kernel answer with a reset,
 * which throws away output still on its way.  Only a peer that goes on
 * sending past max_ms can still get one.
 */
void
netio_close_gently(int fd, int fd2, long max_ms)
{
	struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
		{ .fd = fd2, .events = POLLIN } };
	int64_t deadline = netio_deadline(max_ms);
	int i;

	for (i = 0; i < 2; i++)
		if (pfd[i].fd != -1)
			(void)shutdown(pfd[i].fd, SHUT_WR);
	do {
		for (i = 0; i < 2; i++)
			if (pfd[i].fd != -1 && peer_done(pfd[i].fd)) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
	} while ((pfd[0].fd != -1 || pfd[1].fd != -1) &&
	    netio_poll(pfd, 2, deadline) > 0);
	for (i = 0; i < 2; i++)
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
}

/*
 * Opens /dev/null on each of descriptors 0, 1 and 2 that is closed, so
 * that no socket or file opened later lands there and is written to as
 * if it were an output.  They stay open across exec.  Runs first thing
 * in both programs.  Returns 0, or -1 if one could not be opened.
 */
int
netio_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* NOLINTNEXTLINE(android-cloexec-open): 0-2 survive exec */
		if (open("/dev/null", O_RDWR) != fd)
			return -1;
	}
	return 0;
}
