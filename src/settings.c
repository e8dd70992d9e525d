/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * settings.c: `in.rexecd -T`: every setting as a `keyword value` line,
 * in lower case as rexecd.conf(5) spells the keywords, after the
 * command line and the file (the options from options_table, so a new
 * option needs nothing here unless it has a new unit); with -C
 * user=NAME,addr=ADDR the per-session keywords as the Match blocks make them
 * for that user (and the groups the system gives them) and address.  Runs in
 * the server's first process, which then exits.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "config.h"
#include "options.h"
#include "policy.h"
#include "settings.h"

/* An option's name as a keyword: lower case, without the dashes. */
static void
keyword(FILE *f, const char *name)
{
	for (; *name != '\0'; name++)
		if (*name != '-')
			(void)fputc(*name | 0x20, f);
}

/* One line per rule of an address list. */
static void
rules(FILE *f, const char *name, const struct acl *l)
{
	char h[INET6_ADDRSTRLEN];
	const struct acl_rule *r;
	size_t i;

	for (i = 0; i < l->n; i++) {
		r = &l->rule[i];
		if (inet_ntop(r->net.v4 ? AF_INET : AF_INET6,
			r->net.v4 ? r->net.a + 12 : r->net.a, h,
			sizeof(h)) == NULL)
			continue;
		keyword(f, name);
		(void)fprintf(f, " %s/%u\n", h, r->bits);
	}
}

static const char *
yesno(int v)
{
	return v ? "yes" : "no";
}

/* The --penalty value, as a spec that gives it back. */
static void
penalty(FILE *f, const struct penalty_opts *p)
{
	static const char *const ev[PENALTY_NEVENTS] = { "authfail", "noauth",
		"grace", "crash" };
	int i;

	if (p->off) {
		(void)fputs(" off\n", f);
		return;
	}
	for (i = 0; i < PENALTY_NEVENTS; i++)
		(void)fprintf(f, "%c%s:%g", i == 0 ? ' ' : ',', ev[i],
		    (double)p->ms[i] / 1000);
	(void)fprintf(f, ",min:%g,max:%g,table:%zu\n", (double)p->min_ms / 1000,
	    (double)p->max_ms / 1000, p->table);
}

/* One option of options_table, as `keyword value` lines. */
static void
show_option(FILE *f, const struct options *o, const struct options_def *d)
{
	const void *p = (const char *)o + d->field;
	const struct connlimit_opts *cl = p;
	long ms;
	int i;

	if (d->unit == OPTIONS_CIDR) {
		rules(f, d->name, p);
		return;
	}
	for (i = 0; d->unit == OPTIONS_LISTEN && i < o->nlisten; i++) {
		keyword(f, d->name);
		(void)fprintf(f, " %s\n", o->listen[i]);
	}
	if (d->unit == OPTIONS_LISTEN)
		return;
	keyword(f, d->name);
	switch (d->unit) {
	case OPTIONS_FLAG:
		(void)fprintf(f, " %s\n", yesno(*(const int *)p));
		break;
	case OPTIONS_STRING:
		(void)fprintf(f, " %s\n", *(const char *const *)p);
		break;
	case OPTIONS_SECONDS:
		ms = *(const long *)p;
		(void)fprintf(f, ms % 1000 == 0 ? " %ld\n" : " %ld.%03ld\n",
		    ms / 1000, ms % 1000);
		break;
	case OPTIONS_COUNT:
		(void)fprintf(f, " %u\n", *(const unsigned int *)p);
		break;
	case OPTIONS_STARTUPS:
		(void)fprintf(f, " %u:%u:%u\n", cl->start, cl->rate, cl->full);
		break;
	case OPTIONS_PENALTY:
		penalty(f, p);
		break;
	case OPTIONS_PREFIX:
		(void)fprintf(f, " %u:%u\n", o->source_v4, o->source_v6);
		break;
	default:
		(void)fputc('\n', f);
		break;
	}
}

/* A list keyword on one line, tokens with blanks or quotes quoted. */
static void
show_list(FILE *f, const struct config *c, const struct config_session *s,
    enum config_kw kw)
{
	struct config_iter it = { 0 };
	const char *t, *p;
	char name[32];
	size_t k;

