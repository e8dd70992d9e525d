/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_netrc.c: finds the ~/.netrc entry that applies to a host and a
 * user, the way ftp(1) reads the file: "machine NAME" entries first,
 * then "default"; "login", "password", "account" and "macdef" tokens;
 * double-quoted tokens with backslash escapes.  It also reports whether
 * the file is safe to take a password from (ours, regular, mode 0600 or
 * stricter); the caller decides what to do about it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

#define NETRC_MAX ((size_t)64 * 1024)
#define TOKEN_MAX CLI_PASS_BUF

struct netrc_text {
	char *buf;
	size_t len;
	size_t pos;
};

/* What the entry being read is. */
enum netrc_kind {
	NETRC_NONE,   /* before the first machine or default */
	NETRC_MATCH,  /* "machine" naming the host */
	NETRC_OTHER,  /* "machine" naming another host */
	NETRC_DEFAULT /* "default" */
};

struct netrc_entry {
	enum netrc_kind kind;
	int has_login, has_pass;
	char login[TOKEN_MAX];
	char pass[TOKEN_MAX];
};

/*
 * Reads the next token into tok.  Returns 1, 0 at the end of the text,
 * or -1 if the token does not fit.
 */
static int
next_token(struct netrc_text *t, char *tok, size_t size)
{
	size_t n = 0;
	int quoted = 0;
	char c;

	while (t->pos < t->len && strchr(" \t\r\n", t->buf[t->pos]) != NULL)
		t->pos++;
	if (t->pos == t->len)
		return 0;
	if (t->buf[t->pos] == '"') {
		quoted = 1;
		t->pos++;
	}
	while (t->pos < t->len) {
		c = t->buf[t->pos];
		if (quoted ? c == '"' : strchr(" \t\r\n", c) != NULL)
			break;
		if (c == '\\' && t->pos + 1 < t->len)
			c = t->buf[++t->pos];
		if (n + 1 >= size)
			return -1;
		tok[n++] = c;
		t->pos++;
	}
	if (quoted && t->pos < t->len)
		t->pos++; /* the closing quote */
	tok[n] = '\0';
	return 1;
}

/* Skips a macro definition: everything up to the next empty line. */
static void
skip_macdef(struct netrc_text *t)
{
	while (t->pos < t->len && t->buf[t->pos] != '\n')
		t->pos++; /* the rest of the macdef line */
	while (t->pos + 1 < t->len &&
	    !(t->buf[t->pos] == '\n' && t->buf[t->pos + 1] == '\n'))
		t->pos++;
	t->pos = t->len < t->pos + 2 ? t->len : t->pos + 2;
}

/* Copies e into out if it is the entry for this host and user. */
static int
entry_applies(const struct netrc_entry *e, const char *user,
    struct cli_netrc *out)
{
	if (e->kind != NETRC_MATCH && e->kind != NETRC_DEFAULT)
		return 0;
	if (user != NULL && e->has_login && strcmp(e->login, user) != 0)
		return 0;
	if (strlen(e->login) > PROTO_USER_MAX)
		return 0;
	out->found = 1;
	out->has_login = e->has_login;
	out->has_pass = e->has_pass;
	memcpy(out->login, e->login, strlen(e->login) + 1);
	memcpy(out->pass, e->pass, sizeof(out->pass));
	return 1;
}

/* Walks the tokens; 0 when done (found or not), -1 on a token too long. */
static int
parse(struct netrc_text *t, const char *host, const char *user,
    struct cli_netrc *out)
{
	struct netrc_entry e;
	char tok[TOKEN_MAX];
	int r, *has = NULL;
	char *dst = NULL;

	memset(&e, 0, sizeof(e));
	while ((r = next_token(t, tok, sizeof(tok))) == 1) {
		if (strcmp(tok, "machine") == 0 ||
		    strcmp(tok, "default") == 0) {
			if (entry_applies(&e, user, out))
				goto done;
			explicit_bzero(&e, sizeof(e));
			if (tok[0] == 'd') {
				e.kind = NETRC_DEFAULT;
				continue;
			}
			if ((r = next_token(t, tok, sizeof(tok))) != 1)
				break;
			e.kind = strcasecmp(tok, host) == 0 ? NETRC_MATCH :
							      NETRC_OTHER;
			continue;
		}
		if (strcmp(tok, "macdef") == 0) {
			skip_macdef(t);
			continue;
		}
		if (strcmp(tok, "login") == 0) {
			dst = e.login;
			has = &e.has_login;
		} else if (strcmp(tok, "password") == 0) {
			dst = e.pass;
			has = &e.has_pass;
		} else if (strcmp(tok, "account") == 0) {
			dst = NULL;
		} else
			continue; /* unknown words are ignored, as ftp does */
		if ((r = next_token(t, tok, sizeof(tok))) != 1)
			break;
		if (dst != NULL) {
			memcpy(dst, tok, strlen(tok) + 1);
			*has = 1;
		}
	}
	if (r != -1)
		entry_applies(&e, user, out);
done:
	explicit_bzero(&e, sizeof(e));
	explicit_bzero(tok, sizeof(tok));
	return r == -1 ? -1 : 0;
}

/* Reads at most NETRC_MAX bytes of fd into a new buffer. */
static int
slurp(int fd, struct netrc_text *t)
{
	ssize_t n;

	if ((t->buf = malloc(NETRC_MAX + 1)) == NULL)
		return -1;
	t->len = 0;
	t->pos = 0;
	for (;;) {
		n = read(fd, t->buf + t->len, NETRC_MAX + 1 - t->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		t->len += (size_t)n;
		if (t->len > NETRC_MAX) {
			errno = EFBIG;
			return -1;
		}
	}
}

/*
 * Why a file with this status must not hold a password (not a regular
 * file, someone else's, or open to group or others), or NULL if it may.
 */
const char *
cli_netrc_unsafe(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != getuid())
		return "not owned by you";
	if ((st->st_mode & 077) != 0)
		return "readable or writable by group or others (chmod 600 it)";
	return NULL;
}

/*
 * Looks path up for host (and user, if not NULL).  Returns 0 with
 * out->found telling whether an entry applies (a missing file is no
 * entry), or -1 after printing why the file could not be read.
 */
int
cli_netrc_find(const char *path, const char *host, const char *user,
    struct cli_netrc *out)
{
	struct netrc_text t = { NULL, 0, 0 };
	struct stat st;
	int fd, rv = -1;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return 0;
		cli_msg_warn("%s", path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || slurp(fd, &t) == -1) {
		cli_msg_warn("%s", path);
		goto out;
	}
	if (parse(&t, host, user, out) == -1) {
		cli_msg_warnx("%s: a token is longer than %d bytes", path,
		    TOKEN_MAX - 1);
		goto out;
	}
	out->insecure = cli_netrc_unsafe(&st);
	rv = 0;
out:
	if (t.buf != NULL) {
		explicit_bzero(t.buf, t.len);
		free(t.buf);
	}
	close(fd);
	return rv;
}
