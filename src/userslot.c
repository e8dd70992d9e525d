/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * userslot.c: the per-user cap on concurrent sessions (MaxSessionsPerUser
 * in rexecd.conf(5)), kept by the kernel rather than by a process: a
 * session of user U holds an exclusive flock() on one of the files
 * DIR/U.0 ... DIR/U.(N-1).  The lock goes when the last descriptor of it
 * closes, so a session that ends or crashes frees its slot by itself,
 * and every process that serves connections (the standalone daemon's or
 * one per connection from inetd) sees the same count.  Runs in the
 * per-connection process, as root; the descriptor is kept by it (and
 * closed in the user's process).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userslot.h"

/* Makes dir (and its parent) root's, 0700, if it is not there. */
static int
make_dir(const char *dir)
{
	char parent[sizeof(USERSLOT_DIR)];
	const char *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir &&
	    (size_t)(slash - dir) < sizeof(parent)) {
		memcpy(parent, dir, (size_t)(slash - dir));
		parent[slash - dir] = '\0';
		if (mkdir(parent, 0755) == -1 && errno != EEXIST)
			return -1;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * Takes a free slot of the n that uid has: returns its descriptor
 * (O_CLOEXEC), or -1 with errno EAGAIN when all n are held, or another
 * errno when the directory cannot be used.
 */
int
userslot_take(const char *dir, uid_t uid, unsigned int n)
{
	char path[256];
	unsigned int i;
	int fd, saved;

	if (make_dir(dir) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "%s/%lu.%u", dir,
		    (unsigned long)uid, i);
		fd = open(path,
		    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
		if (fd == -1)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		saved = errno;
		(void)close(fd);
		if (saved != EWOULDBLOCK) {
			errno = saved;
			return -1;
		}
	}
	errno = EAGAIN;
	return -1;
}
