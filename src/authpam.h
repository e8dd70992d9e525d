/* authpam.h: the PAM transaction of one connection, run as root. */
#ifndef AUTHPAM_H
#define AUTHPAM_H

#include <security/pam_appl.h>

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
	const char *reason; /* for the log */
};

enum authpam_result authpam_login(struct authpam *, const char *, const char *,
    const char *, char *);
const char *authpam_user(struct authpam *);
enum authpam_result authpam_open(struct authpam *);
char **authpam_env(struct authpam *);
void authpam_close(struct authpam *);
void authpam_preload(const char *);

#endif
