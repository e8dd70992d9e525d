/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_config.c: table-driven unit tests for the configuration file
 * (src/config.c, src/config_match.c): the line lexer, the tokenizer,
 * whole files that load or are refused with "FILE:LINE: message", and
 * the per-session view through Match blocks.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/config.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *line;
	int want;
	const char *kw, *arg;
} lex[] = {
	{ "", 0, NULL, NULL },
	{ "   \t ", 0, NULL, NULL },
	{ "# comment", 0, NULL, NULL },
	{ "  # indented comment", 0, NULL, NULL },
	{ "Keyword value", 1, "Keyword", "value" },
	{ "keyword\tvalue  ", 1, "keyword", "value" },
	{ "  Keyword   a b  c\r", 1, "Keyword", "a b  c" },
	{ "Keyword=value", 1, "Keyword", "value" },
	{ "Keyword = value", 1, "Keyword", "value" },
	{ "Keyword", 1, "Keyword", "" },
	{ "pam-service rexec", 1, "pam-service", "rexec" },
	{ "Keyword value # not a comment", 1, "Keyword",
	    "value # not a comment" },
	{ "=value", -1, NULL, NULL },
	{ "Key:word value", -1, NULL, NULL },
	{ "\"Keyword\" value", -1, NULL, NULL },
};

static void
test_lexer(void **state)
{
	char buf[128], *kw, *arg;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < nitems(lex); i++) {
		(void)snprintf(buf, sizeof(buf), "%s", lex[i].line);
		r = config_lex(buf, &kw, &arg);
		if (r != lex[i].want)
			fail_msg("\"%s\": %d, want %d", lex[i].line, r,
			    lex[i].want);
		if (r == 1 &&
		    (strcmp(kw, lex[i].kw) != 0 ||
			strcmp(arg, lex[i].arg) != 0))
			fail_msg("\"%s\": [%s] [%s]", lex[i].line, kw, arg);
	}
}

/* Tokens of a value joined with "|", or "ERR". */
static const struct {
	const char *in, *want;
} toks[] = {
	{ "a b c", "a|b|c" },
	{ "  a\t\tb ", "a|b" },
	{ "", "" },
	{ "\"a b\" c", "a b|c" },
	{ "\"\"", "" },
	{ "\"a \\\"q\\\" \\\\ b\"", "a \"q\" \\ b" },
	{ "\"a\\nb\"", "a\\nb" },
	{ "\"open", "ERR" },
	{ "a\"b", "ERR" },
	{ "\"a\"b c", "ab|c" },
	{ "FOO=\"bar baz\" x", "FOO=bar baz|x" },
};

static void
test_tokens(void **state)
{
	char buf[128], out[128], *cur, *tok;
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < nitems(toks); i++) {
		(void)snprintf(buf, sizeof(buf), "%s", toks[i].in);
		cur = buf;
		out[0] = '\0';
		n = 0;
		while ((r = config_token(&cur, &tok)) == 1)
			(void)snprintf(out + strlen(out),
			    sizeof(out) - strlen(out), "%s%s",
			    n++ > 0 ? "|" : "", tok);
		if (r == -1)
			(void)snprintf(out, sizeof(out), "ERR");
		if (strcmp(out, toks[i].want) != 0)
			fail_msg("[%s]: [%s], want [%s]", toks[i].in, out,
			    toks[i].want);
	}
}

/* The options the test "knows": what main() would do with them. */
static char applied[256];

static int
option(void *arg, const char *kw, const char *val, unsigned int lineno,
    char *err, size_t len)
{
	(void)arg;
	(void)lineno;
	if (strcasecmp(kw, "pam-service") != 0 &&
	    strcasecmp(kw, "pamservice") != 0 &&
	    strcasecmp(kw, "allowroot") != 0)
		return -2;
	if (strcasecmp(kw, "allowroot") == 0 && strcmp(val, "yes") != 0 &&
	    strcmp(val, "no") != 0) {
		(void)snprintf(err, len, "%s: expected yes or no", kw);
		return -1;
	}
	(void)snprintf(applied + strlen(applied),
	    sizeof(applied) - strlen(applied), "%s=%s;", kw, val);
	return 0;
}

