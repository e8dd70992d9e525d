/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_penalty.c: unit tests for the per-source penalty table
 * (src/penalty.c) with a simulated clock, run with cmocka.  They check
 * the defaults' arithmetic (three refused logins cost nothing, the
 * fourth locks the source out for 20 s), the real-time drain, the cap,
 * the exempt list, the bounded table and the --penalty parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/log.h"
#include "../../src/penalty.h"

static struct penalty_opts conf;

static struct acl_addr
key(const char *s)
{
	struct acl_rule r;

	assert_int_equal(acl_parse(s, &r), 0);
	return r.net;
}

/* Fresh defaults and an empty table before each test. */
static int
setup(void **state)
{
	(void)state;
	free(conf.exempt.rule);
	memset(&conf, 0, sizeof(conf));
	penalty_defaults(&conf);
	return penalty_init(&conf);
}

static void
fail_n(const char *who, enum penalty_event ev, int n, int64_t now)
{
	struct acl_addr k = key(who);
	int i;

	for (i = 0; i < n; i++)
		penalty_add(&k, ev, now);
}

static void
test_defaults_fourth_refused_login_locks_out(void **state)
{
	struct acl_addr k = key("192.0.2.1");

	(void)state;
	fail_n("192.0.2.1", PENALTY_AUTHFAIL, 3, 0);
	assert_false(penalty_refuses(&k, 0)); /* 15 s due: not > 15 */
	fail_n("192.0.2.1", PENALTY_AUTHFAIL, 1, 0);
	assert_true(penalty_refuses(&k, 0)); /* 20 s due */
	assert_true(penalty_refuses(&k, 19999));
	assert_false(penalty_refuses(&k, 20000)); /* served out */
	assert_int_equal(penalty_count(), 0);
}

static void
test_penalty_drains_in_real_time(void **state)
{
	struct acl_addr k = key("192.0.2.2");

	(void)state;
	fail_n("192.0.2.2", PENALTY_AUTHFAIL, 3, 0);
	fail_n("192.0.2.2", PENALTY_AUTHFAIL, 1, 6000); /* 14 s due */
	assert_false(penalty_refuses(&k, 6000));
	fail_n("192.0.2.2", PENALTY_AUTHFAIL, 1, 6000); /* 19 s due */
	assert_true(penalty_refuses(&k, 6000));
	/* One failure a minute never adds up. */
	setup(NULL);
	for (int i = 0; i < 100; i++) {
		fail_n("192.0.2.2", PENALTY_AUTHFAIL, 1, i * 60000);
		assert_false(penalty_refuses(&k, i * 60000));
	}
}

static void
test_other_events(void **state)
{
	struct acl_addr a = key("192.0.2.3"), b = key("192.0.2.4");

	(void)state;
	fail_n("192.0.2.3", PENALTY_NOAUTH, 15, 0);
	assert_false(penalty_refuses(&a, 0));
	fail_n("192.0.2.3", PENALTY_NOAUTH, 1, 0);
	assert_true(penalty_refuses(&a, 0));
	fail_n("192.0.2.4", PENALTY_GRACE, 1, 0);
	assert_false(penalty_refuses(&b, 0));
	fail_n("192.0.2.4", PENALTY_GRACE, 1, 0);
	assert_true(penalty_refuses(&b, 0));
	assert_false(penalty_refuses(&b, 20000));
}

static void
test_capped_at_max(void **state)
{
	struct acl_addr k = key("192.0.2.5");

	(void)state;
	fail_n("192.0.2.5", PENALTY_CRASH, 100, 0);
	assert_true(penalty_refuses(&k, 599999));
	assert_false(penalty_refuses(&k, 600000));
}

static void
test_sources_are_separate_and_exempt_never_charged(void **state)
{
	struct acl_addr a = key("192.0.2.6"), b = key("192.0.2.7");

	(void)state;
	assert_int_equal(acl_add(&conf.exempt, "192.0.2.7/32"), 0);
	fail_n("192.0.2.6", PENALTY_AUTHFAIL, 10, 0);
	fail_n("192.0.2.7", PENALTY_AUTHFAIL, 10, 0);
	assert_true(penalty_refuses(&a, 0));
	assert_false(penalty_refuses(&b, 0));
	assert_int_equal(penalty_count(), 1);
}

/*
 * With --source-prefix 32:64 IPv6 sources are charged per /64, but an
 * exemption is matched against the client's own address: exempting one
 * /128 spares that host only.
 */
static void
test_ipv6_per_64_and_exempt_single_host(void **state)
{
	struct acl_addr host = key("2001:db8::5"), other = key("2001:db8::6");

	(void)state;
	assert_int_equal(acl_source_prefix(32, 64), 0);
	assert_int_equal(acl_add(&conf.exempt, "2001:db8::5"), 0);
	fail_n("2001:db8::5", PENALTY_AUTHFAIL, 10, 0);
	assert_int_equal(penalty_count(), 0);
	fail_n("2001:db8::6", PENALTY_AUTHFAIL, 10, 0);
	assert_true(penalty_refuses(&other, 0));
	assert_int_equal(penalty_count(), 1);
	/* the /64 is penalised, the exempt host in it is not refused */
	assert_false(penalty_refuses(&host, 0));
	assert_int_equal(acl_source_prefix(32, 128), 0);
}

