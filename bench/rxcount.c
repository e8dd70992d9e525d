/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxcount: a pam_exec helper for the benchmark's PAM stack.  It runs
 * (as root, from the server's authentication step) once per password
 * check that pam_unix refused and appends one line to the file named by
 * its argument: the wall-clock time, $PAM_USER and $PAM_RHOST.  The
 * benchmark counts these lines to learn how many password checks an
 * attack obtained, whatever the clients saw.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	const char *user = getenv("PAM_USER"), *rhost = getenv("PAM_RHOST");
	struct timespec ts;
	char line[512];
	int fd, n;

	if (argc != 2)
		return 2;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%09ld %s %s\n",
	    (long long)ts.tv_sec, ts.tv_nsec, user != NULL ? user : "-",
	    rhost != NULL && rhost[0] != '\0' ? rhost : "-");
	if (n < 0 || (size_t)n >= sizeof(line))
		return 1;
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return 1;
	/* One write with O_APPEND: lines from concurrent checks never mix. */
	if (write(fd, line, (size_t)n) != n) {
		close(fd);
		return 1;
	}
	return close(fd) == -1;
}
