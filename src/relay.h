/* SPDX-License-Identifier: BSD-2-Clause */
/* relay.h: the user's process that forwards signals to the command. */
#ifndef RELAY_H
#define RELAY_H

#include <sys/types.h>

#include "record.h"

#define RELAY_KILL_GRACE_MS 5000 /* SIGTERM, then this long until SIGKILL */

/* What rexecd.conf(5) says about this session's end. */
struct relay_limits {
	long max_ms;	    /* MaxSessionTime; 0: none */
	int end_with_shell; /* EndWithShell */
};

/* How the session went, for the session record. */
struct relay_result {
	int status; /* the command's wait status; -1: never ran */
	struct record_io io, err;
};

void relay_run(int, int, pid_t, int, const struct relay_limits *,
    struct relay_result *);
void relay_close(int, int, struct relay_result *);

#endif
