/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_match.c: the per-session view of the configuration, in the
 * per-connection process (root) once the user is known: which Match
 * blocks apply to a user, their groups and their address, and so which
 * line says each per-session keyword.  Pure: no I/O, no allocation.
 *
 * A Match block's value wins over the global one; of several Match
 * blocks that apply, the first to set a keyword wins; within one block,
 * the first line of a single-valued keyword wins and the lines of a
 * list keyword add up (rexecd.conf(5)).
 */
#include <string.h>
#include <strings.h>

#include "config.h"
#include "pattern.h"

/* A Group criterion: some group of the user in the list, none negated. */
static int
match_groups(const struct config_who *w, const char *list)
{
	enum pattern_result r;
	int hit = 0;
	size_t i;

	for (i = 0; w->groups != NULL && i < w->ngroups; i++) {
		r = pattern_list(w->groups[i], list);
		if (r == PATTERN_NEGATED)
			return 0;
		if (r == PATTERN_MATCH)
			hit = 1;
	}
	return hit;
}

/* Whether one criterion with its list holds for w. */
static int
match_one(const struct config_who *w, const char *crit, const char *list)
{
	if (strcasecmp(crit, "User") == 0)
		return w->user != NULL &&
		    pattern_list(w->user, list) == PATTERN_MATCH;
	if (strcasecmp(crit, "Group") == 0)
		return match_groups(w, list);
	if (strcasecmp(crit, "Address") == 0)
		return w->addr != NULL &&
		    pattern_address_list(w->addr, w->addr_text, list) ==
		    PATTERN_MATCH;
	return 0;
}

/* Whether the Match line m applies to w: every criterion holds. */
int
config_match(const struct config *c, const struct config_line *m,
    const struct config_who *w)
{
	const char *t = m->arg, *crit;
	unsigned int i;

	(void)c;
	if (m->ntok == 1 && strcasecmp(t, "All") == 0)
		return 1;
	for (i = 0; i + 1 < m->ntok; i += 2) {
		crit = t;
		t += strlen(t) + 1;
		if (!match_one(w, crit, t))
			return 0;
		t += strlen(t) + 1;
	}
	return 1;
}

/* Whether a value from block b takes the place of what is set (block
 * had, or -1): the first value wins, but a Match block beats global. */
static int
takes_over(int had, unsigned int b)
{
	return had == -1 || (had == 0 && b > 0);
}

/*
 * Resolves, for w, which line says each single-valued keyword and which
 * block's lines make each list keyword.
 */
void
config_resolve(const struct config *c, const struct config_who *w,
    struct config_session *s)
{
	const struct config_line *l;
	int active = 1, i;
	size_t k;

	for (i = 0; i < CONFIG_KW_COUNT; i++) {
		s->scalar[i] = NULL;
		s->list_block[i] = -1;
	}
	for (k = 0; k < c->nline; k++) {
		l = &c->line[k];
		if (l->kw == CONFIG_KW_MATCH) {
			active = config_match(c, l, w);
			continue;
		}
		if (!active || l->kw >= CONFIG_KW_COUNT)
			continue;
		if (takes_over(s->list_block[l->kw], l->block)) {
			s->list_block[l->kw] = l->block;
			s->scalar[l->kw] = l; /* the first line of the block */
		}
	}
}

/*
 * The next token of list keyword kw in the resolved session, or NULL at
 * the end.  Start with *it zeroed.
 */
const char *
config_next(const struct config *c, const struct config_session *s,
    enum config_kw kw, struct config_iter *it)
{
	const struct config_line *l;

	if (s->list_block[kw] == -1)
		return NULL;
	for (; it->line < c->nline; it->line++, it->tok = 0, it->p = NULL) {
		l = &c->line[it->line];
		if (l->kw != kw || (int)l->block != s->list_block[kw] ||
		    it->tok >= l->ntok)
			continue;
		it->p = it->p == NULL ? l->arg : it->p + strlen(it->p) + 1;
		it->tok++;
		return it->p;
	}
	return NULL;
}

/* A number or flag keyword's value, or def when no line sets it. */
long
config_num(const struct config_session *s, enum config_kw kw, long def)
{
	return s->scalar[kw] != NULL ? s->scalar[kw]->num : def;
}

/* A single-valued string keyword's value, or NULL. */
const char *
config_str(const struct config_session *s, enum config_kw kw)
{
	return s->scalar[kw] != NULL ? s->scalar[kw]->arg : NULL;
}
