/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options.c: the server's options as one table, their defaults, and how
 * a value given for one of them is checked and stored.  Runs in the
 * server's first process, before anything else (root, no network yet).
 */
#include <errno.h>
#include <stddef.h>

#include "netio.h"
#include "num.h"
#include "options.h"
#include "proto.h"

#define O(f) offsetof(struct options, f)

/* name, letter, unit, field, and for counts and seconds: min, max */
const struct options_def options_table[] = {
	{ "debug", 'd', OPTIONS_FLAG, O(debug), 0, 0 },
	{ "listen", 'l', OPTIONS_LISTEN, O(listen), 0, 0 },
	{ "pam-service", 0, OPTIONS_STRING, O(pam_service), 0, 0 },
	{ "allow-root", 0, OPTIONS_FLAG, O(allow_root), 0, 0 },
	{ "check-shell", 0, OPTIONS_FLAG, O(check_shell), 0, 0 },
	{ "login-grace-time", 0, OPTIONS_SECONDS, O(grace_ms), 1000, 3600 },
	{ "connect-timeout", 0, OPTIONS_SECONDS, O(connect_ms), 1, 600 },
	{ "fail-delay", 0, OPTIONS_SECONDS, O(fail_delay_ms), 0, 60 },
	{ "allow", 0, OPTIONS_CIDR, O(allow), 0, 0 },
	{ "deny", 0, OPTIONS_CIDR, O(deny), 0, 0 },
	{ "allow-low-ports", 0, OPTIONS_FLAG, O(allow_low_ports), 0, 0 },
	{ "max-startups", 0, OPTIONS_STARTUPS, O(limits), 0, 0 },
	{ "per-source-max", 0, OPTIONS_COUNT, O(limits.per_source), 0,
	    1000000 },
	{ "max-sessions", 0, OPTIONS_COUNT, O(limits.sessions), 1, 100000 },
	{ "penalty", 0, OPTIONS_PENALTY, O(penalty), 0, 0 },
	{ "penalty-exempt", 0, OPTIONS_CIDR, O(penalty.exempt), 0, 0 },
	{ "max-untrusted-auths", 0, OPTIONS_COUNT, O(limits.untrusted_auths), 0,
	    100000 },
	{ "keepalive", 0, OPTIONS_COUNT, O(keepalive_s), 0,
	    NETIO_KEEPALIVE_MAX },
	{ "max-password-length", 0, OPTIONS_COUNT, O(max_pass), 1,
	    PROTO_PASS_LIMIT },
	{ "source-prefix", 0, OPTIONS_PREFIX, O(source_v4), 0, 0 },
};
const size_t options_count = sizeof(options_table) / sizeof(options_table[0]);

/* The values the server runs with when no option says otherwise. */
void
options_defaults(struct options *o)
{
	*o = (struct options){
		.pam_service = "rexec",
		.grace_ms = 30000,
		.connect_ms = 5000,
		.fail_delay_ms = 2000,
		.keepalive_s = 60,
		.max_pass = PROTO_PASS_MAX,
		.source_v4 = 32,
		.source_v6 = 128,
	};
	connlimit_defaults(&o->limits);
	penalty_defaults(&o->penalty);
}

/* Appends an ADDR:PORT to the -l list (checked when it is opened). */
static enum options_error
add_listen(struct options *o, const char *arg)
{
	if (o->nlisten == OPTIONS_MAX_LISTEN)
		return OPTIONS_ETOOMANY;
	o->listen[o->nlisten++] = arg;
	return OPTIONS_OK;
}

/* Appends an address rule to the list at p. */
static enum options_error
add_cidr(struct acl *l, const char *arg)
{
	if (acl_add(l, arg) == 0)
		return OPTIONS_OK;
	if (errno == E2BIG)
		return OPTIONS_ERULES;
	return errno == EINVAL ? OPTIONS_EVALUE : OPTIONS_ENOMEM;
}

/* Reads a count into the unsigned int at p. */
static enum options_error
set_count(unsigned int *p, const struct options_def *d, const char *arg)
{
	unsigned long v;

	if (num_count(arg, d->min, d->max, &v) == -1)
		return OPTIONS_EVALUE;
	*p = (unsigned int)v;
	return OPTIONS_OK;
}

/* Reads seconds into the long at p, as milliseconds of at least d->min. */
static enum options_error
set_seconds(long *p, const struct options_def *d, const char *arg)
{
	long ms;

	if (num_seconds(arg, (long)d->max, &ms) == -1 || ms < (long)d->min)
		return OPTIONS_ESECONDS;
	*p = ms;
	return OPTIONS_OK;
}

/*
 * Checks arg as a value of option d and stores it in o.  arg is kept,
 * not copied (strings and -l addresses), so it must outlive o; a flag
 * takes no arg.
 */
enum options_error
options_set(struct options *o, const struct options_def *d, const char *arg)
{
	void *p = (char *)o + d->field;

	switch (d->unit) {
	case OPTIONS_FLAG:
		*(int *)p = 1;
		return OPTIONS_OK;
	case OPTIONS_STRING:
		*(const char **)p = arg;
		return OPTIONS_OK;
	case OPTIONS_SECONDS:
		return set_seconds(p, d, arg);
	case OPTIONS_COUNT:
		return set_count(p, d, arg);
	case OPTIONS_CIDR:
		return add_cidr(p, arg);
	case OPTIONS_LISTEN:
		return add_listen(o, arg);
	case OPTIONS_STARTUPS:
		return connlimit_parse_startups(p, arg) == 0 ? OPTIONS_OK :
							       OPTIONS_EVALUE;
	case OPTIONS_PENALTY:
		return penalty_parse(p, arg) == 0 ? OPTIONS_OK : OPTIONS_EVALUE;
	case OPTIONS_PREFIX:
		return acl_parse_prefix(arg, &o->source_v4, &o->source_v6) ==
			0 ?
		    OPTIONS_OK :
		    OPTIONS_EVALUE;
	}
	return OPTIONS_EVALUE;
}
