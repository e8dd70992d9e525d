/*
 * cli_fdio.c: rexec(1)'s low-level I/O: deadlines on the monotonic
 * clock, waiting for a descriptor until a deadline, and complete writes
 * that survive EINTR and short counts.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Sets *d to now plus secs seconds; secs 0 means no deadline at all. */
void
cli_fdio_deadline(struct timespec *d, int secs)
{
	if (secs <= 0 || clock_gettime(CLOCK_MONOTONIC, d) == -1) {
		d->tv_sec = -1;
		d->tv_nsec = 0;
		return;
	}
	d->tv_sec += secs;
}

/* Milliseconds left until the deadline (0 if past), -1 for none. */
static int
remaining_ms(const struct timespec *d)
{
	struct timespec now;
	long long ms;

	if (d->tv_sec < 0)
		return -1;
	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0;
	ms = (long long)(d->tv_sec - now.tv_sec) * 1000 +
	    (d->tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		return 0;
	if (ms > 1000000000)
		ms = 1000000000;
	return (int)ms;
}

/*
 * Polls the descriptors until one is ready or the deadline passes,
 * retrying on EINTR.  Returns how many are ready, or -1 with errno
 * ETIMEDOUT or poll's error.
 */
int
cli_fdio_poll(struct pollfd *p, nfds_t n, const struct timespec *d)
{
	int r;

	for (;;) {
		r = poll(p, n, remaining_ms(d));
		if (r > 0)
			return r;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

/* Waits until fd has one of the events, an error or a hangup: 0 or -1. */
int
cli_fdio_wait(int fd, short events, const struct timespec *d)
{
	struct pollfd p;

	p.fd = fd;
	p.events = events;
	return cli_fdio_poll(&p, 1, d) == -1 ? -1 : 0;
}

/*
 * Sends all of buf on a socket before the deadline, never blocking past
 * it and never raising SIGPIPE.  Returns 0, or -1 with errno set.
 */
int
cli_fdio_send(int fd, const void *buf, size_t len, const struct timespec *d)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (cli_fdio_wait(fd, POLLOUT, d) == -1)
			return -1;
		n = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes all of buf to fd, retrying on EINTR, and waiting when fd was
 * left non-blocking by whoever gave it to us.  Returns 0 or -1.
 */
int
cli_fdio_write_all(int fd, const void *buf, size_t len)
{
	const struct timespec never = { -1, 0 };
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (cli_fdio_wait(fd, POLLOUT, &never) == -1)
					return -1;
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
