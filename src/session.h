/* session.h: one connection, from the first byte to the PAM session's end. */
#ifndef SESSION_H
#define SESSION_H

#include "options.h"

/* How a connection process ends; the standalone listener reads it. */
#define SESSION_EXIT_OK 0      /* the command ran */
#define SESSION_EXIT_ERROR 1   /* the server failed */
#define SESSION_EXIT_PROTO 2   /* handshake refused, or the client left */
#define SESSION_EXIT_LOGIN 3   /* login refused */
#define SESSION_EXIT_TIMEOUT 4 /* login grace time exceeded */

void session_run(int, const struct options *, int) __attribute__((noreturn));

#endif
