/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_acl.c: table-driven unit tests for the address rules and source
 * keys (src/acl.c), run with cmocka: the CIDR parser, the matcher
 * (IPv4, IPv6, v4-mapped IPv6 as IPv4), --allow/--deny precedence,
 * scoped rules, and the per-source keys under --source-prefix.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/acl.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* A socket address for a numeric IPv4 or IPv6 address. */
static void
sockaddr_of(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, s, &s6->sin6_addr), 1);
	s6->sin6_family = AF_INET6;
}

static void
addr_of(const char *s, struct acl_addr *a)
{
	struct sockaddr_storage ss;

	sockaddr_of(s, &ss);
	assert_int_equal(acl_addr_from(a, (struct sockaddr *)&ss), 0);
}

/* Rules that parse, and what they parse to. */
static const struct {
	const char *in;
	int v4;
	unsigned int bits;
} good[] = {
	{ "10.0.0.0/8", 1, 8 },
	{ "1.2.3.4", 1, 32 },
	{ "1.2.3.4/32", 1, 32 },
	{ "0.0.0.0/0", 1, 0 },
	{ "192.168.1.128/25", 1, 25 },
	{ "::1", 0, 128 },
	{ "::/0", 0, 0 },
	{ "2001:db8::/32", 0, 32 },
	{ "fe80::/10", 0, 10 },
	{ "::ffff:10.0.0.0/104", 1, 8 },
	{ "::ffff:192.0.2.7", 1, 32 },
	{ "::ffff:0.0.0.0/96", 1, 0 },
};

/* Rules that must be refused. */
static const char *const bad[] = {
	"",
	"/8",
	"10.1.2.3/8",
	"1.2.3.4/33",
	"::1/129",
	"::ffff:1.2.3.4/95",
	"example.com",
	"1.2.3.4/",
	"1.2.3.4/08",
	"1.2.3",
	"1.2.3.4/-1",
	"1.2.3.4/ 8",
	"1.2.3.4/8/8",
	"[::1]",
	"::1/1280",
	"1.2.3.4 ",
	"2001:db8::1/64",
	"1.2.3.4/0x8",
	"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb/128",
};

static void
test_parse_good(void **state)
{
	struct acl_rule r;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good); i++) {
		assert_int_equal(acl_parse(good[i].in, &r), 0);
		if (r.net.v4 != good[i].v4 || r.bits != good[i].bits)
			fail_msg("%s: v4 %d bits %u", good[i].in, r.net.v4,
			    r.bits);
	}
}

static void
test_parse_bad(void **state)
{
	struct acl_rule r;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++)
		if (acl_parse(bad[i], &r) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
}

/* Rule, client address, whether the rule covers it. */
static const struct {
	const char *rule, *addr;
	int match;
} matches[] = {
	{ "10.0.0.0/8", "10.1.2.3", 1 },
	{ "10.0.0.0/8", "11.0.0.0", 0 },
	{ "10.0.0.0/8", "9.255.255.255", 0 },
	{ "10.0.0.0/8", "::ffff:10.9.9.9", 1 }, /* dual-stack socket */
	{ "::ffff:10.0.0.0/104", "10.2.3.4", 1 },
	{ "::ffff:10.0.0.0/104", "::ffff:10.2.3.4", 1 },
	{ "0.0.0.0/0", "203.0.113.9", 1 },
	{ "0.0.0.0/0", "::1", 0 }, /* IPv4 rules: IPv4 only */
	{ "::/0", "2001:db8::1", 1 },
	{ "::/0", "1.2.3.4", 0 },	 /* IPv6 rules: IPv6 only */
	{ "::/0", "::ffff:1.2.3.4", 0 }, /* v4-mapped is IPv4 */
	{ "2001:db8::/32", "2001:db8:ffff::1", 1 },
	{ "2001:db8::/33", "2001:db8:8000::1", 0 },
	{ "2001:db8::/33", "2001:db8:7fff::1", 1 },
	{ "192.168.1.128/25", "192.168.1.200", 1 },
	{ "192.168.1.128/25", "192.168.1.127", 0 },
	{ "fe80::/10", "febf::1", 1 },
	{ "fe80::/10", "fec0::1", 0 },
	{ "1.2.3.4", "1.2.3.4", 1 },
	{ "1.2.3.4", "1.2.3.5", 0 },
	{ "::1", "::1", 1 },
	{ "::1", "::2", 0 },
	{ "127.0.0.8/30", "127.0.0.11", 1 },
	{ "127.0.0.8/30", "127.0.0.12", 0 },
};

