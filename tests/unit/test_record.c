/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_record.c: the session record's text (src/record.c) and the
 * journal's datagram encoding (src/journal.c), byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/journal.h"
#include "../../src/record.h"

static void
test_journal_encoding(void **state)
{
	static const struct journal_field f[] = {
		{ "MESSAGE", "hello" },
		{ "REXECD_COMMAND", "a\nb" },
		{ "EMPTY", "" },
	};
	static const char want[] = "MESSAGE=hello\n"
				   "REXECD_COMMAND\n\x03\0\0\0\0\0\0\0a\nb\n"
				   "EMPTY=\n";
	char buf[128];

	(void)state;
	assert_int_equal(journal_encode(buf, sizeof(buf), f, 3),
	    sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	/* too small: nothing, not a truncated entry */
	assert_int_equal(journal_encode(buf, 20, f, 3), 0);
}

static void
test_record_text(void **state)
{
	struct timespec now = { 105, 250000000 };
	struct record r = {
		.event = "end",
		.user = "alice",
		.uid = 1001,
		.host = "127.0.0.1",
		.port = 40000,
		.cmd = "echo \"hi\"\\\x01",
		.start = { 1764734101, 123000000 },
		.start_mono = { 100, 0 },
		.status = 3 << 8,
		.io = { 10, 20, 1 },
		.err = { 0, 5, 1 },
	};
	char buf[1024];

	(void)state;
	(void)record_format(buf, sizeof(buf), &r, &now);
	assert_string_equal(buf,
	    "session-record event=end user=\"alice\" "
	    "uid=1001 from=127.0.0.1 port=40000 "
	    "command=\"echo \\x22hi\\x22\\x5c\\x01\" "
	    "start=2025-12-03T03:55:01.123Z duration=5.250 exit=3 in=10 "
	    "out=20 channels=2 err_in=0 err_out=5");
	r.status = 9; /* killed */
	r.err.valid = 0;
	(void)record_format(buf, sizeof(buf), &r, &now);
	assert_non_null(strstr(buf, " signal=9 in=10 out=20 channels=1"));
	assert_null(strstr(buf, "err_"));
	r.event = "refused";
	r.uid = -1;
	r.reason = "user listed in DenyUsers";
	(void)record_format(buf, sizeof(buf), &r, &now);
	assert_non_null(strstr(buf,
	    "session-record event=refused "
	    "user=\"alice\" from=127.0.0.1 port=40000 "));
	assert_non_null(strstr(buf,
	    " duration=5.250 "
	    "reason=\"user listed in DenyUsers\""));
	assert_null(strstr(buf, "exit="));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_encoding),
		cmocka_unit_test(test_record_text),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
