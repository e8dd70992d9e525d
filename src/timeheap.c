/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timeheap.c: the listener's timers (root): a binary min-heap of
 * deadlines, one per entry number 0..max-1, with each entry's position
 * kept so that it can be moved or removed without a search.  The
 * earliest deadline is read in O(1), set and removed in O(log n).
 * Pure: no I/O; memory is allocated once, at start.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "timeheap.h"

/* Sets up an empty heap for entries 0..max-1; -1 if out of memory. */
int
timeheap_init(struct timeheap *t, uint32_t max)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (max == 0) {
		errno = EINVAL;
		return -1;
	}
	t->h = calloc(max, sizeof(*t->h));
	t->pos = malloc(max * sizeof(*t->pos));
	if (t->h == NULL || t->pos == NULL) {
		timeheap_free(t);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < max; i++)
		t->pos[i] = TIMEHEAP_NONE;
	t->max = max;
	return 0;
}

/* Gives the heap's memory back. */
void
timeheap_free(struct timeheap *t)
{
	free(t->h);
	free(t->pos);
	memset(t, 0, sizeof(*t));
}

/* Puts item at index i and records where it is. */
static void
place(struct timeheap *t, uint32_t i, struct timeheap_item it)
{
	t->h[i] = it;
	t->pos[it.id] = i;
}

/* Moves the item at i towards the root while it is earlier than its parent. */
static void
sift_up(struct timeheap *t, uint32_t i)
{
	struct timeheap_item it = t->h[i];

	while (i > 0 && it.when < t->h[(i - 1) / 2].when) {
		place(t, i, t->h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(t, i, it);
}

/* Moves the item at i down while a child is earlier. */
static void
sift_down(struct timeheap *t, uint32_t i)
{
	struct timeheap_item it = t->h[i];
	uint32_t c;

	while ((c = 2 * i + 1) < t->n) {
		if (c + 1 < t->n && t->h[c + 1].when < t->h[c].when)
			c++;
		if (t->h[c].when >= it.when)
			break;
		place(t, i, t->h[c]);
		i = c;
	}
	place(t, i, it);
}

/* Sets (or moves) the deadline of entry id to when. */
void
timeheap_set(struct timeheap *t, uint32_t id, int64_t when)
{
	uint32_t i = t->pos[id];
	int64_t old;

	if (i == TIMEHEAP_NONE) {
		i = t->n++;
		place(t, i, (struct timeheap_item){ .when = when, .id = id });
		sift_up(t, i);
		return;
	}
	old = t->h[i].when;
	t->h[i].when = when;
	if (when < old)
		sift_up(t, i);
	else
		sift_down(t, i);
}

/* Removes entry id's deadline, if it has one. */
void
timeheap_remove(struct timeheap *t, uint32_t id)
{
	uint32_t i = t->pos[id], moved;

	if (i == TIMEHEAP_NONE)
		return;
	t->pos[id] = TIMEHEAP_NONE;
	if (i == --t->n)
		return;
	moved = t->h[t->n].id; /* the last item fills the hole */
	place(t, i, t->h[t->n]);
	sift_up(t, i);
	sift_down(t, t->pos[moved]);
}

/* Whether entry id has a deadline. */
int
timeheap_has(const struct timeheap *t, uint32_t id)
{
	return t->pos[id] != TIMEHEAP_NONE;
}

/* The earliest deadline, or INT64_MAX when there is none. */
int64_t
timeheap_next(const struct timeheap *t)
{
	return t->n == 0 ? INT64_MAX : t->h[0].when;
}

/* The entry with the earliest deadline, or TIMEHEAP_NONE. */
uint32_t
timeheap_top(const struct timeheap *t)
{
	return t->n == 0 ? TIMEHEAP_NONE : t->h[0].id;
}