/* Writes text to a temporary file and loads it; returns config_load's. */
static int
load(struct config *c, const char *text, char *path, char *err)
{
	int fd;

	(void)snprintf(path, 64, "/tmp/rxt-conf-XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	(void)close(fd);
	applied[0] = '\0';
	err[0] = '\0';
	return config_load(c, path, 1, option, NULL, err, CONFIG_ERR_MAX);
}

/* Files that are refused, and the line and message ("" if it loads). */
static const struct {
	const char *text, *err;
} files[] = {
	{ "", "" },
	{ "# nothing\n\n", "" },
	{ "PamService rexec\nAllowRoot no\n", "" },
	{ "PamService a b\n", ":1: PamService: one value expected" },
	{ "PamService \"a b\n", ":1: PamService: bad quoting" },
	{ "Bogus 1\n", ":1: unknown keyword \"Bogus\"" },
	{ "\n\nAllowRoot maybe\n", ":3: AllowRoot: expected yes or no" },
	{ "MaxSessionTime\n", ":1: MaxSessionTime: missing value" },
	{ "MaxSessionTime 1x\n", ":1: MaxSessionTime: bad number" },
	{ "MaxSessionTime -1\n", ":1: MaxSessionTime: bad number" },
	{ "MaxSessionTime 99999999999999999999\n",
	    ":1: MaxSessionTime: bad number" },
	{ "EndWithShell perhaps\n", ":1: EndWithShell: expected yes or no" },
	{ "SetEnv FOO\n", ":1: SetEnv: not NAME=VALUE" },
	{ "SetEnv =x\n", ":1: SetEnv: not NAME=VALUE" },
	{ "SetEnv A=\"b c\n", ":1: SetEnv: bad quoting" },
	{ "SetEnv A=\"b c\" \"C=d\"\n", "" },
	{ "AllowUsers !bob\n",
	    ":1: AllowUsers: negation is not supported "
	    "here" },
	{ "DenyUsers bob@10.0.0.1/8\n", ":1: DenyUsers: bad USER@ADDRESS" },
	{ "DenyUsers @10.0.0.0/8\n", ":1: DenyUsers: bad USER@ADDRESS" },
	{ "Match\n", ":1: Match: missing value" },
	{ "Match User\n",
	    ":1: Match: Match needs All, or criteria each "
	    "with a value" },
	{ "Match Host x\n",
	    ":1: Match: unknown Match criterion (User, "
	    "Group, Address or All)" },
	{ "Match Address 10.0.0.0/33\n", ":1: Match: bad address list" },
	{ "Match User a\nPamService x\n",
	    ":2: PamService: not allowed in a "
	    "Match block" },
	{ "Match User a\nForceCommand /bin/true\nMatch All\nSetEnv A=b\n", "" },
};

static void
test_files(void **state)
{
	char path[64], err[CONFIG_ERR_MAX], want[CONFIG_ERR_MAX];
	struct config c;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < nitems(files); i++) {
		r = load(&c, files[i].text, path, err);
		if (files[i].err[0] == '\0') {
			if (r != 0)
				fail_msg("%zu: refused: %s", i, err);
		} else {
			(void)snprintf(want, sizeof(want), "%s%s", path,
			    files[i].err);
			if (r != -1 || strcmp(err, want) != 0)
				fail_msg("%zu: [%s], want [%s]", i, err, want);
		}
		config_free(&c);
		(void)unlink(path);
	}
}

static void
test_nul_byte(void **state)
{
	char path[] = "/tmp/rxt-conf-XXXXXX", err[CONFIG_ERR_MAX];
	char want[CONFIG_ERR_MAX];
	struct config c;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, "PamService a\0b\n", 15), 15);
	(void)close(fd);
	assert_int_equal(config_load(&c, path, 1, option, NULL, err,
			     sizeof(err)),
	    -1);
	(void)snprintf(want, sizeof(want), "%s: contains a NUL byte", path);
	assert_string_equal(err, want);
	config_free(&c);
	(void)unlink(path);
}

static void
test_options_in_order(void **state)
{
	char path[64], err[CONFIG_ERR_MAX];
	struct config c;

	(void)state;
	assert_int_equal(load(&c,
			     "pam-service one\nALLOWROOT=yes\n"
			     "PamService \"two\"\n",
			     path, err),
	    0);
	assert_string_equal(applied,
	    "pam-service=one;ALLOWROOT=yes;"
	    "PamService=two;");
	assert_int_equal(c.found, 1);
	config_free(&c);
	(void)unlink(path);
	assert_int_equal(config_load(&c, path, 0, option, NULL, err,
			     sizeof(err)),
	    0);
	assert_int_equal(c.found, 0);
	assert_int_equal(config_load(&c, path, 1, option, NULL, err,
			     sizeof(err)),
	    -1);
	config_free(&c);
}

