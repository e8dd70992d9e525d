/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authpam.c: the PAM conversation and transaction, in the connection
 * process, as root: start, PAM_RHOST and PAM_TTY, authenticate, account,
 * then (after the caller set the groups) credentials and session; and at
 * the end close session, delete credentials, end.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authpam.h"
#include "escape.h"
#include "log.h"

/*
 * Answers a PAM_PROMPT_ECHO_OFF prompt with the password, once; logs
 * informational messages, escaped (a module may repeat the user name,
 * which came from the network); fails on any other prompt, so a stack
 * that asks for a token code or a new password cannot be satisfied.
 */
static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	char text[ESCAPE_LOG_SIZE];
	struct authpam *ap = data;
	struct pam_response *r;
	int i;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			if (ap->password == NULL)
				goto fail;
			if ((r[i].resp = strdup(ap->password)) == NULL)
				goto fail;
			ap->password = NULL;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			log_debug("PAM says: %s",
			    escape_text(text, sizeof(text),
				msg[i]->msg != NULL ? msg[i]->msg : "",
				ESCAPE_LOG));
			break;
		default:
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
	return PAM_CONV_ERR;
}

/*
 * Stands in for libpam's own failure delay, which modules such as
 * pam_unix ask for (2 s, randomised) unless "nodelay" is set.  The
 * server already answers every refused login after the same --fail-delay,
 * whatever failed and whether PAM ran at all; a second, PAM-only delay
 * would make a refusal from PAM slower than one decided before it.
 */
static void
no_fail_delay(int status, unsigned int usec, void *data)
{
	(void)status;
	(void)usec;
	(void)data;
}

/* Maps a PAM failure to refused (the user's fault) or error (ours). */
static enum authpam_result
failure(struct authpam *ap, int rc, const char *step)
{
	ap->last = rc;
	ap->reason = step;
	switch (rc) {
	case PAM_BUF_ERR:
	case PAM_SYSTEM_ERR:
	case PAM_ABORT:
	case PAM_SERVICE_ERR:
		return AUTHPAM_ERROR;
	default:
		return AUTHPAM_DENIED;
	}
}

/*
 * Authenticates user with password for service and checks the account.
 * A password that must be changed is a refusal: nobody can change it over
 * rexec.  The password is wiped before this returns.
 */
enum authpam_result
authpam_login(struct authpam *ap, const char *service, const char *user,
    const char *rhost, char *password)
{
	struct pam_conv conv = { conversation, ap };
	enum authpam_result res;
	int rc;

	memset(ap, 0, sizeof(*ap));
	ap->password = password;
	rc = pam_start(service, user, &conv, &ap->pamh);
	if (rc != PAM_SUCCESS) {
		ap->pamh = NULL;
		res = failure(ap, rc, "pam_start");
		goto out;
	}
	if ((rc = pam_set_item(ap->pamh, PAM_RHOST, rhost)) != PAM_SUCCESS) {
		res = failure(ap, rc, "PAM_RHOST");
		goto out;
	}
	/* no terminal: the service's name, as ftpd's "ftp" (pam_securetty,
	 * pam_access and the audit records see it) */
	if ((rc = pam_set_item(ap->pamh, PAM_TTY, AUTHPAM_TTY)) !=
	    PAM_SUCCESS) {
		res = failure(ap, rc, "PAM_TTY");
		goto out;
	}
	if ((rc = pam_set_item(ap->pamh, PAM_FAIL_DELAY,
		 (const void *)no_fail_delay)) != PAM_SUCCESS) {
		res = failure(ap, rc, "PAM_FAIL_DELAY");
		goto out;
	}
	rc = pam_authenticate(ap->pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS) {
		res = failure(ap, rc, "PAM authentication");
		goto out;
	}
	rc = pam_acct_mgmt(ap->pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS) {
		res = failure(ap, rc, "PAM account");
		goto out;
	}
	res = AUTHPAM_OK;
out:
	ap->password = NULL;
	explicit_bzero(password, strlen(password));
	return res;
}

/*
 * Why the transaction failed, for the log: the stage ("PAM
 * authentication", "PAM account", "PAM session"...) and PAM's text for
 * the failure.  A refusal while a nologin file exists says so: that is
 * what pam_nologin refuses for, with the same text as a wrong password.
 */
