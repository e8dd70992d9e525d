/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connlimit.h: the standalone listener's connection limits and its table
 * of per-connection processes (--max-startups, --per-source-max,
 * --max-sessions), with fair admission when the limits are reached.
 */
#ifndef CONNLIMIT_H
#define CONNLIMIT_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "acl.h"

struct connlimit_opts {
	unsigned int start, rate, full; /* --max-startups */
	unsigned int per_source;	/* --per-source-max, 0: no cap */
	unsigned int sessions;		/* --max-sessions */
	unsigned int untrusted_auths;	/* --max-untrusted-auths, 0: no cap */
};

enum connlimit_verdict {
	CONNLIMIT_OK,
	CONNLIMIT_EVICT,    /* OK once the victim's connection is closed */
	CONNLIMIT_SESSIONS, /* --max-sessions reached */
	CONNLIMIT_STARTUPS, /* --max-startups: full, or early drop */
	CONNLIMIT_SOURCE    /* --per-source-max reached */
};

/* One connection process, as the listener knows it. */
struct connlimit_proc {
	pid_t pid;
	int authenticated;
	int evicted;		      /* closed to make room for another */
	struct acl_addr key;	      /* its source */
	struct sockaddr_storage peer; /* its client, for the log */
	socklen_t peerlen;
};

#define CONNLIMIT_NONE UINT32_MAX

unsigned int connlimit_default_auths(void);
void connlimit_defaults(struct connlimit_opts *);
int connlimit_parse_startups(struct connlimit_opts *, const char *);
int connlimit_init(const struct connlimit_opts *);
enum connlimit_verdict connlimit_admit(const struct acl_addr *, int, pid_t *);
int connlimit_add(pid_t, const struct acl_addr *, const struct sockaddr *,
    socklen_t);
int connlimit_authenticated(pid_t);
int connlimit_evict(pid_t, struct connlimit_proc *);
int connlimit_remove(pid_t, struct connlimit_proc *);
uint32_t connlimit_slot(pid_t);
const struct connlimit_proc *connlimit_at(uint32_t);
unsigned int connlimit_from_source(const struct acl_addr *);
unsigned int connlimit_unauthenticated(void);
unsigned int connlimit_total(void);

#endif
