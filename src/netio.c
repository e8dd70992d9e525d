/*
 * netio.c: the socket work of a connection.  Every read waits at most
 * until a deadline, every write is complete, every descriptor is
 * close-on-exec.  Used by the connection process (root, before
 * authentication) and by the client.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "netio.h"

#define PEEK_SIZE 4096 /* a page of stack, a handful of peeks per field */
#define DRAIN_SLICE_MS 20  /* how often a closing socket is looked at */

/* Sets *ts to ms milliseconds from now on the monotonic clock. */
void
netio_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left until *ts, 0 once it has passed. */
long
netio_remaining_ms(const struct timespec *ts)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(ts->tv_sec - now.tv_sec) * 1000 +
	    (ts->tv_nsec - now.tv_nsec) / 1000000L;
	return ms > 0 ? ms : 0;
}

/* Records an address with its numeric form; a v4-mapped one reads as IPv4. */
int
netio_addr_fill(struct netio_addr *a, const struct sockaddr *sa,
    socklen_t len)
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
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
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

/* Writes all of buf, through short writes and EINTR. */
int
netio_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Waits until fd is readable (or writable) or the deadline passes. */
static enum netio_result
wait_fd(int fd, short events, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long ms;
	int n;

	for (;;) {
		ms = netio_remaining_ms(deadline);
		if (ms == 0)
			return NETIO_TIMEOUT;
		n = poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms);
		if (n > 0)
			return NETIO_OK;
		if (n == -1 && errno != EINTR)
			return NETIO_ERROR;
	}
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
netio_recv_field(int fd, struct proto_handshake *hs,
    const struct timespec *deadline, enum proto_status *st)
{
	char buf[PEEK_SIZE];
	enum netio_result r;
	size_t used;
	ssize_t n;

	for (;;) {
		if ((r = wait_fd(fd, POLLIN, deadline)) != NETIO_OK)
			return r;
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
 * Opens the stderr channel: connects from the local address the client
 * used (any port) to the peer's own address at port, within timeout_ms.
 * Returns the connected socket, or -1.
 */
int
netio_connect_back(const struct netio_addr *peer,
    const struct netio_addr *local, unsigned int port, long timeout_ms)
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
	fd = socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1)
		return -1;
	/* Take the port at connect time: many sessions share one address. */
	(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one));
	if (bind(fd, (struct sockaddr *)&from, local->len) == -1 ||
	    netio_connect(fd, (struct sockaddr *)&to, peer->len,
	    timeout_ms) == -1) {
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
netio_connect(int fd, const struct sockaddr *sa, socklen_t len,
    long timeout_ms)
{
	struct timespec deadline;
	socklen_t elen = sizeof(int);
	int err = 0, flags;

	if (connect(fd, sa, len) == -1) {
		if (errno != EINPROGRESS && errno != EINTR)
			return -1;
		netio_deadline(&deadline, timeout_ms < 0 ? NETIO_FOREVER_MS :
		    timeout_ms);
		if (wait_fd(fd, POLLOUT, &deadline) != NETIO_OK) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		return -1;
	return 0;
}

/* Bytes written to fd that the peer has not acknowledged yet. */
static int
unacked(int fd)
{
	int n = 0;

	if (ioctl(fd, SIOCOUTQ, &n) == -1)
		return 0;
	return n;
}

/*
 * Reads and discards what the peer has sent so far.  Returns 1 once it
 * has closed its side (or the connection failed): nothing more can
 * arrive.  Returns 0 when its input is merely empty for now.
 */
static int
discard_input(int fd)
{
	char sink[4096];
	ssize_t n;

	do
		n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
	while (n > 0 || (n == -1 && errno == EINTR));
	return n == 0 || errno != EAGAIN;
}

/*
 * Waits, at most max_ms, until the peer has acknowledged all that was
 * written to fd, discarding what it sends meanwhile and at least once.
 * A close over unread input makes the kernel send a reset, which throws
 * away whatever is still queued for the peer (and some peers drop what
 * they received but did not read yet); after this, close sends a FIN.
 */
static void
drain_until_acked(int fd, long max_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec deadline;

	netio_deadline(&deadline, max_ms);
	while (!discard_input(fd) && unacked(fd) > 0 &&
	    netio_remaining_ms(&deadline) > 0) {
		if (poll(&pfd, 1, DRAIN_SLICE_MS) == -1 && errno != EINTR)
			break;
	}
}

/*
 * Closes a connection this process alone holds (a refusal) without
 * losing what was written to it: shut the write side, so the client reads
 * the end of the text and closes; discard what it sends until it has, for
 * at most max_ms; close.  A client still sending after the close gets a
 * reset, but only after it had the text and its end.
 */
void
netio_close_gently(int fd, long max_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec deadline;
	long ms;

	(void)shutdown(fd, SHUT_WR);
	netio_deadline(&deadline, max_ms);
	while (!discard_input(fd) && (ms = netio_remaining_ms(&deadline)) > 0) {
		if (poll(&pfd, 1, (int)ms) == -1 && errno != EINTR)
			break;
	}
	close(fd);
}

/*
 * Lets go of this process's hold on a connection that others (jobs the
 * command left running) may still write to: no shutdown, which would
 * cut them off; wait until the peer has it all, then close.  The
 * connection ends when its last holder closes it.
 */
void
netio_release(int fd, long max_ms)
{
	drain_until_acked(fd, max_ms);
	close(fd);
}
