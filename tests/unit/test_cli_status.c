/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cli_status.c: table-driven unit tests for rexec -S, the filter
 * that takes the remote exit status out of the stderr stream
 * (src/cli_status.c), run with cmocka.  Each row is a stream with "@"
 * where the trailer's marker (with this run's token) goes; it is fed
 * whole, a byte at a time and split at every point, and each way must
 * pass on exactly the row's output and find exactly its status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/cli.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#define BUF 1024

struct row {
	const char *name;
	const char *in;	 /* "@" stands for the marker */
	const char *out; /* "@" stands for the marker */
	int code;	 /* the status found, or -1 */
};

static const struct row rows[] = {
	{ "status 0", "@0\n", "", 0 },
	{ "status 255", "@255\n", "", 255 },
	{ "output around", "err\n@7\nmore", "err\nmore", 7 },
	{ "over 255 is not a status", "@256\n", "@256\n", -1 },
	{ "four digits", "@1000\n", "@1000\n", -1 },
	{ "no digits", "@\n", "@\n", -1 },
	{ "no newline at the end", "@12", "@12", -1 },
	{ "not a digit", "@1x\n", "@1x\n", -1 },
	{ "marker cut short", "\036rexec-exit:", "\036rexec-exit:", -1 },
	{ "wrong token", "\036rexec-exit:00 1\n", "\036rexec-exit:00 1\n", -1 },
	{ "restarts inside", "\036\036rexec@3\n", "\036\036rexec", 3 },
	{ "a false start, then the trailer", "\036re@4\n", "\036re", 4 },
	{ "only the first trailer", "@1\n@2\n", "@2\n", 1 },
	{ "plain text", "hello\n", "hello\n", -1 },
	{ "", "", "", -1 },
};

static struct cli_status st;

/* s with every "@" replaced by the marker. */
static size_t
expand(const char *s, unsigned char *buf)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '@') {
			memcpy(buf + n, st.marker, st.mlen);
			n += st.mlen;
		} else
			buf[n++] = (unsigned char)*s;
	}
	return n;
}

/* Feeds in, cut into pieces of at most step bytes and at cut. */
static size_t
feed(const unsigned char *in, size_t len, size_t step, size_t cut,
    unsigned char *out)
{
	size_t off = 0, n = 0, k;

	while (off < len) {
		k = len - off < step ? len - off : step;
		if (off < cut && off + k > cut)
			k = cut - off;
		n += cli_status_filter(&st, in + off, k, out + n);
		off += k;
	}
	return n + cli_status_flush(&st, out + n);
}

static void
test_row(void **state)
{
	const struct row *r = *state;
	unsigned char in[BUF], want[BUF], out[BUF + CLI_STATUS_HOLD];
	size_t inlen, wantlen, n, cut, way;
	struct cli_status fresh;

	assert_int_equal(cli_status_init(&st), 0);
	fresh = st;
	inlen = expand(r->in, in);
	wantlen = expand(r->out, want);
	for (way = 0; way < 2; way++) {
		for (cut = 0; cut <= inlen; cut++) {
			st = fresh;
			n = feed(in, inlen, way == 0 ? BUF : 1, cut, out);
			assert_int_equal(n, wantlen);
			assert_memory_equal(out, want, n);
			assert_int_equal(st.code, r->code);
		}
	}
}

/* The token is 32 hex digits, new for every run. */
static void
test_token(void **state)
{
	struct cli_status a, b;
	size_t i, pre = strlen("\036rexec-exit:");

	(void)state;
	assert_int_equal(cli_status_init(&a), 0);
	assert_int_equal(cli_status_init(&b), 0);
	assert_int_equal(a.mlen, pre + CLI_STATUS_TOKEN + 1);
	assert_memory_equal(a.marker, "\036rexec-exit:", pre);
	for (i = pre; i < pre + CLI_STATUS_TOKEN; i++)
		assert_non_null(strchr("0123456789abcdef", a.marker[i]));
	assert_int_equal(a.marker[a.mlen - 1], ' ');
	assert_memory_not_equal(a.marker, b.marker, a.mlen);
	assert_int_equal(a.code, -1);
}

/* The wrapper runs the command in a subshell and prints the trailer. */
static void
test_wrap(void **state)
{
	char want[256], *w;

	(void)state;
	assert_int_equal(cli_status_init(&st), 0);
	(void)snprintf(want, sizeof(want),
	    "( echo hi\n) ; printf "
	    "'\\036rexec-exit:%%s %%d\\n' %.*s \"$?\" >&2",
	    CLI_STATUS_TOKEN, st.marker + strlen("\036rexec-exit:"));
	w = cli_status_wrap(&st, "echo hi");
	assert_non_null(w);
	assert_string_equal(w, want);
	/* the command text never holds the marker itself */
	assert_null(strstr(w, st.marker));
	free(w);
}

int
main(void)
{
	struct CMUnitTest tests[nitems(rows) + 2];
	size_t i, n = 0;

	for (i = 0; i < nitems(rows); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name =
		    rows[i].name[0] != '\0' ? rows[i].name : "empty stream";
		tests[n].test_func = test_row;
		tests[n++].initial_state = (void *)(uintptr_t)&rows[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_token);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_wrap);
	return _cmocka_run_group_tests("cli_status", tests, n, NULL, NULL);
}