static void
test_match(void **state)
{
	struct acl_rule r;
	struct acl_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(matches); i++) {
		assert_int_equal(acl_parse(matches[i].rule, &r), 0);
		addr_of(matches[i].addr, &a);
		if (acl_rule_match(&r, &a) != matches[i].match)
			fail_msg("%s vs %s: expected %d", matches[i].rule,
			    matches[i].addr, matches[i].match);
	}
}

static void
test_allow_and_deny(void **state)
{
	struct acl allow = { NULL, 0 }, deny = { NULL, 0 };
	struct acl_addr a, b, c;

	(void)state;
	addr_of("192.0.2.7", &a);
	addr_of("192.0.2.8", &b);
	addr_of("198.51.100.1", &c);
	assert_true(acl_permits(&allow, &deny, &a)); /* no rules: all */
	assert_int_equal(acl_add(&deny, "192.0.2.8"), 0);
	assert_true(acl_permits(&allow, &deny, &a));
	assert_false(acl_permits(&allow, &deny, &b));
	assert_int_equal(acl_add(&allow, "192.0.2.0/24"), 0);
	assert_true(acl_permits(&allow, &deny, &a));
	assert_false(acl_permits(&allow, &deny, &b)); /* deny wins */
	assert_false(acl_permits(&allow, &deny, &c)); /* not allowed */
	assert_int_equal(acl_add(&allow, "bogus"), -1);
	assert_int_equal(allow.n, 1);
	free(allow.rule);
	free(deny.rule);
}

/*
 * Client address, source prefix (IPv4:IPv6), the key it is counted by,
 * as the log shows it.  Scoped (link-local) sources keep their scope:
 * fe80::1 on one link is not fe80::1 on another.
 */
