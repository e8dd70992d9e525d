/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * policy.c: the per-session rules of rexecd.conf(5), applied in the
 * per-connection process (root) after PAM has authenticated the user:
 * who may log in, by name, group and address; which commands they may
 * run.  The caller answers a refused login exactly as a wrong password
 * (session.c), so only the log says which rule refused it.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "log.h"
#include "pattern.h"
#include "policy.h"
#include "userslot.h"

#define GROUPS_MAX 65536 /* NGROUPS_MAX on Linux */

/* Adds a group's name (or its number, if it has none) to g. */
static int
add_group(struct policy_groups *g, gid_t gid)
{
	struct group *gr = getgrgid(gid);
	char num[24];
	const char *name = num;

	if (gr != NULL)
		name = gr->gr_name;
	else
		(void)snprintf(num, sizeof(num), "%lu", (unsigned long)gid);
	if ((g->name[g->n] = strdup(name)) == NULL)
		return -1;
	g->n++;
	return 0;
}

/* Frees what policy_groups_load() made. */
static void
groups_free(struct policy_groups *g)
{
	size_t i;

	for (i = 0; g->name != NULL && i < g->n; i++)
		free(g->name[i]);
	free(g->name);
	g->name = NULL;
	g->n = 0;
}

/*
 * Looks up the names of the groups of user (primary group gid and every
 * supplementary group).  Returns 0, or -1 when memory runs out.
 */
