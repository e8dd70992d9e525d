/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * preflight.c: in.rexecd -t.  Once the options and the configuration
 * file have been read (a bad one has already ended the program with exit
 * code 2), checks what a
 * start would need without binding or serving anything: every -l
 * address, and that the PAM service can be started.  Each check prints
 * what is wrong; the result is 0 or 2.  Runs in the one process of -t,
 * as whoever started it.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authpam.h"
#include "listen.h"
#include "log.h"
#include "netio.h"
#include "preflight.h"

/* Every -l address is numeric and well formed. */
static int
check_listen(const struct options *c)
{
	char host[NETIO_ADDRSTRLEN];
	const char *port, *why;
	int i, rc = 0;

	for (i = 0; i < c->nlisten; i++) {
		if ((why = listen_parse(c->listen[i], host, sizeof(host),
			 &port)) != NULL) {
			log_warnx("-l %s: %s", c->listen[i], why);
			rc = -1;
		}
	}
	return rc;
}

/*
 * Whether the PAM service has a file of its own.  Linux-PAM falls back
 * to the "other" service for a name it has no file for, so a mistyped
 * --pam-service would start; it is refused here.  Where /etc/pam.d does
 * not exist (a single /etc/pam.conf) nothing can be told.
 */
static int
pam_file_exists(const char *service)
{
	static const char *const dirs[] = { "/etc/pam.d", "/usr/lib/pam.d",
		"/usr/etc/pam.d" };
	char path[512];
	struct stat st;
	size_t i;

	if (stat(dirs[0], &st) == -1 && errno == ENOENT)
		return 1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dirs[i], service) <
			(int)sizeof(path) &&
		    stat(path, &st) == 0)
			return 1;
	}
	return 0;
}

/* The PAM service exists and a transaction starts (pam_start, pam_end). */
static int
check_pam(const struct options *c)
{
	const char *why;

	if (!pam_file_exists(c->pam_service)) {
		log_warnx("--pam-service %s: no such PAM service (no "
			  "/etc/pam.d/%s)",
		    c->pam_service, c->pam_service);
		return -1;
	}
	if ((why = authpam_try(c->pam_service)) != NULL) {
		log_warnx("--pam-service %s: pam_start: %s", c->pam_service,
		    why);
		return -1;
	}
	return 0;
}

/* The checks, in order; a later one runs even when an earlier failed. */
static int (*const checks[])(const struct options *) = {
	check_listen,
	check_pam,
};

/*
 * Runs every check; each failure says on stderr what is wrong (nothing
 * is printed when all is good, as sshd -t).  Returns the exit code:
 * PREFLIGHT_OK or PREFLIGHT_BAD.
 */
int
preflight_run(const struct options *c)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i](c) == -1)
			bad = 1;
	return bad ? PREFLIGHT_BAD : PREFLIGHT_OK;
}
