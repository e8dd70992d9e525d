/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pattern.h: the wildcard patterns and pattern lists of the
 * configuration file (rexecd.conf(5)).  Pure: no I/O, no allocation.
 */
#ifndef PATTERN_H
#define PATTERN_H

#include <stddef.h>

#include "acl.h"

/* What a pattern list says about a string. */
enum pattern_result {
	PATTERN_NONE = 0,    /* no entry matched */
	PATTERN_MATCH = 1,   /* a plain entry matched, no negated one */
	PATTERN_NEGATED = -1 /* a negated entry (!pattern) matched */
};

int pattern_match(const char *, const char *);
int pattern_match_n(const char *, const char *, size_t);
enum pattern_result pattern_list(const char *, const char *);
int pattern_address_check(const char *);
enum pattern_result
pattern_address_list(const struct acl_addr *, const char *, const char *);

#endif
