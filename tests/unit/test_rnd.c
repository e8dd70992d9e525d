/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rnd.c: unit tests for src/rnd.c, run with cmocka: numbers stay
 * below the bound, every value comes up, and a bound that plain modulo
 * would skew (3 * 2^30: the lowest third twice as likely) is not.
 * The counts are checked at about seven standard deviations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../src/rnd.h"

#define DRAWS 30000

static void
test_small_bounds(void **state)
{
	(void)state;
	assert_int_equal(rnd_uniform(0), 0);
	assert_int_equal(rnd_uniform(1), 0);
}

static void
test_below_bound(void **state)
{
	static const uint32_t bounds[] = { 2, 3, 100, 1000003, 0x80000001u,
		0xffffffffu };
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
		for (k = 0; k < 2000; k++)
			assert_true(rnd_uniform(bounds[i]) < bounds[i]);
}

static void
test_every_value_and_even(void **state)
{
	unsigned int seen[3] = { 0 }, i;

	(void)state;
	for (i = 0; i < DRAWS; i++)
		seen[rnd_uniform(3)]++;
	for (i = 0; i < 3; i++) {
		assert_in_range(seen[i], DRAWS / 3 - 600, DRAWS / 3 + 600);
	}
}

static void
test_no_modulo_bias(void **state)
{
	const uint32_t bound = 3u << 30;
	unsigned int low = 0, i;

	(void)state;
	for (i = 0; i < DRAWS; i++)
		if (rnd_uniform(bound) < (1u << 30))
			low++;
	/* a third without bias; half with plain modulo */
	assert_in_range(low, DRAWS / 3 - 600, DRAWS / 3 + 600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_bounds),
		cmocka_unit_test(test_below_bound),
		cmocka_unit_test(test_every_value_and_even),
		cmocka_unit_test(test_no_modulo_bias),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
