/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_command.c: unit tests for the command's environment
 * (src/command.c), run with cmocka: which NAME=value entries from PAM
 * may reach the command (one row each), and the environment built from
 * the account and what PAM exported.
 */
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/command.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *entry;
	int allowed;
};

static const struct row rows[] = {
	{ "LANG=C.UTF-8", 1 },
	{ "TERM=dumb", 1 },
	{ "XDG_RUNTIME_DIR=/run/user/1000", 1 },
	{ "PATH=/opt/bin", 1 },
	{ "MAIL=/var/mail/u", 1 },
	{ "LDAP=x", 1 },	/* LD without the underscore */
	{ "BASH=x", 1 },	/* not BASH_ENV, not BASH_FUNC_ */
	{ "ENVIRONMENT=x", 1 }, /* ENV is a whole name */
	{ "IFSX=x", 1 },
	{ "EMPTY=", 1 },
	{ "LD_PRELOAD=/tmp/evil.so", 0 },
	{ "LD_LIBRARY_PATH=/tmp", 0 },
	{ "LD_=x", 0 },
	{ "BASH_FUNC_ls%%=() { :; }", 0 },
	{ "MALLOC_CHECK_=3", 0 },
	{ "BASH_ENV=/tmp/x", 0 },
	{ "BASHOPTS=x", 0 },
	{ "CDPATH=/", 0 },
	{ "ENV=/tmp/x", 0 },
	{ "GCONV_PATH=/tmp", 0 },
	{ "GETCONF_DIR=/tmp", 0 },
	{ "GLOBIGNORE=*", 0 },
	{ "HOSTALIASES=/tmp/h", 0 },
	{ "IFS= ", 0 },
	{ "LOCALDOMAIN=x", 0 },
	{ "LOCPATH=/tmp", 0 },
	{ "NIS_PATH=x", 0 },
	{ "NLSPATH=/tmp", 0 },
	{ "PS4=$(id)", 0 },
	{ "RESOLV_HOST_CONF=/tmp", 0 },
	{ "RES_OPTIONS=x", 0 },
	{ "SHELLOPTS=xtrace", 0 },
	{ "TZDIR=/tmp", 0 },
	{ "HOME=/tmp", 0 },
	{ "LOGNAME=root", 0 },
	{ "SHELL=/bin/evil", 0 },
	{ "USER=root", 0 },
	{ "NOEQUALS", 0 },
	{ "=value", 0 },
	{ "", 0 },
};

static void
test_row(void **state)
{
	const struct row *r = *state;

	assert_int_equal(command_env_allowed(r->entry), r->allowed);
}

static struct passwd pw = { .pw_name = (char *)(uintptr_t) "alice",
	.pw_dir = (char *)(uintptr_t) "/home/alice" };

/* Frees an environment and the PAM entries it did not take. */
static void
free_env(char **env, char **pam)
{
	size_t i, k;
	int taken;

	for (i = 0; pam[i] != NULL; i++) {
		for (taken = 0, k = 0; env[k] != NULL; k++)
			taken |= env[k] == pam[i];
		if (!taken)
			free(pam[i]);
	}
	for (k = 0; env[k] != NULL; k++)
		free(env[k]);
	free(env);
}

/* The account's five, then what PAM may pass, its PATH in place of ours. */
static void
test_env(void **state)
{
	char *pam[] = { strdup("LANG=C"), strdup("LD_PRELOAD=/x.so"),
		strdup("PATH=/opt/bin"), strdup("HOME=/tmp"), strdup("TZ=UTC"),
		NULL };
	static const char *const want[] = { "HOME=/home/alice",
		"SHELL=/bin/zsh", "USER=alice", "LOGNAME=alice",
		"PATH=/opt/bin", "LANG=C", "TZ=UTC" };
	char **env;
	size_t i;

	(void)state;
	env = command_env(&pw, "/bin/zsh", pam);
	assert_non_null(env);
	for (i = 0; i < nitems(want); i++)
		assert_string_equal(env[i], want[i]);
	assert_null(env[nitems(want)]);
	free_env(env, pam);
}

/* Without PAM variables: the account's five and the default PATH. */
static void
test_env_without_pam(void **state)
{
	char *pam[] = { NULL };
	char **env;

	(void)state;
	env = command_env(&pw, "/bin/sh", NULL);
	assert_non_null(env);
	assert_string_equal(env[0], "HOME=/home/alice");
	assert_string_equal(env[1], "SHELL=/bin/sh");
	assert_string_equal(env[4], "PATH=/usr/local/bin:/usr/bin:/bin");
	assert_null(env[5]);
	free_env(env, pam);
}

int
main(void)
{
	struct CMUnitTest tests[nitems(rows) + 2];
	static char names[nitems(rows)][80];
	size_t i, n = 0;

	for (i = 0; i < nitems(rows); i++) {
		(void)snprintf(names[i], sizeof(names[i]), "%s \"%s\"",
		    rows[i].allowed ? "passes" : "dropped", rows[i].entry);
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = names[i];
		tests[n].test_func = test_row;
		tests[n++].initial_state = (void *)(uintptr_t)&rows[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_env);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_env_without_pam);
	return _cmocka_run_group_tests("command", tests, n, NULL, NULL);
}
