/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proto.h: the rexec wire format, shared by the server and the client.
 *
 * Nothing here does I/O.  The server feeds received bytes to a
 * byte-at-a-time state machine that stops at the end of every field, so
 * the caller can connect back after the port field and never consumes a
 * byte that belongs to the command's stdin.  The client uses the
 * encoders and the reply parser.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stddef.h>
#include <sys/types.h>

#define PROTO_DEFAULT_PORT "512"   /* TCP, as getaddrinfo() takes it */
#define PROTO_USER_MAX 256	   /* characters, NUL excluded */
#define PROTO_PASS_MAX 16	   /* characters, NUL excluded: the default */
#define PROTO_PASS_LIMIT 511	   /* the most a server may allow (PAM's) */
#define PROTO_CMD_MAX (131072 - 1) /* one exec argument (MAX_ARG_STRLEN) */
#define PROTO_PORT_DIGITS 5
#define PROTO_MSG_MAX 1024 /* longest refusal text a client keeps */

#define PROTO_OK 0x00	   /* status byte: success */
#define PROTO_REFUSED 0x01 /* status byte: text and '\n' follow */

/*
 * Every text the server sends, as "\x01" text "\n".  The first ones are
 * the historical servers' words, which clients and scripts know.
 */
#define PROTO_TXT_USER_LONG "username too long"
#define PROTO_TXT_PASS_LONG "password too long"
#define PROTO_TXT_CMD_LONG "command too long"
#define PROTO_TXT_BAD_PORT "Invalid port number."
#define PROTO_TXT_LOGIN "Login incorrect."
#define PROTO_TXT_NO_DIR "No remote directory."
#define PROTO_TXT_TRY_AGAIN "Try again."
#define PROTO_TXT_CONNECT "Connection to stderr port failed."
/*
 * Refusals of this server's own, before or beside the handshake.  Each
 * holds "denied": scanners take a reply without one of their failure
 * words for a valid login.
 */
#define PROTO_TXT_TIMEOUT "Login timed out: access denied."
#define PROTO_TXT_ACL "Address not allowed: access denied."
#define PROTO_TXT_BUSY "Too many connections: access denied."
#define PROTO_TXT_PENALTY "Too many failures: access denied."
#define PROTO_TXT_LOW_PORT "Stderr port below 1024 refused: access denied."
#define PROTO_TXT_COMMAND "Command not permitted: access denied."
#define PROTO_TXT_UNAVAILABLE "Service not available: access denied."

enum proto_field {
	PROTO_F_PORT,
	PROTO_F_USER,
	PROTO_F_PASS,
	PROTO_F_CMD,
	PROTO_F_DONE
};

enum proto_status {
	PROTO_MORE,  /* every byte consumed, the field is not complete */
	PROTO_FIELD, /* a field is complete; *used bytes were consumed */
	PROTO_EPORT, /* port field is not plain digits in 0..65535 */
	PROTO_EUSER, /* user name over PROTO_USER_MAX */
	PROTO_EPASS, /* password over pass_max */
	PROTO_ECMD   /* command over PROTO_CMD_MAX */
};

struct proto_handshake {
	enum proto_field field; /* the field being read */
	size_t len;		/* bytes of that field so far */
	unsigned int port;	/* 0: no stderr channel */
	size_t pass_max;	/* longest password taken (PROTO_PASS_MAX) */
	char user[PROTO_USER_MAX + 1];
	char pass[PROTO_PASS_LIMIT + 1];
	char cmd[PROTO_CMD_MAX + 1];
};

void proto_init(struct proto_handshake *);
enum proto_status
proto_feed(struct proto_handshake *, const void *, size_t, size_t *);
const char *proto_status_text(enum proto_status);
void proto_wipe(struct proto_handshake *);

/* Client side: encoders return the length written, or -1 if it won't fit. */
ssize_t proto_encode_port(char *, size_t, unsigned int);
ssize_t
proto_encode_creds(char *, size_t, const char *, const char *, const char *);
size_t proto_format_refusal(char *, size_t, const char *);

enum proto_reply_status {
	PROTO_R_MORE,	 /* need more bytes */
	PROTO_R_OK,	 /* status byte 0: what follows is output */
	PROTO_R_REFUSED, /* status 1 and a complete line in msg */
	PROTO_R_BAD	 /* neither 0 nor 1: not an rexec server */
};

struct proto_reply {
	int started;
	size_t len;
	char msg[PROTO_MSG_MAX + 1];
};

void proto_reply_init(struct proto_reply *);
enum proto_reply_status
proto_reply_feed(struct proto_reply *, const void *, size_t, size_t *);

/* Signals a client may send on the stderr channel (Linux numbering). */
int proto_signal_allowed(int);

#endif
