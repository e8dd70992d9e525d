/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_pattern.c: table-driven unit tests for the configuration's
 * wildcard patterns and pattern lists (src/pattern.c): `*` and `?`,
 * comma lists with `!` negation, address lists with CIDR entries.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/pattern.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *s, *pat;
	int want;
} wild[] = {
	{ "alice", "alice", 1 }, { "alice", "alic", 0 }, { "alic", "alice", 0 },
	{ "alice", "a*", 1 }, { "alice", "*e", 1 }, { "alice", "*", 1 },
	{ "", "*", 1 }, { "", "", 1 }, { "a", "", 0 }, { "", "?", 0 },
	{ "alice", "a?ice", 1 }, { "alice", "a??ce", 1 },
	{ "alice", "a???ce", 0 }, { "alice", "*l*c*", 1 },
	{ "alice", "*x*", 0 }, { "abcabd", "*abd", 1 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*b", 1 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "*a*a*a*a*a*a*a*b", 0 },
	{ "uptime", "uptime", 1 }, { "uptime; rm -rf /", "uptime", 0 },
	{ "ls -l /tmp", "ls *", 1 }, { "ls", "ls *", 0 },
	{ "Alice", "alice", 0 }, /* case matters */
	{ "a*c", "a\\*c", 0 },	 /* no escapes: \ is itself */
};

static void
test_wildcards(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(wild); i++)
		if (pattern_match(wild[i].s, wild[i].pat) != wild[i].want)
			fail_msg("\"%s\" vs \"%s\": want %d", wild[i].s,
			    wild[i].pat, wild[i].want);
}

static const struct {
	const char *s, *list;
	enum pattern_result want;
} lists[] = {
	{ "alice", "alice", PATTERN_MATCH },
	{ "alice", "bob,alice", PATTERN_MATCH },
	{ "alice", "bob,carol", PATTERN_NONE },
	{ "alice", "*,!alice", PATTERN_NEGATED },
	{ "alice", "!alice,*", PATTERN_NEGATED },
	{ "bob", "*,!alice", PATTERN_MATCH },
	{ "bob", "!alice", PATTERN_NONE }, /* negation alone never matches */
	{ "alice", "!a*", PATTERN_NEGATED },
	{ "alice", ",,alice,", PATTERN_MATCH },
	{ "alice", "!", PATTERN_NONE },
	{ "", ",", PATTERN_NONE },
	{ "rxt1", "rxt?,x", PATTERN_MATCH },
};

static void
test_lists(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(lists); i++)
		if (pattern_list(lists[i].s, lists[i].list) != lists[i].want)
			fail_msg("\"%s\" in \"%s\": want %d", lists[i].s,
			    lists[i].list, lists[i].want);
}

static void
addr_of(const char *s, struct acl_addr *a)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, s, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
	}
	assert_int_equal(acl_addr_from(a, (struct sockaddr *)&ss), 0);
}

static const struct {
	const char *addr, *list;
	enum pattern_result want;
} addrs[] = {
	{ "10.1.2.3", "10.0.0.0/8", PATTERN_MATCH },
	{ "10.1.2.3", "192.168.0.0/16,10.1.2.3", PATTERN_MATCH },
	{ "10.1.2.3", "10.0.0.0/8,!10.1.0.0/16", PATTERN_NEGATED },
	{ "10.2.2.3", "10.0.0.0/8,!10.1.0.0/16", PATTERN_MATCH },
	{ "11.1.2.3", "10.0.0.0/8", PATTERN_NONE },
	{ "10.1.2.3", "10.1.2.*", PATTERN_MATCH },
	{ "10.1.2.3", "10.1.?.3", PATTERN_MATCH },
	{ "10.1.2.3", "*,!10.1.2.?", PATTERN_NEGATED },
	{ "::1", "::1", PATTERN_MATCH },
	{ "::1", "::/0", PATTERN_MATCH },
	{ "::1", "0.0.0.0/0", PATTERN_NONE },
	{ "::ffff:127.0.0.2", "127.0.0.0/8", PATTERN_MATCH },
	{ "2001:db8:1:2::5", "2001:db8:1:2::/64", PATTERN_MATCH },
	{ "2001:db8:1:3::5", "2001:db8:1:2::/64", PATTERN_NONE },
};

static void
test_address_lists(void **state)
{
	struct acl_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(addrs); i++) {
		addr_of(addrs[i].addr, &a);
		if (pattern_address_list(&a, addrs[i].addr, addrs[i].list) !=
		    addrs[i].want)
			fail_msg("%s in \"%s\": want %d", addrs[i].addr,
			    addrs[i].list, addrs[i].want);
	}
}

static const struct {
	const char *list;
	int want;
} checks[] = {
	{ "10.0.0.0/8", 0 },
	{ "10.0.0.0/8,!10.1.0.0/16,::1", 0 },
	{ "10.*", 0 },
	{ "10.0.0.1/8", -1 }, /* host bits set */
	{ "10.0.0.0/33", -1 },
	{ "host.example", -1 }, /* no names: rexecd does no DNS */
	{ "10.0.0.0/8,", -1 },
	{ "!", -1 },
	{ "", -1 },
};

static void
test_address_check(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(checks); i++)
		if (pattern_address_check(checks[i].list) != checks[i].want)
			fail_msg("\"%s\": want %d", checks[i].list,
			    checks[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_address_lists),
		cmocka_unit_test(test_address_check),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
