/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * penalty.c: the per-source penalty table of the standalone listener
 * (root).  Times are milliseconds on the monotonic clock, passed in by
 * the caller.
 *
 * Each source has an expiry time.  A failure pushes it later by that
 * failure's penalty (from now, if it had passed), never more than max
 * ahead.  While more than min is due, the source is penalised: the
 * listener refuses its connections before forking.  So a few mistakes
 * in a row cost nothing, and what is due drains away in real time.  The
 * table is bounded: when it is full the source nearest its expiry is
 * forgotten.  Sources are found through a hash table and expiries kept
 * in a heap, so no lookup or expiry scans the table, whatever its size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "log.h"
#include "num.h"
#include "penalty.h"
#include "timeheap.h"

#define OVERFLOW_LOG_MS 10000 /* at most one "table full" line this often */

struct source {
	struct acl_addr key;
	int64_t expiry;
	int active;
};

static const struct penalty_opts *pc;
static struct hashtab srcidx;	 /* source -> entry of tab */
static struct timeheap expiries; /* entries by expiry */
static struct source *tab;
static int64_t overflow_logged;
static int overflow_seen;
static unsigned long overflow_count;

static const char *const event_name[PENALTY_NEVENTS] = { "authfail", "noauth",
	"grace", "crash" };
static const char *const event_text[PENALTY_NEVENTS] = { "a refused login",
	"a connection that did not log in", "a login grace timeout",
	"a crashed connection" };

/* The defaults: OpenSSH's PerSourcePenalties, which rexec shares. */
void
penalty_defaults(struct penalty_opts *c)
{
	c->off = 0;
	c->ms[PENALTY_AUTHFAIL] = 5000;
	c->ms[PENALTY_NOAUTH] = 1000;
	c->ms[PENALTY_GRACE] = 10000;
	c->ms[PENALTY_CRASH] = 90000;
	c->min_ms = 15000;
	c->max_ms = 600000;
	c->table = 4096;
}

/* One KEY:VALUE of the --penalty option. */
static int
parse_item(struct penalty_opts *c, const char *key, const char *val)
{
	unsigned long n;
	long v;
	int i;

	if (strcmp(key, "table") == 0) {
		if (num_count(val, 1, 1000000, &n) == -1)
			return -1;
		c->table = n;
		return 0;
	}
	if (num_seconds(val, 86400, &v) == -1)
		return -1;
	for (i = 0; i < PENALTY_NEVENTS; i++) {
		if (strcmp(key, event_name[i]) == 0) {
			c->ms[i] = v;
			return 0;
		}
	}
	if (strcmp(key, "min") == 0)
		c->min_ms = v;
	else if (strcmp(key, "max") == 0)
		c->max_ms = v;
	else
		return -1;
	return 0;
}

/*
 * Parses the --penalty option: "off", or KEY:SECONDS pairs separated by
 * commas (authfail, noauth, grace, crash, min, max; table:SOURCES).
 * Keys not given keep their value.  Returns 0, or -1 if it is not valid.
 */
int
penalty_parse(struct penalty_opts *c, const char *spec)
{
	char buf[256], *rest = buf, *item, *val;
	size_t n;

	if (strcmp(spec, "off") == 0) {
		c->off = 1;
		return 0;
	}
	if ((n = strlen(spec)) >= sizeof(buf))
		return -1;
	memcpy(buf, spec, n + 1);
	while ((item = strsep(&rest, ",")) != NULL) {
		if ((val = strchr(item, ':')) == NULL)
			return -1;
		*val++ = '\0';
		if (parse_item(c, item, val) == -1)
			return -1;
	}
	c->off = 0;
	return c->max_ms > c->min_ms ? 0 : -1;
}

/* (Re)starts with an empty table; the configuration must outlive it. */
int
penalty_init(const struct penalty_opts *c)
{
	free(tab);
	tab = NULL;
	hashtab_free(&srcidx);
	timeheap_free(&expiries);
	overflow_seen = 0;
	overflow_count = 0;
	pc = c;
	if (c->off)
		return 0;
	if ((tab = calloc(c->table, sizeof(*tab))) == NULL ||
	    hashtab_init(&srcidx, (uint32_t)c->table) == -1 ||
	    timeheap_init(&expiries, (uint32_t)c->table) == -1)
		return -1;
	return 0;
}

