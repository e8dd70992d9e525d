/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proto.c: table-driven unit tests for the rexec wire format
 * (src/proto.c), run with cmocka.  Every row of every table becomes one
 * cmocka test named after the row.
 *
 * Handshake rows are fed to proto_feed three ways (one buffer, one byte
 * at a time, and split in two at every boundary) and each way must give
 * exactly the row's result.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/proto.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Inputs are built from segments: len bytes of s, repeated times times. */
struct seg {
	const char *s;
	size_t len;
	size_t times;
};
#define LIT(x)                                                                 \
	{                                                                      \
		(x), sizeof(x) - 1, 1                                          \
	} /* literal, NULs allowed */
#define REP(c, n)                                                              \
	{                                                                      \
		(c), 1, (n)                                                    \
	} /* c[0], n times */
#define MAXSEGS 6
#define INBUF_MAX (PROTO_CMD_MAX + 1024)

/* An expected string: s, or s[0] repeated rep times if rep > 0. */
struct text {
	const char *s;
	size_t rep;
};
#define T(x)                                                                   \
	{                                                                      \
		(x), 0                                                         \
	}
#define TREP(c, n)                                                             \
	{                                                                      \
		(c), (n)                                                       \
	}

/* Inputs longer than this are split at a sample of boundaries only. */
#define SPLIT_ALL_MAX 4096
#define SPLIT_EDGE 256
#define SPLIT_STRIDE 1021

static unsigned char inbuf[INBUF_MAX];
static char want_user[PROTO_USER_MAX + 2];
static char want_pass[PROTO_PASS_LIMIT + 2];
static char want_cmd[PROTO_CMD_MAX + 2];
static struct proto_handshake hs_a, hs_b;

/* Concatenates segments into out (at most cap bytes); returns the length. */
static size_t
build(const struct seg *segs, unsigned char *out, size_t cap)
{
	size_t n = 0, i, k;

	for (i = 0; i < MAXSEGS && segs[i].s != NULL; i++) {
		for (k = 0; k < segs[i].times; k++) {
			assert_true(n + segs[i].len <= cap);
			memcpy(out + n, segs[i].s, segs[i].len);
			n += segs[i].len;
		}
	}
	return n;
}

/* Writes the expected string t into out (cap bytes with its NUL). */
static void
expand(const struct text *t, char *out, size_t cap)
{
	if (t->rep == 0) {
		assert_true(strlen(t->s) < cap);
		strcpy(out, t->s);
		return;
	}
	assert_true(t->rep < cap);
	memset(out, t->s[0], t->rep);
	out[t->rep] = '\0';
}

/* A handshake with every byte poisoned, then initialised. */
static void
fresh(struct proto_handshake *hs)
{
	memset(hs, 0xa5, sizeof(*hs));
	proto_init(hs);
}

/* ------------------------------------------------------------------ */
/* proto_feed                                                          */
/* ------------------------------------------------------------------ */

struct feed_case {
	const char *name;
	struct seg in[MAXSEGS];
	enum proto_status st; /* FIELD means the handshake is complete */
	enum proto_field field;
	unsigned int port;
	struct text user, pass, cmd;
	size_t used; /* bytes consumed in total */
};

/* "...\0user\0pass\0" prefixes used below. */
#define CREDS "alice\0secret\0"