	for (k = 0; config_kw_name(kw)[k] != '\0' && k + 1 < sizeof(name); k++)
		name[k] = (char)(config_kw_name(kw)[k] | 0x20);
	name[k] = '\0';
	if (s->list_block[kw] == -1) {
		(void)fprintf(f, "%s none\n", name);
		return;
	}
	(void)fprintf(f, "%s", name);
	while ((t = config_next(c, s, kw, &it)) != NULL) {
		if (strpbrk(t, " \t\"\\") == NULL) {
			(void)fprintf(f, " %s", t);
			continue;
		}
		(void)fputs(" \"", f);
		for (p = t; *p != '\0'; p++)
			(void)fprintf(f,
			    *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		(void)fputc('"', f);
	}
	(void)fputc('\n', f);
}

/* The per-session keywords as resolved in s. */
static void
show_session(FILE *f, const struct config *c, const struct config_session *s)
{
	static const enum config_kw lists[] = { CONFIG_KW_ALLOWUSERS,
		CONFIG_KW_DENYUSERS, CONFIG_KW_ALLOWGROUPS,
		CONFIG_KW_DENYGROUPS, CONFIG_KW_PERMITCOMMAND,
		CONFIG_KW_SETENV };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		show_list(f, c, s, lists[i]);
	v = config_str(s, CONFIG_KW_FORCECOMMAND);
	(void)fprintf(f, "forcecommand %s\n", v != NULL ? v : "none");
	v = config_str(s, CONFIG_KW_PATH);
	(void)fprintf(f, "path %s\n", v != NULL ? v : "default");
	(void)fprintf(f, "maxsessiontime %ld\n",
	    config_num(s, CONFIG_KW_MAXSESSIONTIME, 0));
	(void)fprintf(f, "maxsessionsperuser %ld\n",
	    config_num(s, CONFIG_KW_MAXSESSIONSPERUSER, 0));
	(void)fprintf(f, "endwithshell %s\n",
	    yesno((int)config_num(s, CONFIG_KW_ENDWITHSHELL, 0)));
}

/* Parses -C user=NAME,addr=ADDR (both optional) into w; 0 or -1. */
static int
parse_who(char *spec, struct config_who *w, struct acl_addr *a)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	char *item;

	while ((item = strsep(&spec, ",")) != NULL) {
		if (strncmp(item, "user=", 5) == 0 && item[5] != '\0')
			w->user = item + 5;
		else if (strncmp(item, "addr=", 5) == 0) {
			w->addr_text = item + 5;
			if (inet_pton(AF_INET, item + 5, &s4.sin_addr) == 1)
				(void)acl_addr_from(a, (struct sockaddr *)&s4);
			else if (inet_pton(AF_INET6, item + 5, &s6.sin6_addr) ==
			    1)
				(void)acl_addr_from(a, (struct sockaddr *)&s6);
			else
				return -1;
			w->addr = a;
		} else
			return -1;
	}
	return 0;
}

/*
 * Prints the settings; who is -C's argument or NULL (then Match blocks
 * apply only as far as they need no user or address: Match All).
 * Returns the exit status: 0, or 2 for a bad -C.
 */
int
settings_show(FILE *f, const struct options *o, const char *who)
{
	static const struct config none;
	const struct config *c = o->config != NULL ? o->config : &none;
	struct config_who w = { NULL, NULL, 0, NULL, "" };
	struct policy_groups g = { NULL, 0 };
	struct config_session s;
	struct acl_addr a;
	struct passwd *pw;
	char *spec = NULL;
	size_t i;
	int rc;

	if (who != NULL) {
		if ((spec = strdup(who)) == NULL || parse_who(spec, &w, &a)) {
			(void)fprintf(stderr,
			    "in.rexecd: -C %s: expected "
			    "user=NAME,addr=ADDR\n",
			    who);
			free(spec);
			return 2;
		}
		if (w.user != NULL && (pw = getpwnam(w.user)) != NULL &&
		    policy_groups_load(&g, w.user, pw->pw_gid) == 0) {
			w.groups = (const char *const *)g.name;
			w.ngroups = g.n;
		}
	}
	for (i = 0; i < options_count; i++)
		show_option(f, o, &options_table[i]);
	config_resolve(c, &w, &s);
	show_session(f, c, &s);
	rc = fflush(f) == 0 ? 0 : 1;
	free(spec);
	return rc;
}
