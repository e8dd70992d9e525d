/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_handshake.c: rexec(1)'s side of the exchange, up to the status
 * byte: the port field, the server's connect-back (accepted before the
 * credentials are sent, as every historical client does), the user,
 * password and command, then exactly one status byte on the primary
 * connection.  Each wait is bounded by -t.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"

/* Prints the server's refusal as "rexec: HOST: text". */
static void
print_refusal(const struct cli_opts *o, const char *text)
{
	char safe[PROTO_MSG_MAX * 4 + 1];

	escape_text(safe, sizeof(safe), text, ESCAPE_TERM);
	cli_msg_warnx("%s: %s", o->host, safe);
}

/*
 * Reads the status byte (and, on refusal, the text) before the
 * deadline.  Output that arrived with a success is kept in early.
 * Returns an exit code: CLI_EXIT_OK, _REFUSED or _CONN.
 */
static int
read_reply(const struct cli_opts *o, int fd, struct cli_early *early)
{
	struct proto_reply r;
	int64_t deadline = netio_deadline(o->timeout_ms);
	unsigned char buf[CLI_EARLY_MAX];
	enum proto_reply_status st;
	size_t used;
	ssize_t n;

	proto_reply_init(&r);
	for (;;) {
		if (netio_wait(fd, POLLIN, deadline) == -1) {
			if (errno == ETIMEDOUT)
				cli_msg_warnx(
				    "%s: timed out after %d s waiting "
				    "for the server's reply",
				    o->host, o->timeout);
			else
				cli_msg_warn("poll");
			return CLI_EXIT_CONN;
		}
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_msg_warn("%s: reading the server's reply", o->host);
			return CLI_EXIT_CONN;
		}
		if (n == 0) {
			if (r.started) {
				print_refusal(o, r.msg);
				return CLI_EXIT_REFUSED;
			}
			cli_msg_warnx("%s: connection closed by the server "
				      "without a reply",
			    o->host);
			return CLI_EXIT_REFUSED;
		}
		st = proto_reply_feed(&r, buf, (size_t)n, &used);
		if (st == PROTO_R_OK) {
			early->len = (size_t)n - used;
			memcpy(early->buf, buf + used, early->len);
			return CLI_EXIT_OK;
		}
		if (st == PROTO_R_REFUSED) {
			print_refusal(o, r.msg);
			return CLI_EXIT_REFUSED;
		}
		if (st == PROTO_R_BAD) {
			cli_msg_warnx("%s: not an rexec server (reply starts "
				      "with byte 0x%02x)",
			    o->host, buf[0]);
			return CLI_EXIT_CONN;
		}
	}
}

/*
 * Sends the port field and waits for the connect-back.  Returns 0 with
 * c->errfd set, 1 if the server answered on the primary connection
 * instead (its reply is to be read), or -1 after printing why.
 */
static int
open_stderr(const struct cli_opts *o, struct cli_conn *c)
{
	int64_t deadline;
	char field[PROTO_PORT_DIGITS + 1];
	unsigned int port;
	ssize_t n;
	int lfd, fd;

	if (cli_conn_listen(c, &lfd, &port) == -1) {
		cli_msg_warn("%s: stderr channel", o->host);
		return -1;
	}
	deadline = netio_deadline(o->timeout_ms);
	n = proto_encode_port(field, sizeof(field), port);
	if (n == -1 ||
	    netio_send_all(c->fd, field, (size_t)n, deadline) == -1) {
		cli_msg_warn("%s: sending the port", o->host);
		close(lfd);
		return -1;
	}
	fd = cli_conn_accept(o, c, lfd, deadline);
	close(lfd);
	if (fd == -1)
		return -1;
	if (fd == -2)
		return 1;
	c->errfd = fd;
	return 0;
}

/*
 * Sends user, password and command (after an empty port field when
 * there is no stderr channel), before the deadline.
 */
static int
send_creds(const struct cli_opts *o, struct cli_conn *c,
    const struct cli_creds *cr)
{
	size_t size, off;
	ssize_t n;
	char *buf;
	int rv = -1;

	size = 1 + strlen(cr->user) + strlen(cr->pass) + strlen(o->command) + 3;
	if ((buf = malloc(size)) == NULL) {
		cli_msg_warn("malloc");
		return -1;
	}
	off = 0;
	if (c->errfd == -1)
		off = (size_t)proto_encode_port(buf, size, 0);
	n = proto_encode_creds(buf + off, size - off, cr->user, cr->pass,
	    o->command);
	if (n == -1)
		cli_msg_warnx("user name, password or command too long");
	else if (netio_send_all(c->fd, buf, off + (size_t)n,
		     netio_deadline(o->timeout_ms)) == 0 ||
	    errno == EPIPE || errno == ECONNRESET)
		rv = 0; /* if the server hung up, its reply says why */
	else if (errno == ETIMEDOUT)
		cli_msg_warnx("%s: timed out after %d s sending the "
			      "credentials",
		    o->host, o->timeout);
	else
		cli_msg_warn("%s: sending the credentials", o->host);
	explicit_bzero(buf, size);
	free(buf);
	return rv;
}

/*
 * Runs the handshake on the connected c.  The password is wiped once
 * sent.  Returns CLI_EXIT_OK with early output in early, or the exit
 * code for the failure, already reported.
 */
int
cli_handshake(const struct cli_opts *o, struct cli_conn *c,
    struct cli_creds *cr, struct cli_early *early)
{
	int r = 0;

	early->len = 0;
	if (!o->nostderr && (r = open_stderr(o, c)) == -1)
		goto fail;
	if (r == 0 && send_creds(o, c, cr) == -1)
		goto fail;
	cli_creds_wipe(cr);
	return read_reply(o, c->fd, early);
fail:
	cli_creds_wipe(cr);
	return CLI_EXIT_CONN;
}
