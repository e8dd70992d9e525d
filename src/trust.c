/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trust.c: sources that logged in successfully in the last day, for the
 * standalone listener (root).  Their connections skip the early drop of
 * --max-startups and the queue of password checks for strangers, so a
 * distributed attack cannot push known users out.  Pure: no I/O.
 *
 * Bounded: a ring of at most max sources in the order they were first
 * seen, and a hash table to find them; when the ring is full the oldest
 * entry is forgotten.  A source seen again keeps its place and gets a
 * new time.  Every operation costs the same whatever the table holds.
 */
#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "trust.h"

static struct hashtab tab;
static int64_t *seen; /* per entry: when it last logged in */
static uint32_t *ring, rmax, rhead, rn;
static int64_t window;

/* (Re)starts empty: max sources, each trusted for window_ms. */
int
trust_init(uint32_t max, int64_t window_ms)
{
	hashtab_free(&tab);
	free(seen);
	free(ring);
	seen = NULL;
	ring = NULL;
	rmax = rhead = rn = 0;
	window = window_ms;
	if (hashtab_init(&tab, max) == -1 ||
	    (seen = calloc(max, sizeof(*seen))) == NULL ||
	    (ring = calloc(max, sizeof(*ring))) == NULL)
		return -1;
	rmax = max;
	return 0;
}

/* Notes that a client from source key logged in at now. */
void
trust_add(const struct acl_addr *key, int64_t now)
{
	struct hashtab_key k = hashtab_bytes(key->a);
	uint32_t e;

	if (rmax == 0)
		return;
	if ((e = hashtab_find(&tab, &k)) == HASHTAB_NONE) {
		if (rn == rmax) { /* forget the oldest */
			hashtab_remove(&tab, ring[rhead]);
			rhead = (rhead + 1) % rmax;
			rn--;
		}
		e = hashtab_insert(&tab, &k);
		ring[(rhead + rn) % rmax] = e;
		rn++;
	}
	seen[e] = now;
}

/* Whether source key logged in within the window before now. */
int
trust_check(const struct acl_addr *key, int64_t now)
{
	struct hashtab_key k = hashtab_bytes(key->a);
	uint32_t e = hashtab_find(&tab, &k);

	return e != HASHTAB_NONE && now - seen[e] < window;
}
