/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_num.c: table-driven unit tests for the number parsers
 * (src/num.c), run with cmocka: counts (plain digits, ranges, overflow),
 * spans inside a longer string, ports, and seconds.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/num.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct count_row {
	const char *s;
	unsigned long min, max;
	int rc;
	unsigned long v;
};

static const struct count_row count_rows[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "11", 0, 10, -1, 0 },
	{ "0", 1, 10, -1, 0 },
	{ "007", 0, 10, 0, 7 },
	{ "1000000", 0, 1000000, 0, 1000000 },
	{ "1000001", 0, 1000000, -1, 0 },
	{ "", 0, 10, -1, 0 },
	{ "+1", 0, 10, -1, 0 },
	{ "-1", 0, 10, -1, 0 },
	{ " 1", 0, 10, -1, 0 },
	{ "1 ", 0, 10, -1, 0 },
	{ "0x1", 0, 10, -1, 0 },
	{ "1.0", 0, 10, -1, 0 },
	{ "1e1", 0, 100, -1, 0 },
	{ "18446744073709551615", 0, ULONG_MAX, 0, ULONG_MAX },
	{ "18446744073709551616", 0, ULONG_MAX, -1, 0 },
	{ "99999999999999999999999", 0, ULONG_MAX, -1, 0 },
	{ "5", 0, 0, -1, 0 },
};

static void
test_count(void **state)
{
	const struct count_row *r;
	unsigned long v;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(count_rows); i++) {
		r = &count_rows[i];
		v = 12345;
		if (num_count(r->s, r->min, r->max, &v) != r->rc)
			fail_msg("num_count(\"%s\", %lu, %lu): not %d", r->s,
			    r->min, r->max, r->rc);
		assert_int_equal(v, r->rc == 0 ? r->v : 12345);
	}
}

/* A span stops where it is told to, whatever follows. */
static void
test_span(void **state)
{
	static const char s[] = "12:345:x";
	unsigned long v;

	(void)state;
	assert_int_equal(num_span(s, s + 2, 0, 100, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(num_span(s + 3, s + 6, 0, 1000, &v), 0);
	assert_int_equal(v, 345);
	assert_int_equal(num_span(s + 3, s + 6, 0, 344, &v), -1);
	assert_int_equal(num_span(s, s, 0, 100, &v), -1);
	assert_int_equal(num_span(s, s + 3, 0, 1000, &v), -1);
	assert_int_equal(num_span(s + 7, s + 8, 0, 1000, &v), -1);
}

static void
test_port(void **state)
{
	static const char *const bad[] = { "0", "65536", "", "-1", "+80", "80 ",
		"http", "999999" };
	unsigned int p = 0;
	size_t i;

	(void)state;
	assert_int_equal(num_port("1", &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(num_port("512", &p), 0);
	assert_int_equal(p, 512);
	assert_int_equal(num_port("65535", &p), 0);
	assert_int_equal(p, 65535);
	for (i = 0; i < nitems(bad); i++)
		if (num_port(bad[i], &p) != -1)
			fail_msg("num_port(\"%s\") accepted", bad[i]);
}

struct seconds_row {
	const char *s;
	long max_s;
	int rc;
	long ms;
};

static const struct seconds_row seconds_rows[] = {
	{ "0", 60, 0, 0 },
	{ "30", 60, 0, 30000 },
	{ "60", 60, 0, 60000 },
	{ "60.001", 60, -1, 0 },
	{ "1.5", 60, 0, 1500 },
	{ "0.001", 60, 0, 1 },
	{ "0.0004", 60, 0, 0 },
	{ "2e1", 60, 0, 20000 },
	{ "-1", 60, -1, 0 },
	{ "nan", 60, -1, 0 },
	{ "inf", 60, -1, 0 },
	{ "", 60, -1, 0 },
	{ "5s", 60, -1, 0 },
	{ "86400", 86400, 0, 86400000 },
};

static void
test_seconds(void **state)
{
	const struct seconds_row *r;
	long ms;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(seconds_rows); i++) {
		r = &seconds_rows[i];
		ms = -7;
		if (num_seconds(r->s, r->max_s, &ms) != r->rc)
			fail_msg("num_seconds(\"%s\", %ld): not %d", r->s,
			    r->max_s, r->rc);
		assert_int_equal(ms, r->rc == 0 ? r->ms : -7);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_seconds),
	};

	return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
