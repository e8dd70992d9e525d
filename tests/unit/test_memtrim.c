/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_memtrim.c: unit tests for src/memtrim.c, run with cmocka: the
 * stack pages a deep call left dirty are no longer resident afterwards,
 * what lives in the caller's frame and on the heap is untouched, and
 * the caller's frame stays resident and intact when nothing below it was
 * dirtied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/memtrim.h"

#define DEEP (192 * 1024) /* bytes of stack the deep call dirties */
#define SPAN (160 * 1024) /* bytes below the frame that are counted */
#define SKIP (16 * 1024)  /* bytes right below the frame not counted */

/* Dirties n bytes of stack below the caller, then returns. */
static void __attribute__((noinline)) dirty_stack(size_t n)
{
	volatile unsigned char *buf = alloca(n);
	size_t i;

	for (i = 0; i < n; i += 512)
		buf[i] = (unsigned char)i;
}

/* Resident pages in [sp - SPAN, sp - SKIP), sp taken from the caller. */
static size_t __attribute__((noinline)) resident_below(uintptr_t sp)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t hi = (sp - SKIP) & ~(page - 1);
	uintptr_t lo = (sp - SPAN) & ~(page - 1);
	size_t i, n = (hi - lo) / page, count = 0;
	unsigned char *vec = malloc(n);

	assert_non_null(vec);
	assert_int_equal(mincore((void *)lo, hi - lo, vec), 0);
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

static void
test_stack_released(void **state)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	unsigned char mine[2048];
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	size_t before, after, i;

	(void)state;
	for (i = 0; i < sizeof(mine); i++)
		mine[i] = (unsigned char)(i * 7);
	dirty_stack(DEEP);
	before = resident_below(sp);
	assert_true(before >= (SPAN - SKIP) / page - 1);
	memtrim();
	after = resident_below(sp);
	assert_int_equal(after, 0);
	for (i = 0; i < sizeof(mine); i++)
		assert_int_equal(mine[i], (unsigned char)(i * 7));
	/* the released stack is usable again, and reads back zeroed */
	dirty_stack(DEEP);
	assert_true(resident_below(sp) >= (SPAN - SKIP) / page - 1);
}

static void
test_heap_kept(void **state)
{
	char *keep[64], *drop[64];
	size_t i, j;

	(void)state;
	for (i = 0; i < 64; i++) {
		assert_non_null(drop[i] = malloc(4000));
		memset(drop[i], 0xaa, 4000);
		assert_non_null(keep[i] = malloc(100));
		for (j = 0; j < 100; j++)
			keep[i][j] = (char)(i + j);
	}
	for (i = 0; i < 64; i++)
		free(drop[i]);
	memtrim();
	for (i = 0; i < 64; i++) {
		for (j = 0; j < 100; j++)
			assert_int_equal(keep[i][j], (char)(i + j));
		free(keep[i]);
	}
}

/*
 * Called with nothing dirtied below the caller, memtrim() must leave the
 * caller's own frame alone: a buffer spanning several pages of it stays
 * resident and reads back unchanged, after one call and after a second.
 */
static void
test_shallow_stack(void **state)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	volatile unsigned char mine[4 * 4096];
	uintptr_t lo = (uintptr_t)mine & ~(page - 1);
	uintptr_t hi =
	    ((uintptr_t)mine + sizeof(mine) + page - 1) & ~(page - 1);
	unsigned char vec[8];
	size_t i, round;

	(void)state;
	assert_true((hi - lo) / page <= sizeof(vec));
	for (i = 0; i < sizeof(mine); i++)
		mine[i] = (unsigned char)(i * 13 + 1);
	for (round = 0; round < 2; round++) {
		memtrim();
		assert_int_equal(mincore((void *)lo, hi - lo, vec), 0);
		for (i = 0; i < (hi - lo) / page; i++)
			assert_int_equal(vec[i] & 1, 1);
		for (i = 0; i < sizeof(mine); i++)
			assert_int_equal(mine[i], (unsigned char)(i * 13 + 1));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stack_released),
		cmocka_unit_test(test_heap_kept),
		cmocka_unit_test(test_shallow_stack),
	};

	return cmocka_run_group_tests_name("memtrim", tests, NULL, NULL);
}
