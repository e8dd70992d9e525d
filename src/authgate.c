/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authgate.c: the listener's bound on password checks for sources that
 * have not logged in recently (root, listener only).  Pure: no I/O.
 *
 * A connection process from such a source asks before it calls PAM
 * (SESSION_MSG_WANT on the startup pipe) and waits for the listener's
 * go-ahead (SIGUSR1); it says when PAM is done (SESSION_MSG_DONE), and
 * its end counts as done too.  At most limit checks run at once; the
 * others wait first come, first served.  So a distributed attack, whose
 * every new source is a stranger, gets at most limit cores' worth of
 * hashing, and users from trusted sources, who do not ask, never queue
 * behind it.  Entries are the slots of the listener's table of connection
 * processes (connlimit_slot()); every operation is O(1).
 */
#include <stdlib.h>

#include "authgate.h"

#define NONE AUTHGATE_NONE

enum gstate { IDLE, WAITING, RUNNING };

struct gslot {
	enum gstate st;
	uint32_t prev, next; /* the queue, while WAITING */
};

static struct gslot *g;
static uint32_t nslots, qhead, qtail;
static unsigned int limit, running, waiting;

/* (Re)starts: at most lim checks at once (0: no bound), slots 0..n-1. */
int
authgate_init(unsigned int lim, uint32_t n)
{
	free(g);
	limit = lim;
	nslots = n;
	running = waiting = 0;
	qhead = qtail = NONE;
	if ((g = calloc(n, sizeof(*g))) == NULL)
		return -1;
	return 0;
}

/*
 * Slot k asks to check a password.  Returns 1 when it may start now,
 * 0 when it waits in the queue, -1 when it already asked.
 */
int
authgate_want(uint32_t k)
{
	if (k >= nslots || g[k].st != IDLE)
		return -1;
	if (limit == 0 || running < limit) {
		g[k].st = RUNNING;
		running++;
		return 1;
	}
	g[k].st = WAITING;
	g[k].next = NONE;
	g[k].prev = qtail;
	if (qtail != NONE)
		g[qtail].next = k;
	else
		qhead = k;
	qtail = k;
	waiting++;
	return 0;
}

/* Takes slot k out of the queue. */
static void
unqueue(uint32_t k)
{
	if (g[k].prev != NONE)
		g[g[k].prev].next = g[k].next;
	else
		qhead = g[k].next;
	if (g[k].next != NONE)
		g[g[k].next].prev = g[k].prev;
	else
		qtail = g[k].prev;
	waiting--;
}

/*
 * Slot k's check is over, or its process ended (whatever it was doing).
 * Returns the slot that may start its check now (the caller tells its
 * process), or AUTHGATE_NONE.
 */
uint32_t
authgate_done(uint32_t k)
{
	uint32_t next;

	if (k >= nslots)
		return NONE;
	if (g[k].st == WAITING) {
		unqueue(k);
		g[k].st = IDLE;
		return NONE;
	}
	if (g[k].st != RUNNING)
		return NONE;
	g[k].st = IDLE;
	running--;
	if ((next = qhead) == NONE || (limit != 0 && running >= limit))
		return NONE;
	unqueue(next);
	g[next].st = RUNNING;
	running++;
	return next;
}

/* Checks running now. */
unsigned int
authgate_running(void)
{
	return running;
}

/* Processes waiting for their turn. */
unsigned int
authgate_waiting(void)
{
	return waiting;
}