static const char session_file[] =
    "# global\n"
    "MaxSessionTime 60\n"
    "PermitCommand uptime \"ls *\"\n"
    "PermitCommand id\n"
    "SetEnv A=global\n"
    "Match User alice,!alice2 Address 10.0.0.0/8\n"
    "  MaxSessionTime 5\n"
    "  MaxSessionTime 6\n"
    "  SetEnv A=alice B=\"x y\"\n"
    "Match Group wheel\n"
    "  MaxSessionTime 7\n"
    "  ForceCommand /usr/bin/menu --user\n"
    "  PermitCommand true\n"
    "Match Address 127.0.0.0/8,::1\n"
    "  EndWithShell yes\n"
    "Match All\n"
    "  Path /opt/bin:/usr/bin\n";

/* Every token of a list keyword joined with "|". */
static const char *
joined(const struct config *c, const struct config_session *s,
    enum config_kw kw, char *buf, size_t len)
{
	struct config_iter it = { 0 };
	const char *t;

	buf[0] = '\0';
	while ((t = config_next(c, s, kw, &it)) != NULL)
		(void)snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    buf[0] != '\0' ? "|" : "", t);
	return buf;
}

static const struct {
	const char *user, *group, *addr;
	long time;
	int endwithshell;
	const char *force, *permit, *setenv;
} views[] = {
	{ "bob", NULL, "192.0.2.1", 60, 0, NULL, "uptime|ls *|id", "A=global" },
	{ "alice", NULL, "10.1.1.1", 5, 0, NULL, "uptime|ls *|id",
	    "A=alice|B=x y" },
	{ "alice", NULL, "192.0.2.1", 60, 0, NULL, "uptime|ls *|id",
	    "A=global" },
	{ "alice2", NULL, "10.1.1.1", 60, 0, NULL, "uptime|ls *|id",
	    "A=global" },
	{ "alice", "wheel", "10.1.1.1", 5, 0, "/usr/bin/menu --user", "true",
	    "A=alice|B=x y" },
	{ "bob", "wheel", "127.0.0.1", 7, 1, "/usr/bin/menu --user", "true",
	    "A=global" },
	{ "bob", "staff", "::1", 60, 1, NULL, "uptime|ls *|id", "A=global" },
};

static void
test_match_view(void **state)
{
	char path[64], err[CONFIG_ERR_MAX], buf[256];
	struct sockaddr_storage ss;
	struct config_session s;
	struct config_who w;
	struct acl_addr a;
	struct config c;
	const char *groups[1];
	size_t i;

	(void)state;
	if (load(&c, session_file, path, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.needs_groups, 1);
	for (i = 0; i < nitems(views); i++) {
		memset(&ss, 0, sizeof(ss));
		if (inet_pton(AF_INET, views[i].addr,
			&((struct sockaddr_in *)&ss)->sin_addr) == 1)
			ss.ss_family = AF_INET;
		else {
			assert_int_equal(inet_pton(AF_INET6, views[i].addr,
					     &((struct sockaddr_in6 *)&ss)
						  ->sin6_addr),
			    1);
			ss.ss_family = AF_INET6;
		}
		assert_int_equal(acl_addr_from(&a, (struct sockaddr *)&ss), 0);
		groups[0] = views[i].group;
		w = (struct config_who){ views[i].user, groups,
			views[i].group != NULL, &a, views[i].addr };
		config_resolve(&c, &w, &s);
		assert_int_equal(config_num(&s, CONFIG_KW_MAXSESSIONTIME, 0),
		    views[i].time);
		assert_int_equal(config_num(&s, CONFIG_KW_ENDWITHSHELL, 0),
		    views[i].endwithshell);
		if (views[i].force == NULL)
			assert_null(config_str(&s, CONFIG_KW_FORCECOMMAND));
		else
			assert_string_equal(config_str(&s,
						CONFIG_KW_FORCECOMMAND),
			    views[i].force);
		assert_string_equal(joined(&c, &s, CONFIG_KW_PERMITCOMMAND, buf,
					sizeof(buf)),
		    views[i].permit);
		assert_string_equal(joined(&c, &s, CONFIG_KW_SETENV, buf,
					sizeof(buf)),
		    views[i].setenv);
		assert_string_equal(config_str(&s, CONFIG_KW_PATH),
		    "/opt/bin:/usr/bin");
		assert_null(config_str(&s, CONFIG_KW_ALLOWUSERS));
	}
	config_free(&c);
	(void)unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_options_in_order),
		cmocka_unit_test(test_match_view),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