const char *
authpam_why(struct authpam *ap, char *buf, size_t size)
{
	const char *text = pam_strerror(ap->pamh, ap->last);
	const char *nologin = access("/etc/nologin", F_OK) == 0 ?
	    "/etc/nologin" :
	    access("/run/nologin", F_OK) == 0 ? "/run/nologin" :
						NULL;

	if (ap->reason == NULL)
		return "PAM";
	if (nologin != NULL && ap->last != PAM_SUCCESS &&
	    (strcmp(ap->reason, "PAM authentication") == 0 ||
		strcmp(ap->reason, "PAM account") == 0))
		(void)snprintf(buf, size, "%s: %s (%s exists)", ap->reason,
		    text, nologin);
	else
		(void)snprintf(buf, size, "%s: %s", ap->reason, text);
	return buf;
}

/* The user name PAM settled on (a module may map the one given). */
const char *
authpam_user(struct authpam *ap)
{
	const void *item = NULL;

	if (pam_get_item(ap->pamh, PAM_USER, &item) != PAM_SUCCESS)
		return NULL;
	return item;
}

/*
 * Establishes credentials and opens the session.  The caller has set
 * the user's groups already so that modules such as pam_group add to
 * them.  Runs as root in the process that will close the session.
 */
enum authpam_result
authpam_open(struct authpam *ap)
{
	int rc;

	rc = pam_setcred(ap->pamh, PAM_ESTABLISH_CRED | PAM_SILENT);
	if (rc != PAM_SUCCESS)
		return failure(ap, rc, "PAM credentials");
	ap->creds = 1;
	rc = pam_open_session(ap->pamh, PAM_SILENT);
	if (rc != PAM_SUCCESS)
		return failure(ap, rc, "PAM session");
	ap->session = 1;
	return AUTHPAM_OK;
}

/* The environment the PAM stack exported (malloc'ed, may be NULL). */
char **
authpam_env(struct authpam *ap)
{
	return pam_getenvlist(ap->pamh);
}

/* A conversation for a handle that never authenticates anyone. */
static int
no_conversation(int n, const struct pam_message **msg,
    struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)data;
	*resp = NULL;
	return PAM_CONV_ERR;
}

/*
 * Loads the user and group databases' modules (nsswitch.conf) the way a
 * login uses them: getpwnam() stops at the first module that knows the
 * name, initgroups() asks every module, so the group lookup is the one
 * that brings in all of them.
 */
static void
nss_preload(void)
{
	gid_t groups[8];
	int n = 8;

	(void)getpwnam("root");
	(void)getgrouplist("root", 0, groups, &n);
}

/*
 * In the standalone listener (root), once: starts a PAM transaction for
 * service that is never used or ended, so that the stack's modules and
 * the libraries they need stay loaded and relocated.  Every connection
 * process forked later finds them there: its own pam_start() maps and
 * relocates nothing, and those pages stay shared among all sessions.
 * The user database's modules are loaded the same way.
 */
void
authpam_preload(const char *service)
{
	static const struct pam_conv conv = { no_conversation, NULL };
	static pam_handle_t *pamh;

	if (pamh == NULL &&
	    pam_start(service, NULL, &conv, &pamh) != PAM_SUCCESS) {
		log_warnx("PAM service %s: cannot preload its modules",
		    service);
		pamh = NULL;
	}
	nss_preload();
}

/*
 * For in.rexecd -t: whether a transaction for service can be started
 * (the stack is read, its modules loaded) and ended.  Returns NULL, or
 * PAM's reason.
 */
const char *
authpam_try(const char *service)
{
	static const struct pam_conv conv = { no_conversation, NULL };
	pam_handle_t *pamh = NULL;
	int rc;

	if ((rc = pam_start(service, NULL, &conv, &pamh)) != PAM_SUCCESS) {
		if (pamh != NULL)
			(void)pam_end(pamh, rc);
		return pam_strerror(NULL, rc);
	}
	(void)pam_end(pamh, PAM_SUCCESS);
	return NULL;
}

/* Undoes what was done, in order, and ends the transaction. */
void
authpam_close(struct authpam *ap)
{
	int rc = ap->last;

	if (ap->pamh == NULL)
		return;
	if (ap->session &&
	    (rc = pam_close_session(ap->pamh, PAM_SILENT)) != PAM_SUCCESS)
		log_warnx("pam_close_session: %s", pam_strerror(ap->pamh, rc));
	if (ap->creds)
		(void)pam_setcred(ap->pamh, PAM_DELETE_CRED | PAM_SILENT);
	pam_end(ap->pamh, ap->session ? PAM_SUCCESS : rc);
	ap->pamh = NULL;
}
