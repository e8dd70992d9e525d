/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_atexit.so: a PAM module for tests that tells which processes run
 * the exit handlers of a module loaded as root:
 *	auth optional /path/pam_atexit.so /path/record
 * Authentication registers an exit handler (once per process image) and
 * is otherwise ignored.  Whoever runs the handler, at exit() or when
 * pam_end() unloads the module, appends "exit PID UID" to the record.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_modules.h>

static char record[4096];

static void
at_exit(void)
{
	int fd = open(record, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd == -1)
		return;
	dprintf(fd, "exit %ld %ld\n", (long)getpid(), (long)getuid());
	close(fd);
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	(void)pamh;
	(void)flags;
	if (argc == 1 && record[0] == '\0' &&
	    strlen(argv[0]) < sizeof(record)) {
		strcpy(record, argv[0]);
		atexit(at_exit);
	}
	return PAM_IGNORE;
}

#define UNUSED __attribute__((unused))

int
pam_sm_setcred(UNUSED pam_handle_t *pamh, UNUSED int flags, UNUSED int argc,
    UNUSED const char **argv)
{
	return PAM_IGNORE;
}