static struct feed_case feed_cases[] = {
	/* The port field. */
	{ "feed: port field empty (glibc, BSD)", { LIT("\0" CREDS "id\0") },
	    PROTO_FIELD, PROTO_F_DONE, 0, T("alice"), T("secret"), T("id"),
	    17 },
	{ "feed: port 0 (inetutils, Perl)", { LIT("0\0" CREDS "id\0") },
	    PROTO_FIELD, PROTO_F_DONE, 0, T("alice"), T("secret"), T("id"),
	    18 },
	{ "feed: port 1", { LIT("1\0" CREDS "id\0") }, PROTO_FIELD,
	    PROTO_F_DONE, 1, T("alice"), T("secret"), T("id"), 18 },
	{ "feed: port 1023", { LIT("1023\0" CREDS "id\0") }, PROTO_FIELD,
	    PROTO_F_DONE, 1023, T("alice"), T("secret"), T("id"), 21 },
	{ "feed: port 65535", { LIT("65535\0" CREDS "id\0") }, PROTO_FIELD,
	    PROTO_F_DONE, 65535, T("alice"), T("secret"), T("id"), 22 },
	{ "feed: port 65536 refused at its last digit",
	    { LIT("65536\0" CREDS "id\0") }, PROTO_EPORT, PROTO_F_PORT, 6553,
	    T(""), T(""), T(""), 4 },
	{ "feed: port 65540 refused", { LIT("65540\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 6554, T(""), T(""), T(""), 4 },
	{ "feed: port 99999 refused", { LIT("99999\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 9999, T(""), T(""), T(""), 4 },
	{ "feed: port 00 refused", { LIT("00\0" CREDS "id\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 0, T(""), T(""), T(""), 1 },
	{ "feed: port 05 refused", { LIT("05\0" CREDS "id\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 0, T(""), T(""), T(""), 1 },
	{ "feed: port +5 refused", { LIT("+5\0" CREDS "id\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 0, T(""), T(""), T(""), 0 },
	{ "feed: port -1 refused", { LIT("-1\0" CREDS "id\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 0, T(""), T(""), T(""), 0 },
	{ "feed: port with leading space refused", { LIT(" 5\0" CREDS) },
	    PROTO_EPORT, PROTO_F_PORT, 0, T(""), T(""), T(""), 0 },
	{ "feed: port with trailing space refused", { LIT("5 \0" CREDS) },
	    PROTO_EPORT, PROTO_F_PORT, 5, T(""), T(""), T(""), 1 },
	{ "feed: port of 6 digits refused", { LIT("100000\0" CREDS "id\0") },
	    PROTO_EPORT, PROTO_F_PORT, 10000, T(""), T(""), T(""), 5 },
	{ "feed: port of 7 digits refused", { LIT("1234567\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 12345, T(""), T(""), T(""), 5 },
	{ "feed: port with a letter refused", { LIT("51a\0" CREDS "id\0") },
	    PROTO_EPORT, PROTO_F_PORT, 51, T(""), T(""), T(""), 2 },
	{ "feed: port with ':' (after '9') refused", { LIT("5:\0") },
	    PROTO_EPORT, PROTO_F_PORT, 5, T(""), T(""), T(""), 1 },
	{ "feed: port with '/' (before '0') refused", { LIT("/5\0") },
	    PROTO_EPORT, PROTO_F_PORT, 0, T(""), T(""), T(""), 0 },
	{ "feed: port 0x10 refused", { LIT("0x10\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 0, T(""), T(""), T(""), 1 },
	{ "feed: port byte 0xff refused", { LIT("\xff\0") }, PROTO_EPORT,
	    PROTO_F_PORT, 0, T(""), T(""), T(""), 0 },
	{ "feed: user name in the port field refused",
	    { LIT("alice\0secret\0id\0") }, PROTO_EPORT, PROTO_F_PORT, 0, T(""),
	    T(""), T(""), 0 },

	/* Incomplete input: everything consumed, caller must read more. */
	{ "feed: nothing yet", { LIT("") }, PROTO_MORE, PROTO_F_PORT, 0, T(""),
	    T(""), T(""), 0 },
	{ "feed: port digits without NUL", { LIT("512") }, PROTO_MORE,
	    PROTO_F_PORT, 512, T(""), T(""), T(""), 3 },
	{ "feed: port field only (connect back now)", { LIT("5120\0") },
	    PROTO_MORE, PROTO_F_USER, 5120, T(""), T(""), T(""), 5 },
	{ "feed: partial user", { LIT("5120\0ali") }, PROTO_MORE, PROTO_F_USER,
	    5120, T("ali"), T(""), T(""), 8 },
	{ "feed: up to the password", { LIT("5120\0alice\0sec") }, PROTO_MORE,
	    PROTO_F_PASS, 5120, T("alice"), T("sec"), T(""), 14 },
	{ "feed: partial command", { LIT("\0" CREDS "ls -") }, PROTO_MORE,
	    PROTO_F_CMD, 0, T("alice"), T("secret"), T("ls -"), 18 },

	/* User name limit: 256 characters. */
	{ "feed: user of 256 characters",
	    { LIT("0\0"), REP("u", 256), LIT("\0pw\0id\0") }, PROTO_FIELD,
	    PROTO_F_DONE, 0, TREP("u", 256), T("pw"), T("id"),
	    2 + 256 + 1 + 3 + 3 },
	{ "feed: user of 257 characters refused",
	    { LIT("0\0"), REP("u", 257), LIT("\0pw\0id\0") }, PROTO_EUSER,
	    PROTO_F_USER, 0, TREP("u", 256), T(""), T(""), 2 + 256 },
	{ "feed: user of 4096 characters refused at the 257th",
	    { LIT("\0"), REP("u", 4096) }, PROTO_EUSER, PROTO_F_USER, 0,
	    TREP("u", 256), T(""), T(""), 1 + 256 },
	{ "feed: empty user, password and command", { LIT("0\0\0\0\0") },
	    PROTO_FIELD, PROTO_F_DONE, 0, T(""), T(""), T(""), 5 },
	{ "feed: any byte but NUL belongs to a field",
	    { LIT("7\0\xff\n\x01 \0\t\x7f\0\x02\r\0") }, PROTO_FIELD,
	    PROTO_F_DONE, 7, T("\xff\n\x01 "), T("\t\x7f"), T("\x02\r"), 13 },

	/* Password limit: 16 characters. */
	{ "feed: password of 16 characters",
	    { LIT("0\0bob\0"), REP("p", 16), LIT("\0id\0") }, PROTO_FIELD,
	    PROTO_F_DONE, 0, T("bob"), TREP("p", 16), T("id"), 6 + 16 + 1 + 3 },
	{ "feed: password of 17 characters refused",
	    { LIT("0\0bob\0"), REP("p", 17), LIT("\0id\0") }, PROTO_EPASS,
	    PROTO_F_PASS, 0, T("bob"), TREP("p", 16), T(""), 6 + 16 },

	/* Command limit: one exec argument. */
	{ "feed: command of PROTO_CMD_MAX characters",
	    { LIT("0\0bob\0pw\0"), REP("c", PROTO_CMD_MAX), LIT("\0") },
	    PROTO_FIELD, PROTO_F_DONE, 0, T("bob"), T("pw"),
	    TREP("c", PROTO_CMD_MAX), 9 + PROTO_CMD_MAX + 1 },
	{ "feed: command of PROTO_CMD_MAX+1 characters refused",
	    { LIT("0\0bob\0pw\0"), REP("c", PROTO_CMD_MAX + 1), LIT("\0") },
	    PROTO_ECMD, PROTO_F_CMD, 0, T("bob"), T("pw"),
	    TREP("c", PROTO_CMD_MAX), 9 + PROTO_CMD_MAX },

	/* Bytes after the command's NUL are the command's stdin. */
	{ "feed: stdin after the command is not consumed",
	    { LIT("0\0" CREDS "cat\0hello\n") }, PROTO_FIELD, PROTO_F_DONE, 0,
	    T("alice"), T("secret"), T("cat"), 19 },
	{ "feed: NULs after the command are not consumed",
	    { LIT("\0" CREDS "cat\0\0\0\0") }, PROTO_FIELD, PROTO_F_DONE, 0,
	    T("alice"), T("secret"), T("cat"), 18 },
	{ "feed: a second handshake after the command is stdin",
	    { LIT("1\0a\0b\0c\0"
		  "2\0d\0e\0f\0") },
	    PROTO_FIELD, PROTO_F_DONE, 1, T("a"), T("b"), T("c"), 8 },
};

/* Where the chunk after one ending at end ends: inc more, at most n. */
static size_t
next_end(size_t end, size_t inc, size_t n)
{
	return n - end < inc ? n : end + inc;
}

struct feed_run {
	enum proto_status st; /* last status, FIELD only once complete */
	size_t used;	      /* bytes consumed in total */
	size_t calls;
};

/* Checks what one proto_feed call may do to the state and to *used. */
static void
check_call(const struct proto_handshake *hs, enum proto_field before,
    size_t len, enum proto_status st, size_t used, const char *how)
{
	if (used > len)
		fail_msg("%s: used %zu of %zu", how, used, len);
	if (hs->port > 65535)
		fail_msg("%s: port %u", how, hs->port);
	switch (st) {
	case PROTO_MORE:
		if (used != len || hs->field != before)
			fail_msg("%s: MORE left bytes or moved", how);
		break;
	case PROTO_FIELD:
		if (used < 1 || hs->field != before + 1 || hs->len != 0)
			fail_msg("%s: FIELD without progress", how);
		break;
	default:
		if (used >= len || hs->field != before)
			fail_msg("%s: error took the offending byte", how);
		break;
	}
	if (memchr(hs->user, '\0', sizeof(hs->user)) == NULL ||
	    memchr(hs->pass, '\0', sizeof(hs->pass)) == NULL ||
	    memchr(hs->cmd, '\0', sizeof(hs->cmd)) == NULL)
		fail_msg("%s: a field is not NUL-terminated", how);
}

/*
 * Feeds in[0..n) as a server would: a first chunk of first bytes, then
 * chunks of step bytes, calling proto_feed again after each field, and
 * stopping on an error or once the command is complete.
 */
static struct feed_run
feed_chunks(struct proto_handshake *hs, const unsigned char *in, size_t n,
    size_t first, size_t step, const char *how)
{
	struct feed_run r = { PROTO_MORE, 0, 0 };
	size_t end = 0, len, used;
	enum proto_field before;

	fresh(hs);
	while (r.used < n) {
		if (r.used == end)
			end = next_end(end, r.used == 0 ? first : step, n);
		len = end - r.used;
		before = hs->field;
		r.st = proto_feed(hs, in + r.used, len, &used);
		r.calls++;
		check_call(hs, before, len, r.st, used, how);
		r.used += used;
		if (r.st != PROTO_MORE && r.st != PROTO_FIELD)
			break;
		if (hs->field == PROTO_F_DONE)
			break;
	}
	if (r.st == PROTO_FIELD && hs->field != PROTO_F_DONE)
		r.st = PROTO_MORE; /* between fields: not complete yet */
	return r;
}

/* Compares a run with the row (expected strings already expanded). */
static void
check_run(const struct feed_case *c, const struct proto_handshake *hs,
    const struct feed_run *r, const char *how)
{
	if (r->st != c->st)
		fail_msg("%s: status %d, want %d", how, r->st, c->st);
	if (r->used != c->used)
		fail_msg("%s: used %zu, want %zu", how, r->used, c->used);
	if (hs->field != c->field)
		fail_msg("%s: field %d, want %d", how, hs->field, c->field);
	if (hs->port != c->port)
		fail_msg("%s: port %u, want %u", how, hs->port, c->port);
	if (strcmp(hs->user, want_user) != 0)
		fail_msg("%s: user \"%.40s\" differs", how, hs->user);
	if (strcmp(hs->pass, want_pass) != 0)
		fail_msg("%s: password \"%s\" differs", how, hs->pass);
	if (strcmp(hs->cmd, want_cmd) != 0)
		fail_msg("%s: command \"%.40s\" differs", how, hs->cmd);
}

/* Whether a 2-chunk split at k is tried for an input of n bytes. */
static int
split_tried(size_t k, size_t n)
{
	if (n <= SPLIT_ALL_MAX)
		return 1;
	return k < SPLIT_EDGE || n - k < SPLIT_EDGE || k % SPLIT_STRIDE == 0;
}

/*
 * Feeds in[0..n) in one buffer, one byte at a time, and in two chunks
 * split at every boundary k (a sample of them for inputs over
 * SPLIT_ALL_MAX bytes); every way must give the row's result.
 */
static void
feed_all_ways(const struct feed_case *c, const unsigned char *in, size_t n)
{
	struct feed_run r;
	char how[128];
	size_t k;

	r = feed_chunks(&hs_a, in, n, SIZE_MAX, SIZE_MAX, "one buffer");
	check_run(c, &hs_a, &r, "one buffer");
	if (c->st == PROTO_FIELD && r.calls != 4)
		fail_msg("one buffer: %zu calls, want one per field", r.calls);

	r = feed_chunks(&hs_a, in, n, 1, 1, "byte by byte");
	check_run(c, &hs_a, &r, "byte by byte");

	for (k = 0; k <= n; k++) {
		if (!split_tried(k, n))
			continue;
		snprintf(how, sizeof(how), "split at %zu", k);
		r = feed_chunks(&hs_a, in, n, k == 0 ? SIZE_MAX : k, SIZE_MAX,
		    how);
		check_run(c, &hs_a, &r, how);
	}
}

/*
 * One handshake row.  On an error, the state must also equal the state
 * after feeding only the consumed bytes: the offending byte left no trace.
 */
static void
test_feed_row(void **state)
{
	const struct feed_case *c = *state;
	size_t n, used;

	n = build(c->in, inbuf, sizeof(inbuf));
	expand(&c->user, want_user, sizeof(want_user));
	expand(&c->pass, want_pass, sizeof(want_pass));
	expand(&c->cmd, want_cmd, sizeof(want_cmd));
	feed_all_ways(c, inbuf, n);

	if (c->st == PROTO_MORE || c->st == PROTO_FIELD)
		return;
	assert_int_equal(proto_status_text(c->st) != NULL, 1);
	(void)feed_chunks(&hs_a, inbuf, n, SIZE_MAX, SIZE_MAX, "error");
	(void)feed_chunks(&hs_b, inbuf, c->used, SIZE_MAX, SIZE_MAX, "prefix");
	assert_memory_equal(&hs_a, &hs_b, sizeof(hs_a));
	/* Feeding the offending byte again fails the same way. */
	assert_int_equal(proto_feed(&hs_a, inbuf + c->used, 1, &used), c->st);
	assert_int_equal(used, 0);
	assert_memory_equal(&hs_a, &hs_b, sizeof(hs_a));
}

/* One proto_feed call and what it must return. */
struct feed_step {
	size_t len; /* bytes offered, from the current position */
	enum proto_status st;
	size_t used;
	enum proto_field field;
};

/*
 * The parser stops after each field, so the server can connect back as
 * soon as the port field ends, and never takes the command's stdin.
 */
static void
test_feed_stops_after_each_field(void **state)
{
	static const char in[] = "5120\0alice\0secret\0id\0stdin";
	static const struct feed_step steps[] = {
		{ 26, PROTO_FIELD, 5, PROTO_F_USER },
		{ 21, PROTO_FIELD, 6, PROTO_F_PASS },
		{ 15, PROTO_FIELD, 7, PROTO_F_CMD },
		{ 8, PROTO_FIELD, 3, PROTO_F_DONE },
		{ 5, PROTO_FIELD, 0, PROTO_F_DONE }, /* stdin stays */
		{ 5, PROTO_FIELD, 0, PROTO_F_DONE },
	};
	size_t i, off = 0, used;

	(void)state;
	fresh(&hs_a);
	for (i = 0; i < nitems(steps); i++) {
		used = 999;
		assert_int_equal(proto_feed(&hs_a, in + off, steps[i].len,
				     &used),
		    steps[i].st);
		assert_int_equal(used, steps[i].used);
		assert_int_equal(hs_a.field, steps[i].field);
		if (i == 0) { /* connect back here: nothing else is known */
			assert_int_equal(hs_a.port, 5120);
			assert_string_equal(hs_a.user, "");
		}
		off += used;
	}
	assert_int_equal(off, 21);
	assert_string_equal(hs_a.user, "alice");
	assert_string_equal(hs_a.pass, "secret");
	assert_string_equal(hs_a.cmd, "id");
	assert_memory_equal(in + off, "stdin", 5);
}

/* Offering no bytes consumes nothing and changes nothing, in any field. */
static void
test_feed_zero_length(void **state)
{
	static const char in[] = "5\0u\0p\0c\0";
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(in); i++) {
		(void)feed_chunks(&hs_a, (const unsigned char *)in, i, SIZE_MAX,
		    SIZE_MAX, "prefix");
		memcpy(&hs_b, &hs_a, sizeof(hs_b));
		used = 999;
		if (hs_a.field != PROTO_F_DONE)
			assert_int_equal(proto_feed(&hs_a, in + i, 0, &used),
			    PROTO_MORE);
		else
			(void)proto_feed(&hs_a, in + i, 0, &used);
		assert_int_equal(used, 0);
		assert_memory_equal(&hs_a, &hs_b, sizeof(hs_a));
	}
}

/* Every port encodes to a field that parses back to the same port. */
static void
test_port_roundtrip(void **state)
{
	char buf[16];
	unsigned int port;
	ssize_t n;
	size_t used;

	(void)state;
	for (port = 0; port <= 65535; port++) {
		n = proto_encode_port(buf, sizeof(buf), port);
		assert_true(n >= 1);
		proto_init(&hs_a);
		assert_int_equal(proto_feed(&hs_a, buf, (size_t)n, &used),
		    PROTO_FIELD);
		assert_int_equal(used, (size_t)n);
		assert_int_equal(hs_a.port, port);
	}
}

/* The limits are the ones in the Solaris page and Linux's exec. */
static void
test_limits(void **state)
{
	(void)state;
	assert_int_equal(PROTO_USER_MAX, 256);
	assert_int_equal(PROTO_PASS_MAX, 16);
	assert_int_equal(PROTO_CMD_MAX, 128 * 1024 - 1); /* MAX_ARG_STRLEN */
	assert_int_equal(PROTO_OK, 0);
	assert_int_equal(PROTO_REFUSED, 1);
}

/*
 * A server that raises pass_max (--max-password-length) takes passwords
 * up to it and refuses the next byte as ever.
 */
static void
test_raised_password_limit(void **state)
{
	static char in[PROTO_PASS_LIMIT + 16];
	size_t used, n;

	(void)state;
	n = 6;
	memcpy(in, "0\0bob\0", n);
	memset(in + n, 'p', 64);
	n += 64;
	memcpy(in + n, "\0id\0", 4);
	n += 4;
	proto_init(&hs_a);
	assert_int_equal(hs_a.pass_max, PROTO_PASS_MAX);
	assert_int_equal(proto_feed(&hs_a, in, n, &used), PROTO_FIELD);
	assert_int_equal(proto_feed(&hs_a, in + used, n - used, &used),
	    PROTO_FIELD);
	assert_int_equal(proto_feed(&hs_a, in + 6, n - 6, &used), PROTO_EPASS);
	assert_int_equal(used, PROTO_PASS_MAX);
	proto_init(&hs_a);
	hs_a.pass_max = 64;
	for (used = 0; hs_a.field != PROTO_F_DONE;) {
		size_t u;

		assert_int_equal(proto_feed(&hs_a, in + used, n - used, &u),
		    PROTO_FIELD);
		used += u;
	}
	assert_int_equal(strlen(hs_a.pass), 64);
	assert_string_equal(hs_a.cmd, "id");
	proto_init(&hs_a);
	hs_a.pass_max = 63;
	assert_int_equal(proto_feed(&hs_a, in, n, &used), PROTO_FIELD);
	assert_int_equal(proto_feed(&hs_a, in + 2, n - 2, &used), PROTO_FIELD);
	assert_int_equal(proto_feed(&hs_a, in + 6, n - 6, &used), PROTO_EPASS);
	assert_int_equal(used, 63);
}

/* proto_wipe leaves no byte of the password behind. */
static void
test_wipe(void **state)
{
	static const char in[] = "0\0alice\0sixteen-chars-pw\0id\0";
	static const char zero[PROTO_PASS_MAX + 1];
	size_t used, off = 0;

	(void)state;
	proto_init(&hs_a);
	while (hs_a.field != PROTO_F_DONE) {
		assert_int_equal(proto_feed(&hs_a, in + off,
				     sizeof(in) - 1 - off, &used),
		    PROTO_FIELD);
		off += used;
	}
	assert_string_equal(hs_a.pass, "sixteen-chars-pw");
	proto_wipe(&hs_a);
	assert_memory_equal(hs_a.pass, zero, sizeof(zero));
}

/* ------------------------------------------------------------------ */
/* proto_encode_port, proto_encode_creds, proto_format_refusal         */
/* ------------------------------------------------------------------ */

#define CANARY 0x5a

struct port_case {
	const char *name;
	unsigned int port;
	size_t size;
	ssize_t ret;
	struct seg out[2];
};

static struct port_case port_cases[] = {
	{ "encode_port: 0 is an empty field", 0, 16, 1, { LIT("\0") } },
	{ "encode_port: 0 in 1 byte", 0, 1, 1, { LIT("\0") } },
	{ "encode_port: 0 in 0 bytes", 0, 0, -1, { LIT("") } },
	{ "encode_port: 1", 1, 16, 2, { LIT("1\0") } },
	{ "encode_port: 1 in 2 bytes", 1, 2, 2, { LIT("1\0") } },
	{ "encode_port: 1 in 1 byte", 1, 1, -1, { LIT("") } },
	{ "encode_port: 512", 512, 16, 4, { LIT("512\0") } },
	{ "encode_port: 65535", 65535, 16, 6, { LIT("65535\0") } },
	{ "encode_port: 65535 in 6 bytes", 65535, 6, 6, { LIT("65535\0") } },
	{ "encode_port: 65535 in 5 bytes", 65535, 5, -1, { LIT("") } },
	{ "encode_port: 65536", 65536, 16, -1, { LIT("") } },
	{ "encode_port: UINT_MAX", UINT_MAX, 16, -1, { LIT("") } },
};

/* One proto_encode_port row: exact bytes, nothing written past them. */
static void
test_port_row(void **state)
{
	const struct port_case *c = *state;
	unsigned char want[16], buf[32];
	size_t n;
	ssize_t ret;

	n = build(c->out, want, sizeof(want));
	memset(buf, CANARY, sizeof(buf));
	ret = proto_encode_port((char *)buf, c->size, c->port);
	assert_int_equal(ret, c->ret);
	if (ret == -1)
		return;
	assert_int_equal((size_t)ret, n);
	assert_memory_equal(buf, want, n);
	assert_int_equal(buf[n], CANARY);
}

struct creds_case {
	const char *name;
	struct text user, pass, cmd;
	size_t size;
	ssize_t ret;
	struct seg out[MAXSEGS];
};

#define CREDS_BIG (PROTO_USER_MAX + PROTO_PASS_LIMIT + PROTO_CMD_MAX + 3)

static struct creds_case creds_cases[] = {
	{ "encode_creds: user, password, command", T("alice"), T("secret"),
	    T("id"), 64, 16, { LIT("alice\0secret\0id\0") } },
	{ "encode_creds: exact fit", T("alice"), T("secret"), T("id"), 16, 16,
	    { LIT("alice\0secret\0id\0") } },
	{ "encode_creds: one byte short", T("alice"), T("secret"), T("id"), 15,
	    -1, { LIT("") } },
	{ "encode_creds: room for the user only", T("alice"), T("secret"),
	    T("id"), 6, -1, { LIT("") } },
	{ "encode_creds: size 0", T("alice"), T("secret"), T("id"), 0, -1,
	    { LIT("") } },
	{ "encode_creds: empty strings", T(""), T(""), T(""), 3, 3,
	    { LIT("\0\0\0") } },
	{ "encode_creds: user of 256 characters", TREP("u", PROTO_USER_MAX),
	    T("pw"), T("id"), CREDS_BIG, PROTO_USER_MAX + 7,
	    { REP("u", PROTO_USER_MAX), LIT("\0pw\0id\0") } },
	{ "encode_creds: user of 257 characters", TREP("u", PROTO_USER_MAX + 1),
	    T("pw"), T("id"), CREDS_BIG, -1, { LIT("") } },
	/* the client sends any password a server may take; it decides */
	{ "encode_creds: password of 17 characters", T("bob"),
	    TREP("p", PROTO_PASS_MAX + 1), T("id"), CREDS_BIG,
	    PROTO_PASS_MAX + 9,
	    { LIT("bob\0"), REP("p", PROTO_PASS_MAX + 1), LIT("\0id\0") } },
	{ "encode_creds: password of 511 characters", T("bob"),
	    TREP("p", PROTO_PASS_LIMIT), T("id"), CREDS_BIG,
	    PROTO_PASS_LIMIT + 8,
	    { LIT("bob\0"), REP("p", PROTO_PASS_LIMIT), LIT("\0id\0") } },
	{ "encode_creds: password of 512 characters", T("bob"),
	    TREP("p", PROTO_PASS_LIMIT + 1), T("id"), CREDS_BIG, -1,
	    { LIT("") } },
	{ "encode_creds: command of PROTO_CMD_MAX characters", T("bob"),
	    T("pw"), TREP("c", PROTO_CMD_MAX), CREDS_BIG, PROTO_CMD_MAX + 8,
	    { LIT("bob\0pw\0"), REP("c", PROTO_CMD_MAX), LIT("\0") } },
	{ "encode_creds: command of PROTO_CMD_MAX+1 characters", T("bob"),
	    T("pw"), TREP("c", PROTO_CMD_MAX + 1), CREDS_BIG, -1, { LIT("") } },
};

static unsigned char creds_buf[CREDS_BIG + 16];

/*
 * One proto_encode_creds row: exact bytes, nothing written past them, and
 * what was encoded parses back to the same strings.
 */
static void
test_creds_row(void **state)
{
	const struct creds_case *c = *state;
	static char user[PROTO_USER_MAX + 2], pass[PROTO_PASS_LIMIT + 2];
	size_t n, used;
	ssize_t ret;

	expand(&c->user, user, sizeof(user));
	expand(&c->pass, pass, sizeof(pass));
	expand(&c->cmd, want_cmd, sizeof(want_cmd));
	n = build(c->out, inbuf, sizeof(inbuf));
	memset(creds_buf, CANARY, sizeof(creds_buf));
	ret = proto_encode_creds((char *)creds_buf, c->size, user, pass,
	    want_cmd);
	assert_int_equal(ret, c->ret);
	if (ret == -1)
		return;
	assert_int_equal((size_t)ret, n);
	assert_memory_equal(creds_buf, inbuf, n);
	assert_int_equal(creds_buf[n], CANARY);

	proto_init(&hs_a);
	hs_a.pass_max = PROTO_PASS_LIMIT;
	assert_int_equal(proto_feed(&hs_a, "0\0", 2, &used), PROTO_FIELD);
	for (n = 0; hs_a.field != PROTO_F_DONE; n += used)
		assert_int_equal(proto_feed(&hs_a, creds_buf + n,
				     (size_t)ret - n, &used),
		    PROTO_FIELD);
	assert_int_equal(n, (size_t)ret);
	assert_string_equal(hs_a.user, user);
	assert_string_equal(hs_a.pass, pass);
	assert_string_equal(hs_a.cmd, want_cmd);
}

struct refusal_case {
	const char *name;
	const char *text;
	size_t size;
	size_t ret;
	struct seg out[2];
};

static struct refusal_case refusal_cases[] = {
	{ "refusal: Login incorrect.", PROTO_TXT_LOGIN, 64, 18,
	    { LIT("\x01Login incorrect.\n") } },
	{ "refusal: username too long", PROTO_TXT_USER_LONG, 64, 19,
	    { LIT("\x01username too long\n") } },
	{ "refusal: password too long", PROTO_TXT_PASS_LONG, 64, 19,
	    { LIT("\x01password too long\n") } },
	{ "refusal: command too long", PROTO_TXT_CMD_LONG, 64, 18,
	    { LIT("\x01"
		  "command too long\n") } },
	{ "refusal: No remote directory.", PROTO_TXT_NO_DIR, 64, 22,
	    { LIT("\x01No remote directory.\n") } },
	{ "refusal: Try again.", PROTO_TXT_TRY_AGAIN, 64, 12,
	    { LIT("\x01Try again.\n") } },
	{ "refusal: exact fit", PROTO_TXT_LOGIN, 18, 18,
	    { LIT("\x01Login incorrect.\n") } },
	{ "refusal: truncated by one", PROTO_TXT_LOGIN, 17, 17,
	    { LIT("\x01Login incorrect\n") } },
	{ "refusal: truncated to one character", PROTO_TXT_LOGIN, 3, 3,
	    { LIT("\x01L\n") } },
	{ "refusal: no room", PROTO_TXT_LOGIN, 2, 0, { LIT("") } },
	{ "refusal: size 0", PROTO_TXT_LOGIN, 0, 0, { LIT("") } },
	{ "refusal: empty text", "", 64, 2, { LIT("\x01\n") } },
};

/* One proto_format_refusal row: exact bytes, nothing written past them. */
static void
test_refusal_row(void **state)
{
	const struct refusal_case *c = *state;
	unsigned char want[64], buf[80];
	size_t n, ret;

	n = build(c->out, want, sizeof(want));
	memset(buf, CANARY, sizeof(buf));
	ret = proto_format_refusal((char *)buf, c->size, c->text);
	assert_int_equal(ret, c->ret);
	assert_int_equal(ret, n);
	assert_memory_equal(buf, want, n);
	assert_int_equal(buf[n], CANARY);
}

/* ------------------------------------------------------------------ */
/* proto_reply_feed                                                    */
/* ------------------------------------------------------------------ */

struct reply_case {
	const char *name;
	struct seg in[MAXSEGS];
	enum proto_reply_status st;
	size_t used;
	struct text msg;
};

static struct reply_case reply_cases[] = {
	{ "reply: success", { LIT("\0") }, PROTO_R_OK, 1, T("") },
	{ "reply: success, output not consumed", { LIT("\0hello\n") },
	    PROTO_R_OK, 1, T("") },
	{ "reply: success, output starting with 0x01 is output",
	    { LIT("\0\x01Login incorrect.\n") }, PROTO_R_OK, 1, T("") },
	{ "reply: nothing yet", { LIT("") }, PROTO_R_MORE, 0, T("") },
	{ "reply: refused", { LIT("\x01Login incorrect.\n") }, PROTO_R_REFUSED,
	    18, T("Login incorrect.") },
	{ "reply: refused, bytes after the line not consumed",
	    { LIT("\x01Try again.\nmore\n") }, PROTO_R_REFUSED, 12,
	    T("Try again.") },
	{ "reply: refused, empty text", { LIT("\x01\n") }, PROTO_R_REFUSED, 2,
	    T("") },
	{ "reply: flag byte only", { LIT("\x01") }, PROTO_R_MORE, 1, T("") },
	{ "reply: line not finished", { LIT("\x01Login inc") }, PROTO_R_MORE,
	    10, T("Login inc") },
	{ "reply: 0x02 is not rexec", { LIT("\x02x\n") }, PROTO_R_BAD, 1,
	    T("") },
	{ "reply: text without flag is not rexec",
	    { LIT("Login incorrect.\n") }, PROTO_R_BAD, 1, T("") },
	{ "reply: 0xff is not rexec", { LIT("\xff") }, PROTO_R_BAD, 1, T("") },
	{ "reply: text of PROTO_MSG_MAX characters",
	    { LIT("\x01"), REP("m", PROTO_MSG_MAX), LIT("\nout") },
	    PROTO_R_REFUSED, PROTO_MSG_MAX + 2, TREP("m", PROTO_MSG_MAX) },
	{ "reply: text of PROTO_MSG_MAX characters, no newline yet",
	    { LIT("\x01"), REP("m", PROTO_MSG_MAX) }, PROTO_R_MORE,
	    PROTO_MSG_MAX + 1, TREP("m", PROTO_MSG_MAX) },
	{ "reply: text over PROTO_MSG_MAX is cut",
	    { LIT("\x01"), REP("m", PROTO_MSG_MAX + 1), LIT("\n") },
	    PROTO_R_REFUSED, PROTO_MSG_MAX + 1, TREP("m", PROTO_MSG_MAX) },
	{ "reply: endless text is cut",
	    { LIT("\x01"), REP("m", 3 * PROTO_MSG_MAX) }, PROTO_R_REFUSED,
	    PROTO_MSG_MAX + 1, TREP("m", PROTO_MSG_MAX) },
};

struct reply_run {
	enum proto_reply_status st;
	size_t used;
};

/* Feeds like the client: chunks as in feed_chunks, stopping at a verdict. */
static struct reply_run
reply_chunks(struct proto_reply *rp, const unsigned char *in, size_t n,
    size_t first, size_t step, const char *how)
{
	struct reply_run r = { PROTO_R_MORE, 0 };
	size_t end = 0, len, used;

	memset(rp, 0xa5, sizeof(*rp));
	proto_reply_init(rp);
	while (r.used < n && r.st == PROTO_R_MORE) {
		if (r.used == end)
			end = next_end(end, r.used == 0 ? first : step, n);
		len = end - r.used;
		r.st = proto_reply_feed(rp, in + r.used, len, &used);
		if (used > len || (r.st == PROTO_R_MORE && used != len) ||
		    rp->len > PROTO_MSG_MAX ||
		    memchr(rp->msg, '\0', sizeof(rp->msg)) == NULL)
			fail_msg("%s: bad call (used %zu of %zu)", how, used,
			    len);
		r.used += used;
	}
	return r;
}

/* One reply row, fed in one buffer, byte by byte, and split anywhere. */
static void
test_reply_row(void **state)
{
	const struct reply_case *c = *state;
	static struct proto_reply rp;
	struct reply_run r;
	char how[64], msg[PROTO_MSG_MAX + 2];
	size_t n, k;

	n = build(c->in, inbuf, sizeof(inbuf));
	expand(&c->msg, msg, sizeof(msg));
	for (k = 0; k <= n + 1; k++) {
		if (k == n + 1) {
			snprintf(how, sizeof(how), "byte by byte");
			r = reply_chunks(&rp, inbuf, n, 1, 1, how);
		} else {
			snprintf(how, sizeof(how), "split at %zu", k);
			r = reply_chunks(&rp, inbuf, n, k == 0 ? SIZE_MAX : k,
			    SIZE_MAX, how);
		}
		if (r.st != c->st || r.used != c->used)
			fail_msg("%s: status %d used %zu, want %d used %zu",
			    how, r.st, r.used, c->st, c->used);
		if (c->st != PROTO_R_OK && c->st != PROTO_R_BAD &&
		    strcmp(rp.msg, msg) != 0)
			fail_msg("%s: message \"%.40s\" differs", how, rp.msg);
	}
}

/* ------------------------------------------------------------------ */
/* proto_signal_allowed, proto_status_text                             */
/* ------------------------------------------------------------------ */

struct signal_case {
	const char *name;
	int sig;
	int ret;
};

/* Linux numbers: these are the bytes netkit's rexec(1) sends. */
static struct signal_case signal_cases[] = {
	{ "signal: 1 SIGHUP allowed", 1, 1 },
	{ "signal: 2 SIGINT allowed", 2, 2 },
	{ "signal: 3 SIGQUIT allowed", 3, 3 },
	{ "signal: 9 SIGKILL allowed", 9, 9 },
	{ "signal: 10 SIGUSR1 allowed", 10, 10 },
	{ "signal: 12 SIGUSR2 allowed", 12, 12 },
	{ "signal: 14 SIGALRM allowed", 14, 14 },
	{ "signal: 15 SIGTERM allowed", 15, 15 },
	{ "signal: 18 SIGCONT allowed", 18, 18 },
	{ "signal: 28 SIGWINCH allowed", 28, 28 },
	{ "signal: 0 refused", 0, 0 },
	{ "signal: -1 refused", -1, 0 },
	{ "signal: 6 SIGABRT refused", 6, 0 },
	{ "signal: 11 SIGSEGV refused", 11, 0 },
	{ "signal: 17 SIGCHLD refused", 17, 0 },
	{ "signal: 19 SIGSTOP refused", 19, 0 },
	{ "signal: 20 SIGTSTP refused", 20, 0 },
	{ "signal: 34 SIGRTMIN refused", 34, 0 },
	{ "signal: 255 refused", 255, 0 },
	{ "signal: 256 refused", 256, 0 },
};

/* One signal row. */
static void
test_signal_row(void **state)
{
	const struct signal_case *c = *state;

	assert_int_equal(proto_signal_allowed(c->sig), c->ret);
}

/* Of the 256 values a byte can carry, only the table's allowed ones pass. */
static void
test_signal_nothing_else(void **state)
{
	size_t i;
	int sig, listed;

	(void)state;
	for (sig = 0; sig < 256; sig++) {
		listed = 0;
		for (i = 0; i < nitems(signal_cases); i++)
			if (signal_cases[i].sig == sig &&
			    signal_cases[i].ret != 0)
				listed = 1;
		assert_int_equal(proto_signal_allowed(sig), listed ? sig : 0);
	}
}

struct text_case {
	const char *name;
	enum proto_status st;
	const char *text; /* NULL: no diagnostic */
};

static struct text_case text_cases[] = {
	{ "status_text: EPORT", PROTO_EPORT, "Invalid port number." },
	{ "status_text: EUSER", PROTO_EUSER, "username too long" },
	{ "status_text: EPASS", PROTO_EPASS, "password too long" },
	{ "status_text: ECMD", PROTO_ECMD, "command too long" },
	{ "status_text: MORE", PROTO_MORE, NULL },
	{ "status_text: FIELD", PROTO_FIELD, NULL },
};

/* One status_text row. */
static void
test_text_row(void **state)
{
	const struct text_case *c = *state;
	const char *got = proto_status_text(c->st);

	if (c->text == NULL)
		assert_null(got);
	else
		assert_string_equal(got, c->text);
}

/* ------------------------------------------------------------------ */

#define ROWS(t) nitems(t)
static struct CMUnitTest tests[ROWS(feed_cases) + ROWS(port_cases) +
    ROWS(creds_cases) + ROWS(refusal_cases) + ROWS(reply_cases) +
    ROWS(signal_cases) + ROWS(text_cases) + 7];
static size_t ntests;

static void
add(const char *name, CMUnitTestFunction f, void *row)
{
	struct CMUnitTest t = { name, f, NULL, NULL, row };

	if (ntests >= nitems(tests)) {
		fprintf(stderr, "test_proto: tests[] too small\n");
		exit(2);
	}
	tests[ntests++] = t;
}

#define ADD_ROWS(t, f)                                                         \
	do {                                                                   \
		for (size_t i_ = 0; i_ < nitems(t); i_++)                      \
			add((t)[i_].name, (f), &(t)[i_]);                      \
	} while (0)

int
main(void)
{
	int failed;

	ADD_ROWS(feed_cases, test_feed_row);
	add("feed: stops after each field", test_feed_stops_after_each_field,
	    NULL);
	add("feed: zero bytes change nothing", test_feed_zero_length, NULL);
	add("feed: every port round-trips", test_port_roundtrip, NULL);
	add("limits: 256, 16, MAX_ARG_STRLEN - 1", test_limits, NULL);
	add("wipe: password erased", test_wipe, NULL);
	add("feed: a raised password limit", test_raised_password_limit, NULL);
	ADD_ROWS(port_cases, test_port_row);
	ADD_ROWS(creds_cases, test_creds_row);
	ADD_ROWS(refusal_cases, test_refusal_row);
	ADD_ROWS(reply_cases, test_reply_row);
	ADD_ROWS(signal_cases, test_signal_row);
	add("signal: no byte value outside the table", test_signal_nothing_else,
	    NULL);
	ADD_ROWS(text_cases, test_text_row);
	if (ntests != nitems(tests)) {
		fprintf(stderr, "test_proto: %zu of %zu tests added\n", ntests,
		    nitems(tests));
		return 2;
	}

	failed = cmocka_run_group_tests_name("proto", tests, NULL, NULL);
	printf("unit: %zu passed, %d failed\n", ntests - (size_t)failed,
	    failed);
	return failed == 0 ? 0 : 1;
}
