/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * policy.h: the per-session rules of the configuration file: who may
 * log in (AllowUsers, DenyUsers, AllowGroups, DenyGroups) and what they
 * may run (PermitCommand).
 */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>
#include <sys/types.h>

#include <pwd.h>
#include <sys/socket.h>

#include "config.h"
#include "relay.h"

/* The exit-status echoes pdsh and ClusterShell append to a command. */
#define POLICY_PDSH_ECHO ";echo XXRETCODE:$?"
#define POLICY_CLUSH_ECHO "; echo XXRETCODE: $?"

struct policy_groups {
	char **name;
	size_t n;
};

/* What the file says about one session, once the user is known. */
struct policy_session {
	const struct config *c;
	struct config_session cs;
	const char *why;      /* why refused, for the log */
	char *cmd;	      /* what runs: the client's, or ForceCommand */
	const char *original; /* the client's, when ForceCommand is set */
	int slot_fd;	      /* MaxSessionsPerUser's lock, or -1 */
	struct relay_limits lim;
};

enum policy_verdict {
	POLICY_OK,
	POLICY_LOGIN,	/* refused by Allow/Deny: "Login incorrect." */
	POLICY_COMMAND, /* not in PermitCommand */
	POLICY_BUSY,	/* MaxSessionsPerUser reached */
	POLICY_ERROR	/* out of memory, no lock directory */
};

enum policy_verdict policy_session(struct policy_session *,
    const struct config *, const struct passwd *,
    const struct sockaddr_storage *, const char *, char *);
int policy_env(const struct policy_session *, char ***);
int policy_groups_load(struct policy_groups *, const char *, gid_t);
const char *policy_login(const struct config *, const struct config_session *,
    const struct config_who *);
int
policy_command(const struct config *, const struct config_session *, char *);

#endif
