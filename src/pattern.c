/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pattern.c: wildcard patterns (`*` any run of characters, `?` one
 * character, anything else itself) and comma-separated pattern lists in
 * which an entry may be negated with `!`, as sshd_config(5) has them.
 * Address lists also take CIDR entries (src/acl.c).  Used by the
 * configuration's Match blocks and policy keywords, in the
 * per-connection process (root).  Pure: no I/O, no allocation, no
 * recursion deeper than the number of `*` in a pattern.
 */
#include <string.h>

#include "acl.h"
#include "pattern.h"

#define PATTERN_ENTRY_MAX ACL_STRLEN /* an address list entry, copied */

/*
 * Whether s matches the first n bytes of pat.  Iterative, with one
 * remembered `*`: on a mismatch the last `*` takes one more character,
 * so the cost is at most strlen(s) * n.
 */
int
pattern_match_n(const char *s, const char *pat, size_t n)
{
	const char *star = NULL, *resume = NULL;
	size_t p = 0;

	for (;;) {
		if (p < n && pat[p] == '*') {
			while (p < n && pat[p] == '*')
				p++;
			if (p == n)
				return 1;
			star = pat + p;
			resume = s;
			continue;
		}
		if (*s == '\0')
			return p == n;
		if (p < n && (pat[p] == '?' || pat[p] == *s)) {
			p++;
			s++;
			continue;
		}
		if (star == NULL)
			return 0;
		/* let the last `*` take one more character */
		s = ++resume;
		p = (size_t)(star - pat);
	}
}

/* Whether s matches the whole of pat. */
int
pattern_match(const char *s, const char *pat)
{
	return pattern_match_n(s, pat, strlen(pat));
}

/*
 * Matches s against a comma-separated list of patterns, each possibly
 * negated with `!`.  A negated entry that matches decides: the answer is
 * PATTERN_NEGATED whatever the other entries say.  Empty entries match
 * nothing.
 */
enum pattern_result
pattern_list(const char *s, const char *list)
{
	enum pattern_result r = PATTERN_NONE;
	const char *p = list, *end;
	size_t n;
	int neg;

	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		neg = n > 0 && p[0] == '!';
		if (n > (size_t)neg) {
			if (pattern_match_n(s, p + neg, n - (size_t)neg)) {
				if (neg)
					return PATTERN_NEGATED;
				r = PATTERN_MATCH;
			}
		}
		if (end == NULL)
			return r;
		p = end + 1;
	}
}

/*
 * Copies one entry (without its `!`) of an address list into buf, NUL
 * terminated; -1 if it does not fit.
 */
static int
entry_copy(char *buf, const char *p, size_t n)
{
	if (n >= PATTERN_ENTRY_MAX)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

/* Whether an address list entry is a CIDR rule rather than a wildcard. */
static int
entry_is_cidr(const char *e)
{
	return strpbrk(e, "*?") == NULL;
}

/*
 * Checks an address list as the configuration is read: every entry
 * non-empty, and every entry without a wildcard a valid ADDR or
 * ADDR/BITS.  Returns 0, or -1.
 */
int
pattern_address_check(const char *list)
{
	char buf[PATTERN_ENTRY_MAX];
	struct acl_rule rule;
	const char *p = list, *end;
	size_t n, neg;

	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		neg = n > 0 && p[0] == '!';
		if (n == neg || entry_copy(buf, p + neg, n - neg) == -1)
			return -1;
		if (entry_is_cidr(buf) && acl_parse(buf, &rule) == -1)
			return -1;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

/*
 * Matches an address against a list of CIDR rules and wildcard
 * patterns (matched against text, the address as the log shows it),
 * each possibly negated, with pattern_list()'s rule for negation.
 */
enum pattern_result
pattern_address_list(const struct acl_addr *a, const char *text,
    const char *list)
{
	enum pattern_result r = PATTERN_NONE;
	char buf[PATTERN_ENTRY_MAX];
	struct acl_rule rule;
	const char *p = list, *end;
	size_t n, neg;
	int hit;

	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		neg = n > 0 && p[0] == '!';
		hit = 0;
		if (n > neg && entry_copy(buf, p + neg, n - neg) == 0) {
			if (!entry_is_cidr(buf))
				hit = pattern_match(text, buf);
			else if (acl_parse(buf, &rule) == 0)
				hit = acl_rule_match(&rule, a);
		}
		if (hit && neg)
			return PATTERN_NEGATED;
		if (hit)
			r = PATTERN_MATCH;
		if (end == NULL)
			return r;
		p = end + 1;
	}
}
