/* SPDX-License-Identifier: BSD-2-Clause */
/* authpam.h: the PAM transaction of one connection, run as root. */
#ifndef AUTHPAM_H
#define AUTHPAM_H

#include <stddef.h>

#include <security/pam_appl.h>

#define AUTHPAM_TTY "rexec"  /* PAM_TTY: there is no terminal */
#define AUTHPAM_WHY_SIZE 256 /* buffer for authpam_why() */

enum authpam_result {
	AUTHPAM_OK,
	AUTHPAM_DENIED, /* refused: wrong password, account, prompt... */
	AUTHPAM_ERROR	/* PAM itself failed */
};

struct authpam {
	pam_handle_t *pamh;
	char *password;	    /* answered once, then NULL */
	int last;	    /* last PAM return code */
	int creds, session; /* what must be undone */
	const char *reason; /* the stage that failed, for the log */
};

enum authpam_result authpam_login(struct authpam *, const char *, const char *,
    const char *, char *);
const char *authpam_user(struct authpam *);
const char *authpam_why(struct authpam *, char *, size_t);
enum authpam_result authpam_open(struct authpam *);
char **authpam_env(struct authpam *);
void authpam_close(struct authpam *);
void authpam_preload(const char *);
const char *authpam_try(const char *);

#endif
