/*
 * listen.c: the standalone daemon's listening sockets (root, at start):
 * the -l addresses bound, or sockets taken from the service manager
 * (LISTEN_FDS), and the line that announces them once the daemon is
 * ready.  The loop that serves them is listener.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "netio.h"
#include "notify.h"
#include "num.h"

#define BACKLOG 512

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
	if (res->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1)
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
		  "or :PORT",
	    spec);
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
	unsigned long mine, n;
	int fd, type, acc;
	socklen_t len;

	if (pid == NULL || nfds == NULL ||
	    num_count(pid, 1, ULONG_MAX, &mine) == -1 ||
	    mine != (unsigned long)getpid() ||
	    num_count(nfds, 1, (unsigned long)(LISTEN_MAX_FDS - ls->n), &n) ==
		-1)
		return 0;
	for (fd = 3; fd < 3 + (int)n; fd++) {
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
		    type != SOCK_STREAM)
			fatalx("LISTEN_FDS: descriptor %d is not a stream "
			       "socket",
			    fd);
		len = sizeof(acc);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) ==
			-1 ||
		    !acc)
			fatalx(
			    "LISTEN_FDS: descriptor %d is not listening "
			    "(Accept=yes units run in.rexecd without sockets "
			    "from LISTEN_FDS)",
			    fd);
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
			return -1;
		ls->fd[ls->n++] = fd;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

/*
 * Prints "in.rexecd: listening on ADDR:PORT" for every socket, once all
 * are listening and the loop is set up, and tells a service manager the
 * daemon is ready.  A script may connect as soon as it has read the
 * first line.
 */
void
listen_announce(const struct listen_set *ls)
{
	struct sockaddr_storage ss = { 0 };
	struct netio_addr a;
	socklen_t len;
	int i;

	for (i = 0; i < ls->n; i++) {
		len = sizeof(ss);
		if (getsockname(ls->fd[i], (struct sockaddr *)&ss, &len) ==
			-1 ||
		    netio_addr_fill(&a, (struct sockaddr *)&ss, len) == -1)
			fatal("getsockname");
		(void)printf(ss.ss_family == AF_INET6 ?
			"in.rexecd: listening on [%s]:%u\n" :
			"in.rexecd: listening on %s:%u\n",
		    a.host, a.port);
		log_info("listening on %s port %u", a.host, a.port);
	}
	if (fflush(stdout) == EOF)
		log_warn("announcing the listening sockets");
	notify_send("READY=1");
}
