/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config.c: reads the configuration file (rexecd.conf(5)) in the
 * server's first process, as root: at startup in standalone mode, once
 * per connection in inetd mode.  So it is cheap: one read into one
 * buffer, split in place into lines and tokens, and one array of the
 * lines that say something; nothing else is allocated, and what the
 * caller keeps (option values) points into the buffer.
 *
 * The form is sshd_config's: `Keyword value` or `Keyword=value`, one a
 * line, keywords in any case, `#` starting a comment line.  The file's
 * own keywords (the per-session ones, and Match) are checked here; every
 * other keyword is given to the caller, which knows the command-line
 * options.  Errors are "FILE:LINE: message".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "pattern.h"

enum kw_type {
	KT_LIST,  /* whitespace-separated tokens, "quoted" if need be */
	KT_REST,  /* the rest of the line, as written */
	KT_COUNT, /* a decimal number */
	KT_FLAG	  /* yes or no */
};

static const struct {
	const char *name;
	enum kw_type type;
	long max; /* KT_COUNT */
} kwtab[CONFIG_KW_COUNT] = {
	[CONFIG_KW_ALLOWUSERS] = { "AllowUsers", KT_LIST, 0 },
	[CONFIG_KW_DENYUSERS] = { "DenyUsers", KT_LIST, 0 },
	[CONFIG_KW_ALLOWGROUPS] = { "AllowGroups", KT_LIST, 0 },
	[CONFIG_KW_DENYGROUPS] = { "DenyGroups", KT_LIST, 0 },
	[CONFIG_KW_PERMITCOMMAND] = { "PermitCommand", KT_LIST, 0 },
	[CONFIG_KW_SETENV] = { "SetEnv", KT_LIST, 0 },
	[CONFIG_KW_FORCECOMMAND] = { "ForceCommand", KT_REST, 0 },
	[CONFIG_KW_PATH] = { "Path", KT_REST, 0 },
	[CONFIG_KW_MAXSESSIONTIME] = { "MaxSessionTime", KT_COUNT,
	    31L * 24 * 3600 },
	[CONFIG_KW_MAXSESSIONSPERUSER] = { "MaxSessionsPerUser", KT_COUNT,
	    10000 },
	[CONFIG_KW_ENDWITHSHELL] = { "EndWithShell", KT_FLAG, 0 },
	[CONFIG_KW_MATCH] = { "Match", KT_REST, 0 },
};

/* The keyword's name as the manual spells it. */
const char *
config_kw_name(enum config_kw kw)
{
	return kw > CONFIG_KW_OPTION && kw < CONFIG_KW_COUNT ? kwtab[kw].name :
							       "?";
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Splits one line in place into its keyword and its value: 1 for a
 * keyword (*kw, *arg set; *arg may be empty), 0 for a blank or comment
 * line, -1 for a line that does not start with a keyword.  The value has
 * no leading or trailing blanks; one `=` may stand between the two.
 */
int
config_lex(char *line, char **kw, char **arg)
{
	char *p = line, *end;

	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	*kw = p;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	    (*p >= '0' && *p <= '9') || *p == '-')
		p++;
	if (p == *kw || (*p != '\0' && *p != '=' && !is_blank(*p)))
		return -1;
	end = p;
	while (is_blank(*p))
		p++;
	if (*p == '=')
		for (p++; is_blank(*p); p++)
			;
	*end = '\0';
	*arg = p;
	end = p + strlen(p);
	while (end > p && is_blank(end[-1]))
		end--;
	*end = '\0';
	return 1;
}

/*
 * Takes the next token from *cursor, in place: a run of non-blanks in
 * which "double-quoted" parts may hold blanks, and \" and \\ inside
 * quotes stand for " and \.  Returns 1 with *tok set (NUL-terminated,
 * quotes removed), 0 at the end, -1 for an unterminated quote.
 */
int
config_token(char **cursor, char **tok)
{
	char *p = *cursor, *o;

	while (is_blank(*p))
		p++;
	if (*p == '\0') {
		*cursor = p;
		return 0;
	}
	*tok = o = p;
	while (*p != '\0' && !is_blank(*p)) {
		if (*p != '"') {
			*o++ = *p++;
			continue;
		}
		for (p++; *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			if (*p == '\0')
				return -1;
			*o++ = *p;
		}
		p++;
	}
	if (*p != '\0')
		p++;
	*o = '\0';
	*cursor = p;
	return 1;
}

/* Formats "FILE:LINE: message" into err. */
static int __attribute__((format(printf, 5, 6))) fail(char *err, size_t errlen,
    const struct config *c, unsigned int lineno, const char *fmt, ...)
{
	char msg[CONFIG_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lineno > 0)
		(void)snprintf(err, errlen, "%s:%u: %s", c->path, lineno, msg);
	else
		(void)snprintf(err, errlen, "%s: %s", c->path, msg);
	return -1;
}

