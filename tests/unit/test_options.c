/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_options.c: table-driven unit tests for the server's option table
 * (src/options.c), run with cmocka.  Each row gives an option a value
 * and says what options_set() must answer and, when it takes the value,
 * what the option's field then holds.  Every row is one cmocka test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/options.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *name; /* option, without "--" */
	const char *arg;
	enum options_error want;
	long value; /* SECONDS: ms; COUNT: the count; PREFIX: v4 * 1000 + v6 */
};

static const struct row rows[] = {
	{ "login-grace-time", "30", OPTIONS_OK, 30000 },
	{ "login-grace-time", "1", OPTIONS_OK, 1000 },
	{ "login-grace-time", "1.5", OPTIONS_OK, 1500 },
	{ "login-grace-time", "3600", OPTIONS_OK, 3600000 },
	{ "login-grace-time", "0.999", OPTIONS_ESECONDS, 0 },
	{ "login-grace-time", "3601", OPTIONS_ESECONDS, 0 },
	{ "login-grace-time", "nan", OPTIONS_ESECONDS, 0 },
	{ "login-grace-time", "-5", OPTIONS_ESECONDS, 0 },
	{ "login-grace-time", "", OPTIONS_ESECONDS, 0 },
	{ "login-grace-time", "30s", OPTIONS_ESECONDS, 0 },
	{ "connect-timeout", "0.001", OPTIONS_OK, 1 },
	{ "connect-timeout", "600", OPTIONS_OK, 600000 },
	{ "connect-timeout", "0", OPTIONS_ESECONDS, 0 },
	{ "connect-timeout", "600.5", OPTIONS_ESECONDS, 0 },
	{ "fail-delay", "0", OPTIONS_OK, 0 },
	{ "fail-delay", "60", OPTIONS_OK, 60000 },
	{ "fail-delay", "61", OPTIONS_ESECONDS, 0 },
	{ "per-source-max", "0", OPTIONS_OK, 0 },
	{ "per-source-max", "007", OPTIONS_OK, 7 },
	{ "per-source-max", "1000000", OPTIONS_OK, 1000000 },
	{ "per-source-max", "1000001", OPTIONS_EVALUE, 0 },
	{ "per-source-max", "+5", OPTIONS_EVALUE, 0 },
	{ "per-source-max", " 5", OPTIONS_EVALUE, 0 },
	{ "per-source-max", "5 ", OPTIONS_EVALUE, 0 },
	{ "per-source-max", "0x10", OPTIONS_EVALUE, 0 },
	{ "per-source-max", "", OPTIONS_EVALUE, 0 },
	{ "per-source-max", "99999999999999999999", OPTIONS_EVALUE, 0 },
	{ "max-sessions", "1", OPTIONS_OK, 1 },
	{ "max-sessions", "100000", OPTIONS_OK, 100000 },
	{ "max-sessions", "0", OPTIONS_EVALUE, 0 },
	{ "max-sessions", "100001", OPTIONS_EVALUE, 0 },
	{ "max-startups", "10:30:100", OPTIONS_OK, 0 },
	{ "max-startups", "7", OPTIONS_OK, 0 },
	{ "max-startups", "0", OPTIONS_EVALUE, 0 },
	{ "max-startups", "10:101:100", OPTIONS_EVALUE, 0 },
	{ "max-startups", "10:30:5", OPTIONS_EVALUE, 0 },
	{ "max-startups", "10:30", OPTIONS_EVALUE, 0 },
	{ "penalty", "off", OPTIONS_OK, 0 },
	{ "penalty", "authfail:3,table:10", OPTIONS_OK, 0 },
	{ "penalty", "min:700,max:600", OPTIONS_EVALUE, 0 },
	{ "penalty", "table:0", OPTIONS_EVALUE, 0 },
	{ "penalty", "bogus:1", OPTIONS_EVALUE, 0 },
	{ "penalty", "authfail", OPTIONS_EVALUE, 0 },
	{ "allow", "10.0.0.0/8", OPTIONS_OK, 0 },
	{ "allow", "::/0", OPTIONS_OK, 0 },
	{ "allow", "10.1.2.3/8", OPTIONS_EVALUE, 0 },
	{ "allow", "10.0.0.0/08", OPTIONS_EVALUE, 0 },
	{ "deny", "1.2.3.4/33", OPTIONS_EVALUE, 0 },
	{ "penalty-exempt", "192.0.2.0/24", OPTIONS_OK, 0 },
	{ "penalty-exempt", "example.org", OPTIONS_EVALUE, 0 },
	{ "pam-service", "other", OPTIONS_OK, 0 },
	{ "listen", "127.0.0.1:5120", OPTIONS_OK, 0 },
	{ "listen", "[::1]:65535", OPTIONS_OK, 0 },
	{ "listen", ":0", OPTIONS_OK, 0 },
	{ "keepalive", "0", OPTIONS_OK, 0 },
	{ "keepalive", "60", OPTIONS_OK, 60 },
	{ "keepalive", "32767", OPTIONS_OK, 32767 },
	{ "keepalive", "32768", OPTIONS_EVALUE, 0 },
	{ "keepalive", "1.5", OPTIONS_EVALUE, 0 },
	{ "max-password-length", "64", OPTIONS_OK, 64 },
	{ "max-password-length", "511", OPTIONS_OK, 511 },
	{ "max-password-length", "512", OPTIONS_EVALUE, 0 },
	{ "max-password-length", "0", OPTIONS_EVALUE, 0 },
	{ "source-prefix", "24:64", OPTIONS_OK, 24 * 1000 + 64 },
	{ "source-prefix", "0:0", OPTIONS_OK, 0 },
	{ "source-prefix", "33:64", OPTIONS_EVALUE, 0 },
	{ "source-prefix", "24:129", OPTIONS_EVALUE, 0 },
	{ "source-prefix", "24", OPTIONS_EVALUE, 0 },
	{ "debug", NULL, OPTIONS_OK, 0 },
	{ "allow-root", NULL, OPTIONS_OK, 0 },
	{ "allow-low-ports", NULL, OPTIONS_OK, 0 },
};

