/*
 * listen.c: the standalone daemon (root).  It binds the -l addresses or
 * takes sockets from the service manager (LISTEN_FDS), announces them,
 * and forks one process per connection, which runs session_run().  It
 * reads no byte from any connection itself, so no client can stall it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "netio.h"
#include "notify.h"
#include "session.h"

#define BACKLOG 512
#define PAUSE_MS 1000 /* accept pause when descriptors run out */

/* Binds and listens on one numeric address; returns the socket or -1. */
static int
bind_one(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("listen %s port %s: %s", host != NULL ? host : "*",
		    port, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		goto fail;
	if (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1)
		goto fail;
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, BACKLOG) == -1)
		goto fail;
	freeaddrinfo(res);
	return fd;
fail:
	rc = errno;
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	errno = rc;
	return -1;
}

/*
 * Opens "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every IPv4 and IPv6
 * address; IPv6 is skipped where the kernel has none).
 */
int
listen_open(struct listen_set *ls, const char *spec)
{
	char host[NETIO_ADDRSTRLEN];
	const char *colon = strrchr(spec, ':');
	size_t hl;
	int fd;

	if (colon == NULL || colon[1] == '\0' || ls->n + 2 > LISTEN_MAX_FDS)
		goto bad;
	hl = (size_t)(colon - spec);
	if (hl > 0 && spec[0] == '[') {
		if (hl < 3 || spec[hl - 1] != ']')
			goto bad;
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (hl > 0) {
		if ((fd = bind_one(host, colon + 1)) == -1)
			return -1;
		ls->fd[ls->n++] = fd;
		return 0;
	}
	if ((fd = bind_one("::", colon + 1)) != -1)
		ls->fd[ls->n++] = fd;
	else if (errno != EAFNOSUPPORT)
		return -1;
	if ((fd = bind_one("0.0.0.0", colon + 1)) == -1)
		return -1;
	ls->fd[ls->n++] = fd;
	return 0;
bad:
	log_warnx("bad listen address \"%s\": use ADDR:PORT, [ADDR]:PORT "
	    "or :PORT", spec);
	errno = EINVAL;
	return -1;
}

/*
 * Takes the sockets a service manager passed (LISTEN_PID, LISTEN_FDS):
 * descriptors 3 and up.  Returns how many, 0 when there are none.
 */
int
listen_inherit(struct listen_set *ls)
{
	const char *pid = getenv("LISTEN_PID"), *nfds = getenv("LISTEN_FDS");
	long n, i;

	if (pid == NULL || nfds == NULL || atol(pid) != (long)getpid())
		return 0;
	n = atol(nfds);
	if (n <= 0 || n > LISTEN_MAX_FDS - ls->n)
		return 0;
	for (i = 0; i < n; i++) {
		if (fcntl(3 + (int)i, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(3 + (int)i, F_SETFL, O_NONBLOCK) == -1)
			return -1;
		ls->fd[ls->n++] = 3 + (int)i;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

/*
 * Prints "in.rexecd: listening on ADDR:PORT" for every socket, once all
 * are listening, and tells a service manager the daemon is ready.  A
 * script may connect as soon as it has read the first line.
 */
void
listen_announce(const struct listen_set *ls)
{
	struct sockaddr_storage ss;
	struct netio_addr a;
	socklen_t len;
	int i;

	for (i = 0; i < ls->n; i++) {
		len = sizeof(ss);
		if (getsockname(ls->fd[i], (struct sockaddr *)&ss, &len) == -1 ||
		    netio_addr_fill(&a, (struct sockaddr *)&ss, len) == -1)
			fatal("getsockname");
		printf(ss.ss_family == AF_INET6 ?
		    "in.rexecd: listening on [%s]:%u\n" :
		    "in.rexecd: listening on %s:%u\n", a.host, a.port);
		log_info("listening on %s port %u", a.host, a.port);
	}
	fflush(stdout);
	notify_send("READY=1");
}

/* In the new per-connection process: shed the listener's state. */
static void __attribute__((noreturn))
child_start(struct listen_set *ls, int sigfd, const sigset_t *oldmask,
    int fd, const struct rexecd_conf *conf)
{
	int i;

	for (i = 0; i < ls->n; i++)
		close(ls->fd[i]);
	close(sigfd);
	if (sigprocmask(SIG_SETMASK, oldmask, NULL) == -1)
		fatal("sigprocmask");
	session_run(fd, conf);
}

/* Collects every ended child; returns how many. */
static int
reap(void)
{
	int status, n = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		n++;
		if (WIFSIGNALED(status))
			log_debug("connection process %ld: signal %d",
			    (long)pid, WTERMSIG(status));
		else
			log_debug("connection process %ld: exit %d",
			    (long)pid, WEXITSTATUS(status));
	}
	return n;
}

/*
 * Accepts one connection from fd and forks its process.  Returns -1 when
 * descriptors or memory ran out, so the caller pauses accepting.
 */
static int
accept_one(struct listen_set *ls, int lfd, int sigfd, const sigset_t *oldmask,
    const struct rexecd_conf *conf, int *children)
{
	pid_t pid;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			log_warn("accept: pausing");
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return 0;
	}
	if ((pid = fork()) == -1) {
		log_warn("fork");
		close(fd);
		return -1;
	}
	if (pid == 0)
		child_start(ls, sigfd, oldmask, fd, conf);
	close(fd);
	(*children)++;
	return 0;
}

/*
 * The daemon's loop: sleeps in poll() on the listening sockets and a
 * signalfd; forks a process per connection; reaps them; ends on SIGTERM
 * or SIGINT, leaving running sessions to finish on their own.
 */
void
listen_loop(struct listen_set *ls, const struct rexecd_conf *conf)
{
	struct pollfd pfd[LISTEN_MAX_FDS + 1];
	struct signalfd_siginfo si;
	sigset_t mask, oldmask;
	int i, sigfd, children = 0, paused = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &oldmask) == -1 ||
	    (sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("signalfd");
	pfd[0].fd = sigfd;
	pfd[0].events = POLLIN;
	for (;;) {
		for (i = 0; i < ls->n; i++) {
			pfd[i + 1].fd = paused ? -1 : ls->fd[i];
			pfd[i + 1].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)ls->n + 1, paused ? PAUSE_MS : -1) == -1) {
			if (errno != EINTR)
				fatal("poll");
			continue;
		}
		paused = 0;
		while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				notify_send("STOPPING=1");
				log_info("stopping on signal %u", si.ssi_signo);
				exit(0);
			}
			if (si.ssi_signo == SIGHUP)
				log_info("SIGHUP ignored");
		}
		children -= reap();
		for (i = 0; i < ls->n && !paused; i++)
			if (pfd[i + 1].revents & POLLIN)
				paused = accept_one(ls, ls->fd[i], sigfd,
				    &oldmask, conf, &children) == -1;
	}
}
