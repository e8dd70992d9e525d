/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * account.c: what the connection process needs to know of the account
 * that logs in, as root: its own copy of the passwd entry, whether the
 * login shell is listed in /etc/shells (--check-shell) and whether it
 * can be started.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "log.h"

/* Copies an account so later lookups (PAM's included) cannot change it. */
int
account_copy(struct passwd *dst, const char *name)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(name)) == NULL)
		return -1;
	*dst = *pw;
	dst->pw_passwd = NULL;
	if ((dst->pw_name = strdup(pw->pw_name)) == NULL ||
	    (dst->pw_dir = strdup(pw->pw_dir)) == NULL ||
	    (dst->pw_shell = strdup(pw->pw_shell)) == NULL ||
	    (dst->pw_gecos = strdup("")) == NULL)
		fatal("strdup");
	return 0;
}

/* Whether shell is listed in /etc/shells (getusershell). */
int
account_shell_listed(const char *shell)
{
	const char *sh;
	int found = 0;

	setusershell();
	while (!found && (sh = getusershell()) != NULL)
		found = strcmp(sh, shell) == 0;
	endusershell();
	return found;
}

/*
 * Whether execve() would start the shell, as far as can be known before:
 * executable for this user and a regular file (execve refuses anything
 * else with EACCES).  Sets errno when it would not.
 */
int
account_shell_runnable(const char *shell)
{
	struct stat st;

	if (access(shell, X_OK) == -1 || stat(shell, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}
