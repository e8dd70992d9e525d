/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * penalty.h: per-source penalties of the standalone listener.  A source
 * (an IPv4 address or an IPv6 /64) earns penalty time for each failure;
 * once what it has earned passes a threshold, its new connections are
 * refused at once until the time has run out.
 */
#ifndef PENALTY_H
#define PENALTY_H

#include <stddef.h>
#include <stdint.h>

#include "acl.h"

enum penalty_event {
	PENALTY_AUTHFAIL, /* login refused */
	PENALTY_NOAUTH,	  /* left or refused before logging in */
	PENALTY_GRACE,	  /* login grace time exceeded */
	PENALTY_CRASH,	  /* the connection's process crashed */
	PENALTY_NEVENTS
};

struct penalty_opts {
	int off;		  /* --penalty off */
	long ms[PENALTY_NEVENTS]; /* earned per event */
	long min_ms;		  /* refused when more is due */
	long max_ms;		  /* never more than this is due */
	size_t table;		  /* sources remembered at most */
	struct acl exempt;	  /* --penalty-exempt */
};

void penalty_defaults(struct penalty_opts *);
int penalty_parse(struct penalty_opts *, const char *);
int penalty_init(const struct penalty_opts *);
int64_t penalty_refuses(const struct acl_addr *, int64_t);
void penalty_add(const struct acl_addr *, enum penalty_event, int64_t);
void penalty_expire(int64_t);
int64_t penalty_next(void);
size_t penalty_count(void);

#endif
