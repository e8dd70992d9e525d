/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_connlimit.c: unit tests for the listener's connection limits and
 * process table (src/connlimit.c), run with cmocka: the --max-startups
 * parser, the hard caps, the per-source cap, the early-drop edges, and
 * the bookkeeping of unauthenticated and logged-in processes, and fair
 * admission: who is closed to make room, and when.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "../../src/connlimit.h"

static struct connlimit_opts conf;
static pid_t victim;

static struct acl_addr
key(const char *s)
{
	struct acl_rule r;

	assert_int_equal(acl_parse(s, &r), 0);
	return r.net;
}

/* Records process pid as a connection from who. */
static void
add(pid_t pid, const char *who)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct acl_addr k = key(who);

	assert_int_equal(connlimit_add(pid, &k, (struct sockaddr *)&sin,
			     sizeof(sin)),
	    0);
}

static int
setup(void **state)
{
	(void)state;
	connlimit_defaults(&conf);
	return connlimit_init(&conf);
}

static void
test_parse_startups(void **state)
{
	static const char *const bad[] = {
		"",
		"0",
		"5:10:4",
		"1:101:5",
		"1:2",
		"a:b:c",
		"1::5",
		"-1",
		"1:2:3:4",
		"0:10:10",
		"10:30:",
		":30:10",
		"99999999",
	};
	size_t i;

	(void)state;
	assert_int_equal(connlimit_parse_startups(&conf, "10:30:100"), 0);
	assert_int_equal(conf.start, 10);
	assert_int_equal(conf.rate, 30);
	assert_int_equal(conf.full, 100);
	assert_int_equal(connlimit_parse_startups(&conf, "7"), 0);
	assert_int_equal(conf.start, 7);
	assert_int_equal(conf.rate, 100);
	assert_int_equal(conf.full, 7);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (connlimit_parse_startups(&conf, bad[i]) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
}

static void
test_defaults_take_32_from_one_host(void **state)
{
	struct acl_addr k = key("192.0.2.1"), other = key("192.0.2.2");
	pid_t pid;

	(void)state;
	for (pid = 1; pid <= 32; pid++) {
		assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_OK);
		add(pid, "192.0.2.1");
	}
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_SOURCE);
	assert_int_equal(connlimit_admit(&other, 0, &victim), CONNLIMIT_OK);
	/* Logged-in sessions do not count against the source. */
	assert_int_equal(connlimit_authenticated(1), 0);
	assert_int_equal(connlimit_authenticated(1), -1);
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_OK);
	assert_int_equal(connlimit_unauthenticated(), 31);
	assert_int_equal(connlimit_total(), 32);
}

static void
test_hard_caps(void **state)
{
	struct acl_addr k = key("192.0.2.3");

	(void)state;
	conf.per_source = 0;
	conf.start = conf.full = 3;
	conf.sessions = 5;
	connlimit_init(&conf);
	add(1, "192.0.2.3");
	add(2, "192.0.2.4");
	add(3, "192.0.2.5");
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_STARTUPS);
	assert_int_equal(connlimit_authenticated(2), 0);
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_OK);
	add(4, "192.0.2.3");
	assert_int_equal(connlimit_authenticated(4), 0);
	add(5, "192.0.2.3");
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_SESSIONS);
	assert_int_equal(connlimit_add(6, &k, NULL, 0), -1);
}

static void
test_early_drop_edges(void **state)
{
	struct acl_addr k = key("192.0.2.6");
	int i, drops = 0;

	(void)state;
	conf.per_source = 0;
	conf.start = 2;
	conf.rate = 0;
	conf.full = 4;
	connlimit_init(&conf);
	add(1, "192.0.2.6");
	add(2, "192.0.2.6");
	for (i = 0; i < 100; i++) /* at START with rate 0: never */
		assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_OK);
	add(3, "192.0.2.6"); /* half way to FULL: 50 % */
	for (i = 0; i < 1000; i++)
		drops += connlimit_admit(&k, 0, &victim) == CONNLIMIT_STARTUPS;
	assert_in_range(drops, 350, 650);
	conf.rate = 100; /* at START with rate 100: always */
	for (i = 0; i < 100; i++)
		assert_int_equal(connlimit_admit(&k, 0, &victim),
		    CONNLIMIT_STARTUPS);
}

