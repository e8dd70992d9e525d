/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hashtab.c: fixed-size hash tables for the standalone listener (root):
 * the sources it counts, penalises and trusts, and its children by pid.
 * Pure: no I/O; memory is allocated once, at start.
 *
 * Keys map to entry numbers 0..max-1, which callers use as indexes into
 * arrays of their own.  Open addressing with linear probing over at
 * least twice as many slots as entries, and deletion by moving the
 * following slots back (no tombstones), so a probe sequence stays short
 * however many insertions and removals an attacker makes.  The hash is
 * keyed with random secrets chosen at start, so the slots an address
 * falls into cannot be predicted from outside.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "rnd.h"

/* A left rotation of a 64-bit word. */
static uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* One SipHash round on the four state words. */
static void
sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

/* SipHash-1-3 of a 16-byte key under the table's secret keys. */
static uint64_t
hash(const struct hashtab *t, const struct hashtab_key *k)
{
	uint64_t v[4], m[3];
	int i;

	v[0] = t->k0 ^ 0x736f6d6570736575ULL;
	v[1] = t->k1 ^ 0x646f72616e646f6dULL;
	v[2] = t->k0 ^ 0x6c7967656e657261ULL;
	v[3] = t->k1 ^ 0x7465646279746573ULL;
	memcpy(&m[0], k->b, 8);
	memcpy(&m[1], k->b + 8, 8);
	m[2] = (uint64_t)16 << 56;
	for (i = 0; i < 3; i++) {
		v[3] ^= m[i];
		sipround(v);
		v[0] ^= m[i];
	}
	v[2] ^= 0xff;
	for (i = 0; i < 3; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* Sets up an empty table for up to max entries; -1 if out of memory. */
int
hashtab_init(struct hashtab *t, uint32_t max)
{
	uint32_t slots = 16, i;

	memset(t, 0, sizeof(*t));
	if (max == 0 || max > (UINT32_MAX >> 2)) {
		errno = EINVAL;
		return -1;
	}
	while (slots < 2 * max)
		slots <<= 1;
	t->slot = malloc(slots * sizeof(*t->slot));
	t->key = calloc(max, sizeof(*t->key));
	t->next_free = malloc(max * sizeof(*t->next_free));
	if (t->slot == NULL || t->key == NULL || t->next_free == NULL) {
		hashtab_free(t);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < slots; i++)
		t->slot[i] = HASHTAB_NONE;
	for (i = 0; i < max; i++)
		t->next_free[i] = i + 1 < max ? i + 1 : HASHTAB_NONE;
	t->free_head = 0;
	t->max = max;
	t->mask = slots - 1;
	rnd_bytes(&t->k0, sizeof(t->k0));
	rnd_bytes(&t->k1, sizeof(t->k1));
	return 0;
}

/* Gives the table's memory back. */
void
hashtab_free(struct hashtab *t)
{
	free(t->slot);
	free(t->key);
	free(t->next_free);
	memset(t, 0, sizeof(*t));
}

/* The slot holding key, or the empty slot where it would go. */
static uint32_t
probe(const struct hashtab *t, const struct hashtab_key *k)
{
	uint32_t i = (uint32_t)hash(t, k) & t->mask;

	while (t->slot[i] != HASHTAB_NONE &&
	    memcmp(t->key[t->slot[i]].b, k->b, sizeof(k->b)) != 0)
		i = (i + 1) & t->mask;
	return i;
}

/* The entry of key, or HASHTAB_NONE. */
uint32_t
hashtab_find(const struct hashtab *t, const struct hashtab_key *k)
{
	if (t->n == 0)
		return HASHTAB_NONE;
	return t->slot[probe(t, k)];
}

/*
 * Adds key; returns its entry (the one it had if it was there), or
 * HASHTAB_NONE when all max entries are in use.
 */
uint32_t
hashtab_insert(struct hashtab *t, const struct hashtab_key *k)
{
	uint32_t e = t->free_head, i = probe(t, k);

	if (t->slot[i] != HASHTAB_NONE)
		return t->slot[i];
	if (e == HASHTAB_NONE)
		return HASHTAB_NONE;
	t->free_head = t->next_free[e];
	t->key[e] = *k;
	t->slot[i] = e;
	t->n++;
	return e;
}

/*
 * Removes entry e.  The slots after it move back when their keys'
 * home slots allow, so that every key stays reachable from its home.
 */
void
hashtab_remove(struct hashtab *t, uint32_t e)
{
	uint32_t i = probe(t, &t->key[e]), j = i, home;

	if (t->slot[i] != e)
		return;
	for (;;) {
		t->slot[i] = HASHTAB_NONE;
		for (;;) {
			j = (j + 1) & t->mask;
			if (t->slot[j] == HASHTAB_NONE)
				goto done;
			home = (uint32_t)hash(t, &t->key[t->slot[j]]) & t->mask;
			/* j's key may move to i unless its home is in (i, j] */
			if (((j - home) & t->mask) >= ((j - i) & t->mask))
				break;
		}
		t->slot[i] = t->slot[j];
		i = j;
	}
done:
	t->next_free[e] = t->free_head;
	t->free_head = e;
	t->n--;
}

/* The key of entry e. */
const struct hashtab_key *
hashtab_key(const struct hashtab *t, uint32_t e)
{
	return &t->key[e];
}

/* 16 bytes (an address in its 16-byte form) as a key. */
struct hashtab_key
hashtab_bytes(const uint8_t *b)
{
	struct hashtab_key k;

	memcpy(k.b, b, sizeof(k.b));
	return k;
}

/* A pid as a key. */
struct hashtab_key
hashtab_pid(pid_t pid)
{
	struct hashtab_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.b, &pid, sizeof(pid));
	return k;
}
