/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cli_netrc.c: table-driven unit tests for rexec's ~/.netrc reader
 * (src/cli_netrc.c), run with cmocka.  Each row is a file's text, the
 * host and user asked for, and the entry that must be found (or none);
 * the file is written for real, mode 0600, and read by cli_netrc_find().
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/cli.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *name;
	const char *text;
	const char *host, *user;
	int found;
	const char *login, *pass; /* NULL: the entry has none */
};

static const struct row rows[] = {
	{ "machine with login and password",
	    "machine h1 login alice password s3cret\n", "h1", NULL, 1, "alice",
	    "s3cret" },
	{ "host names match without case", "machine H1.Example login a\n",
	    "h1.example", NULL, 1, "a", NULL },
	{ "another machine is no entry", "machine h2 login bob\n", "h1", NULL,
	    0, NULL, NULL },
	{ "default after the machines",
	    "machine h2 login bob\ndefault login anon password x\n", "h1", NULL,
	    1, "anon", "x" },
	{ "an earlier default applies (first entry wins)",
	    "default login anon\nmachine h1 login alice\n", "h1", NULL, 1,
	    "anon", NULL },
	{ "first matching machine",
	    "machine h1 login a password 1\nmachine h1 login b password 2\n",
	    "h1", NULL, 1, "a", "1" },
	{ "-l picks the entry with that login",
	    "machine h1 login a password 1\nmachine h1 login b password 2\n",
	    "h1", "b", 1, "b", "2" },
	{ "-l and no entry with that login", "machine h1 login a password 1\n",
	    "h1", "c", 0, NULL, NULL },
	{ "-l and an entry without a login", "machine h1 password 1\n", "h1",
	    "c", 1, "", "1" },
	{ "quoted tokens with escapes",
	    "machine h1 login \"al ice\" password \"p\\\"w d\"\n", "h1", NULL,
	    1, "al ice", "p\"w d" },
	{ "account is read and ignored",
	    "machine h1 account acct login a password p\n", "h1", NULL, 1, "a",
	    "p" },
	{ "macdef skipped to the empty line",
	    "macdef init\nmachine h1 login evil\n\nmachine h1 login good\n",
	    "h1", NULL, 1, "good", NULL },
	{ "unknown words ignored", "machine h1 port 21 login a\n", "h1", NULL,
	    1, "a", NULL },
	{ "tabs and CRLF", "machine\th1\r\nlogin\ta\r\npassword\tp\r\n", "h1",
	    NULL, 1, "a", "p" },
	{ "empty file", "", "h1", NULL, 0, NULL, NULL },
	{ "machine without a name", "machine", "h1", NULL, 0, NULL, NULL },
};

static char path[64];

/* Writes text to a new file of mode 0600; returns its name. */
static const char *
write_file(const char *text, mode_t mode)
{
	int fd;

	(void)snprintf(path, sizeof(path), "/tmp/test_netrc.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void
test_row(void **state)
{
	const struct row *r = *state;
	struct cli_netrc n;
	int rc;

	rc = cli_netrc_find(write_file(r->text, 0600), r->host, r->user, &n);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(n.found, r->found);
	assert_null(n.insecure);
	if (!r->found)
		return;
	assert_int_equal(n.has_login, r->login != NULL && r->login[0]);
	assert_string_equal(n.login, r->login != NULL ? r->login : "");
	assert_int_equal(n.has_pass, r->pass != NULL);
	assert_string_equal(n.pass, r->pass != NULL ? r->pass : "");
}

/* A file others may read is found, and said to be unsafe. */
static void
test_open_file(void **state)
{
	struct cli_netrc n;

	(void)state;
	assert_int_equal(cli_netrc_find(write_file("machine h login a "
						   "password p\n",
					    0644),
			     "h", NULL, &n),
	    0);
	unlink(path);
	assert_int_equal(n.found, 1);
	assert_non_null(n.insecure);
	assert_non_null(strstr(n.insecure, "group or others"));
}

/* Why a file's status forbids a password, or NULL. */
static void
test_unsafe(void **state)
{
	struct stat st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_uid = getuid();
	st.st_mode = S_IFREG | 0600;
	assert_null(cli_netrc_unsafe(&st));
	st.st_mode = S_IFREG | 0400;
	assert_null(cli_netrc_unsafe(&st));
	st.st_mode = S_IFREG | 0640;
	assert_non_null(cli_netrc_unsafe(&st));
	st.st_mode = S_IFREG | 0602;
	assert_non_null(cli_netrc_unsafe(&st));
	st.st_mode = S_IFDIR | 0700;
	assert_string_equal(cli_netrc_unsafe(&st), "not a regular file");
	st.st_mode = S_IFREG | 0600;
	st.st_uid = getuid() + 1;
	assert_string_equal(cli_netrc_unsafe(&st), "not owned by you");
}

/* No file is no entry; a token too long is an error. */
static void
test_missing_and_too_long(void **state)
{
	char text[CLI_PASS_BUF + 64];
	struct cli_netrc n;

	(void)state;
	assert_int_equal(cli_netrc_find("/nonexistent/netrc", "h", NULL, &n),
	    0);
	assert_int_equal(n.found, 0);
	memcpy(text, "machine h password ", 19);
	memset(text + 19, 'x', CLI_PASS_BUF);
	text[19 + CLI_PASS_BUF] = '\0';
	assert_int_equal(cli_netrc_find(write_file(text, 0600), "h", NULL, &n),
	    -1);
	unlink(path);
}

int
main(void)
{
	struct CMUnitTest tests[nitems(rows) + 3];
	size_t i, n = 0;

	for (i = 0; i < nitems(rows); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = rows[i].name;
		tests[n].test_func = test_row;
		tests[n++].initial_state = (void *)(uintptr_t)&rows[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_open_file);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_unsafe);
	tests[n++] =
	    (struct CMUnitTest)cmocka_unit_test(test_missing_and_too_long);
	return _cmocka_run_group_tests("cli_netrc", tests, n, NULL, NULL);
}