static void
test_remove(void **state)
{
	struct connlimit_proc c;

	(void)state;
	add(10, "192.0.2.7");
	add(11, "192.0.2.8");
	assert_int_equal(connlimit_authenticated(11), 0);
	assert_int_equal(connlimit_remove(10, &c), 0);
	assert_int_equal(c.pid, 10);
	assert_false(c.authenticated);
	assert_memory_equal(c.key.a, key("192.0.2.7").a, 16);
	assert_int_equal(connlimit_remove(10, &c), -1);
	assert_int_equal(connlimit_remove(11, &c), 0);
	assert_true(c.authenticated);
	assert_int_equal(connlimit_unauthenticated(), 0);
	assert_int_equal(connlimit_total(), 0);
}

/* Sets up small limits: early drop from start, hard cap at full. */
static void
limits(unsigned int start, unsigned int rate, unsigned int full,
    unsigned int per)
{
	conf.start = start;
	conf.rate = rate;
	conf.full = full;
	conf.per_source = per;
	conf.sessions = 1000;
	assert_int_equal(connlimit_init(&conf), 0);
}

static void
test_fair_admission_closes_the_oldest_of_the_busiest(void **state)
{
	struct acl_addr newcomer = key("192.0.2.99"), busy = key("192.0.2.1");
	struct connlimit_proc c;
	pid_t pid = 100;
	int i, j;

	(void)state;
	limits(40, 100, 40, 32); /* a hard cap of 40 */
	/* 10 sources hold 4 each, the first one 1 more: slots are full */
	for (i = 0; i < 10; i++) {
		char a[32];

		(void)snprintf(a, sizeof(a), "192.0.2.%d", i + 1);
		for (j = 0; j < 4; j++)
			add(pid++, a);
	}
	assert_int_equal(connlimit_unauthenticated(), 40);
	/* a newcomer holding none: the oldest of a source holding 4 goes */
	assert_int_equal(connlimit_admit(&newcomer, 0, &victim),
	    CONNLIMIT_EVICT);
	assert_int_equal((victim - 100) % 4, 0); /* a source's first */
	assert_int_equal(connlimit_evict(victim, &c), 0);
	assert_true(c.evicted);
	assert_int_equal(connlimit_evict(victim, &c), -1);
	assert_int_equal(connlimit_unauthenticated(), 39);
	assert_int_equal(connlimit_total(), 40); /* until reaped */
	add(pid++, "192.0.2.99");
	/* a source holding 4 (or 3) gains nothing: refused */
	assert_int_equal(connlimit_admit(&busy, 0, &victim),
	    CONNLIMIT_STARTUPS);
	/* the evicted one's end does not count twice */
	assert_int_equal(connlimit_remove(victim, &c), 0);
	assert_int_equal(connlimit_unauthenticated(), 40);
	assert_int_equal(connlimit_total(), 40);
}

static void
test_fair_admission_takes_from_the_top_holder_first(void **state)
{
	struct acl_addr k = key("192.0.2.50"), top = key("192.0.2.2");
	struct connlimit_proc c;
	pid_t p;

	(void)state;
	limits(8, 100, 8, 0);
	add(1, "192.0.2.1");
	add(2, "192.0.2.1");
	for (p = 3; p <= 8; p++) /* 192.0.2.2 holds 6, from pid 3 */
		add(p, "192.0.2.2");
	for (p = 3; p <= 5; p++) { /* 6, 5, 4 vs 0, 1, 2: the busiest */
		assert_int_equal(connlimit_admit(&k, 0, &victim),
		    CONNLIMIT_EVICT);
		assert_int_equal(victim, p); /* oldest first */
		assert_int_equal(connlimit_evict(victim, &c), 0);
		add(100 + p, "192.0.2.50");
	}
	assert_int_equal(connlimit_from_source(&top), 3);
	assert_int_equal(connlimit_from_source(&k), 3);
	/* 3 and 3: neither gains by taking from the other */
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_STARTUPS);
	assert_int_equal(connlimit_admit(&top, 0, &victim), CONNLIMIT_STARTUPS);
	/* a stranger holding none takes the oldest of one of them */
	k = key("192.0.2.60");
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_EVICT);
	assert_true(victim == 6 || victim == 103);
}