static struct CMUnitTest tests[nitems(rows) + 3];
static char names[nitems(rows)][96];

static const struct options_def *
find(const char *name)
{
	size_t i;

	for (i = 0; i < options_count; i++)
		if (strcmp(options_table[i].name, name) == 0)
			return &options_table[i];
	fail_msg("no option --%s", name);
	return NULL;
}

/* Frees what the address rules of o hold. */
static void
release(struct options *o)
{
	free(o->allow.rule);
	free(o->deny.rule);
	free(o->penalty.exempt.rule);
}

/* Gives one option one value; checks the answer and the field. */
static void
test_row(void **state)
{
	const struct row *r = *state;
	const struct options_def *d = find(r->name);
	struct options o, before;
	const char *p;

	options_defaults(&o);
	options_defaults(&before);
	assert_int_equal(options_set(&o, d, r->arg), r->want);
	release(&o);
	p = (const char *)&o + d->field;
	if (r->want != OPTIONS_OK) {
		/* a refused value leaves the field as it was */
		if (d->unit == OPTIONS_SECONDS)
			assert_memory_equal(p, (const char *)&before + d->field,
			    sizeof(long));
		if (d->unit == OPTIONS_COUNT)
			assert_memory_equal(p, (const char *)&before + d->field,
			    sizeof(unsigned int));
		return;
	}
	switch (d->unit) {
	case OPTIONS_SECONDS:
		assert_int_equal(*(const long *)(const void *)p, r->value);
		break;
	case OPTIONS_COUNT:
		assert_int_equal(*(const unsigned int *)(const void *)p,
		    r->value);
		break;
	case OPTIONS_FLAG:
		assert_int_equal(*(const int *)(const void *)p, 1);
		break;
	case OPTIONS_STRING:
		assert_ptr_equal(*(const char *const *)(const void *)p, r->arg);
		break;
	case OPTIONS_CIDR:
		assert_int_equal(((const struct acl *)(const void *)p)->n, 1);
		break;
	case OPTIONS_LISTEN:
		assert_int_equal(o.nlisten, 1);
		assert_ptr_equal(o.listen[0], r->arg);
		break;
	case OPTIONS_PREFIX:
		assert_int_equal(o.source_v4 * 1000 + o.source_v6, r->value);
		break;
	case OPTIONS_STARTUPS:
	case OPTIONS_PENALTY:
		break; /* their parsers have tests of their own */
	}
}

/* Names and letters are unique; ranges are ranges. */
static void
test_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < options_count; i++) {
		assert_true(options_table[i].min <= options_table[i].max);
		for (j = i + 1; j < options_count; j++) {
			assert_string_not_equal(options_table[i].name,
			    options_table[j].name);
			if (options_table[i].letter != 0)
				assert_int_not_equal(options_table[i].letter,
				    options_table[j].letter);
		}
	}
}

/* The defaults the man page documents. */
static void
test_defaults(void **state)
{
	struct options o;

	(void)state;
	options_defaults(&o);
	assert_string_equal(o.pam_service, "rexec");
	assert_int_equal(o.grace_ms, 30000);
	assert_int_equal(o.connect_ms, 5000);
	assert_int_equal(o.fail_delay_ms, 2000);
	assert_int_equal(o.limits.per_source, 32);
	assert_int_equal(o.limits.sessions, 1024);
	assert_int_equal(o.nlisten, 0);
	assert_int_equal(o.keepalive_s, 60);
	assert_int_equal(o.max_pass, 16);
	assert_int_equal(o.source_v4, 32);
	assert_int_equal(o.source_v6, 128);
}

/* -l up to OPTIONS_MAX_LISTEN times, then "too many". */
static void
test_listen_max(void **state)
{
	const struct options_def *d = find("listen");
	struct options o;
	int i;

	(void)state;
	options_defaults(&o);
	for (i = 0; i < OPTIONS_MAX_LISTEN; i++)
		assert_int_equal(options_set(&o, d, ":512"), OPTIONS_OK);
	assert_int_equal(options_set(&o, d, ":512"), OPTIONS_ETOOMANY);
	assert_int_equal(o.nlisten, OPTIONS_MAX_LISTEN);
}

int
main(void)
{
	size_t i, n = 0;

	for (i = 0; i < nitems(rows); i++) {
		(void)snprintf(names[i], sizeof(names[i]), "--%s %s",
		    rows[i].name, rows[i].arg != NULL ? rows[i].arg : "");
		tests[n].name = names[i];
		tests[n].test_func = test_row;
		tests[n++].initial_state = (void *)(uintptr_t)&rows[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_table);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_defaults);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_listen_max);
	return _cmocka_run_group_tests("options", tests, n, NULL, NULL);
}
