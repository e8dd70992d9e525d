/* SPDX-License-Identifier: BSD-2-Clause */
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
 *
 * Fair admission: when a connection would be dropped and its source holds
 * at least two fewer unauthenticated connections than the source holding
 * the most, the oldest unauthenticated connection of that source is
 * closed instead and the newcomer served, so idle connections spread over
 * a few sources cannot lock everyone else out.  A trusted source (one
 * that logged in recently) skips the early drop below FULL.
 *
 * Every operation costs the same whatever the table holds: processes are
 * found by pid and sources by address through hash tables, each source
 * keeps its unauthenticated processes oldest first, and sources are kept
 * in buckets by how many they hold, so the one holding the most is at
 * hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connlimit.h"
#include "hashtab.h"
#include "num.h"
#include "rnd.h"

#define NONE CONNLIMIT_NONE

enum state { UNAUTH, AUTHED, EVICTED };

struct entry {
	struct connlimit_proc c;
	enum state state;
	uint32_t src;	     /* its source's entry while UNAUTH */
	uint32_t prev, next; /* the source's unauthenticated, oldest first */
};

struct source {
	unsigned int count;    /* unauthenticated processes */
	uint32_t head, tail;   /* of those processes */
	uint32_t bprev, bnext; /* the other sources holding as many */
};

static const struct connlimit_opts *lc;
static struct hashtab pids, srcs; /* process and source entries */
static struct entry *kids;
static struct source *src;
static uint32_t *bucket;	       /* per count: a source holding it */
static unsigned int ntab, unauth, top; /* top: the most one source holds */

/*
 * Password checks for untrusted sources at once, by default: half the
 * CPUs (at least one), so that an attack from strangers leaves the other
 * half to the users (docs/SECURITY.md has the measurements).
 */
unsigned int
connlimit_default_auths(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 4 ? (unsigned int)(n / 2) : 1;
}

/*
 * The defaults: 32 simultaneous logins from one host always get through,
 * and 256 idle connections spread over a few sources (about 16 MiB of
 * processes) are held without a drop.
 */
void
connlimit_defaults(struct connlimit_opts *c)
{
	c->start = 256;
	c->rate = 30;
	c->full = 512;
	c->per_source = 32;
	c->sessions = 1024;
	c->untrusted_auths = connlimit_default_auths();
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
	uint32_t i;

	hashtab_free(&pids);
	hashtab_free(&srcs);
	free(kids);
	free(src);
	free(bucket);
	ntab = unauth = top = 0;
	lc = c;
	kids = calloc(c->sessions, sizeof(*kids));
	src = calloc(c->sessions, sizeof(*src));
	bucket = malloc((c->sessions + 1) * sizeof(*bucket));
	if (kids == NULL || src == NULL || bucket == NULL ||
	    hashtab_init(&pids, c->sessions) == -1 ||
	    hashtab_init(&srcs, c->sessions) == -1)
		return -1;
	for (i = 0; i <= c->sessions; i++)
		bucket[i] = NONE;
	return 0;
}

/* Takes source s out of its count's bucket. */
static void
bucket_unlink(uint32_t s)
{
	struct source *p = &src[s];

	if (p->bprev != NONE)
		src[p->bprev].bnext = p->bnext;
	else
		bucket[p->count] = p->bnext;
	if (p->bnext != NONE)
		src[p->bnext].bprev = p->bprev;
}

/* Puts source s into its count's bucket (count > 0). */
static void
bucket_link(uint32_t s)
{
	struct source *p = &src[s];

	p->bprev = NONE;
	p->bnext = bucket[p->count];
	if (p->bnext != NONE)
		src[p->bnext].bprev = s;
	bucket[p->count] = s;
	if (p->count > top)
		top = p->count;
}

/* Appends process k to its source's unauthenticated processes. */
static void
source_push(const struct acl_addr *key, uint32_t k)
{
	struct hashtab_key hk = hashtab_bytes(key->a);
	uint32_t s = hashtab_find(&srcs, &hk);

	if (s == NONE) {
		/* cannot fail: at most one source per process */
		s = hashtab_insert(&srcs, &hk);
		src[s].count = 0;
		src[s].head = src[s].tail = NONE;
	} else
		bucket_unlink(s);
	kids[k].src = s;
	kids[k].next = NONE;
	kids[k].prev = src[s].tail;
	if (src[s].tail != NONE)
		kids[src[s].tail].next = k;
	else
		src[s].head = k;
	src[s].tail = k;
	src[s].count++;
	bucket_link(s);
	unauth++;
}

