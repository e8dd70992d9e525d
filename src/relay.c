/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * relay.c: the user's process (never root) that stays beside the
 * command.  The command reads and writes the sockets itself; the relay
 * only reads the bytes the client sends on the stderr channel, each a
 * signal number for the command's process group, and waits.  With
 * MaxSessionTime it also ends the command's process group at the limit.
 *
 * The session ends in three steps.  The command (the shell) ends.  Jobs
 * it left behind may still hold the sockets: they get the client's
 * input and write output as long as they do (the relay, a subreaper,
 * inherits them and looks at their descriptors, holders.c), and the
 * client's signal bytes still reach them; with EndWithShell the
 * connections end with the shell instead.  When no process but the
 * relay holds either socket, it closes both gently (netio.c): write side
 * shut, then what the client still sends is discarded until it has
 * closed, so that no reset can destroy output on its way.  It sleeps in
 * poll(): no busy loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "holders.h"
#include "log.h"
#include "netio.h"
#include "proto.h"
#include "relay.h"

#define RELAY_CLOSE_MS 30000 /* for the client to take the output and go */
#define JOBS_FIRST_MS 10     /* first look again at jobs holding sockets */
#define JOBS_EVERY_MS 1000   /* and then at most this far apart */

/* The MaxSessionTime clock: TERM to the group at the limit, KILL later. */
struct clock {
	int64_t at; /* next step (netio_now() ms), or NETIO_NEVER */
	int stage;  /* 0: running, 1: TERM sent, 2: KILL sent */
	long max_ms;
};

struct relay {
	int sigfd;
	int errin; /* the stderr channel while it is read, or -1 */
	int diag;  /* where the client is told of the time limit */
	pid_t cmd; /* the command: its pid is its group's */
	int done;  /* the command has been reaped */
	struct clock clock;
	struct relay_result *res;
};

/* Sends each allowed signal byte in buf to the command's group. */
static void
forward(pid_t cmd, const unsigned char *buf, ssize_t n)
{
	ssize_t i;
	int sig;

	for (i = 0; i < n; i++) {
		if ((sig = proto_signal_allowed(buf[i])) == 0) {
			log_debug("signal byte %u not allowed", buf[i]);
			continue;
		}
		if (killpg(cmd, sig) == -1 && kill(cmd, sig) == -1 &&
		    errno != ESRCH)
			log_warn("kill %ld signal %d", (long)cmd, sig);
	}
}

/*
 * Reaps every ended child: the command (its status into the result),
 * and the jobs this subreaper inherited.  Returns 1 while children
 * remain, 0 when none is left.
 */
static int
reap(struct relay *r)
{
	int status;
	pid_t p;

	for (;;) {
		p = waitpid(-1, &status, WNOHANG);
		if (p == -1 && errno == EINTR)
			continue;
		if (p == -1)
			return 0; /* ECHILD */
		if (p == 0)
			return 1;
		if (p == r->cmd) {
			r->res->status = status;
			r->done = 1;
		}
	}
}

/*
 * Takes the next step once the clock has run out: at the limit, tells
 * the client on its stderr (the channel, or the primary connection) and
 * sends SIGTERM to the command's whole process group; after the grace,
 * SIGKILL.
 */
