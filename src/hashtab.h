/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hashtab.h: a fixed-size hash table from 16-byte keys (a source's
 * address, a pid) to small entry numbers, for the listener's tables.
 * Lookups cost the same whatever the table's size or its contents.
 */
#ifndef HASHTAB_H
#define HASHTAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HASHTAB_NONE UINT32_MAX /* "no entry" */

struct hashtab_key {
	uint8_t b[16];
};

struct hashtab {
	uint32_t *slot;		 /* entry number, or HASHTAB_NONE */
	struct hashtab_key *key; /* per entry */
	uint32_t *next_free;	 /* free entries, chained */
	uint32_t free_head;
	uint32_t max, n, mask; /* entries at most, in use; slots - 1 */
	uint64_t k0, k1;       /* the hash's secret keys */
};

int hashtab_init(struct hashtab *, uint32_t);
void hashtab_free(struct hashtab *);
uint32_t hashtab_find(const struct hashtab *, const struct hashtab_key *);
uint32_t hashtab_insert(struct hashtab *, const struct hashtab_key *);
void hashtab_remove(struct hashtab *, uint32_t);
const struct hashtab_key *hashtab_key(const struct hashtab *, uint32_t);
struct hashtab_key hashtab_bytes(const uint8_t *);
struct hashtab_key hashtab_pid(pid_t);

#endif