/* Takes process k off its source's list; forgets a source left empty. */
static void
source_pop(uint32_t k)
{
	uint32_t s = kids[k].src;
	struct source *p = &src[s];

	if (kids[k].prev != NONE)
		kids[kids[k].prev].next = kids[k].next;
	else
		p->head = kids[k].next;
	if (kids[k].next != NONE)
		kids[kids[k].next].prev = kids[k].prev;
	else
		p->tail = kids[k].prev;
	bucket_unlink(s);
	if (--p->count > 0)
		bucket_link(s);
	else
		hashtab_remove(&srcs, s);
	if (top > 0 && bucket[top] == NONE)
		top--;
	unauth--;
}

/* Unauthenticated processes serving key's source. */
unsigned int
connlimit_from_source(const struct acl_addr *key)
{
	struct hashtab_key hk = hashtab_bytes(key->a);
	uint32_t s = hashtab_find(&srcs, &hk);

	return s == NONE ? 0 : src[s].count;
}

/* Whether the early drop refuses a new connection now (at random). */
static int
early_drop(void)
{
	unsigned int p;

	if (unauth >= lc->full)
		return 1;
	if (unauth < lc->start)
		return 0;
	p = lc->rate +
	    (100 - lc->rate) * (unauth - lc->start) / (lc->full - lc->start);
	return rnd_uniform(100) < p;
}

/*
 * Whether a new connection from key may have a process of its own.
 * trusted: its source logged in recently.  CONNLIMIT_EVICT: yes, once
 * the oldest unauthenticated connection of the source holding the most
 * (*victim) has been closed (connlimit_evict()).
 */
enum connlimit_verdict
connlimit_admit(const struct acl_addr *key, int trusted, pid_t *victim)
{
	unsigned int n;
	uint32_t s;

	if (ntab >= lc->sessions)
		return CONNLIMIT_SESSIONS;
	n = connlimit_from_source(key);
	if (lc->per_source != 0 && n >= lc->per_source)
		return CONNLIMIT_SOURCE;
	if (unauth < lc->start || (trusted && unauth < lc->full) ||
	    !early_drop())
		return CONNLIMIT_OK;
	if (top >= n + 2) {
		s = bucket[top];
		*victim = kids[src[s].head].c.pid;
		return CONNLIMIT_EVICT;
	}
	return CONNLIMIT_STARTUPS;
}

/* Records a new, unauthenticated process; -1 if the table is full. */
int
connlimit_add(pid_t pid, const struct acl_addr *key,
    const struct sockaddr *peer, socklen_t len)
{
	struct hashtab_key hk = hashtab_pid(pid);
	struct entry *c;
	uint32_t k;

	if (ntab >= lc->sessions || len > sizeof(c->c.peer) ||
	    hashtab_find(&pids, &hk) != NONE ||
	    (k = hashtab_insert(&pids, &hk)) == NONE) {
		errno = ENOSPC;
		return -1;
	}
	c = &kids[k];
	memset(&c->c, 0, sizeof(c->c));
	c->c.pid = pid;
	c->c.key = *key;
	memcpy(&c->c.peer, peer, len);
	c->c.peerlen = len;
	c->state = UNAUTH;
	source_push(key, k);
	ntab++;
	return 0;
}

/* The table entry of pid, or CONNLIMIT_NONE. */
uint32_t
connlimit_slot(pid_t pid)
{
	struct hashtab_key hk = hashtab_pid(pid);

	return hashtab_find(&pids, &hk);
}

/* The process in table entry k (from connlimit_slot()). */
const struct connlimit_proc *
connlimit_at(uint32_t k)
{
	return &kids[k].c;
}

/* Moves unauthenticated pid to state st; its entry, or NONE if it was not. */
static uint32_t
leave_unauth(pid_t pid, enum state st)
{
	uint32_t k = connlimit_slot(pid);

	if (k == NONE || kids[k].state != UNAUTH)
		return NONE;
	source_pop(k);
	kids[k].state = st;
	return k;
}

/* Notes that pid's client logged in; -1 if pid is unknown or was already. */
int
connlimit_authenticated(pid_t pid)
{
	uint32_t k = leave_unauth(pid, AUTHED);

	if (k == NONE)
		return -1;
	kids[k].c.authenticated = 1;
	return 0;
}

/*
 * Notes that pid's connection is being closed to make room: it no longer
 * counts as unauthenticated.  Its record goes to *out.  -1: pid unknown
 * or not unauthenticated.
 */
int
connlimit_evict(pid_t pid, struct connlimit_proc *out)
{
	uint32_t k = leave_unauth(pid, EVICTED);

	if (k == NONE)
		return -1;
	kids[k].c.evicted = 1;
	*out = kids[k].c;
	return 0;
}

/* Forgets pid, which has ended; its record goes to *out.  -1: unknown. */
int
connlimit_remove(pid_t pid, struct connlimit_proc *out)
{
	uint32_t k = connlimit_slot(pid);

	if (k == NONE)
		return -1;
	*out = kids[k].c;
	if (kids[k].state == UNAUTH)
		source_pop(k);
	hashtab_remove(&pids, k);
	ntab--;
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
