/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_io.c: rexec(1) once the server said yes.  One poll loop, the
 * pump, moves stdin to the primary connection (half-closing it at
 * stdin's end), the primary connection to stdout, the stderr channel to
 * stderr, and caught signals to the stderr channel as one byte each.
 * It ends when the server has closed both streams, or at a second
 * SIGINT, SIGTERM or SIGHUP.  With -S the stream that carries the
 * remote stderr goes through cli_status.c's filter.
 */
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define PUMP_BUF 16384

struct pump {
	const struct cli_opts *o;
	struct cli_conn *c;
	struct cli_status *st; /* NULL without -S */
	struct cli_io_result *res;
	int sigfd;    /* caught signals, or -1 */
	int in_open;  /* stdin still read */
	int wr_open;  /* primary connection still written */
	int pri_open; /* primary connection still read */
	int err_open; /* stderr channel still read */
	unsigned char in[PUMP_BUF];
	size_t inlen, inoff;
	unsigned char seen[65]; /* signals received so far */
};

/*
 * Writes output to our stdout or stderr, through the -S filter when
 * this stream carries the remote stderr.  A reader that went away ends
 * the client as SIGPIPE would.  0 or -1.
 */
static int
emit(struct pump *r, int fd, int filtered, const unsigned char *buf, size_t len,
    int eof)
{
	unsigned char out[PUMP_BUF + CLI_STATUS_HOLD];
	size_t n = len;

	if (filtered && r->st != NULL) {
		n = cli_status_filter(r->st, buf, len, out);
		if (eof)
			n += cli_status_flush(r->st, out + n);
		buf = out;
	}
	if (n == 0 || netio_write_all(fd, buf, n) == 0)
		return 0;
	if (errno == EPIPE) {
		(void)signal(SIGPIPE, SIG_DFL);
		(void)raise(SIGPIPE);
	}
	cli_msg_warn("%s", fd == STDOUT_FILENO ? "stdout" : "stderr");
	return -1;
}

/* Tells the server that our stdin has ended. */
static void
half_close(struct pump *r)
{
	if (r->wr_open && shutdown(r->c->fd, SHUT_WR) == -1 &&
	    errno != ENOTCONN)
		cli_msg_warn("%s: shutdown", r->o->host);
	r->wr_open = 0;
	r->in_open = 0;
	r->inlen = r->inoff = 0;
}

/* Reads one chunk of a server stream and passes it on; 0 or -1. */
static int
from_server(struct pump *r, int from, int *open, int to, int filtered)
{
	unsigned char buf[PUMP_BUF];
	ssize_t n;

	n = read(from, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	/*
	 * A server that never reads the stderr channel (netkit execs the
	 * command with it as fd 2) resets it when the command exits if we
	 * sent signal bytes on it: that is its end, not a loss.
	 */
	if (n == -1 && errno == ECONNRESET && from == r->c->errfd &&
	    r->res->forwarded != 0)
		n = 0;
	if (n == -1) {
		cli_msg_warn("%s: connection lost", r->o->host);
		r->res->lost = 1;
	}
	if (n <= 0) {
		*open = 0;
		return emit(r, to, filtered, buf, 0, 1);
	}
	return emit(r, to, filtered, buf, (size_t)n, 0);
}

/* Reads stdin into the send buffer, or half-closes at its end. */
static void
from_stdin(struct pump *r)
{
	ssize_t n;

	n = read(STDIN_FILENO, r->in, sizeof(r->in));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n == -1)
		cli_msg_warn("stdin");
	if (n <= 0) {
		half_close(r);
		return;
	}
	r->inlen = (size_t)n;
	r->inoff = 0;
}

/* Sends what it can of the stdin buffer without blocking. */
static void
to_server(struct pump *r)
{
	ssize_t n;

	n = send(r->c->fd, r->in + r->inoff, r->inlen - r->inoff,
	    MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		/* The server no longer reads: stdin has nowhere to go. */
		r->wr_open = r->in_open = 0;
		r->inlen = r->inoff = 0;
		return;
	}
	r->inoff += (size_t)n;
	if (r->inoff == r->inlen)
		r->inlen = r->inoff = 0;
}

/*
 * Forwards each caught signal as one byte on the stderr channel.  A
 * second SIGINT, SIGTERM or SIGHUP ends the client instead: returns 1.
 */
static int
forward_signals(struct pump *r)
{
	unsigned char sigs[64];
	ssize_t n, i;
	int sig;

	n = read(r->sigfd, sigs, sizeof(sigs));
	for (i = 0; i < n; i++) {
		sig = sigs[i];
		if (sig <= 0 || sig > 64)
			continue;
		if (r->seen[sig] && sig != SIGQUIT) {
			r->res->ended_by = sig;
			return 1;
		}
		r->seen[sig] = 1;
		if (send(r->c->errfd, &sigs[i], 1,
			MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
			r->res->forwarded = sig;
	}
	return 0;
}

/* Fills the poll set for this turn of the loop. */
static void
poll_set(struct pump *r, struct pollfd *p)
{
	p[0].fd = r->in_open && r->inlen == 0 ? STDIN_FILENO : -1;
	p[0].events = POLLIN;
	p[1].fd = r->c->fd;
	p[1].events = (short)((r->pri_open ? POLLIN : 0) |
	    (r->wr_open && r->inlen > 0 ? POLLOUT : 0));
	if (p[1].events == 0)
		p[1].fd = -1;
	p[2].fd = r->err_open ? r->c->errfd : -1;
	p[2].events = POLLIN;
	p[3].fd = r->sigfd;
	p[3].events = POLLIN;
}

/* One turn of the loop: 0 to go on, 1 to stop now, -1 on error. */
static int
pump_once(struct pump *r)
{
	struct pollfd p[4];
	int filt_pri = r->c->errfd == -1;

	poll_set(r, p);
	if (netio_poll(p, 4, NETIO_NEVER) == -1) {
		cli_msg_warn("poll");
		return -1;
	}
	if (p[3].revents != 0 && forward_signals(r))
		return 1;
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && r->pri_open &&
	    from_server(r, r->c->fd, &r->pri_open, STDOUT_FILENO, filt_pri) ==
		-1)
		return -1;
	if (p[2].revents != 0 &&
	    from_server(r, r->c->errfd, &r->err_open, STDERR_FILENO, 1) == -1)
		return -1;
	if (p[1].revents & (POLLOUT | POLLERR) && r->inlen > 0)
		to_server(r);
	if (p[0].revents != 0)
		from_stdin(r);
	if (r->inlen > 0 && r->wr_open)
		to_server(r);
	if (!r->in_open && r->inlen == 0 && r->wr_open)
		half_close(r);
	return 0;
}

/*
 * Pumps until the server has closed its side of both streams.  Runs in
 * the client with the invoking user's rights.  Returns 0, or -1 if the
 * local side failed (already reported); res says whether a stream was
 * lost and whether a signal ended the pump.
 */
int
cli_io_pump(const struct cli_opts *o, struct cli_conn *c,
    const struct cli_early *early, struct cli_status *st,
    struct cli_io_result *res)
{
	static struct pump r;
	int rv = 0;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.o = o;
	r.c = c;
	r.st = st;
	r.res = res;
	r.sigfd = -1;
	r.in_open = !o->nostdin;
	r.wr_open = 1;
	r.pri_open = 1;
	r.err_open = c->errfd != -1;
	if (c->errfd != -1 && (r.sigfd = cli_sig_catch()) == -1) {
		cli_msg_warn("signals");
		return -1;
	}
	if (o->nostdin)
		half_close(&r);
	if (early->len > 0 &&
	    emit(&r, STDOUT_FILENO, c->errfd == -1, early->buf, early->len,
		0) == -1)
		rv = -1;
	while (rv == 0 && (r.pri_open || r.err_open))
		rv = pump_once(&r);
	if (rv == 1)
		rv = 0;
	return rv;
}