static void
clock_step(struct clock *k, pid_t cmd, int errfd)
{
	char msg[96];
	int n;

	if (k->at == NETIO_NEVER || netio_now() < k->at)
		return;
	if (k->stage == 0) {
		n = snprintf(msg, sizeof(msg),
		    "in.rexecd: session time limit (%ld s) reached: command "
		    "ended\n",
		    k->max_ms / 1000);
		(void)send(errfd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
		log_info("session time limit reached: ending process group "
			 "%ld",
		    (long)cmd);
		(void)killpg(cmd, SIGTERM);
		k->at = netio_deadline(RELAY_KILL_GRACE_MS);
	} else {
		(void)killpg(cmd, SIGKILL);
		k->at = NETIO_NEVER;
	}
	k->stage++;
}

/*
 * After the shell has ended, with a time limit: what it left running in
 * its process group still ends at the limit.  Waits until the group is
 * empty or the clock has done its steps.
 */
static void
clock_finish(struct relay *r)
{
	struct clock *k = &r->clock;
	int ms;

	while (k->at != NETIO_NEVER && killpg(r->cmd, 0) == 0) {
		ms = netio_left(k->at);
		(void)poll(NULL, 0, ms > 200 ? 200 : ms);
		clock_step(k, r->cmd, r->diag);
		(void)reap(r);
	}
}

/*
 * Waits until a child ends, a signal byte comes, the clock's next step
 * or until (a deadline), and forwards the bytes.  EOF from the client
 * on the stderr channel stops the reading, not the session.
 */
static void
wait_once(struct relay *r, int64_t until)
{
	struct pollfd pfd[2] = { { .fd = r->sigfd, .events = POLLIN },
		{ .fd = r->errin, .events = POLLIN } };
	struct signalfd_siginfo si;
	unsigned char buf[64];
	ssize_t n;

	if (r->clock.at < until)
		until = r->clock.at;
	if (netio_poll(pfd, 2, until) == -1) {
		if (errno != ETIMEDOUT)
			fatal("relay poll");
		pfd[0].revents = pfd[1].revents = 0;
	}
	clock_step(&r->clock, r->cmd, r->diag);
	if ((pfd[0].revents & POLLIN) &&
	    read(r->sigfd, &si, sizeof(si)) == -1 && errno != EINTR)
		fatal("relay signalfd");
	if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
		n = read(r->errin, buf, sizeof(buf));
		if (n > 0)
			forward(r->cmd, buf, n);
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			r->errin = -1; /* the client is done sending */
	}
}

/*
 * Relays until the command has ended and no job holds a socket any
 * more (with EndWithShell: until the command has ended), closes the
 * connections and fills res.  sigfd is a signalfd for SIGCHLD (blocked
 * by the caller before the fork, so no end is missed); errfd is the
 * stderr channel or -1.  With MaxSessionTime the process group ends at
 * the limit.
 */
void
relay_run(int sock, int errfd, pid_t cmd, int sigfd,
    const struct relay_limits *lim, struct relay_result *res)
{
	struct relay r = { .sigfd = sigfd,
		.errin = errfd,
		.diag = errfd != -1 ? errfd : sock,
		.cmd = cmd,
		.clock = { NETIO_NEVER, 0, lim->max_ms },
		.res = res };
	long ms = JOBS_FIRST_MS;

	if (lim->max_ms > 0)
		r.clock.at = netio_deadline(lim->max_ms);
	res->status = -1;
	while (reap(&r) && !r.done)
		wait_once(&r, NETIO_NEVER);
	if (lim->end_with_shell) {
		(void)shutdown(sock, SHUT_WR);
		if (errfd != -1)
			(void)shutdown(errfd, SHUT_WR);
	} else {
		while (reap(&r) && holders_any(sock, errfd)) {
			wait_once(&r, netio_deadline(ms));
			if ((ms *= 2) > JOBS_EVERY_MS)
				ms = JOBS_EVERY_MS;
		}
		clock_finish(&r);
	}
	relay_close(sock, errfd, res);
}

/*
 * Closes both connections once no other process holds them: the client
 * gets everything and the end; what it still sends is read and dropped
 * until it closes (at most RELAY_CLOSE_MS).  A copy of each descriptor
 * outlives the close, so that what went through the connections can be
 * read into res from the kernel's counters afterwards.
 */
void
relay_close(int sock, int errfd, struct relay_result *res)
{
	int keep = fcntl(sock, F_DUPFD_CLOEXEC, 3);
	int keeperr = errfd != -1 ? fcntl(errfd, F_DUPFD_CLOEXEC, 3) : -1;

	netio_close_gently(sock, errfd, RELAY_CLOSE_MS);
	record_tcp(keep, 0, &res->io);
	if (keep != -1)
		close(keep);
	if (errfd == -1) {
		res->err.valid = 0;
		return;
	}
	record_tcp(keeperr, 1, &res->err);
	if (keeperr != -1)
		close(keeperr);
}
