/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * privdrop.c: identity changes.  privdrop_groups() runs as root in the
 * connection process before PAM establishes credentials;
 * privdrop_permanently() runs in the user's process, and proves the
 * change cannot be undone before anything else happens.
 */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

/* Sets the supplementary groups of pw (as root). */
int
privdrop_groups(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) == -1) {
		log_warn("initgroups %s", pw->pw_name);
		return -1;
	}
	return 0;
}

/*
 * Sets real, effective and saved gid and uid to the user's, checks that
 * every one of them took, and that root cannot be regained.  Returns -1
 * on any doubt; the caller must not go on.
 */
int
privdrop_permanently(const struct passwd *pw)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1) {
		log_warn("setresgid %lu", (unsigned long)pw->pw_gid);
		return -1;
	}
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		log_warn("setresuid %lu", (unsigned long)pw->pw_uid);
		return -1;
	}
	if (getresgid(&rg, &eg, &sg) == -1 || getresuid(&ru, &eu, &su) == -1)
		return -1;
	if (rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid ||
	    ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid) {
		log_warnx("privilege drop to uid %lu did not take",
		    (unsigned long)pw->pw_uid);
		return -1;
	}
	if (pw->pw_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		log_warnx("uid %lu could regain root",
		    (unsigned long)pw->pw_uid);
		return -1;
	}
	if (pw->pw_gid != 0 && pw->pw_uid != 0 &&
	    (setgid(0) != -1 || setegid(0) != -1)) {
		log_warnx("gid %lu could regain group 0",
		    (unsigned long)pw->pw_gid);
		return -1;
	}
	return 0;
}
