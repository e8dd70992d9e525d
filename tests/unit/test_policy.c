/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_policy.c: table-driven unit tests for the per-session rules
 * (src/policy.c): PermitCommand with the exit-status echoes of pdsh and
 * ClusterShell, and AllowUsers/DenyUsers/AllowGroups/DenyGroups with
 * user@address.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/config.h"
#include "../../src/policy.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static int
no_options(void *arg, const char *kw, const char *val, unsigned int lineno,
    char *err, size_t len)
{
	(void)arg, (void)kw, (void)val, (void)lineno, (void)err, (void)len;
	return -2;
}

/* Parses text (kept in a static buffer's copy) into c. */
static void
parse(struct config *c, const char *text)
{
	char err[CONFIG_ERR_MAX];

	memset(c, 0, sizeof(*c));
	c->path = "test";
	assert_non_null(c->buf = strdup(text));
	if (config_parse(c, no_options, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static const struct {
	const char *cmd;
	int want;
} commands[] = {
	{ "uptime", 1 },
	{ "uptime ", 0 },
	{ "uptime;echo XXRETCODE:$?", 1 },    /* pdsh */
	{ "uptime ; echo XXRETCODE: $?", 1 }, /* clush */
	{ "uptime  \t; echo XXRETCODE: $?", 1 },
	{ "uptime; echo XXRETCODE: $?", 1 },
	{ ";echo XXRETCODE:$?", 0 }, /* the echo alone */
	{ "id;echo XXRETCODE:$?", 0 },
	{ "uptime;echo XXRETCODE:$?;echo XXRETCODE:$?", 0 },
	{ "uptime ; echo XXRETCODE: $? ", 0 }, /* not at the end */
	{ "uptime;echo XXRETCODE:$?; id", 0 },
	{ "ls -l /tmp", 1 },
	{ "ls -l /tmp; id", 1 }, /* `*` takes anything: the admin's call */
	{ "lsx", 0 },
	{ "echo \"a b\"", 1 },
	{ "", 0 },
};

static void
test_permit_command(void **state)
{
	struct config_session s;
	struct config_who w = { "alice", NULL, 0, NULL, "" };
	struct config c;
	char buf[128];
	size_t i;

	(void)state;
	parse(&c,
	    "PermitCommand uptime \"ls *\"\n"
	    "PermitCommand \"echo \\\"a b\\\"\"\n");
	config_resolve(&c, &w, &s);
	for (i = 0; i < nitems(commands); i++) {
		(void)snprintf(buf, sizeof(buf), "%s", commands[i].cmd);
		if (policy_command(&c, &s, buf) != commands[i].want)
			fail_msg("\"%s\": want %d", commands[i].cmd,
			    commands[i].want);
		assert_string_equal(buf, commands[i].cmd); /* restored */
	}
	config_free(&c);
	/* No PermitCommand: everything runs. */
	parse(&c, "MaxSessionTime 5\n");
	config_resolve(&c, &w, &s);
	(void)snprintf(buf, sizeof(buf), "anything; at all");
	assert_int_equal(policy_command(&c, &s, buf), 1);
	config_free(&c);
}

static const char login_file[] = "DenyUsers mallory eve@10.0.0.0/8,192.0.2.1\n"
				 "AllowUsers alice bob@127.0.0.0/8 eve c?rol\n"
				 "DenyGroups banned\n"
				 "Match Address 192.0.2.0/24\n"
				 "  AllowGroups op*\n";

static const struct {
	const char *user, *group, *addr, *why;
} logins[] = {
	{ "alice", "users", "127.0.0.1", NULL },
	{ "bob", "users", "127.0.0.1", NULL },
	{ "bob", "users", "10.0.0.1", "user not listed in AllowUsers" },
	{ "mallory", "users", "127.0.0.1", "user listed in DenyUsers" },
	{ "eve", "users", "127.0.0.1", NULL },
	{ "eve", "users", "10.1.2.3", "user listed in DenyUsers" },
	{ "eve", "users", "192.0.2.1", "user listed in DenyUsers" },
	{ "carol", "users", "127.0.0.1", NULL },
	{ "zed", "users", "127.0.0.1", "user not listed in AllowUsers" },
	{ "alice", "banned", "127.0.0.1",
	    "group \"banned\" listed in DenyGroups" },
	{ "alice", "users", "192.0.2.7", "no group listed in AllowGroups" },
	{ "alice", "operators", "192.0.2.7", NULL },
};

static void
test_login(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct config_session s;
	struct config_who w;
	struct acl_addr a;
	struct config c;
	const char *groups[1], *why;
	size_t i;

	(void)state;
	parse(&c, login_file);
	for (i = 0; i < nitems(logins); i++) {
		assert_int_equal(inet_pton(AF_INET, logins[i].addr,
				     &sin.sin_addr),
		    1);
		assert_int_equal(acl_addr_from(&a, (struct sockaddr *)&sin), 0);
		groups[0] = logins[i].group;
		w = (struct config_who){ logins[i].user, groups, 1, &a,
			logins[i].addr };
		config_resolve(&c, &w, &s);
		why = policy_login(&c, &s, &w);
		if ((why == NULL) != (logins[i].why == NULL) ||
		    (why != NULL && strcmp(why, logins[i].why) != 0))
			fail_msg("%s/%s@%s: [%s], want [%s]", logins[i].user,
			    logins[i].group, logins[i].addr, why ? why : "ok",
			    logins[i].why ? logins[i].why : "ok");
	}
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permit_command),
		cmocka_unit_test(test_login),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
