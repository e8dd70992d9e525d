/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * glibc_rexec.c: runs one command through glibc's own rexec client,
 * rexec_af(), for the end-to-end tests.
 *
 *	glibc_rexec [-e] HOST PORT USER PASSWORD COMMAND
 *
 * Standard input goes to the connection (half-closed at its end), the
 * connection's output to standard output and, with -e (an fd2p
 * channel), the stderr channel to standard error.  Exits 0 once the
 * server closed everything, 1 when rexec_af() failed (glibc has then
 * copied the server's refusal to standard error itself), 2 on a usage
 * or local error.  An alarm ends it if the server never finishes.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TIME_LIMIT 60 /* seconds; the tests wait less than this */

/* Copies what is readable on from to to; returns 0 at EOF, else 1. */
static int
copy(int from, int to)
{
	char buf[65536];
	ssize_t n, w, off;

	do {
		n = read(from, buf, sizeof(buf));
	} while (n == -1 && errno == EINTR);
	if (n == -1 && errno == ECONNRESET)
		n = 0;
	if (n == -1) {
		perror("glibc_rexec: read");
		exit(2);
	}
	for (off = 0; off < n; off += w) {
		w = write(to, buf + off, (size_t)(n - off));
		if (w == -1 && errno == EINTR)
			w = 0;
		else if (w == -1) {
			perror("glibc_rexec: write");
			exit(2);
		}
	}
	return n > 0;
}

/* Relays stdin to sock, sock to stdout and err to stderr until EOF. */
static void
relay(int sock, int err)
{
	struct pollfd pfd[3] = {
		{ .fd = 0, .events = POLLIN },
		{ .fd = sock, .events = POLLIN },
		{ .fd = err, .events = POLLIN },
	};

	while (pfd[1].fd != -1 || pfd[2].fd != -1) {
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("glibc_rexec: poll");
			exit(2);
		}
		if (pfd[0].revents && !copy(0, sock)) {
			pfd[0].fd = -1;
			if (shutdown(sock, SHUT_WR) == -1)
				perror("glibc_rexec: shutdown");
		}
		if (pfd[1].revents && !copy(sock, 1))
			pfd[1].fd = -1;
		if (pfd[2].revents && !copy(err, 2))
			pfd[2].fd = -1;
	}
}

int
main(int argc, char **argv)
{
	char *host;
	int eflag = 0, err = -1, sock;
	long port;

	if (argc > 1 && strcmp(argv[1], "-e") == 0) {
		eflag = 1;
		argc--;
		argv++;
	}
	if (argc != 6) {
		fprintf(stderr, "usage: glibc_rexec [-e] HOST PORT USER "
		    "PASSWORD COMMAND\n");
		return 2;
	}
	host = argv[1];
	port = strtol(argv[2], NULL, 10);
	if (port < 1 || port > 65535) {
		fprintf(stderr, "glibc_rexec: bad port %s\n", argv[2]);
		return 2;
	}
	alarm(TIME_LIMIT);
	sock = rexec_af(&host, htons((unsigned short)port), argv[3], argv[4],
	    argv[5], eflag ? &err : NULL, AF_INET);
	if (sock == -1)
		return 1;
	relay(sock, err);
	return 0;
}
