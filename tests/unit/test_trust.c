/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_trust.c: unit tests for the listener's memory of sources that
 * logged in recently (src/trust.c): the window, the bound, the order
 * in which sources are forgotten.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/trust.h"

static struct acl_addr
v4(unsigned int n)
{
	struct acl_addr a;

	memset(&a, 0, sizeof(a));
	a.a[10] = a.a[11] = 0xff;
	a.a[12] = 10;
	a.a[14] = (uint8_t)(n >> 8);
	a.a[15] = (uint8_t)n;
	a.v4 = 1;
	return a;
}

static void
test_window(void **state)
{
	struct acl_addr a = v4(1), b = v4(2);

	(void)state;
	assert_int_equal(trust_init(8, 1000), 0);
	assert_false(trust_check(&a, 0));
	trust_add(&a, 100);
	assert_true(trust_check(&a, 100));
	assert_true(trust_check(&a, 1099));
	assert_false(trust_check(&a, 1100)); /* a day later, say */
	assert_false(trust_check(&b, 500));
	trust_add(&a, 2000); /* logged in again */
	assert_true(trust_check(&a, 2500));
}

static void
test_bound_forgets_the_first_seen(void **state)
{
	unsigned int i;
	struct acl_addr a;

	(void)state;
	assert_int_equal(trust_init(100, 1000000), 0);
	for (i = 0; i < 100; i++) {
		a = v4(i);
		trust_add(&a, i);
	}
	for (i = 100; i < 150; i++) { /* 50 more: 0..49 are forgotten */
		a = v4(i);
		trust_add(&a, i);
	}
	for (i = 0; i < 150; i++) {
		a = v4(i);
		if (i < 50)
			assert_false(trust_check(&a, 200));
		else
			assert_true(trust_check(&a, 200));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_bound_forgets_the_first_seen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
