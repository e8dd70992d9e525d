/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timeheap.h: deadlines of numbered entries, earliest first (a binary
 * heap with each entry's position), for the listener's timers.
 */
#ifndef TIMEHEAP_H
#define TIMEHEAP_H

#include <stdint.h>

#define TIMEHEAP_NONE UINT32_MAX

struct timeheap_item {
	int64_t when;
	uint32_t id;
};

struct timeheap {
	struct timeheap_item *h;
	uint32_t *pos; /* per id: index in h, or TIMEHEAP_NONE */
	uint32_t n, max;
};

int timeheap_init(struct timeheap *, uint32_t);
void timeheap_free(struct timeheap *);
void timeheap_set(struct timeheap *, uint32_t, int64_t);
void timeheap_remove(struct timeheap *, uint32_t);
int timeheap_has(const struct timeheap *, uint32_t);
int64_t timeheap_next(const struct timeheap *);
uint32_t timeheap_top(const struct timeheap *);

#endif