/* By default (32:128) an IPv6 source is one address: its LAN goes free. */
static void
test_ipv6_per_address_by_default(void **state)
{
	struct acl_addr mistyper = key("2001:db8::6");
	struct acl_addr neighbour = key("2001:db8::7");

	(void)state;
	fail_n("2001:db8::6", PENALTY_AUTHFAIL, 10, 0);
	assert_true(penalty_refuses(&mistyper, 0));
	assert_false(penalty_refuses(&neighbour, 0));
	assert_int_equal(penalty_count(), 1);
}

static void
test_expire_and_next(void **state)
{
	(void)state;
	assert_true(penalty_next() == INT64_MAX);
	fail_n("192.0.2.8", PENALTY_AUTHFAIL, 4, 0);	/* until 20000 */
	fail_n("192.0.2.9", PENALTY_AUTHFAIL, 1, 1000); /* until 6000 */
	assert_true(penalty_next() <= 6000);		/* early, never late */
	penalty_expire(5999);
	assert_int_equal(penalty_count(), 2);
	assert_true(penalty_next() == 6000);
	penalty_expire(6000);
	assert_int_equal(penalty_count(), 1);
	assert_true(penalty_next() == 20000);
	penalty_expire(20000);
	assert_int_equal(penalty_count(), 0);
	assert_true(penalty_next() == INT64_MAX);
}

static void
test_full_table_forgets_the_least_penalised(void **state)
{
	struct acl_addr a = key("192.0.2.10"), b = key("192.0.2.11"),
			c = key("192.0.2.12");

	(void)state;
	conf.table = 2;
	penalty_init(&conf);
	fail_n("192.0.2.10", PENALTY_AUTHFAIL, 4, 0); /* 20 s, refused */
	fail_n("192.0.2.11", PENALTY_AUTHFAIL, 1, 0); /* 5 s */
	fail_n("192.0.2.12", PENALTY_AUTHFAIL, 4, 0); /* .11 goes */
	assert_int_equal(penalty_count(), 2);
	assert_true(penalty_refuses(&a, 1));
	assert_true(penalty_refuses(&c, 1));
	fail_n("192.0.2.11", PENALTY_AUTHFAIL, 3, 1); /* a fresh start */
	assert_false(penalty_refuses(&b, 1));
}

static void
test_off(void **state)
{
	struct acl_addr k = key("192.0.2.13");

	(void)state;
	assert_int_equal(penalty_parse(&conf, "off"), 0);
	penalty_init(&conf);
	fail_n("192.0.2.13", PENALTY_AUTHFAIL, 50, 0);
	assert_false(penalty_refuses(&k, 0));
	assert_int_equal(penalty_count(), 0);
}

static void
test_parse(void **state)
{
	static const char *const bad[] = {
		"",
		"authfail",
		"authfail:",
		"authfail:x",
		"bogus:1",
		"min:20,max:10",
		"max:15",
		"table:0",
		"table:x",
		"table:1.5",
		"authfail:-1",
		"authfail:1e9",
		"authfail:1,,min:2",
		"table:10000000",
	};
	size_t i;

	(void)state;
	assert_int_equal(penalty_parse(&conf,
			     "authfail:2.5,noauth:0,"
			     "grace:30,crash:1,min:60,max:3600,table:100"),
	    0);
	assert_int_equal(conf.ms[PENALTY_AUTHFAIL], 2500);
	assert_int_equal(conf.ms[PENALTY_NOAUTH], 0);
	assert_int_equal(conf.ms[PENALTY_GRACE], 30000);
	assert_int_equal(conf.ms[PENALTY_CRASH], 1000);
	assert_int_equal(conf.min_ms, 60000);
	assert_int_equal(conf.max_ms, 3600000);
	assert_int_equal(conf.table, 100);
	assert_int_equal(penalty_parse(&conf, "min:1"), 0); /* rest kept */
	assert_int_equal(conf.max_ms, 3600000);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		penalty_defaults(&conf);
		if (penalty_parse(&conf, bad[i]) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
		    test_defaults_fourth_refused_login_locks_out, setup),
		cmocka_unit_test_setup(test_penalty_drains_in_real_time, setup),
		cmocka_unit_test_setup(test_other_events, setup),
		cmocka_unit_test_setup(test_capped_at_max, setup),
		cmocka_unit_test_setup(
		    test_sources_are_separate_and_exempt_never_charged, setup),
		cmocka_unit_test_setup(test_ipv6_per_address_by_default, setup),
		cmocka_unit_test_setup(test_ipv6_per_64_and_exempt_single_host,
		    setup),
		cmocka_unit_test_setup(test_expire_and_next, setup),
		cmocka_unit_test_setup(
		    test_full_table_forgets_the_least_penalised, setup),
		cmocka_unit_test_setup(test_off, setup),
		cmocka_unit_test_setup(test_parse, setup),
	};

	log_init("test_penalty", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
