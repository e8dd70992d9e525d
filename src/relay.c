/*
 * relay.c: the user's process (never root) that stays beside the
 * command.  The command reads and writes the sockets itself; the relay
 * only reads the bytes the client sends on the stderr channel, each a
 * signal number for the command's process group, and waits for the
 * command to end.  Then it lets go of both connections once the client
 * has everything, so that input the command never read cannot make the
 * kernel reset them over output still on its way.  It does not shut
 * them down: a job the command left running may still be writing, and
 * the connections end when it is done.  It sleeps in poll(): no busy
 * loop.  With MaxSessionTime it also ends the command's process group
 * at the limit.
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

#include "log.h"
#include "netio.h"
#include "proto.h"
#include "relay.h"

#define RELAY_CLOSE_MS 30000 /* for the client to take the last output */

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

/* Reaps the command if it has ended: 1 and *status set, else 0. */
static int
reaped(pid_t cmd, int *status)
{
	pid_t p;

	while ((p = waitpid(cmd, status, WNOHANG)) == -1 && errno == EINTR)
		;
	return p == cmd || (p == -1 && errno == ECHILD);
}

/* The MaxSessionTime clock: TERM to the group at the limit, KILL later. */
struct clock {
	int64_t at; /* next step (netio_now() ms), or NETIO_NEVER */
	int stage;  /* 0: running, 1: TERM sent, 2: KILL sent */
	long max_ms;
};

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
clock_finish(struct clock *k, pid_t cmd, int errfd)
{
	int ms;

	while (k->at != NETIO_NEVER && killpg(cmd, 0) == 0) {
		ms = netio_left(k->at);
		(void)poll(NULL, 0, ms > 200 ? 200 : ms);
		clock_step(k, cmd, errfd);
	}
}

/*
 * Relays until the command ends, then closes the connections and fills
 * r.  sigfd is a signalfd for SIGCHLD (blocked by the caller before the
 * fork, so no exit is missed).  errfd is the stderr channel or -1.  EOF
 * from the client on errfd stops the reading, not the session.  With
 * EndWithShell the connections end with the shell, whoever else holds
 * them; with MaxSessionTime the process group ends at the limit.
 */
void
relay_run(int sock, int errfd, pid_t cmd, int sigfd,
    const struct relay_limits *lim, struct relay_result *r)
{
	struct clock k = { NETIO_NEVER, 0, lim->max_ms };
	int diag = errfd != -1 ? errfd : sock;
	struct pollfd pfd[2];
	struct signalfd_siginfo si;
	unsigned char buf[64];
	ssize_t n;

	if (k.max_ms > 0)
		k.at = netio_deadline(k.max_ms);
	r->status = -1;
	pfd[0].fd = sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = errfd;
	pfd[1].events = POLLIN;
	while (!reaped(cmd, &r->status)) {
		if (netio_poll(pfd, 2, k.at) == -1 && errno != ETIMEDOUT)
			fatal("relay poll");
		clock_step(&k, cmd, diag);
		if ((pfd[0].revents & POLLIN) &&
		    read(sigfd, &si, sizeof(si)) == -1 && errno != EINTR)
			fatal("relay signalfd");
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(errfd, buf, sizeof(buf));
			if (n > 0)
				forward(cmd, buf, n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				pfd[1].fd = -1; /* the client is done sending */
		}
	}
	if (lim->end_with_shell) {
		(void)shutdown(sock, SHUT_WR);
		if (errfd != -1)
			(void)shutdown(errfd, SHUT_WR);
	} else
		clock_finish(&k, cmd, diag);
	relay_close(sock, errfd, r);
}

/* Lets go of one connection (active: opened by us), reading its byte
 * counters last. */
static void
release_counted(int fd, int active, struct record_io *io)
{
	int keep = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	netio_release(fd, RELAY_CLOSE_MS);
	record_tcp(keep, active, io);
	if (keep != -1)
		close(keep);
}

/*
 * Lets go of both connections once the client has everything (at most
 * RELAY_CLOSE_MS each), without shutting them down, and reads what
 * went through them into r.
 */
void
relay_close(int sock, int errfd, struct relay_result *r)
{
	release_counted(sock, 0, &r->io);
	if (errfd != -1)
		release_counted(errfd, 1, &r->err);
	else
		r->err.valid = 0;
}
