/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acl.c: address rules and source keys, for the listener and the
 * connection process (root).  Pure apart from the allocation in
 * acl_add() and the interface lookup of a scoped rule, which only run
 * while the command line is read.
 *
 * A rule is ADDR or ADDR/BITS, IPv4 or IPv6.  IPv4 addresses, and IPv6
 * addresses of the v4-mapped form ::ffff:a.b.c.d, are one family: a rule
 * for 10.0.0.0/8 matches a client seen as ::ffff:10.1.2.3 on a dual-stack
 * socket, and a rule written ::ffff:10.0.0.0/104 is the same rule.  An
 * IPv6 rule never matches an IPv4 client, so ::/0 means "all of IPv6".
 * A link-local rule may name its link (fe80::1%eth0, fe80::%2/64); one
 * without a scope covers every link.
 *
 * A source, for limits and penalties, is the client's address cut to
 * --source-prefix (IPv4:IPv6, by default 32:128: each address alone);
 * a link-local source keeps its link.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "num.h"

#define V4_OFFSET 96 /* bits of ::ffff:0:0/96 before an IPv4 address */
#define SCOPE_AT 4   /* where a key keeps its scope: bytes zero in fe80::/64 */

static unsigned int source_v4 = 32, source_v6 = 128; /* --source-prefix */

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
 * The link of a scoped rule: an interface name or index.  Returns the
 * index, 0 when there is no such interface or s is empty.
 */
static uint32_t
parse_scope(const char *s)
{
	unsigned long v;

	if (s[0] >= '1' && s[0] <= '9')
		return num_count(s, 1, UINT32_MAX, &v) == 0 ? (uint32_t)v : 0;
	return s[0] != '\0' ? if_nametoindex(s) : 0;
}

/*
 * Parses "ADDR", "ADDR/BITS", or with a link-local ADDR "ADDR%SCOPE"
 * and "ADDR%SCOPE/BITS", into *r.  Refuses a network with bits set
 * after the prefix (10.1.2.3/8 is a typo for something), a v4-mapped
 * address with a prefix shorter than /96, a scope on any other address,
 * and anything not numeric.
 */
int
acl_parse(const char *s, struct acl_rule *r)
{
	char buf[ACL_STRLEN], *slash, *pct;
	size_t n;
	uint8_t raw[16];
	unsigned int bits, max;
	int rc = -1;

	if ((n = strlen(s)) >= sizeof(buf))
		goto out;
	memcpy(buf, s, n + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if ((pct = strchr(buf, '%')) != NULL)
		*pct++ = '\0';
	memset(r, 0, sizeof(*r));
	if (inet_pton(AF_INET, buf, raw) == 1) {
		if (pct != NULL)
			goto out;
		set_v4(&r->net, raw);
		max = 32;
	} else if (inet_pton(AF_INET6, buf, r->net.a) == 1) {
		r->net.v4 = IN6_IS_ADDR_V4MAPPED(
		    (const struct in6_addr *)(void *)r->net.a);
		max = 128;
		if (pct != NULL &&
		    (!IN6_IS_ADDR_LINKLOCAL(
			 (const struct in6_addr *)(void *)r->net.a) ||
			(r->net.scope = parse_scope(pct)) == 0))
			goto out;
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
	x->scope =
	    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) ? s6->sin6_scope_id : 0;
	return 0;
}

/* Whether rule r covers address x (same family, same link if scoped). */
int
acl_rule_match(const struct acl_rule *r, const struct acl_addr *x)
{
	if (r->net.v4 != x->v4 ||
	    (r->net.scope != 0 && r->net.scope != x->scope))
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

/* Parses --source-prefix "V4:V6" (0..32, 0..128, plain digits). */
int
acl_parse_prefix(const char *s, unsigned int *v4, unsigned int *v6)
{
	const char *colon = strchr(s, ':');
	char buf[4];
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - s)) >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_bits(buf, 32, v4) == -1 ||
	    parse_bits(colon + 1, 128, v6) == -1)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Sets how many leading bits of an address make its source. */
int
acl_source_prefix(unsigned int v4, unsigned int v6)
{
	if (v4 > 32 || v6 > 128) {
		errno = EINVAL;
		return -1;
	}
	source_v4 = v4;
	source_v6 = v6;
	return 0;
}

/* Clears every bit of the 16-byte address a after the first bits. */
static void
clear_host_bits(uint8_t *a, unsigned int bits)
{
	unsigned int i = bits / 8;

	if (i >= 16)
		return;
	if (bits % 8 != 0)
		a[i++] &= (uint8_t)(0xff << (8 - bits % 8));
	memset(a + i, 0, 16 - i);
}

/*
 * The key a client is counted and penalised by: its address cut to the
 * source prefix.  A link-local source's scope is kept in the key's
 * bytes 4..7 (zero in every fe80::/64 address), so that the same
 * address on two links makes two keys however keys are compared.
 */
void
acl_source_key(struct acl_addr *key, const struct acl_addr *x)
{
	uint32_t scope = htonl(x->scope);

	*key = *x;
	clear_host_bits(key->a, x->v4 ? V4_OFFSET + source_v4 : source_v6);
	if (!x->v4 && x->scope != 0)
		memcpy(key->a + SCOPE_AT, &scope, sizeof(scope));
}

/* A key for the log: "192.0.2.7", "2001:db8:1:2::/64", "fe80::1%2". */
const char *
acl_key_format(char *buf, size_t size, const struct acl_addr *key)
{
	char h[INET6_ADDRSTRLEN], scope[16] = "", bits[8] = "";
	struct acl_addr k = *key;

	if (!k.v4 && k.scope != 0) {
		memset(k.a + SCOPE_AT, 0, 4);
		(void)snprintf(scope, sizeof(scope), "%%%u", k.scope);
	}
	if (k.v4 ? source_v4 < 32 : source_v6 < 128)
		(void)snprintf(bits, sizeof(bits), "/%u",
		    k.v4 ? source_v4 : source_v6);
	if (inet_ntop(k.v4 ? AF_INET : AF_INET6, k.v4 ? k.a + 12 : k.a, h,
		sizeof(h)) == NULL)
		memcpy(h, "?", 2);
	(void)snprintf(buf, size, "%s%s%s", h, scope, bits);
	return buf;
}