/* The file's own keyword for a name, or CONFIG_KW_OPTION. */
static enum config_kw
kw_lookup(const char *name)
{
	int i;

	for (i = CONFIG_KW_OPTION + 1; i < CONFIG_KW_COUNT; i++)
		if (strcasecmp(name, kwtab[i].name) == 0)
			return (enum config_kw)i;
	return CONFIG_KW_OPTION;
}

/* Splits a list value into NUL-separated tokens in place; counts them. */
static int
split_list(struct config_line *l, char *arg)
{
	char *cur = arg, *tok, *o = arg;
	size_t n;
	int r;

	l->arg = arg;
	l->ntok = 0;
	while ((r = config_token(&cur, &tok)) == 1) {
		n = strlen(tok);
		memmove(o, tok, n + 1);
		o += n + 1;
		l->ntok++;
	}
	return r;
}

/* Checks one token of a list keyword; NULL if good, else why not. */
static const char *
check_token(enum config_kw kw, const char *t)
{
	const char *at;

	if (*t == '\0')
		return "empty value";
	switch (kw) {
	case CONFIG_KW_ALLOWUSERS:
	case CONFIG_KW_DENYUSERS:
		if (*t == '!')
			return "negation is not supported here";
		at = strchr(t, '@');
		if (at != NULL && (at == t || pattern_address_check(at + 1)))
			return "bad USER@ADDRESS";
		return NULL;
	case CONFIG_KW_ALLOWGROUPS:
	case CONFIG_KW_DENYGROUPS:
		return *t == '!' ? "negation is not supported here" : NULL;
	case CONFIG_KW_SETENV:
		at = strchr(t, '=');
		if (at == NULL || at == t)
			return "not NAME=VALUE";
		return NULL;
	default:
		return NULL;
	}
}

/* Checks and parses a number or a flag into l->num. */
static const char *
check_scalar(struct config_line *l, char *arg)
{
	char *end;

	if (kwtab[l->kw].type == KT_FLAG) {
		if (strcasecmp(arg, "yes") == 0)
			l->num = 1;
		else if (strcasecmp(arg, "no") == 0)
			l->num = 0;
		else
			return "expected yes or no";
		return NULL;
	}
	errno = 0;
	l->num = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    l->num > kwtab[l->kw].max)
		return "bad number";
	return NULL;
}

/*
 * Checks the criteria of a Match line: All alone, or pairs of User,
 * Group or Address and a comma-separated pattern list.
 */
static const char *
check_match(struct config *c, const struct config_line *l)
{
	const char *t = l->arg, *crit;
	unsigned int i;

	if (l->ntok == 1 && strcasecmp(t, "All") == 0)
		return NULL;
	if (l->ntok == 0 || l->ntok % 2 != 0)
		return "Match needs All, or criteria each with a value";
	for (i = 0; i < l->ntok; i += 2) {
		crit = t;
		t += strlen(t) + 1;
		if (strcasecmp(crit, "Address") == 0) {
			if (pattern_address_check(t) == -1)
				return "bad address list";
		} else if (strcasecmp(crit, "Group") == 0)
			c->needs_groups = 1;
		else if (strcasecmp(crit, "User") != 0)
			return "unknown Match criterion (User, Group, "
			       "Address or All)";
		t += strlen(t) + 1;
	}
	return NULL;
}

/* Parses the value of one of the file's own keywords into l. */
static const char *
parse_own(struct config *c, struct config_line *l, char *arg)
{
	const char *why = NULL, *t;
	unsigned int i;

	if (*arg == '\0')
		return "missing value";
	switch (kwtab[l->kw].type) {
	case KT_REST:
		l->arg = arg;
		l->ntok = 1;
		if (l->kw != CONFIG_KW_MATCH)
			return NULL;
		if (split_list(l, arg) == -1)
			return "bad quoting";
		return check_match(c, l);
	case KT_COUNT:
	case KT_FLAG:
		l->arg = arg;
		return check_scalar(l, arg);
	case KT_LIST:
		break;
	}
	if (split_list(l, arg) == -1)
		return "bad quoting";
	for (i = 0, t = l->arg; i < l->ntok && why == NULL; i++) {
		why = check_token((enum config_kw)l->kw, t);
		t += strlen(t) + 1;
	}
	if (l->kw == CONFIG_KW_ALLOWGROUPS || l->kw == CONFIG_KW_DENYGROUPS)
		c->needs_groups = 1;
	return why;
}

