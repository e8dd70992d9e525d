/* SPDX-License-Identifier: BSD-2-Clause */
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

/*
 * Binds and listens on one numeric address (checked by listen_parse());
 * returns the socket, or -1 with errno set.  spec is the -l argument,
 * for the messages.
 */
static int
bind_one(const char *spec, const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		fatal_conf("-l %s: %s", spec, gai_strerror(rc));
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
 * Splits "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" into host (empty for
 * every address) and *port, and checks that both are numeric: names
 * are never looked up.  Returns NULL, or why spec is not an address.
 */
const char *
listen_parse(const char *spec, char *host, size_t size, const char **port)
{
	static const struct addrinfo hints = { .ai_flags = AI_NUMERICHOST,
		.ai_socktype = SOCK_STREAM };
	const char *colon = strrchr(spec, ':');
	struct addrinfo *res;
	unsigned int v;
	size_t hl;

	if (colon == NULL)
		return "no port: use ADDR:PORT, [ADDR6]:PORT or :PORT";
	*port = colon + 1;
	if (strcmp(*port, "0") != 0 && num_port(*port, &v) == -1)
		return "the port is not a number from 0 to 65535";
	hl = (size_t)(colon - spec);
	if (hl > 0 && spec[0] == '[') {
		if (hl < 3 || spec[hl - 1] != ']')
			return "use [ADDR6]:PORT for an IPv6 address";
		spec++;
		hl -= 2;
	}
	if (hl >= size)
		return "the address is too long";
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (hl == 0)
		return NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return "not a numeric IPv4 or IPv6 address (names are not "
		       "looked up)";
	freeaddrinfo(res);
	return NULL;
}

/* Exits with why a -l address cannot be bound. */
static _Noreturn void
bind_failed(const char *spec, const char *port)
{
	if (errno == EACCES && strtol(port, NULL, 10) < 1024 && geteuid() != 0)
		fatal_conf("-l %s: ports below 1024 need root (running as uid "
			   "%lu)",
		    spec, (unsigned long)geteuid());
	fatal("-l %s", spec);
}

/*
 * Opens "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every IPv4 and IPv6
 * address; IPv6 is skipped where the kernel has none).  Exits with a
 * message naming spec when it cannot: exit code 2 for an address that
 * cannot work, 1 for a failure that may pass (address in use).
 */
void
listen_open(struct listen_set *ls, const char *spec)
{
	char host[NETIO_ADDRSTRLEN];
	const char *port, *why;
	int fd;

	if ((why = listen_parse(spec, host, sizeof(host), &port)) != NULL)
		fatal_conf("-l %s: %s", spec, why);
	if (ls->n + 2 > LISTEN_MAX_FDS)
		fatal_conf("-l %s: too many sockets", spec);
	if (host[0] != '\0') {
		if ((fd = bind_one(spec, host, port)) == -1)
			bind_failed(spec, port);
		ls->fd[ls->n++] = fd;
		return;
	}
	if ((fd = bind_one(spec, "::", port)) != -1)
		ls->fd[ls->n++] = fd;
	else if (errno != EAFNOSUPPORT)
		bind_failed(spec, port);
	if ((fd = bind_one(spec, "0.0.0.0", port)) == -1)
		bind_failed(spec, port);
	ls->fd[ls->n++] = fd;
}

/*
 * How many descriptors a service manager passed (LISTEN_PID,
 * LISTEN_FDS: descriptors 3 and up), 0 when none were passed to us.
 */
int
listen_passed(void)
{
	const char *pid = getenv("LISTEN_PID"), *nfds = getenv("LISTEN_FDS");
	unsigned long mine, n;

	if (pid == NULL || nfds == NULL ||
	    num_count(pid, 1, ULONG_MAX, &mine) == -1 ||
	    mine != (unsigned long)getpid() ||
	    num_count(nfds, 1, (unsigned long)LISTEN_MAX_FDS, &n) == -1)
		return 0;
	return (int)n;
}

/*
 * Takes the sockets a service manager passed: listening sockets for the
 * daemon.  One connected socket instead (a systemd Accept=yes unit
 * without StandardInput=socket) is a connection to serve as in inetd
 * mode: *conn gets it (else -1).  Returns how many listening sockets
 * were taken, 0 when there are none.
 */
int
listen_inherit(struct listen_set *ls, int *conn)
{
	int n = listen_passed(), fd, type, acc;
	socklen_t len;

	*conn = -1;
	if (n > LISTEN_MAX_FDS - ls->n)
		return 0;
	for (fd = 3; fd < 3 + n; fd++) {
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
		    type != SOCK_STREAM)
			fatalx("LISTEN_FDS: descriptor %d is not a stream "
			       "socket",
			    fd);
		len = sizeof(acc);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) ==
			-1 ||
		    (!acc && n > 1))
			fatalx("LISTEN_FDS: descriptor %d is not listening",
			    fd);
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
		    (acc && fcntl(fd, F_SETFL, O_NONBLOCK) == -1))
			return -1;
		if (!acc)
			*conn = fd;
		else
			ls->fd[ls->n++] = fd;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return *conn == -1 ? n : 0;
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
	log_startup(0); /* serving: from now on, only logged */
	notify_send("READY=1");
}
