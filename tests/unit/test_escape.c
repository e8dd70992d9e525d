/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_escape.c: table-driven unit tests for the escaper of network
 * text (src/escape.c), run with cmocka.  The ESCAPE_LOG rows pin the
 * exact form of the server's log lines (fail2ban's filters read them);
 * the ESCAPE_TERM rows the client's printed refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/escape.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *in;
	enum escape_style style;
	size_t size; /* of the buffer; 0: the style's usual size */
	const char *want;
};

static const struct row rows[] = {
	{ "alice", ESCAPE_LOG, 0, "alice" },
	{ "a\"b\\c", ESCAPE_LOG, 0, "a\\x22b\\x5cc" },
	{ "x\ny\x7f\xff", ESCAPE_LOG, 0, "x\\x0ay\\x7f\\xff" },
	{ "\x1b[31m", ESCAPE_LOG, 0, "\\x1b[31m" },
	{ "", ESCAPE_LOG, 0, "" },
	{ "abcdef", ESCAPE_LOG, 4, "abc" },
	{ "ab\ncd", ESCAPE_LOG, 6, "ab..." },
	{ "Login incorrect.", ESCAPE_TERM, 0, "Login incorrect." },
	{ "a\"b\\c", ESCAPE_TERM, 0, "a\"b\\c" },
	{ "x\ny\x7f\xff", ESCAPE_TERM, 0, "x\\012y\\177\\377" },
	{ "\x1b]0;owned\x07", ESCAPE_TERM, 0, "\\033]0;owned\\007" },
	{ "abcdef", ESCAPE_TERM, 4, "abc" },
};

static void
test_rows(void **state)
{
	char buf[1024];
	size_t i, size;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		size = rows[i].size != 0 ? rows[i].size : sizeof(buf);
		memset(buf, 'Z', sizeof(buf));
		assert_ptr_equal(escape_text(buf, size, rows[i].in,
				     rows[i].style),
		    buf);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu: \"%s\", not \"%s\"", i, buf,
			    rows[i].want);
	}
}

/* A log string is cut at ESCAPE_LOG_MAX characters, and says so. */
static void
test_log_cut(void **state)
{
	char in[ESCAPE_LOG_MAX + 2], out[ESCAPE_LOG_SIZE], want[200];

	(void)state;
	memset(in, 'u', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	memset(want, 'u', ESCAPE_LOG_MAX);
	memcpy(want + ESCAPE_LOG_MAX, "...", 4);
	assert_string_equal(escape_text(out, sizeof(out), in, ESCAPE_LOG),
	    want);
	in[ESCAPE_LOG_MAX] = '\0';
	want[ESCAPE_LOG_MAX] = '\0';
	assert_string_equal(escape_text(out, sizeof(out), in, ESCAPE_LOG),
	    want);
	/* the worst case fits the buffer the header promises */
	memset(in, '\n', sizeof(in) - 1);
	assert_int_equal(strlen(escape_text(out, sizeof(out), in, ESCAPE_LOG)),
	    ESCAPE_LOG_MAX * 4 + 3);
}

/* A zero-sized buffer is left alone. */
static void
test_empty_buffer(void **state)
{
	char c = 'Z';

	(void)state;
	assert_string_equal(escape_text(&c, 0, "abc", ESCAPE_TERM), "");
	assert_int_equal(c, 'Z');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_log_cut),
		cmocka_unit_test(test_empty_buffer),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
