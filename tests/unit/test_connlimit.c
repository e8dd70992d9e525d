/*
 * test_connlimit.c: unit tests for the listener's connection limits and
 * process table (src/connlimit.c), run with cmocka: the --max-startups
 * parser, the hard caps, the per-source cap, the early-drop edges, and
 * the bookkeeping of unauthenticated and logged-in processes.
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
		assert_int_equal(connlimit_admit(&k), CONNLIMIT_OK);
		add(pid, "192.0.2.1");
	}
	assert_int_equal(connlimit_admit(&k), CONNLIMIT_SOURCE);
	assert_int_equal(connlimit_admit(&other), CONNLIMIT_OK);
	/* Logged-in sessions do not count against the source. */
	assert_int_equal(connlimit_authenticated(1), 0);
	assert_int_equal(connlimit_authenticated(1), -1);
	assert_int_equal(connlimit_admit(&k), CONNLIMIT_OK);
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
	assert_int_equal(connlimit_admit(&k), CONNLIMIT_STARTUPS);
	assert_int_equal(connlimit_authenticated(2), 0);
	assert_int_equal(connlimit_admit(&k), CONNLIMIT_OK);
	add(4, "192.0.2.3");
	assert_int_equal(connlimit_authenticated(4), 0);
	add(5, "192.0.2.3");
	assert_int_equal(connlimit_admit(&k), CONNLIMIT_SESSIONS);
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
		assert_int_equal(connlimit_admit(&k), CONNLIMIT_OK);
	add(3, "192.0.2.6"); /* half way to FULL: 50 % */
	for (i = 0; i < 1000; i++)
		drops += connlimit_admit(&k) == CONNLIMIT_STARTUPS;
	assert_in_range(drops, 350, 650);
	conf.rate = 100; /* at START with rate 100: always */
	for (i = 0; i < 100; i++)
		assert_int_equal(connlimit_admit(&k), CONNLIMIT_STARTUPS);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
