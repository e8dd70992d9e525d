/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tarpit.c: the standalone listener (root) holds each connection from a
 * penalised source, without reading it, and refuses it only when its
 * time is up: a client that waits for its answer before the next guess
 * then makes one connection per hold, not thousands a second, and the
 * listener spends nothing on it meanwhile (a held socket is not even in
 * the epoll set).  Pure bookkeeping: the caller accepts, refuses and
 * closes.
 *
 * Bounded: at most max connections held, at most per_source of them from
 * one source.  Past the bound the caller resets the connection at once,
 * which costs the least a connection can cost (no answer, no FIN
 * exchange, no state kept; a client that does not wait gains nothing by
 * any choice).  Deadlines are kept in a heap and sources in a hash table:
 * nothing is scanned.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashtab.h"
#include "tarpit.h"
#include "timeheap.h"

struct held {
	int fd;
	uint32_t src; /* its source's entry in srcs */
	uint32_t next_free;
};

static struct held *held;
static uint32_t *count; /* per source entry: connections held */
static struct hashtab srcs;
static struct timeheap due;
static uint32_t max, per_source, free_head, nheld;

/* (Re)starts empty: at most n held, per from one source. */
int
tarpit_init(uint32_t n, uint32_t per)
{
	uint32_t i;

	free(held);
	free(count);
	hashtab_free(&srcs);
	timeheap_free(&due);
	max = n;
	per_source = per;
	nheld = 0;
	free_head = 0;
	if ((held = calloc(n, sizeof(*held))) == NULL ||
	    (count = calloc(n, sizeof(*count))) == NULL ||
	    hashtab_init(&srcs, n) == -1 || timeheap_init(&due, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		held[i].next_free = i + 1 < n ? i + 1 : TIMEHEAP_NONE;
	return 0;
}

/*
 * How long to hold a connection whose source has due_ms of penalty left:
 * the fail delay while the penalty is new, longer as it grows (in
 * proportion to what is due over the threshold min_ms), at most
 * TARPIT_HOLD_MAX fail delays.
 */
int64_t
tarpit_delay(int64_t due_ms, long fail_ms, long min_ms)
{
	int64_t d;

	if (fail_ms <= 0)
		return 0;
	if (min_ms <= 0 || due_ms <= min_ms)
		return fail_ms;
	d = (int64_t)fail_ms * due_ms / min_ms;
	return d > (int64_t)fail_ms * TARPIT_HOLD_MAX ?
	    (int64_t)fail_ms * TARPIT_HOLD_MAX :
	    d;
}

/*
 * Holds fd, from source key, until until.  Returns 0, or -1 when the
 * bound is reached (the caller resets the connection).
 */
int
tarpit_hold(int fd, const struct acl_addr *key, int64_t until)
{
	struct hashtab_key k = hashtab_bytes(key->a);
	uint32_t s, h;

	if ((h = free_head) == TIMEHEAP_NONE)
		return -1;
	if ((s = hashtab_find(&srcs, &k)) == HASHTAB_NONE) {
		if ((s = hashtab_insert(&srcs, &k)) == HASHTAB_NONE)
			return -1;
		count[s] = 0;
	}
	if (count[s] >= per_source)
		return -1;
	count[s]++;
	free_head = held[h].next_free;
	held[h].fd = fd;
	held[h].src = s;
	timeheap_set(&due, h, until);
	nheld++;
	return 0;
}

/*
 * Hands back, one per call, a held connection whose time is up at now:
 * its descriptor, which the caller refuses; -1 when none is due.
 */
int
tarpit_pop(int64_t now)
{
	uint32_t h;
	int fd;

	if (timeheap_next(&due) > now)
		return -1;
	h = timeheap_top(&due);
	timeheap_remove(&due, h);
	fd = held[h].fd;
	if (--count[held[h].src] == 0)
		hashtab_remove(&srcs, held[h].src);
	held[h].next_free = free_head;
	free_head = h;
	nheld--;
	return fd;
}

/* When tarpit_pop() has something next (INT64_MAX: nothing held). */
int64_t
tarpit_next(void)
{
	return timeheap_next(&due);
}

/* Connections held now. */
uint32_t
tarpit_count(void)
{
	return nheld;
}

/* In a new connection process: lets go of the held sockets. */
void
tarpit_drop_all(void)
{
	uint32_t i;

	for (i = 0; i < due.n; i++)
		close(held[due.h[i].id].fd);
}
