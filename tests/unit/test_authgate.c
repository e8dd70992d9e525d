/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_authgate.c: unit tests for the bound on password checks for
 * untrusted sources (src/authgate.c): at most the limit run, the others
 * wait first come first served, a process that ends frees its turn or
 * its place, and 0 means no bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/authgate.h"

static void
test_limit_and_order(void **state)
{
	(void)state;
	assert_int_equal(authgate_init(2, 10), 0);
	assert_int_equal(authgate_want(0), 1);
	assert_int_equal(authgate_want(1), 1);
	assert_int_equal(authgate_want(2), 0); /* waits */
	assert_int_equal(authgate_want(3), 0);
	assert_int_equal(authgate_want(4), 0);
	assert_int_equal(authgate_want(2), -1); /* asked already */
	assert_int_equal(authgate_running(), 2);
	assert_int_equal(authgate_waiting(), 3);
	assert_int_equal(authgate_done(3), AUTHGATE_NONE); /* left the queue */
	assert_int_equal(authgate_waiting(), 2);
	assert_int_equal(authgate_done(0), 2); /* first come */
	assert_int_equal(authgate_done(1), 4);
	assert_int_equal(authgate_done(1), AUTHGATE_NONE); /* twice: nothing */
	assert_int_equal(authgate_running(), 2);
	assert_int_equal(authgate_done(2), AUTHGATE_NONE);
	assert_int_equal(authgate_done(4), AUTHGATE_NONE);
	assert_int_equal(authgate_running(), 0);
	assert_int_equal(authgate_want(3), 1); /* a reused slot */
	assert_int_equal(authgate_done(99), AUTHGATE_NONE);
	assert_int_equal(authgate_want(99), -1);
}

static void
test_no_bound(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_equal(authgate_init(0, 100), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(authgate_want(i), 1);
	assert_int_equal(authgate_waiting(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_and_order),
		cmocka_unit_test(test_no_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
