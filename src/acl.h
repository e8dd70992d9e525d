/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acl.h: address rules (--allow, --deny, --penalty-exempt) and the
 * source keys that limits and penalties count by (--source-prefix).
 * Pure: no I/O.
 */
#ifndef ACL_H
#define ACL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ACL_STRLEN 80	 /* "ADDR%SCOPE/BITS" of any address fits */
#define ACL_MAX_RULES 64 /* per list: each is matched per connection */

/*
 * An address in one 16-byte form: IPv4 (and v4-mapped IPv6) as
 * ::ffff:a.b.c.d with v4 set, so the two compare alike.  A link-local
 * IPv6 address keeps its scope (the interface index; 0: none).
 */
struct acl_addr {
	uint8_t a[16];
	int v4;
	uint32_t scope;
};

/* A network: the first bits (0..32 for IPv4, 0..128 for IPv6) of net. */
struct acl_rule {
	struct acl_addr net;
	unsigned int bits;
};

/* A list of rules, grown while the command line is read. */
struct acl {
	struct acl_rule *rule;
	size_t n;
};

int acl_parse(const char *, struct acl_rule *);
int acl_add(struct acl *, const char *);
int acl_addr_from(struct acl_addr *, const struct sockaddr *);
int acl_rule_match(const struct acl_rule *, const struct acl_addr *);
int acl_match(const struct acl *, const struct acl_addr *);
int
acl_permits(const struct acl *, const struct acl *, const struct acl_addr *);
int acl_parse_prefix(const char *, unsigned int *, unsigned int *);
int acl_source_prefix(unsigned int, unsigned int);
void acl_source_key(struct acl_addr *, const struct acl_addr *);
const char *acl_key_format(char *, size_t, const struct acl_addr *);

#endif
