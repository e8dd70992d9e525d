/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memtrim.c: a process that stays for the whole session gives back, once
 * its login is done, the memory that the login alone needed: heap pages
 * that malloc holds free, and the stack below the current frame, which
 * PAM's modules and the password hash grew and left dirty.  Those pages
 * would otherwise stay resident in the connection process for as long as
 * the command runs, and be shared with the user's process forked next.
 */
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memtrim.h"

/* Pages left alone under the caller's frame (red zone, this call). */
#define STACK_KEEP_PAGES 2
/* How deep below it to look: 2 MiB of 4 KiB pages. */
#define STACK_SCAN_PAGES 512

/*
 * Whether [lo, hi) is mapped all through: mincore(2) fails with ENOMEM
 * when part of a range is not.  vec gets one byte a page.
 */
static int
mapped(uintptr_t lo, uintptr_t hi, unsigned char *vec)
{
	return mincore((void *)lo, hi - lo, vec) == 0;
}

/*
 * Drops the stack pages below the caller's frame, down to where the stack
 * mapping begins (the lowest page the stack ever used): the longest run
 * of mapped pages under the frame, found by bisection, at most
 * STACK_SCAN_PAGES.  The kernel places no other mapping right below a
 * stack (it keeps a guard gap there), so the run is the stack's own.
 */
static void __attribute__((noinline)) trim_stack(void)
{
	unsigned char vec[STACK_SCAN_PAGES];
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t top = (sp & ~(page - 1)) - STACK_KEEP_PAGES * page;
	size_t good = 0, bad = STACK_SCAN_PAGES + 1, mid;

	while (bad - good > 1) { /* good pages are mapped, bad are not */
		mid = good + (bad - good) / 2;
		if (mapped(top - mid * page, top, vec))
			good = mid;
		else
			bad = mid;
	}
	if (good > 0)
		(void)madvise((void *)(top - good * page), good * page,
		    MADV_DONTNEED);
}

void
memtrim(void)
{
	malloc_trim(0);
	trim_stack();
}