static void
test_even_sources_keep_the_early_drop(void **state)
{
	struct acl_addr k = key("192.0.2.77");
	int i;

	(void)state;
	limits(4, 100, 8, 0);
	add(1, "192.0.2.1");
	add(2, "192.0.2.2");
	add(3, "192.0.2.3");
	add(4, "192.0.2.4");
	/* everyone holds 1: one more from a new source is not fairer */
	for (i = 0; i < 20; i++)
		assert_int_equal(connlimit_admit(&k, 0, &victim),
		    CONNLIMIT_STARTUPS);
}

static void
test_trusted_sources_skip_the_early_drop_not_the_cap(void **state)
{
	struct acl_addr k = key("192.0.2.8");
	int i;

	(void)state;
	limits(2, 100, 4, 0);
	add(1, "192.0.2.1");
	add(2, "192.0.2.2");
	for (i = 0; i < 20; i++)
		assert_int_equal(connlimit_admit(&k, 1, &victim), CONNLIMIT_OK);
	assert_int_equal(connlimit_admit(&k, 0, &victim), CONNLIMIT_STARTUPS);
	add(3, "192.0.2.8");
	add(4, "192.0.2.8");
	/* at FULL a trusted source is refused like any other */
	assert_int_equal(connlimit_admit(&k, 1, &victim), CONNLIMIT_STARTUPS);
}

static void
test_many_sources_and_pids_stay_consistent(void **state)
{
	struct connlimit_proc c;
	struct acl_addr k;
	char a[32];
	pid_t p;

	(void)state;
	limits(5000, 30, 5000, 0);
	conf.sessions = 5000;
	assert_int_equal(connlimit_init(&conf), 0);
	for (p = 1; p <= 5000; p++) {
		(void)snprintf(a, sizeof(a), "10.0.%d.%d", p % 40, p % 97);
		add(p, a);
	}
	for (p = 1; p <= 5000; p += 2)
		assert_int_equal(connlimit_authenticated(p), 0);
	for (p = 1; p <= 5000; p += 3)
		assert_int_equal(connlimit_remove(p, &c), 0);
	assert_int_equal(connlimit_total(), 5000 - 1667);
	/* 10.0.1.1 is p = 1 + 3880k for k < 2: 1 and 3881, both gone */
	k = key("10.0.1.1");
	assert_int_equal(connlimit_from_source(&k), 0);
	for (p = 2; p <= 5000; p++)
		if (p % 3 != 1)
			assert_int_equal(connlimit_remove(p, &c), 0);
	assert_int_equal(connlimit_total(), 0);
	assert_int_equal(connlimit_unauthenticated(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_startups, setup),
		cmocka_unit_test_setup(test_defaults_take_32_from_one_host,
		    setup),
		cmocka_unit_test_setup(test_hard_caps, setup),
		cmocka_unit_test_setup(test_early_drop_edges, setup),
		cmocka_unit_test_setup(test_remove, setup),
		cmocka_unit_test_setup(
		    test_fair_admission_closes_the_oldest_of_the_busiest,
		    setup),
		cmocka_unit_test_setup(
		    test_fair_admission_takes_from_the_top_holder_first, setup),
		cmocka_unit_test_setup(test_even_sources_keep_the_early_drop,
		    setup),
		cmocka_unit_test_setup(
		    test_trusted_sources_skip_the_early_drop_not_the_cap,
		    setup),
		cmocka_unit_test_setup(
		    test_many_sources_and_pids_stay_consistent, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
