/* SPDX-License-Identifier: BSD-2-Clause */
/* session.h: one connection, from the first byte to the PAM session's end. */
#ifndef SESSION_H
#define SESSION_H

#include <sys/types.h>

#include "options.h"

/* How a connection process ends; the standalone listener reads it. */
#define SESSION_EXIT_OK 0	   /* the command ran */
#define SESSION_EXIT_ERROR 1	   /* the server failed */
#define SESSION_EXIT_PROTO 2	   /* handshake refused, or the client left */
#define SESSION_EXIT_LOGIN 3	   /* login refused */
#define SESSION_EXIT_TIMEOUT 4	   /* login grace time exceeded */
#define SESSION_EXIT_TURNED_AWAY 5 /* the listener refused it (SIGUSR2) */

/*
 * What a connection process tells the standalone listener on the startup
 * pipe (one write each, atomic): it logged in; it wants to check a
 * password (then waits for SIGUSR1, or SIGUSR2: refused); its password
 * check is over.
 */
#define SESSION_MSG_LOGIN 1
#define SESSION_MSG_WANT 2
#define SESSION_MSG_DONE 3
struct session_msg {
	pid_t pid;
	int what;
};

void
session_run(int, const struct options *, int, int) __attribute__((noreturn));

#endif
