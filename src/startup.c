/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * startup.c: what in.rexecd does first, in every mode and as root,
 * before it trusts anything its launcher left behind: every signal
 * back to its default action and none blocked (an ignored SIGCHLD or a
 * blocked SIGALRM survives execve() and would break the reaping and
 * the login grace alarm), no descriptor above 2 but the sockets it was
 * handed, 0 to 2 open, a known umask and working directory.  The
 * server's own signal handling is set up after this.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "netio.h"
#include "startup.h"

#define STARTUP_UMASK 022
#define CLOSE_SCAN_MAX 65536 /* descriptors looked at without /proc */

/*
 * Every signal to its default action, and the mask empty.  glibc's two
 * internal signals (32 and 33) are glibc's to manage: sigaction()
 * refuses them, and posix_spawn() leaves them ignored in every child.
 */
static void
reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL); /* EINVAL: glibc's */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		fatal("sigprocmask");
}

/* Closes every descriptor from low up, without close_range() if need be. */
static void
close_from(int low)
{
	struct dirent *e;
	DIR *d;
	long fd, max;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned int)low, ~0U, 0) == 0)
		return;
#endif
	if ((d = opendir("/proc/self/fd")) != NULL) {
		/* one thread: readdir() is fine */
		/* cppcheck-suppress readdirCalled */
		while ((e = readdir(d)) != NULL) {
			fd = strtol(e->d_name, NULL, 10);
			if (e->d_name[0] != '.' && fd >= low && fd != dirfd(d))
				(void)close((int)fd);
		}
		(void)closedir(d);
		return;
	}
	max = sysconf(_SC_OPEN_MAX);
	for (fd = low; fd < max && fd < CLOSE_SCAN_MAX; fd++)
		(void)close((int)fd);
}

/*
 * Cleans up what the launcher left: signals, descriptors (all above 2
 * are closed but the npassed sockets from 3 on a service manager
 * handed over) and umask.  Runs first in main(); startup_rootdir()
 * follows once the configuration is read.
 */
void
startup_clean(int npassed)
{
	reset_signals();
	close_from(3 + npassed);
	if (netio_std_fds() == -1)
		fatal("descriptors 0-2");
	(void)umask(STARTUP_UMASK);
}

/*
 * Changes to the root directory, once the files named on the command
 * line (a relative -f) have been read: no directory of the launcher's is
 * kept busy, and none is the user's process's before its chdir(home).
 */
void
startup_rootdir(void)
{
	if (chdir("/") == -1)
		fatal("chdir /");
}