/* Handles one line; 0, or -1 with err set. */
static int
parse_line(struct config *c, char *text, unsigned int lineno,
    config_option_fn *opt, void *oparg, char *err, size_t errlen)
{
	struct config_line *l = &c->line[c->nline];
	char *kw, *arg, *tok, *more, msg[CONFIG_ERR_MAX];
	const char *why;
	int r;

	if ((r = config_lex(text, &kw, &arg)) <= 0)
		return r == 0 ?
		    0 :
		    fail(err, errlen, c, lineno, "expected a keyword");
	memset(l, 0, sizeof(*l));
	l->keyword = kw;
	l->lineno = lineno;
	l->kw = (unsigned char)kw_lookup(kw);
	if (l->kw == CONFIG_KW_OPTION) {
		if (c->nblock > 0)
			return fail(err, errlen, c, lineno,
			    "%s: not allowed "
			    "in a Match block",
			    kw);
		if (config_token(&arg, &tok) != 1)
			return fail(err, errlen, c, lineno, "%s: %s", kw,
			    *arg == '\0' ? "missing value" : "bad quoting");
		if (config_token(&arg, &more) != 0)
			return fail(err, errlen, c, lineno,
			    "%s: one value "
			    "expected",
			    kw);
		r = opt(oparg, kw, tok, lineno, msg, sizeof(msg));
		if (r == -2)
			return fail(err, errlen, c, lineno,
			    "unknown keyword \"%s\"", kw);
		if (r == -1)
			return fail(err, errlen, c, lineno, "%s", msg);
		return 0;
	}
	if (l->kw == CONFIG_KW_MATCH && ++c->nblock > CONFIG_BLOCK_MAX)
		return fail(err, errlen, c, lineno, "too many Match blocks");
	l->block = (unsigned short)c->nblock;
	if ((why = parse_own(c, l, arg)) != NULL)
		return fail(err, errlen, c, lineno, "%s: %s", kwtab[l->kw].name,
		    why);
	c->nline++;
	return 0;
}

/* Reads the whole file into c->buf; 1 done, 0 absent, -1 error. */
static int
read_file(struct config *c, char *err, size_t errlen)
{
	const char *why;
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return errno == ENOENT ?
		    0 :
		    fail(err, errlen, c, 0, "%s", strerror(errno));
	why = fstat(fd, &st) == -1	 ? strerror(errno) :
	    !S_ISREG(st.st_mode)	 ? "not a regular file" :
	    (st.st_mode & S_IWOTH)	 ? "writable by anyone: refused" :
	    st.st_size > CONFIG_FILE_MAX ? "larger than 256 KiB" :
					   NULL;
	if (why != NULL) {
		(void)close(fd);
		return fail(err, errlen, c, 0, "%s", why);
	}
	if ((c->buf = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)close(fd);
		return fail(err, errlen, c, 0, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, c->buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	(void)close(fd);
	if (got != (size_t)st.st_size)
		return fail(err, errlen, c, 0, "read error");
	c->buf[got] = '\0';
	if (strlen(c->buf) != got)
		return fail(err, errlen, c, 0, "contains a NUL byte");
	return 1;
}

/*
 * Parses c->buf (NUL-terminated, c->path set), splitting it in place.
 * Keywords that are options go to opt(oparg, ...), in the order of the
 * file.  Returns 0, or -1 with "FILE:LINE: message" in err.
 */
int
config_parse(struct config *c, config_option_fn *opt, void *oparg, char *err,
    size_t errlen)
{
	size_t nl = 1;
	unsigned int lineno = 0;
	char *p, *next;

	for (p = c->buf; (p = strchr(p, '\n')) != NULL; p++)
		nl++;
	if ((c->line = calloc(nl, sizeof(*c->line))) == NULL)
		return fail(err, errlen, c, 0, "out of memory");
	for (p = c->buf; p != NULL; p = next) {
		if ((next = strchr(p, '\n')) != NULL)
			*next++ = '\0';
		if (parse_line(c, p, ++lineno, opt, oparg, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * Reads and checks the file at path (config_parse()).  A missing file
 * is no error unless must_exist.  Returns 0, or -1 with err set.
 */
int
config_load(struct config *c, const char *path, int must_exist,
    config_option_fn *opt, void *oparg, char *err, size_t errlen)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->path = path;
	if ((r = read_file(c, err, errlen)) <= 0) {
		if (r == 0 && must_exist)
			return fail(err, errlen, c, 0, "%s", strerror(ENOENT));
		return r;
	}
	c->found = 1;
	return config_parse(c, opt, oparg, err, errlen);
}

void
config_free(struct config *c)
{
	free(c->line);
	free(c->buf);
	c->line = NULL;
	c->buf = NULL;
	c->nline = 0;
}
