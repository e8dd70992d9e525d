/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_ask.so: a PAM module for tests that asks the application's
 * conversation what its argument says, in one call, e.g.
 *	auth required /path/pam_ask.so info,echo_off
 * Each word is one message: echo_off, echo_on (a prompt), info, error
 * (no answer expected).  The module fails when the conversation fails or
 * leaves a prompt unanswered; an echo_off answer becomes PAM_AUTHTOK, so
 * a later "pam_unix.so use_first_pass" checks it.
 */
#include <stdlib.h>
#include <string.h>

#include <security/pam_modules.h>

#define MAXMSG 8

static int
style_of(const char *w)
{
	if (strcmp(w, "echo_off") == 0)
		return PAM_PROMPT_ECHO_OFF;
	if (strcmp(w, "echo_on") == 0)
		return PAM_PROMPT_ECHO_ON;
	if (strcmp(w, "info") == 0)
		return PAM_TEXT_INFO;
	if (strcmp(w, "error") == 0)
		return PAM_ERROR_MSG;
	return -1;
}

static void
free_resp(struct pam_response *r, int n)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].resp);
	free(r);
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pam_message m[MAXMSG];
	const struct pam_message *mp[MAXMSG];
	struct pam_response *r = NULL;
	const struct pam_conv *conv;
	char words[256], *w, *save;
	int n = 0, i, rc;

	(void)flags;
	if (argc != 1 || strlen(argv[0]) >= sizeof(words))
		return PAM_SERVICE_ERR;
	strcpy(words, argv[0]);
	for (w = strtok_r(words, ",", &save); w != NULL && n < MAXMSG;
	    w = strtok_r(NULL, ",", &save)) {
		if ((m[n].msg_style = style_of(w)) == -1)
			return PAM_SERVICE_ERR;
		m[n].msg = w;
		mp[n] = &m[n];
		n++;
	}
	if (pam_get_item(pamh, PAM_CONV, (const void **)&conv) != PAM_SUCCESS ||
	    conv == NULL || conv->conv == NULL)
		return PAM_SERVICE_ERR;
	if (conv->conv(n, mp, &r, conv->appdata_ptr) != PAM_SUCCESS)
		return PAM_AUTH_ERR;
	rc = PAM_SUCCESS;
	for (i = 0; i < n && rc == PAM_SUCCESS; i++) {
		if (m[i].msg_style != PAM_PROMPT_ECHO_OFF &&
		    m[i].msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if (r == NULL || r[i].resp == NULL)
			rc = PAM_AUTH_ERR;
		else if (m[i].msg_style == PAM_PROMPT_ECHO_OFF)
			rc = pam_set_item(pamh, PAM_AUTHTOK, r[i].resp);
	}
	free_resp(r, n);
	return rc;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
