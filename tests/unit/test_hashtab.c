/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_hashtab.c: unit tests for the listener's hash tables
 * (src/hashtab.c): insert, find and remove agree with a plain array
 * through many random operations, entries are reused, the bound holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/hashtab.h"

static struct hashtab_key
k32(uint32_t v)
{
	struct hashtab_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.b + 12, &v, sizeof(v));
	return k;
}

static void
test_bound_and_reuse(void **state)
{
	struct hashtab t;
	struct hashtab_key k;
	uint32_t e, i;

	(void)state;
	assert_int_equal(hashtab_init(&t, 4), 0);
	for (i = 0; i < 4; i++) {
		k = k32(i);
		assert_int_not_equal(hashtab_insert(&t, &k), HASHTAB_NONE);
	}
	k = k32(99);
	assert_int_equal(hashtab_insert(&t, &k), HASHTAB_NONE);
	k = k32(2);
	e = hashtab_find(&t, &k);
	assert_int_not_equal(e, HASHTAB_NONE);
	assert_int_equal(hashtab_insert(&t, &k), e); /* already there */
	hashtab_remove(&t, e);
	assert_int_equal(hashtab_find(&t, &k), HASHTAB_NONE);
	k = k32(99);
	assert_int_equal(hashtab_insert(&t, &k), e); /* entry reused */
	assert_memory_equal(hashtab_key(&t, e)->b, k.b, 16);
	k = hashtab_pid(1234);
	assert_int_equal(hashtab_find(&t, &k), HASHTAB_NONE);
	hashtab_free(&t);
}

/* 200,000 random inserts and removals over 3,000 keys, checked against
 * an array of what each key's entry should be. */
static void
test_random_against_a_model(void **state)
{
	enum { KEYS = 3000, MAX = 1000, OPS = 200000 };
	static uint32_t model[KEYS];
	struct hashtab t;
	struct hashtab_key k;
	uint32_t i, v, e, n = 0;

	(void)state;
	srandom(7);
	assert_int_equal(hashtab_init(&t, MAX), 0);
	for (i = 0; i < KEYS; i++)
		model[i] = HASHTAB_NONE;
	for (i = 0; i < OPS; i++) {
		v = (uint32_t)random() % KEYS;
		k = k32(v);
		e = hashtab_find(&t, &k);
		assert_int_equal(e, model[v]);
		if (e != HASHTAB_NONE) {
			hashtab_remove(&t, e);
			model[v] = HASHTAB_NONE;
			n--;
		} else if (n < MAX) {
			model[v] = hashtab_insert(&t, &k);
			assert_int_not_equal(model[v], HASHTAB_NONE);
			n++;
		} else
			assert_int_equal(hashtab_insert(&t, &k), HASHTAB_NONE);
		assert_int_equal(t.n, n);
	}
	for (i = 0; i < KEYS; i++) {
		k = k32(i);
		assert_int_equal(hashtab_find(&t, &k), model[i]);
	}
	hashtab_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound_and_reuse),
		cmocka_unit_test(test_random_against_a_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
