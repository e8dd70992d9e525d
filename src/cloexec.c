/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cloexec.c: marks every descriptor from a number up close-on-exec, so
 * that a program started later (posix_spawn) gets only 0, 1 and 2:
 * posix_spawn_file_actions_addclosefrom_np() needs glibc 2.34, and
 * closefrom() too.  The kernel does it in one call where it can
 * (close_range with CLOSE_RANGE_CLOEXEC, Linux 5.11); else each open
 * descriptor listed in /proc/self/fd is marked (read with getdents64
 * into a buffer on the stack: nothing is allocated); else every number
 * below the descriptor limit.  Runs as root in the connection
 * process, before the user's process is forked.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cloexec.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* One getdents64 record (struct linux_dirent64). */
struct dirent64_rec {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Marks the descriptors >= low listed in /proc/self/fd; -1 if unreadable. */
static int
mark_listed(int low)
{
	char buf[4096];
	struct dirent64_rec *d;
	long n, i;
	int dir, fd;

	/* NOLINTNEXTLINE(android-cloexec-open): O_CLOEXEC is there */
	if ((dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i += d->reclen) {
			d = (struct dirent64_rec *)(void *)(buf + i);
			if (d->name[0] < '0' || d->name[0] > '9')
				continue;
			fd = (int)strtol(d->name, NULL, 10);
			if (fd >= low && fd != dir)
				(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
	}
	close(dir);
	return n == 0 ? 0 : -1;
}

/*
 * Every descriptor from low up is closed by the next exec.  Cannot fail:
 * the last way tries every number up to the limit.
 */
void
cloexec_from(int low)
{
	struct rlimit rl;
	int fd, max;

#if defined(SYS_close_range) && !defined(CLOEXEC_NO_CLOSE_RANGE)
	if (syscall(SYS_close_range, (unsigned int)low, ~0U,
		CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	if (mark_listed(low) == 0)
		return;
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1048576 ?
	    (int)rl.rlim_cur :
	    1048576;
	for (fd = low; fd < max; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}
