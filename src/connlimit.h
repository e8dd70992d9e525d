/*
 * connlimit.h: the standalone listener's connection limits and its table
 * of connection processes (--max-startups, --per-source-max,
 * --max-sessions).
 */
#ifndef CONNLIMIT_H
#define CONNLIMIT_H

#include <sys/socket.h>
#include <sys/types.h>

#include "acl.h"

struct connlimit_opts {
	unsigned int start, rate, full; /* --max-startups */
	unsigned int per_source;	/* --per-source-max, 0: no cap */
	unsigned int sessions;		/* --max-sessions */
};

enum connlimit_verdict {
	CONNLIMIT_OK,
	CONNLIMIT_SESSIONS, /* --max-sessions reached */
	CONNLIMIT_STARTUPS, /* --max-startups: full, or early drop */
	CONNLIMIT_SOURCE    /* --per-source-max reached */
};

/* One connection process, as the listener knows it. */
struct connlimit_proc {
	pid_t pid;
	int authenticated;
	struct acl_addr key;	      /* its source */
	struct sockaddr_storage peer; /* its client, for the log */
	socklen_t peerlen;
};

void connlimit_defaults(struct connlimit_opts *);
int connlimit_parse_startups(struct connlimit_opts *, const char *);
int connlimit_init(const struct connlimit_opts *);
enum connlimit_verdict connlimit_admit(const struct acl_addr *);
int connlimit_add(pid_t, const struct acl_addr *, const struct sockaddr *,
    socklen_t);
int connlimit_authenticated(pid_t);
int connlimit_remove(pid_t, struct connlimit_proc *);
unsigned int connlimit_unauthenticated(void);
unsigned int connlimit_total(void);

#endif
