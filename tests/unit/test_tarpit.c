/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tarpit.c: unit tests for the connections the listener holds
 * from penalised sources (src/tarpit.c): the delay, the bounds per
 * source and in all, release in deadline order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/tarpit.h"

static struct acl_addr
v4(unsigned int n)
{
	struct acl_addr a;

	memset(&a, 0, sizeof(a));
	a.a[10] = a.a[11] = 0xff;
	a.a[12] = 127;
	a.a[15] = (uint8_t)n;
	a.v4 = 1;
	return a;
}

static void
test_delay(void **state)
{
	(void)state;
	assert_int_equal(tarpit_delay(20000, 2000, 15000), 2000 * 20 / 15);
	assert_int_equal(tarpit_delay(15001, 2000, 15000), 2000);
	assert_int_equal(tarpit_delay(1000, 2000, 15000), 2000);
	assert_int_equal(tarpit_delay(600000, 2000, 15000),
	    2000 * TARPIT_HOLD_MAX);
	assert_int_equal(tarpit_delay(600000, 0, 15000), 0); /* no delay */
	assert_int_equal(tarpit_delay(600000, 2000, 0), 2000);
}

static void
test_bounds_and_order(void **state)
{
	struct acl_addr a = v4(1), b = v4(2), c = v4(3);

	(void)state;
	assert_int_equal(tarpit_init(4, 2), 0);
	assert_int_equal(tarpit_hold(10, &a, 300), 0);
	assert_int_equal(tarpit_hold(11, &a, 100), 0);
	assert_int_equal(tarpit_hold(12, &a, 50), -1); /* a holds 2 */
	assert_int_equal(tarpit_hold(13, &b, 200), 0);
	assert_int_equal(tarpit_hold(14, &b, 400), 0);
	assert_int_equal(tarpit_hold(15, &c, 50), -1); /* 4 held in all */
	assert_int_equal(tarpit_count(), 4);
	assert_int_equal(tarpit_next(), 100);
	assert_int_equal(tarpit_pop(99), -1);
	assert_int_equal(tarpit_pop(250), 11);
	assert_int_equal(tarpit_pop(250), 13);
	assert_int_equal(tarpit_pop(250), -1);
	assert_int_equal(tarpit_hold(16, &a, 500), 0); /* room again */
	assert_int_equal(tarpit_hold(17, &c, 450), 0);
	assert_int_equal(tarpit_pop(1000), 10);
	assert_int_equal(tarpit_pop(1000), 14);
	assert_int_equal(tarpit_pop(1000), 17);
	assert_int_equal(tarpit_pop(1000), 16);
	assert_int_equal(tarpit_pop(1000), -1);
	assert_int_equal(tarpit_count(), 0);
	assert_int_equal(tarpit_next(), INT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_bounds_and_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