static const struct {
	const char *addr;
	unsigned int v4, v6;
	const char *key;
} keys[] = {
	{ "192.0.2.7", 32, 128, "192.0.2.7" },
	{ "::ffff:192.0.2.7", 32, 128, "192.0.2.7" },
	{ "192.0.2.7", 24, 128, "192.0.2.0/24" },
	{ "::ffff:192.0.2.7", 24, 64, "192.0.2.0/24" },
	{ "192.0.2.7", 0, 128, "0.0.0.0/0" },
	{ "2001:db8:1:2:3:4:5:6", 32, 128, "2001:db8:1:2:3:4:5:6" },
	{ "2001:db8:1:2:3:4:5:6", 32, 64, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::ffff", 32, 64, "2001:db8:1:2::/64" },
	{ "2001:db8:1:2:3:4:5:6", 32, 56, "2001:db8:1::/56" },
	{ "2001:db8:1:2:3:4:5:6", 32, 0, "::/0" },
	{ "::1", 32, 128, "::1" },
	{ "::1", 32, 64, "::/64" },
	{ "fe80::1%1", 32, 128, "fe80::1%1" },
	{ "fe80::1%2", 32, 64, "fe80::%2/64" },
	{ "fe80::1", 32, 128, "fe80::1" },
};

/* A socket address with a scope: "ADDR%N" (N numeric). */
static void
scoped_addr_of(const char *s, struct acl_addr *a)
{
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	const char *pct = strchr(s, '%');

	if (pct == NULL) {
		addr_of(s, a);
		return;
	}
	memcpy(buf, s, (size_t)(pct - s));
	buf[pct - s] = '\0';
	sockaddr_of(buf, &ss);
	((struct sockaddr_in6 *)&ss)->sin6_scope_id =
	    (uint32_t)strtoul(pct + 1, NULL, 10);
	assert_int_equal(acl_addr_from(a, (struct sockaddr *)&ss), 0);
}

static void
test_source_keys(void **state)
{
	struct acl_addr a, k;
	char buf[ACL_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(keys); i++) {
		assert_int_equal(acl_source_prefix(keys[i].v4, keys[i].v6), 0);
		scoped_addr_of(keys[i].addr, &a);
		acl_source_key(&k, &a);
		assert_string_equal(acl_key_format(buf, sizeof(buf), &k),
		    keys[i].key);
	}
	assert_int_equal(acl_source_prefix(33, 128), -1);
	assert_int_equal(acl_source_prefix(32, 129), -1);
	assert_int_equal(acl_source_prefix(32, 128), 0);
}

/* Whether a and b, as sources under the prefix v4:v6, share a key. */
static int
same_source(unsigned int v4, unsigned int v6, const char *a, const char *b)
{
	struct acl_addr x, y, kx, ky;

	assert_int_equal(acl_source_prefix(v4, v6), 0);
	scoped_addr_of(a, &x);
	scoped_addr_of(b, &y);
	acl_source_key(&kx, &x);
	acl_source_key(&ky, &y);
	return memcmp(kx.a, ky.a, sizeof(kx.a)) == 0;
}

static void
test_source_grouping(void **state)
{
	(void)state;
	/* the default, 32:128: every address is a source of its own */
	assert_false(
	    same_source(32, 128, "2001:db8:1:2::1", "2001:db8:1:2:ffff::9"));
	assert_true(same_source(32, 128, "2001:db8:1:2::1", "2001:db8:1:2::1"));
	assert_false(same_source(32, 128, "192.0.2.1", "192.0.2.2"));
	/* 24:64: one /64 (one LAN) is one source, one /24 too */
	assert_true(
	    same_source(24, 64, "2001:db8:1:2::1", "2001:db8:1:2:ffff::9"));
	assert_false(same_source(24, 64, "2001:db8:1:2::1", "2001:db8:1:3::1"));
	assert_true(same_source(24, 64, "192.0.2.1", "192.0.2.254"));
	assert_false(same_source(24, 64, "192.0.2.1", "192.0.3.1"));
	/* IPv4 never shares a key with IPv6, even at /0 */
	assert_false(same_source(0, 0, "0.0.0.0", "::"));
	assert_true(same_source(32, 128, "192.0.2.7", "::ffff:192.0.2.7"));
	/* the same link-local address on two links: two sources */
	assert_false(same_source(32, 128, "fe80::1%1", "fe80::1%2"));
	assert_false(same_source(32, 64, "fe80::1%1", "fe80::2%2"));
	assert_true(same_source(32, 64, "fe80::1%1", "fe80::2%1"));
	assert_int_equal(acl_source_prefix(32, 128), 0);
}

/* Prefix options: what parses, into what. */
static void
test_prefix_option(void **state)
{
	unsigned int v4, v6;

	(void)state;
	assert_int_equal(acl_parse_prefix("32:128", &v4, &v6), 0);
	assert_true(v4 == 32 && v6 == 128);
	assert_int_equal(acl_parse_prefix("24:64", &v4, &v6), 0);
	assert_true(v4 == 24 && v6 == 64);
	assert_int_equal(acl_parse_prefix("0:0", &v4, &v6), 0);
	assert_true(v4 == 0 && v6 == 0);
	assert_int_equal(acl_parse_prefix("33:64", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("24:129", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("24", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("24:", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix(":64", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("24:64:1", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("+24:64", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("024:64", &v4, &v6), -1);
	assert_int_equal(acl_parse_prefix("24: 64", &v4, &v6), -1);
}

/* Scoped rules: fe80::/64%N, fe80::1%N; a scope only on link-local. */
static void
test_scoped_rules(void **state)
{
	struct acl_rule r;
	struct acl_addr a;

	(void)state;
	assert_int_equal(acl_parse("fe80::1%1", &r), 0);
	assert_int_equal(r.bits, 128);
	scoped_addr_of("fe80::1%1", &a);
	assert_true(acl_rule_match(&r, &a));
	scoped_addr_of("fe80::1%2", &a);
	assert_false(acl_rule_match(&r, &a));
	assert_int_equal(acl_parse("fe80::%2/64", &r), 0);
	scoped_addr_of("fe80::9%2", &a);
	assert_true(acl_rule_match(&r, &a));
	scoped_addr_of("fe80::9%1", &a);
	assert_false(acl_rule_match(&r, &a));
	/* without a scope a rule covers every link */
	assert_int_equal(acl_parse("fe80::/10", &r), 0);
	scoped_addr_of("fe80::9%7", &a);
	assert_true(acl_rule_match(&r, &a));
	assert_int_equal(acl_parse("fe80::1%lo", &r), 0);
	assert_int_equal(acl_parse("2001:db8::1%1", &r), -1);
	assert_int_equal(acl_parse("192.0.2.1%1", &r), -1);
	assert_int_equal(acl_parse("fe80::1%", &r), -1);
	assert_int_equal(acl_parse("fe80::1%nosuchif0", &r), -1);
	assert_int_equal(acl_parse("fe80::1/64%1", &r), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_allow_and_deny),
		cmocka_unit_test(test_source_keys),
		cmocka_unit_test(test_source_grouping),
		cmocka_unit_test(test_prefix_option),
		cmocka_unit_test(test_scoped_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
