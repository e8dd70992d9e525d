/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proto.c: the rexec handshake as pure state machines, shared by
 * in.rexecd and rexec(1).  No I/O, no allocation, no libc beyond memory
 * and string helpers, so the fuzzer and the unit tests drive it directly.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

/*
 * Resets a handshake to expect the port field, with the protocol's
 * password limit (a server may raise pass_max up to PROTO_PASS_LIMIT).
 */
void
proto_init(struct proto_handshake *hs)
{
	hs->field = PROTO_F_PORT;
	hs->len = 0;
	hs->port = 0;
	hs->pass_max = PROTO_PASS_MAX;
	hs->user[0] = hs->pass[0] = hs->cmd[0] = '\0';
}

/*
 * One byte of the port field.  Only plain decimal digits with no leading
 * zero (a lone "0" aside) make a port; the range is checked on every
 * digit so no value can wrap.
 */
static enum proto_status
port_byte(struct proto_handshake *hs, unsigned char c)
{
	unsigned int port;

	if (c == '\0') {
		hs->field = PROTO_F_USER;
		hs->len = 0;
		return PROTO_FIELD;
	}
	if (c < '0' || c > '9')
		return PROTO_EPORT;
	if (hs->len > 0 && hs->port == 0)
		return PROTO_EPORT; /* leading zero */
	port = hs->port * 10 + (unsigned int)(c - '0');
	if (hs->len + 1 > PROTO_PORT_DIGITS || port > 65535)
		return PROTO_EPORT; /* hs untouched: the byte is not taken */
	hs->port = port;
	hs->len++;
	return PROTO_MORE;
}

/*
 * One byte of a NUL-terminated string field bounded by max.  dst stays
 * NUL-terminated after every byte, so a caller may log a partial field.
 */
static enum proto_status
string_byte(struct proto_handshake *hs, char *dst, size_t max,
    enum proto_status toolong, enum proto_field next, unsigned char c)
{
	if (c == '\0') {
		dst[hs->len] = '\0';
		hs->field = next;
		hs->len = 0;
		return PROTO_FIELD;
	}
	if (hs->len >= max)
		return toolong;
	dst[hs->len++] = (char)c;
	dst[hs->len] = '\0';
	return PROTO_MORE;
}

/*
 * Feeds len bytes.  Consumes up to and including the NUL that ends the
 * current field and stops there (PROTO_FIELD), or consumes everything
 * (PROTO_MORE), or stops at the offending byte with an error.  *used
 * tells how many bytes were taken.  Once the command is complete, feeding
 * more consumes nothing.
 */
enum proto_status
proto_feed(struct proto_handshake *hs, const void *buf, size_t len,
    size_t *used)
{
	const unsigned char *p = buf;
	enum proto_status st = PROTO_MORE;
	size_t i;

	for (i = 0; i < len && st == PROTO_MORE; i++) {
		switch (hs->field) {
		case PROTO_F_PORT:
			st = port_byte(hs, p[i]);
			break;
		case PROTO_F_USER:
			st = string_byte(hs, hs->user, PROTO_USER_MAX,
			    PROTO_EUSER, PROTO_F_PASS, p[i]);
			break;
		case PROTO_F_PASS:
			st = string_byte(hs, hs->pass, hs->pass_max,
			    PROTO_EPASS, PROTO_F_CMD, p[i]);
			break;
		case PROTO_F_CMD:
			st = string_byte(hs, hs->cmd, PROTO_CMD_MAX, PROTO_ECMD,
			    PROTO_F_DONE, p[i]);
			break;
		case PROTO_F_DONE:
			*used = i;
			return PROTO_FIELD;
		}
	}
	if (st != PROTO_MORE && st != PROTO_FIELD)
		i--; /* the offending byte was not taken */
	*used = i;
	return st;
}

/* The diagnostic a client is sent for a parser error, NULL otherwise. */
const char *
proto_status_text(enum proto_status st)
{
	switch (st) {
	case PROTO_EPORT:
		return PROTO_TXT_BAD_PORT;
	case PROTO_EUSER:
		return PROTO_TXT_USER_LONG;
	case PROTO_EPASS:
		return PROTO_TXT_PASS_LONG;
	case PROTO_ECMD:
		return PROTO_TXT_CMD_LONG;
	default:
		return NULL;
	}
}

