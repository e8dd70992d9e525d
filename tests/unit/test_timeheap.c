/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_timeheap.c: unit tests for the listener's timers
 * (src/timeheap.c): the earliest deadline always comes first, through
 * random sets, moves and removals checked against a plain array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/timeheap.h"

static void
test_order_and_moves(void **state)
{
	struct timeheap t;

	(void)state;
	assert_int_equal(timeheap_init(&t, 8), 0);
	assert_int_equal(timeheap_next(&t), INT64_MAX);
	assert_int_equal(timeheap_top(&t), TIMEHEAP_NONE);
	timeheap_set(&t, 3, 300);
	timeheap_set(&t, 5, 100);
	timeheap_set(&t, 1, 200);
	assert_int_equal(timeheap_top(&t), 5);
	timeheap_set(&t, 5, 400); /* later: 1 comes first */
	assert_int_equal(timeheap_top(&t), 1);
	timeheap_set(&t, 3, 50); /* earlier: 3 comes first */
	assert_int_equal(timeheap_next(&t), 50);
	timeheap_remove(&t, 3);
	assert_false(timeheap_has(&t, 3));
	assert_int_equal(timeheap_top(&t), 1);
	timeheap_remove(&t, 3); /* twice: nothing */
	assert_int_equal(t.n, 2);
	timeheap_free(&t);
}

static void
test_random_against_a_model(void **state)
{
	enum { IDS = 500, OPS = 100000 };
	static int64_t model[IDS];
	struct timeheap t;
	int64_t best;
	uint32_t i, id;

	(void)state;
	srandom(11);
	assert_int_equal(timeheap_init(&t, IDS), 0);
	for (i = 0; i < IDS; i++)
		model[i] = -1;
	for (i = 0; i < OPS; i++) {
		id = (uint32_t)random() % IDS;
		if (random() % 3 == 0) {
			timeheap_remove(&t, id);
			model[id] = -1;
		} else {
			model[id] = random() % 100000;
			timeheap_set(&t, id, model[id]);
		}
		best = INT64_MAX;
		for (id = 0; id < IDS; id++)
			if (model[id] >= 0 && model[id] < best)
				best = model[id];
		assert_int_equal(timeheap_next(&t), best);
		if (best != INT64_MAX)
			assert_int_equal(model[timeheap_top(&t)], best);
	}
	timeheap_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_moves),
		cmocka_unit_test(test_random_against_a_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
