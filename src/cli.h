/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.h: the pieces of rexec(1), the client.
 *
 * rexec.c parses the command line and runs the steps in order:
 * credentials (cli_creds.c, cli_netrc.c), connection (cli_conn.c), the
 * handshake (cli_handshake.c), then the I/O pump that moves stdin,
 * stdout, stderr and signals (cli_io.c, cli_sig.c).  cli_status.c wraps
 * the command for -S and strips the status trailer from the output.  The
 * wire format itself is proto.c's.
 */
#ifndef CLI_H
#define CLI_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "netio.h"
#include "proto.h"

/* Exit codes, documented in rexec(1). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_REFUSED 1  /* the server refused (or closed without reply) */
#define CLI_EXIT_USAGE 2    /* bad arguments, no usable credentials */
#define CLI_EXIT_CONN 3	    /* resolve, connect, timeout, protocol, I/O */
#define CLI_EXIT_NOSTATUS 4 /* -S: the remote status never arrived */
#define CLI_EXIT_SIGNAL 128 /* plus the signal that ended the client */

#define CLI_DEFAULT_TIMEOUT 30		    /* seconds */
#define CLI_PASS_BUF (PROTO_PASS_LIMIT + 1) /* longest password, NUL too */

struct cli_opts {
	const char *host;
	const char *user;     /* -l, or NULL */
	const char *port;     /* -p, a number or a service name */
	const char *passfile; /* --password-file, or NULL */
	char *command;	      /* the words after the host, joined */
	int family;	      /* AF_UNSPEC, AF_INET or AF_INET6 */
	int timeout;	      /* -t: seconds, 0 for none */
	long timeout_ms;      /* the same for netio_deadline(): -1 for none */
	int nostdin;	      /* -n */
	int nostderr;	      /* -N */
	int status;	      /* -S */
};

/* cli_msg.c: diagnostics, always "rexec: ..." on stderr. */
void cli_msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void cli_msg_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));

/* cli_netrc.c: the entry of ~/.netrc that applies to a host. */
struct cli_netrc {
	int found; /* a machine or default entry applies */
	int has_login;
	int has_pass;
	const char
	    *insecure; /* why a password must not come from it, or NULL */
	char login[PROTO_USER_MAX + 1];
	char pass[CLI_PASS_BUF];
};
struct stat;
const char *cli_netrc_unsafe(const struct stat *);
int
cli_netrc_find(const char *, const char *, const char *, struct cli_netrc *);

/* cli_creds.c: user name and password. */
struct cli_creds {
	char user[PROTO_USER_MAX + 1];
	char pass[CLI_PASS_BUF];
};
int cli_creds_get(const struct cli_opts *, struct cli_creds *);
void cli_creds_wipe(struct cli_creds *);

/* cli_conn.c: the primary connection and the stderr channel. */
struct cli_conn {
	int fd;	   /* primary socket */
	int errfd; /* stderr channel, or -1 */
	struct sockaddr_storage peer;
	socklen_t peerlen;
};
int cli_conn_open(const struct cli_opts *, struct cli_conn *);
int cli_conn_listen(const struct cli_conn *, int *, unsigned int *);
int
cli_conn_accept(const struct cli_opts *, const struct cli_conn *, int, int64_t);

/* cli_handshake.c: port, connect-back, credentials, status byte. */
#define CLI_EARLY_MAX 4096
struct cli_early {
	unsigned char buf[CLI_EARLY_MAX]; /* output that came with the status */
	size_t len;
};
int cli_handshake(const struct cli_opts *, struct cli_conn *,
    struct cli_creds *, struct cli_early *);

/* cli_status.c: -S, the remote exit status carried in a trailer. */
#define CLI_STATUS_TOKEN 32 /* hex digits of the random token */
#define CLI_STATUS_HOLD 64  /* most bytes ever held back */
struct cli_status {
	char marker[CLI_STATUS_HOLD]; /* "\036rexec-exit:" token " " */
	size_t mlen;
	unsigned char held[CLI_STATUS_HOLD];
	size_t nheld;
	int state;  /* matching marker, digits, or done */
	int digits; /* digits of the status so far */
	int value;
	int code; /* the remote status, -1 until seen */
};
int cli_status_init(struct cli_status *);
char *cli_status_wrap(const struct cli_status *, const char *);
size_t cli_status_filter(struct cli_status *, const unsigned char *, size_t,
    unsigned char *);
size_t cli_status_flush(struct cli_status *, unsigned char *);

/* cli_sig.c: signals turned into bytes on a pipe. */
int cli_sig_catch(void);
void cli_sig_restore(void);

/* cli_io.c: the I/O pump once the server said yes. */
struct cli_io_result {
	int lost;      /* a read from the server failed */
	int ended_by;  /* signal that ended the client early, or 0 */
	int forwarded; /* last signal forwarded, or 0 */
};
int cli_io_pump(const struct cli_opts *, struct cli_conn *,
    const struct cli_early *, struct cli_status *, struct cli_io_result *);

#endif