int
policy_groups_load(struct policy_groups *g, const char *user, gid_t gid)
{
	gid_t *gids = NULL, *more;
	int n = 16, i;

	g->name = NULL;
	g->n = 0;
	for (;;) {
		if ((more = reallocarray(gids, (size_t)n, sizeof(*gids))) ==
		    NULL)
			goto fail;
		gids = more;
		if (getgrouplist(user, gid, gids, &n) != -1)
			break;
		if (n > GROUPS_MAX)
			goto fail;
	}
	if ((g->name = calloc((size_t)n + 1, sizeof(*g->name))) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (add_group(g, gids[i]) == -1)
			goto fail;
	free(gids);
	return 0;
fail:
	free(gids);
	groups_free(g);
	return -1;
}

/* Whether a USER or USER@ADDRESSES token covers the session. */
static int
user_token(const char *tok, const struct config_who *w)
{
	const char *at = strchr(tok, '@');

	if (at == NULL)
		return pattern_match(w->user, tok);
	return pattern_match_n(w->user, tok, (size_t)(at - tok)) &&
	    w->addr != NULL &&
	    pattern_address_list(w->addr, w->addr_text, at + 1) ==
	    PATTERN_MATCH;
}

/* Whether some token of list keyword kw covers the user. */
static int
users_listed(const struct config *c, const struct config_session *s,
    enum config_kw kw, const struct config_who *w)
{
	struct config_iter it = { 0 };
	const char *t;

	while ((t = config_next(c, s, kw, &it)) != NULL)
		if (user_token(t, w))
			return 1;
	return 0;
}

/* The first of the user's groups that a token of kw names, or NULL. */
static const char *
group_listed(const struct config *c, const struct config_session *s,
    enum config_kw kw, const struct config_who *w)
{
	struct config_iter it;
	const char *t;
	size_t i;

	for (i = 0; w->groups != NULL && i < w->ngroups; i++) {
		memset(&it, 0, sizeof(it));
		while ((t = config_next(c, s, kw, &it)) != NULL)
			if (pattern_match(w->groups[i], t))
				return w->groups[i];
	}
	return NULL;
}

/*
 * Whether the user may log in: NULL if so, else the reason for the log.
 * DenyUsers, AllowUsers, DenyGroups, AllowGroups, in that order, as in
 * sshd; an Allow list that is set and does not name the user refuses.
 */
const char *
policy_login(const struct config *c, const struct config_session *s,
    const struct config_who *w)
{
	static char why[160];
	const char *g;

	if (users_listed(c, s, CONFIG_KW_DENYUSERS, w))
		return "user listed in DenyUsers";
	if (s->list_block[CONFIG_KW_ALLOWUSERS] != -1 &&
	    !users_listed(c, s, CONFIG_KW_ALLOWUSERS, w))
		return "user not listed in AllowUsers";
	if ((g = group_listed(c, s, CONFIG_KW_DENYGROUPS, w)) != NULL) {
		(void)snprintf(why, sizeof(why),
		    "group \"%.64s\" listed in "
		    "DenyGroups",
		    g);
		return why;
	}
	if (s->list_block[CONFIG_KW_ALLOWGROUPS] != -1 &&
	    group_listed(c, s, CONFIG_KW_ALLOWGROUPS, w) == NULL)
		return "no group listed in AllowGroups";
	return NULL;
}

/* Whether some PermitCommand pattern matches cmd as a whole. */
static int
permitted(const struct config *c, const struct config_session *s,
    const char *cmd)
{
	struct config_iter it = { 0 };
	const char *t;

	while ((t = config_next(c, s, CONFIG_KW_PERMITCOMMAND, &it)) != NULL)
		if (pattern_match(cmd, t))
			return 1;
	return 0;
}

/*
 * Whether cmd may run: yes without PermitCommand; else when a pattern
 * matches it, or matches what is left once one exit-status echo that
 * pdsh or ClusterShell appends is taken off its end (and the blanks
 * before it).  cmd is cut for the match and restored.
 */
int
policy_command(const struct config *c, const struct config_session *s,
    char *cmd)
{
	static const char *const echoes[] = { POLICY_PDSH_ECHO,
		POLICY_CLUSH_ECHO };
	size_t n = strlen(cmd), k, e, i;
	char saved;
	int ok;

	if (s->list_block[CONFIG_KW_PERMITCOMMAND] == -1 ||
	    permitted(c, s, cmd))
		return 1;
	for (i = 0; i < sizeof(echoes) / sizeof(*echoes); i++) {
		e = strlen(echoes[i]);
		if (n < e || strcmp(cmd + n - e, echoes[i]) != 0)
			continue;
		for (k = n - e;
		     k > 0 && (cmd[k - 1] == ' ' || cmd[k - 1] == '\t'); k--)
			;
		saved = cmd[k];
		cmd[k] = '\0';
		ok = k > 0 && permitted(c, s, cmd);
		cmd[k] = saved;
		if (ok)
			return 1;
	}
	return 0;
}

/* The limits and the command of a session the file allows. */
static enum policy_verdict
session_settings(struct policy_session *p, const struct passwd *pw, char *cmd)
{
	const char *force = config_str(&p->cs, CONFIG_KW_FORCECOMMAND);
	long n = config_num(&p->cs, CONFIG_KW_MAXSESSIONSPERUSER, 0);

	p->lim.max_ms = config_num(&p->cs, CONFIG_KW_MAXSESSIONTIME, 0) * 1000;
	p->lim.end_with_shell =
	    (int)config_num(&p->cs, CONFIG_KW_ENDWITHSHELL, 0);
	if (force != NULL) {
		if ((p->cmd = strdup(force)) == NULL)
			return POLICY_ERROR;
		p->original = cmd;
	}
	if (n > 0 &&
	    (p->slot_fd = userslot_take(USERSLOT_DIR, pw->pw_uid,
		 (unsigned int)n)) == -1) {
		if (errno != EAGAIN) {
			log_warn("MaxSessionsPerUser: %s", USERSLOT_DIR);
			return POLICY_ERROR;
		}
		p->why = "MaxSessionsPerUser reached";
		return POLICY_BUSY;
	}
	return POLICY_OK;
}

/*
 * Applies the file to a session whose user PAM has authenticated (the
 * per-connection process, root): resolves the Match blocks for the
 * user, their groups and the address peer (host: as logged), checks who
 * may log in and what they may run, takes a MaxSessionsPerUser slot,
 * and fills p with what the session is to run and its limits.  Without
 * a file (or an empty one) nothing is looked up.
 */
enum policy_verdict
policy_session(struct policy_session *p, const struct config *c,
    const struct passwd *pw, const struct sockaddr_storage *peer,
    const char *host, char *cmd)
{
	struct config_who w = { pw->pw_name, NULL, 0, NULL, host };
	struct policy_groups g = { NULL, 0 };
	struct acl_addr a;

	memset(p, 0, sizeof(*p));
	p->c = c;
	p->cmd = cmd;
	p->slot_fd = -1;
	if (c == NULL || c->nline == 0)
		return POLICY_OK;
	if (acl_addr_from(&a, (const struct sockaddr *)peer) == 0)
		w.addr = &a;
	if (c->needs_groups) {
		if (policy_groups_load(&g, pw->pw_name, pw->pw_gid) == -1)
			return POLICY_ERROR;
		w.groups = (const char *const *)g.name;
		w.ngroups = g.n;
	}
	config_resolve(c, &w, &p->cs);
	if ((p->why = policy_login(c, &p->cs, &w)) != NULL)
		return POLICY_LOGIN;
	if (!policy_command(c, &p->cs, cmd)) {
		p->why = "command not permitted";
		return POLICY_COMMAND;
	}
	return session_settings(p, pw, cmd);
}

/*
 * The file's additions to the command's environment, after PAM's:
 * SetEnv (names the server refuses from PAM are refused here too, and
 * logged), Path, and REXEC_ORIGINAL_COMMAND under ForceCommand.  Root,
 * before the fork.  Returns 0, or -1 when memory runs out.
 */
int
policy_env(const struct policy_session *p, char ***env)
{
	struct config_iter it = { 0 };
	const char *t, *path;
	char *var;
	int rc;

	if (p->c == NULL || p->c->nline == 0)
		return 0;
	while ((t = config_next(p->c, &p->cs, CONFIG_KW_SETENV, &it)) != NULL) {
		if (!command_env_allowed(t)) {
			log_warnx("SetEnv %.*s: not allowed",
			    (int)strcspn(t, "="), t);
			continue;
		}
		if (command_env_set(env, t) == -1)
			return -1;
	}
	if ((path = config_str(&p->cs, CONFIG_KW_PATH)) != NULL) {
		if (asprintf(&var, "PATH=%s", path) == -1)
			return -1;
		rc = command_env_set(env, var);
		free(var);
		if (rc == -1)
			return -1;
	}
	if (p->original != NULL) {
		if (asprintf(&var, "REXEC_ORIGINAL_COMMAND=%s", p->original) ==
		    -1)
			return -1;
		rc = command_env_set(env, var);
		free(var);
		return rc;
	}
	return 0;
}
