/*
 * connlimit.c: the standalone listener's table of connection processes
 * and the limits it enforces before forking one (root, listener only).
 *
 * A process is unauthenticated from its fork until it tells the listener
 * that a login succeeded (or ends).  Unauthenticated processes are capped
 * the way OpenSSH's MaxStartups caps them: below START every connection
 * is served; from START on a connection is dropped with probability RATE
 * percent, rising linearly to 100 % at FULL.  Each source (an IPv4
 * address or an IPv6 /64) may hold at most per_source of them, and the
 * listener serves at most sessions connections at once, logged in or not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connlimit.h"
#include "num.h"

static const struct connlimit_opts *lc;
static struct connlimit_proc *tab;
static unsigned int ntab, unauth;

/* The defaults: 32 simultaneous logins from one host always get through. */
void
connlimit_defaults(struct connlimit_opts *c)
{
	c->start = 64;
	c->rate = 30;
	c->full = 256;
	c->per_source = 32;
	c->sessions = 1024;
}

/*
 * Parses --max-startups: "START:RATE:FULL" (1 <= START <= FULL, RATE a
 * percentage), or "N" for a hard cap of N.  Every number is plain
 * digits, at most 1000000.  Returns 0, or -1.
 */
int
connlimit_parse_startups(struct connlimit_opts *c, const char *s)
{
	const char *a = strchr(s, ':'), *b;
	unsigned long start, rate, full;

	if (a == NULL) {
		if (num_count(s, 1, 1000000, &start) == -1)
			return -1;
		c->start = c->full = (unsigned int)start;
		c->rate = 100;
		return 0;
	}
	if ((b = strchr(a + 1, ':')) == NULL ||
	    num_span(s, a, 1, 1000000, &start) == -1 ||
	    num_span(a + 1, b, 0, 100, &rate) == -1 ||
	    num_count(b + 1, start, 1000000, &full) == -1)
		return -1;
	c->start = (unsigned int)start;
	c->rate = (unsigned int)rate;
	c->full = (unsigned int)full;
	return 0;
}

/*
 * (Re)starts with an empty table: one slot per connection --max-sessions
 * allows.  The configuration must outlive it.
 */
int
connlimit_init(const struct connlimit_opts *c)
{
	free(tab);
	ntab = unauth = 0;
	lc = c;
	if ((tab = calloc(c->sessions, sizeof(*tab))) == NULL)
		return -1;
	return 0;
}

/* Unauthenticated processes serving key's source. */
static unsigned int
from_source(const struct acl_addr *key)
{
	unsigned int i, n = 0;

	for (i = 0; i < ntab; i++)
		if (!tab[i].authenticated &&
		    memcmp(tab[i].key.a, key->a, sizeof(key->a)) == 0)
			n++;
	return n;
}

/* Whether a new connection from key may have a process of its own. */
enum connlimit_verdict
connlimit_admit(const struct acl_addr *key)
{
	unsigned int p;

	if (ntab >= lc->sessions)
		return CONNLIMIT_SESSIONS;
	if (unauth >= lc->full)
		return CONNLIMIT_STARTUPS;
	if (lc->per_source != 0 && from_source(key) >= lc->per_source)
		return CONNLIMIT_SOURCE;
	if (unauth < lc->start)
		return CONNLIMIT_OK;
	p = lc->rate +
	    (100 - lc->rate) * (unauth - lc->start) / (lc->full - lc->start);
	return arc4random_uniform(100) < p ? CONNLIMIT_STARTUPS : CONNLIMIT_OK;
}

/* Records a new, unauthenticated process; -1 if the table is full. */
int
connlimit_add(pid_t pid, const struct acl_addr *key,
    const struct sockaddr *peer, socklen_t len)
{
	struct connlimit_proc *c;

	if (ntab >= lc->sessions || len > sizeof(c->peer)) {
		errno = ENOSPC;
		return -1;
	}
	c = &tab[ntab++];
	c->pid = pid;
	c->authenticated = 0;
	c->key = *key;
	memcpy(&c->peer, peer, len);
	c->peerlen = len;
	unauth++;
	return 0;
}

/* The slot of pid, or NULL. */
static struct connlimit_proc *
find(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < ntab; i++)
		if (tab[i].pid == pid)
			return &tab[i];
	return NULL;
}

/* Notes that pid's client logged in; -1 if pid is unknown or was already. */
int
connlimit_authenticated(pid_t pid)
{
	struct connlimit_proc *c = find(pid);

	if (c == NULL || c->authenticated)
		return -1;
	c->authenticated = 1;
	unauth--;
	return 0;
}

/* Forgets pid, which has ended; its record goes to *out.  -1: unknown. */
int
connlimit_remove(pid_t pid, struct connlimit_proc *out)
{
	struct connlimit_proc *c = find(pid);

	if (c == NULL)
		return -1;
	*out = *c;
	if (!c->authenticated)
		unauth--;
	*c = tab[--ntab];
	return 0;
}

/* Processes whose client has not logged in yet. */
unsigned int
connlimit_unauthenticated(void)
{
	return unauth;
}

/* Processes in all. */
unsigned int
connlimit_total(void)
{
	return ntab;
}
