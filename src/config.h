/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config.h: the configuration file, rexecd.conf(5): read once, kept as
 * one buffer and one array of lines; the per-session keywords resolved
 * for a user and an address through the Match blocks.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "acl.h"

#define CONFIG_FILE_MAX 262144L /* 256 KiB: a larger file is refused */
#define CONFIG_ERR_MAX 512	/* "FILE:LINE: message" */
#define CONFIG_BLOCK_MAX 1000	/* Match blocks in one file */

/* The keywords the file itself knows; the others are options (main). */
enum config_kw {
	CONFIG_KW_OPTION = 0, /* a command-line option, given to the caller */
	CONFIG_KW_ALLOWUSERS,
	CONFIG_KW_DENYUSERS,
	CONFIG_KW_ALLOWGROUPS,
	CONFIG_KW_DENYGROUPS,
	CONFIG_KW_PERMITCOMMAND,
	CONFIG_KW_SETENV,
	CONFIG_KW_FORCECOMMAND,
	CONFIG_KW_PATH,
	CONFIG_KW_MAXSESSIONTIME,
	CONFIG_KW_MAXSESSIONSPERUSER,
	CONFIG_KW_ENDWITHSHELL,
	CONFIG_KW_MATCH,
	CONFIG_KW_COUNT
};

/* One line of the file that says something. */
struct config_line {
	const char *keyword; /* as written */
	const char *arg;     /* the value; lists: ntok tokens, each NUL-ended */
	long num;	     /* numbers; yes = 1, no = 0 */
	unsigned int lineno;
	unsigned int ntok;
	unsigned short block; /* 0: global; n: the n-th Match block */
	unsigned char kw;     /* enum config_kw */
};

struct config {
	const char *path;
	char *buf; /* the file, NUL-terminated, lines split */
	struct config_line *line;
	size_t nline;
	unsigned int nblock;
	int found;	  /* the file existed */
	int needs_groups; /* some keyword or Match looks at groups */
};

/*
 * Called for a keyword that is not one of the file's own (a command-line
 * option), with its value and line: 0 if applied, -1 with a message in
 * err, -2 if unknown.
 */
typedef int config_option_fn(void *, const char *, const char *, unsigned int,
    char *, size_t);

/* Who a session is for, to evaluate Match blocks. */
struct config_who {
	const char *user;
	const char *const *groups; /* names; NULL if not looked up */
	size_t ngroups;
	const struct acl_addr *addr;
	const char *addr_text;
};

/* The per-session keywords after Match: which line or block says each. */
struct config_session {
	const struct config_line *scalar[CONFIG_KW_COUNT];
	int list_block[CONFIG_KW_COUNT]; /* -1: not set */
};

/* Iterates over the tokens of a list keyword in a resolved session. */
struct config_iter {
	size_t line;
	unsigned int tok;
	const char *p;
};

int config_lex(char *, char **, char **);
int config_token(char **, char **);
int config_parse(struct config *, config_option_fn *, void *, char *, size_t);
int config_load(struct config *, const char *, int, config_option_fn *, void *,
    char *, size_t);
void config_free(struct config *);
int config_match(const struct config *, const struct config_line *,
    const struct config_who *);
void config_resolve(const struct config *, const struct config_who *,
    struct config_session *);
const char *config_next(const struct config *, const struct config_session *,
    enum config_kw, struct config_iter *);
long config_num(const struct config_session *, enum config_kw, long);
const char *config_str(const struct config_session *, enum config_kw);
const char *config_kw_name(enum config_kw);

#endif
