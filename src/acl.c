/*
 * acl.c: address rules and source keys, for the listener and the
 * connection process (root).  Pure apart from the allocation in
 * acl_add(), which only runs while the command line is read.
 *
 * A rule is ADDR or ADDR/BITS, IPv4 or IPv6.  IPv4 addresses, and IPv6
 * addresses of the v4-mapped form ::ffff:a.b.c.d, are one family: a rule
 * for 10.0.0.0/8 matches a client seen as ::ffff:10.1.2.3 on a dual-stack
 * socket, and a rule written ::ffff:10.0.0.0/104 is the same rule.  An
 * IPv6 rule never matches an IPv4 client, so ::/0 means "all of IPv6".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "num.h"

#define V4_OFFSET 96 /* bits of ::ffff:0:0/96 before an IPv4 address */

/* Puts the IPv4 address at p (4 bytes, network order) in its v4 form. */
static void
set_v4(struct acl_addr *x, const void *p)
{
	memset(x, 0, sizeof(*x));
	x->a[10] = x->a[11] = 0xff;
	memcpy(x->a + 12, p, 4);
	x->v4 = 1;
}

/* Whether the first bits bits of a and b are equal. */
static int
prefix_equal(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

/* Whether every bit of a after the first bits is zero. */
static int
host_bits_zero(const uint8_t *a, unsigned int bits)
{
	static const uint8_t zero[16];
	uint8_t m[16];
	unsigned int i;

	memcpy(m, a, sizeof(m));
	for (i = 0; i < bits && i < 128; i++)
		m[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	return memcmp(m, zero, sizeof(m)) == 0;
}

/* Parses a prefix length: digits, no leading zero, at most max. */
static int
parse_bits(const char *s, unsigned int max, unsigned int *bits)
{
	unsigned long v;

	if ((s[0] == '0' && s[1] != '\0') || num_count(s, 0, max, &v) == -1)
		return -1;
	*bits = (unsigned int)v;
	return 0;
}

/*
 * Parses "ADDR" or "ADDR/BITS" into *r.  Refuses a network with bits set
 * after the prefix (10.1.2.3/8 is a typo for something), a v4-mapped
 * address with a prefix shorter than /96, and anything not numeric.
 */
int
acl_parse(const char *s, struct acl_rule *r)
{
	char buf[ACL_STRLEN], *slash;
	size_t n;
	uint8_t raw[16];
	unsigned int bits, max;
	int rc = -1;

	if ((n = strlen(s)) >= sizeof(buf))
		goto out;
	memcpy(buf, s, n + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(r, 0, sizeof(*r));
	if (inet_pton(AF_INET, buf, raw) == 1) {
		set_v4(&r->net, raw);
		max = 32;
	} else if (inet_pton(AF_INET6, buf, r->net.a) == 1) {
		r->net.v4 = IN6_IS_ADDR_V4MAPPED(
		    (const struct in6_addr *)(void *)r->net.a);
		max = 128;
	} else
		goto out;
	bits = max;
	if (slash != NULL && parse_bits(slash, max, &bits) == -1)
		goto out;
	if (r->net.v4 && max == 128) {
		if (bits < V4_OFFSET)
			goto out;
		bits -= V4_OFFSET;
	}
	if (!host_bits_zero(r->net.a, bits + (r->net.v4 ? V4_OFFSET : 0)))
		goto out;
	r->bits = bits;
	rc = 0;
out:
	if (rc == -1)
		errno = EINVAL;
	return rc;
}

/*
 * Parses s and appends it to the list; -1 (errno set) if it is not valid
 * (EINVAL) or the list has ACL_MAX_RULES rules already (E2BIG): every
 * rule is matched for every connection.
 */
int
acl_add(struct acl *l, const char *s)
{
	struct acl_rule r, *n;

	if (acl_parse(s, &r) == -1)
		return -1;
	if (l->n >= ACL_MAX_RULES) {
		errno = E2BIG;
		return -1;
	}
	if ((n = reallocarray(l->rule, l->n + 1, sizeof(*n))) == NULL)
		return -1;
	l->rule = n;
	l->rule[l->n++] = r;
	return 0;
}

/* Takes a socket address (IPv4 or IPv6) into its 16-byte form. */
int
acl_addr_from(struct acl_addr *x, const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET) {
		set_v4(x, &((const struct sockaddr_in *)sa)->sin_addr);
		return 0;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	memcpy(x->a, &s6->sin6_addr, sizeof(x->a));
	x->v4 = IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr);
	return 0;
}

/* Whether rule r covers address x (same family only). */
int
acl_rule_match(const struct acl_rule *r, const struct acl_addr *x)
{
	if (r->net.v4 != x->v4)
		return 0;
	return prefix_equal(r->net.a, x->a,
	    r->bits + (r->net.v4 ? V4_OFFSET : 0));
}

/* Whether any rule of the list covers x. */
int
acl_match(const struct acl *l, const struct acl_addr *x)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (acl_rule_match(&l->rule[i], x))
			return 1;
	return 0;
}

/*
 * Whether a client at x may talk to the server: a --deny rule always
 * wins; when there are --allow rules, one of them must cover x.
 */
int
acl_permits(const struct acl *allow, const struct acl *deny,
    const struct acl_addr *x)
{
	if (acl_match(deny, x))
		return 0;
	return allow->n == 0 || acl_match(allow, x);
}

/*
 * The key a client is counted and penalised by: its IPv4 address, or
 * the /64 its IPv6 address is in (one host usually owns a whole /64).
 */
void
acl_source_key(struct acl_addr *key, const struct acl_addr *x)
{
	*key = *x;
	if (!x->v4)
		memset(key->a + 8, 0, 8);
}

/* A key for the log: "192.0.2.7" or "2001:db8:1:2::/64". */
const char *
acl_key_format(char *buf, size_t size, const struct acl_addr *key)
{
	char h[INET6_ADDRSTRLEN];

	if (inet_ntop(key->v4 ? AF_INET : AF_INET6,
		key->v4 ? key->a + 12 : key->a, h, sizeof(h)) == NULL)
		memcpy(h, "?", 2);
	(void)snprintf(buf, size, key->v4 ? "%s" : "%s/64", h);
	return buf;
}
