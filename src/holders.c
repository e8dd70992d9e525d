/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * holders.c: whether a process below the relay still holds one of the
 * session's sockets.  Runs in the relay, as the user, once the command
 * has ended: the jobs it left behind are the relay's (a subreaper's)
 * children now, and their own children are found through
 * /proc/PID/task/TID/children.  A descriptor is the socket when
 * fstatat() on /proc/PID/fd/N gives its inode.  Nothing is allocated:
 * directories are read with getdents64 into a stack buffer.
 *
 * When in doubt it says yes (a process of another user, a tree too
 * large, no "children" files in this kernel): the relay then waits for
 * those processes to end instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "holders.h"

#define HOLDERS_MAX_PROCS 1024 /* a larger tree counts as holding */
#define HOLDERS_MAX_DEPTH 64   /* and so does a deeper one */

struct holders {
	struct stat sock[2]; /* the sockets looked for */
	int nsock;
	int visited; /* processes looked at so far */
	int depth;   /* of the process looked at now */
};

struct dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Calls fn(h, dirfd, name, arg) for each entry of the directory open on
 * fd but "." and "..", until fn returns non-zero; returns that, or 0,
 * or -1 when the directory cannot be read.
 */
static int
each_entry(struct holders *h, int fd,
    int (*fn)(struct holders *, int, const char *, long), long arg)
{
	char buf[2048] __attribute__((aligned(8)));
	struct dirent64 *e;
	long n, off;
	int r;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += e->d_reclen) {
			e = (struct dirent64 *)(void *)(buf + off);
			if (e->d_name[0] == '.')
				continue;
			if ((r = fn(h, fd, e->d_name, arg)) != 0)
				return r;
		}
	return n == 0 ? 0 : -1;
}

/* For each_entry(): 1 when descriptor name is one of the sockets. */
static int
is_socket(struct holders *h, int dirfd, const char *name, long arg)
{
	struct stat st;
	int i;

	(void)arg;
	if (fstatat(dirfd, name, &st, 0) == -1 || !S_ISSOCK(st.st_mode))
		return 0;
	for (i = 0; i < h->nsock; i++)
		if (st.st_ino == h->sock[i].st_ino &&
		    st.st_dev == h->sock[i].st_dev)
			return 1;
	return 0;
}

/* Whether process pid has one of the sockets open. */
static int
process_holds(struct holders *h, long pid)
{
	char path[64];
	int fd, r;

	(void)snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno != ENOENT && errno != ESRCH; /* gone: no */
	r = each_entry(h, fd, is_socket, 0);
	close(fd);
	return r != 0;
}

static int tree_holds(struct holders *, long, int);

/*
 * For each_entry() on /proc/PID/task: 1 when a child of thread name of
 * process pid, or a process below it, holds a socket.  The "children"
 * file is a list of pids separated by spaces.
 */
static int
task_children_hold(struct holders *h, int dirfd, const char *name, long pid)
{
	char path[64], buf[512];
	long child = 0;
	ssize_t n, i;
	int fd, r = 0;

	(void)snprintf(path, sizeof(path), "%s/children", name);
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno != ENOENT || pid == (long)getpid();
	while (r == 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n && r == 0; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				child = child * 10 + (buf[i] - '0');
				continue;
			}
			if (child > 0)
				r = tree_holds(h, child, 0);
			child = 0;
		}
	if (r == 0 && child > 0)
		r = tree_holds(h, child, 0);
	close(fd);
	return r;
}

/*
 * Whether a process in the tree rooted at pid (pid itself too unless
 * self) holds one of the sockets.
 */
static int
tree_holds(struct holders *h, long pid, int self)
{
	char path[64];
	int fd, r;

	if (++h->visited > HOLDERS_MAX_PROCS || h->depth >= HOLDERS_MAX_DEPTH)
		return 1;
	if (!self && process_holds(h, pid))
		return 1;
	(void)snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno != ENOENT && errno != ESRCH;
	h->depth++;
	r = each_entry(h, fd, task_children_hold, pid);
	h->depth--;
	close(fd);
	return r != 0;
}

/*
 * Whether any process below this one has sock or errfd (or -1) open.
 * Runs in the relay, as the user.
 */
int
holders_any(int sock, int errfd)
{
	struct holders h = { .nsock = 0 };

	if (fstat(sock, &h.sock[h.nsock]) == 0)
		h.nsock++;
	if (errfd != -1 && fstat(errfd, &h.sock[h.nsock]) == 0)
		h.nsock++;
	return tree_holds(&h, (long)getpid(), 1);
}