/*
 * Erases the password from memory once PAM has had it.  The user name
 * and the command stay: the connection process still needs them.
 */
void
proto_wipe(struct proto_handshake *hs)
{
	explicit_bzero(hs->pass, sizeof(hs->pass));
	hs->len = 0;
}

/* Client: the port field, "" for no stderr channel (port 0). */
ssize_t
proto_encode_port(char *buf, size_t size, unsigned int port)
{
	int n;

	if (port > 65535)
		return -1;
	if (port == 0) {
		if (size < 1)
			return -1;
		buf[0] = '\0';
		return 1;
	}
	n = snprintf(buf, size, "%u", port);
	if (n < 0 || (size_t)n + 1 > size)
		return -1;
	return n + 1; /* the NUL is part of the field */
}

/* Appends one NUL-terminated string of at most max characters. */
static int
put_string(char *buf, size_t size, size_t *off, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max || n + 1 > size - *off)
		return -1;
	memcpy(buf + *off, s, n + 1);
	*off += n + 1;
	return 0;
}

/* Client: user, password and command, each with its NUL. */
ssize_t
proto_encode_creds(char *buf, size_t size, const char *user, const char *pass,
    const char *cmd)
{
	size_t off = 0;

	if (put_string(buf, size, &off, user, PROTO_USER_MAX) == -1 ||
	    put_string(buf, size, &off, pass, PROTO_PASS_LIMIT) == -1 ||
	    put_string(buf, size, &off, cmd, PROTO_CMD_MAX) == -1)
		return -1;
	return (ssize_t)off;
}

/*
 * Server: "\x01" text "\n" into buf, truncating the text if it must.
 * Returns the length (0 only if size < 3).
 */
size_t
proto_format_refusal(char *buf, size_t size, const char *text)
{
	size_t n = strlen(text);

	if (size < 3)
		return 0;
	if (n > size - 2)
		n = size - 2;
	buf[0] = PROTO_REFUSED;
	/* wire bytes with a length, not a C string */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(buf + 1, text, n);
	buf[n + 1] = '\n';
	return n + 2;
}

void
proto_reply_init(struct proto_reply *r)
{
	r->started = 0;
	r->len = 0;
	r->msg[0] = '\0';
}

/*
 * Client: feeds bytes read from the primary socket after the credentials.
 * On PROTO_R_OK, *used bytes (the status byte) were consumed and the rest
 * of the buffer is command output.  On PROTO_R_REFUSED, msg holds the
 * text without its newline; a text longer than PROTO_MSG_MAX is cut.
 */
enum proto_reply_status
proto_reply_feed(struct proto_reply *r, const void *buf, size_t len,
    size_t *used)
{
	const unsigned char *p = buf;
	size_t i = 0;

	if (!r->started) {
		*used = 0;
		if (len == 0)
			return PROTO_R_MORE;
		*used = 1;
		if (p[0] == PROTO_OK)
			return PROTO_R_OK;
		if (p[0] != PROTO_REFUSED)
			return PROTO_R_BAD;
		r->started = 1;
		i = 1;
	}
	for (; i < len; i++) {
		if (p[i] == '\n' || r->len == PROTO_MSG_MAX) {
			r->msg[r->len] = '\0';
			*used = i + (p[i] == '\n');
			return PROTO_R_REFUSED;
		}
		r->msg[r->len++] = (char)p[i];
	}
	r->msg[r->len] = '\0';
	*used = len;
	return PROTO_R_MORE;
}

/* The signal a stderr-channel byte asks for, or 0 if it is not allowed. */
int
proto_signal_allowed(int sig)
{
	switch (sig) {
	case SIGHUP:
	case SIGINT:
	case SIGQUIT:
	case SIGKILL:
	case SIGUSR1:
	case SIGUSR2:
	case SIGALRM:
	case SIGTERM:
	case SIGCONT:
	case SIGWINCH:
		return sig;
	default:
		return 0;
	}
}
