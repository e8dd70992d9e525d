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
 * loop.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
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

/*
 * Relays until the command ends, closes the connections, and returns the
 * command's wait status.  sigfd is a signalfd for SIGCHLD (blocked by the
 * caller before the fork, so no exit is missed).  errfd is the stderr
 * channel or -1.  EOF from the client on errfd stops the reading, not the
 * session.
 */
int
relay_run(int sock, int errfd, pid_t cmd, int sigfd)
{
	struct pollfd pfd[2];
	struct signalfd_siginfo si;
	unsigned char buf[64];
	int status = 0;
	ssize_t n;

	pfd[0].fd = sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = errfd;
	pfd[1].events = POLLIN;
	while (!reaped(cmd, &status)) {
		if (netio_poll(pfd, 2, NETIO_NEVER) == -1)
			fatal("relay poll");
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
	relay_close(sock, errfd);
	return status;
}

/*
 * Lets go of both connections once the client has everything (at most
 * RELAY_CLOSE_MS), without shutting them down.
 */
void
relay_close(int sock, int errfd)
{
	netio_release(sock, RELAY_CLOSE_MS);
	if (errfd != -1)
		netio_release(errfd, RELAY_CLOSE_MS);
}
