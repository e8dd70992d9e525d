/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listener.h: the standalone daemon's loop, the state it shares with
 * connproc.c, and the one list of what its epoll events are about.
 */
#ifndef LISTENER_H
#define LISTENER_H

#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

#include "listen.h"
#include "options.h"

/* An epoll event's data: one of these kinds above, an index or fd below. */
#define LISTENER_EV_KIND ((uint64_t)0xffffffff << 32)
#define LISTENER_EV_SIGNALS ((uint64_t)1 << 32) /* the signalfd */
#define LISTENER_EV_STARTUP ((uint64_t)2 << 32) /* the startup pipe */
#define LISTENER_EV_LISTEN ((uint64_t)3 << 32)	/* | index in the set */
#define LISTENER_EV_REFUSED ((uint64_t)4 << 32) /* | slot (refuse.c) */

/* What the loop keeps between two turns. */
struct listener {
	struct listen_set *ls;
	const struct options *opts;
	int sigfd;
	int epfd;	      /* what the loop waits on (epoll) */
	int startup[2];	      /* a connection process logged in: its pid */
	sigset_t oldmask;     /* the signal mask connection processes get */
	struct rlimit nofile; /* descriptor limit connection processes get */
	int64_t paused_until; /* accepting is paused until then, or 0 */
};

int listener_watch(int, int, int, uint32_t, uint64_t);
void listener_pause(struct listener *, int64_t);
void listener_run(struct listen_set *, const struct options *)
    __attribute__((noreturn));

#endif