/* The table entry of key, or HASHTAB_NONE. */
static uint32_t
find(const struct acl_addr *key)
{
	struct hashtab_key k = hashtab_bytes(key->a);

	return hashtab_find(&srcidx, &k);
}

/* Drops slot s, logging when it leaves penalty. */
static void
forget(struct source *s)
{
	char h[ACL_STRLEN];
	uint32_t e = (uint32_t)(s - tab);

	if (s->active)
		log_auth("source %s leaves penalty",
		    acl_key_format(h, sizeof(h), &s->key));
	timeheap_remove(&expiries, e);
	hashtab_remove(&srcidx, e);
}

/*
 * A slot for a new source.  When the table is full the source closest to
 * its expiry (the least penalised) makes room, and that is logged, at
 * most once every OVERFLOW_LOG_MS.
 */
static uint32_t
make_room(const struct acl_addr *key, int64_t now)
{
	struct hashtab_key k = hashtab_bytes(key->a);
	char h[ACL_STRLEN];
	struct source *victim;
	uint32_t e;

	if (srcidx.n == srcidx.max) {
		victim = tab + timeheap_top(&expiries);
		overflow_count++;
		if (!overflow_seen ||
		    now - overflow_logged >= OVERFLOW_LOG_MS) {
			log_warnx(
			    "penalty table full (%zu sources): forgot "
			    "%s and %lu other(s) since the last such line",
			    pc->table,
			    acl_key_format(h, sizeof(h), &victim->key),
			    overflow_count - 1);
			overflow_logged = now;
			overflow_seen = 1;
			overflow_count = 0;
		}
		victim->active = 0; /* forgotten, not released */
		forget(victim);
	}
	e = hashtab_insert(&srcidx, &k);
	tab[e].key = *key;
	tab[e].expiry = now;
	tab[e].active = 0;
	return e;
}

/*
 * Whether connections from addr are to be refused now: its source is
 * penalised and addr itself is not exempt.  Returns the milliseconds
 * still due when it is (at least 1), 0 when it is not.
 */
int64_t
penalty_refuses(const struct acl_addr *addr, int64_t now)
{
	struct acl_addr key;
	struct source *s;
	uint32_t e;

	if (tab == NULL || srcidx.n == 0 || acl_match(&pc->exempt, addr))
		return 0;
	acl_source_key(&key, addr);
	if ((e = find(&key)) == HASHTAB_NONE)
		return 0;
	s = &tab[e];
	if (s->expiry <= now) {
		forget(s);
		return 0;
	}
	return s->active ? s->expiry - now : 0;
}

/*
 * Charges the source of addr (its IPv4 address or IPv6 /64) for one
 * failure of kind ev.  The exempt list is matched against the client's
 * own address, so an IPv6 rule narrower than /64 works.
 */
void
penalty_add(const struct acl_addr *addr, enum penalty_event ev, int64_t now)
{
	struct acl_addr keybuf, *key = &keybuf;
	struct source *s;
	uint32_t e;
	char h[ACL_STRLEN];

	if (pc == NULL || pc->off || tab == NULL || pc->ms[ev] == 0 ||
	    acl_match(&pc->exempt, addr))
		return;
	acl_source_key(key, addr);
	if ((e = find(key)) == HASHTAB_NONE)
		e = make_room(key, now);
	s = &tab[e];
	if (s->expiry < now)
		s->expiry = now;
	s->expiry += pc->ms[ev];
	if (s->expiry - now > pc->max_ms)
		s->expiry = now + pc->max_ms;
	if (!s->active && s->expiry - now > pc->min_ms) {
		s->active = 1;
		log_auth("source %s enters penalty for %lld s after %s",
		    acl_key_format(h, sizeof(h), key),
		    (long long)((s->expiry - now + 999) / 1000),
		    event_text[ev]);
	}
	timeheap_set(&expiries, (uint32_t)(s - tab), s->expiry);
}

/* Forgets every source whose time has run out, logging those released. */
void
penalty_expire(int64_t now)
{
	if (tab == NULL)
		return;
	while (timeheap_next(&expiries) <= now)
		forget(&tab[timeheap_top(&expiries)]);
}

/* When penalty_expire() has work next (INT64_MAX: never). */
int64_t
penalty_next(void)
{
	return tab == NULL ? INT64_MAX : timeheap_next(&expiries);
}

/* How many sources the table holds. */
size_t
penalty_count(void)
{
	return tab == NULL ? 0 : srcidx.n;
}
