/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cloexec.c: unit tests for src/cloexec.c, run with cmocka: after
 * cloexec_from(3) every descriptor from 3 up is close-on-exec and 0, 1
 * and 2 are not.  Built twice: with the close_range system call, and
 * without it (CLOEXEC_NO_CLOSE_RANGE), so the /proc/self/fd way that
 * kernels before 5.11 take is tested too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/cloexec.h"

#define N 40

static void
test_marks_from_3(void **state)
{
	int fd[N], i, high;

	(void)state;
	for (i = 0; i < N; i++) {
		/* NOLINTNEXTLINE: left inheritable on purpose */
		fd[i] = open("/dev/null", O_RDONLY);
		assert_true(fd[i] >= 3);
		assert_int_equal(fcntl(fd[i], F_GETFD), 0);
	}
	high = dup2(fd[0], 900); /* far above the others */
	assert_int_equal(high, 900);
	assert_int_equal(fcntl(0, F_SETFD, 0), 0);
	cloexec_from(3);
	for (i = 0; i < N; i++)
		assert_int_equal(fcntl(fd[i], F_GETFD), FD_CLOEXEC);
	assert_int_equal(fcntl(high, F_GETFD), FD_CLOEXEC);
	for (i = 0; i < 3; i++)
		assert_int_equal(fcntl(i, F_GETFD), 0);
	for (i = 0; i < N; i++)
		close(fd[i]);
	close(high);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks_from_3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
