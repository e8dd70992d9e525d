/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_proto.c: libFuzzer target for the rexec wire parsers in
 * src/proto.c (proto_feed on the server side, proto_reply_feed on the
 * client side).
 *
 * Input layout:
 *   byte 0     bits 0-2: how many chunk-length bytes follow (0..7)
 *              bit 3:    offer an empty chunk before every chunk
 *   next bytes chunk lengths, each 1 + the byte's value, used in turn
 *   the rest   the payload
 * An input that starts with "LONG" is a long command instead (see
 * expand()): the seeds long-* use it to reach PROTO_CMD_MAX.  Such inputs
 * are slow, so they are replayed but not fuzzed, and the magic is
 * compared here, where the fuzzer cannot see it.
 *
 * The payload is fed in those chunks (one buffer if there are none), in
 * one buffer, and one byte at a time: every way must give the same result,
 * and that result must match a reference parser written independently
 * below.  Every single call is checked against the parser's contract.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/proto.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#define LONG_MAGIC "LONG"
#define LONG_PAD (PROTO_CMD_MAX - 64)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Where chunk lengths come from. */
struct chunker {
	const uint8_t *lens;
	size_t nlens;
	size_t next;
	size_t fixed; /* every chunk this long, if not 0 */
	int empty;    /* offer a 0-byte chunk first */
};

/* The length of the next chunk. */
static size_t
chunk_len(struct chunker *ck)
{
	if (ck->fixed != 0)
		return ck->fixed;
	if (ck->nlens == 0)
		return SIZE_MAX;
	return (size_t)ck->lens[ck->next++ % ck->nlens] + 1;
}

/* What a parser run ended with. */
struct run {
	int st;
	size_t used;
};

static struct proto_handshake hs_chunks, hs_one, hs_bytes;

/* The string field being filled in state f, with its limit. */
static char *
field_buf(struct proto_handshake *hs, enum proto_field f, size_t *max)
{
	switch (f) {
	case PROTO_F_USER:
		*max = PROTO_USER_MAX;
		return hs->user;
	case PROTO_F_PASS:
		*max = PROTO_PASS_MAX;
		return hs->pass;
	case PROTO_F_CMD:
		*max = PROTO_CMD_MAX;
		return hs->cmd;
	default:
		*max = PROTO_PORT_DIGITS;
		return NULL;
	}
}

/* The error proto_feed may return while reading field f. */
static enum proto_status
field_error(enum proto_field f)
{
	static const enum proto_status err[] = {
		PROTO_EPORT, PROTO_EUSER, PROTO_EPASS, PROTO_ECMD
	};

	CHECK(f < PROTO_F_DONE);
	return err[f];
}

/* Checks one proto_feed call against the contract in proto.h. */
static void
check_call(struct proto_handshake *hs, enum proto_field before, size_t len,
    enum proto_status st, size_t used)
{
	size_t max;
	char *buf;

	CHECK(used <= len);
	CHECK(hs->port <= 65535);
	switch (st) {
	case PROTO_MORE:
		CHECK(used == len && hs->field == before);
		break;
	case PROTO_FIELD:
		CHECK(used >= 1 && hs->field == before + 1 && hs->len == 0);
		break;
	default:
		CHECK(used < len && hs->field == before);
		CHECK(st == field_error(before));
		CHECK(proto_status_text(st) != NULL);
		break;
	}
	buf = field_buf(hs, hs->field, &max);
	CHECK(hs->len <= max);
	if (buf != NULL)
		CHECK(buf[hs->len] == '\0');
	else if (hs->field == PROTO_F_PORT && hs->len == 0)
		CHECK(hs->port == 0);
}

/* Offers zero bytes: nothing may be consumed or change. */
static void
feed_nothing(struct proto_handshake *hs)
{
	enum proto_field field = hs->field;
	size_t len = hs->len, used = 1;
	unsigned int port = hs->port;
	enum proto_status st;

	st = proto_feed(hs, "", 0, &used);
	CHECK(used == 0);
	CHECK(st == PROTO_MORE || field == PROTO_F_DONE);
	CHECK(hs->field == field && hs->len == len && hs->port == port);
}

/*
 * Feeds p[0..n) as the server does: chunk by chunk, calling again after
 * every field, until an error or the end of the command.
 */
static struct run
feed(struct proto_handshake *hs, const uint8_t *p, size_t n,
    struct chunker *ck)
{
	struct run r = { PROTO_MORE, 0 };
	size_t end = 0, inc, len, used;
	enum proto_field before;

	memset(hs, 0xa5, sizeof(*hs));
	proto_init(hs);
	while (r.used < n) {
		if (r.used == end) {
			if (ck->empty)
				feed_nothing(hs);
			inc = chunk_len(ck);
			end = n - end < inc ? n : end + inc;
		}
		len = end - r.used;
		before = hs->field;
		r.st = proto_feed(hs, p + r.used, len, &used);
		check_call(hs, before, len, r.st, used);
		r.used += used;
		if (r.st != PROTO_MORE && r.st != PROTO_FIELD)
			break;
		if (hs->field == PROTO_F_DONE)
			break;
	}
	CHECK(memchr(hs->user, '\0', sizeof(hs->user)) != NULL);
	CHECK(memchr(hs->pass, '\0', sizeof(hs->pass)) != NULL);
	CHECK(memchr(hs->cmd, '\0', sizeof(hs->cmd)) != NULL);
	if (r.st != PROTO_MORE && r.st != PROTO_FIELD)
		return r;
	if (hs->field == PROTO_F_DONE) {
		CHECK(r.used >= 1 && p[r.used - 1] == '\0');
		if (r.used < n) { /* the command's stdin stays unread */
			CHECK(proto_feed(hs, p + r.used, n - r.used, &used) ==
			    PROTO_FIELD);
			CHECK(used == 0);
		}
		r.st = PROTO_FIELD;
	} else
		r.st = PROTO_MORE;
	return r;
}

/* The reference parser's view of one handshake. */
struct ref {
	int st;
	size_t used;
	enum proto_field field;
	unsigned int port;
	size_t start[PROTO_F_DONE]; /* where each field's bytes begin */
	size_t len[PROTO_F_DONE];   /* bytes of it kept */
};

/*
 * Where a port field s[0..l) goes wrong, or l if it does not: at the first
 * non-digit, at the digit after a leading zero, or at the digit that makes
 * the number larger than 65535 (five digits above "65535", or a sixth).
 */
static size_t
ref_port_bad(const uint8_t *s, size_t l)
{
	size_t d = 0, bad = l;

	while (d < l && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d < bad)
		bad = d;
	if (d >= 2 && s[0] == '0' && bad > 1)
		bad = 1;
	if (d >= 5 && s[0] != '0' && memcmp(s, "65535", 5) > 0 && bad > 4)
		bad = 4;
	if (d >= 6 && bad > 5)
		bad = 5;
	return bad;
}

/* Parses a whole payload field by field, the way the facts describe it. */
static void
ref_handshake(const uint8_t *p, size_t n, struct ref *r)
{
	static const size_t max[] = {
		PROTO_PORT_DIGITS, PROTO_USER_MAX, PROTO_PASS_MAX, PROTO_CMD_MAX
	};
	const uint8_t *nul;
	size_t off = 0, l, bad, i;
	enum proto_field f;

	memset(r, 0, sizeof(*r));
	for (f = PROTO_F_PORT; f < PROTO_F_DONE; f++) {
		r->field = f;
		r->start[f] = off;
		nul = memchr(p + off, '\0', n - off);
		l = nul != NULL ? (size_t)(nul - (p + off)) : n - off;
		bad = f == PROTO_F_PORT ? ref_port_bad(p + off, l) :
		    l > max[f] ? max[f] : l;
		r->len[f] = bad;
		if (f == PROTO_F_PORT)
			for (i = 0; i < bad; i++)
				r->port = r->port * 10 + (p[off + i] - '0');
		if (bad < l) {
			r->st = field_error(f);
			r->used = off + bad;
			return;
		}
		if (nul == NULL) {
			r->st = PROTO_MORE;
			r->used = n;
			return;
		}
		off += l + 1;
	}
	r->field = PROTO_F_DONE;
	r->st = PROTO_FIELD;
	r->used = off;
}

/* A string field must hold exactly the bytes the reference kept. */
static void
check_string(const char *got, const uint8_t *p, const struct ref *r,
    enum proto_field f)
{
	if (f > r->field) {
		CHECK(got[0] == '\0');
		return;
	}
	CHECK(memcmp(got, p + r->start[f], r->len[f]) == 0);
	CHECK(got[r->len[f]] == '\0');
}

/* Runs proto_feed three ways and checks them against the reference. */
static void
fuzz_handshake(const uint8_t *p, size_t n, struct chunker *ck)
{
	struct chunker one = { NULL, 0, 0, 0, 0 };
	struct chunker bytes = { NULL, 0, 0, 1, 0 };
	struct run a, b, c;
	struct ref r;

	a = feed(&hs_chunks, p, n, ck);
	b = feed(&hs_one, p, n, &one);
	c = feed(&hs_bytes, p, n, &bytes);
	ref_handshake(p, n, &r);

	CHECK(a.st == r.st && b.st == r.st && c.st == r.st);
	CHECK(a.used == r.used && b.used == r.used && c.used == r.used);
	CHECK(hs_chunks.field == r.field && hs_one.field == r.field &&
	    hs_bytes.field == r.field);
	CHECK(hs_chunks.port == r.port && hs_one.port == r.port &&
	    hs_bytes.port == r.port);
	CHECK(hs_chunks.len == hs_one.len && hs_one.len == hs_bytes.len);
	check_string(hs_chunks.user, p, &r, PROTO_F_USER);
	check_string(hs_chunks.pass, p, &r, PROTO_F_PASS);
	check_string(hs_chunks.cmd, p, &r, PROTO_F_CMD);
	CHECK(strcmp(hs_chunks.user, hs_one.user) == 0);
	CHECK(strcmp(hs_chunks.user, hs_bytes.user) == 0);
	CHECK(strcmp(hs_chunks.pass, hs_one.pass) == 0);
	CHECK(strcmp(hs_chunks.pass, hs_bytes.pass) == 0);
	CHECK(strcmp(hs_chunks.cmd, hs_one.cmd) == 0);
	CHECK(strcmp(hs_chunks.cmd, hs_bytes.cmd) == 0);
}

/* Feeds p[0..n) to proto_reply_feed as the client does. */
static struct run
reply(struct proto_reply *rp, const uint8_t *p, size_t n, struct chunker *ck)
{
	struct run r = { PROTO_R_MORE, 0 };
	size_t end = 0, inc, len, used;

	memset(rp, 0xa5, sizeof(*rp));
	proto_reply_init(rp);
	while (r.used < n && r.st == PROTO_R_MORE) {
		if (r.used == end) {
			inc = chunk_len(ck);
			end = n - end < inc ? n : end + inc;
		}
		len = end - r.used;
		r.st = proto_reply_feed(rp, p + r.used, len, &used);
		CHECK(used <= len);
		CHECK(r.st != PROTO_R_MORE || used == len);
		CHECK(rp->len <= PROTO_MSG_MAX);
		CHECK(memchr(rp->msg, '\0', sizeof(rp->msg)) != NULL);
		CHECK(memchr(rp->msg, '\n', rp->len) == NULL);
		r.used += used;
	}
	return r;
}

/*
 * The client's reference: the status byte, then for a refusal the text
 * up to the first newline, cut after PROTO_MSG_MAX bytes.
 */
static void
ref_reply(const uint8_t *p, size_t n, struct run *r, size_t *msglen)
{
	const uint8_t *nl;
	size_t avail;

	*msglen = 0;
	r->used = n == 0 ? 0 : 1;
	if (n == 0) {
		r->st = PROTO_R_MORE;
		return;
	}
	if (p[0] != PROTO_REFUSED) {
		r->st = p[0] == PROTO_OK ? PROTO_R_OK : PROTO_R_BAD;
		return;
	}
	avail = n - 1;
	nl = memchr(p + 1, '\n', avail);
	if (nl != NULL && (size_t)(nl - (p + 1)) <= PROTO_MSG_MAX) {
		*msglen = (size_t)(nl - (p + 1));
		r->st = PROTO_R_REFUSED;
		r->used = 1 + *msglen + 1;
	} else if (avail > PROTO_MSG_MAX) {
		*msglen = PROTO_MSG_MAX;
		r->st = PROTO_R_REFUSED;
		r->used = 1 + PROTO_MSG_MAX;
	} else {
		*msglen = avail;
		r->st = PROTO_R_MORE;
		r->used = n;
	}
}

/* Runs proto_reply_feed three ways and checks them against the reference. */
static void
fuzz_reply(const uint8_t *p, size_t n, struct chunker *ck)
{
	static struct proto_reply ra, rb, rc;
	struct chunker one = { NULL, 0, 0, 0, 0 };
	struct chunker bytes = { NULL, 0, 0, 1, 0 };
	struct run a, b, c, r;
	size_t msglen;

	ck->next = 0;
	a = reply(&ra, p, n, ck);
	b = reply(&rb, p, n, &one);
	c = reply(&rc, p, n, &bytes);
	ref_reply(p, n, &r, &msglen);
	CHECK(a.st == r.st && b.st == r.st && c.st == r.st);
	CHECK(a.used == r.used && b.used == r.used && c.used == r.used);
	if (r.st == PROTO_R_REFUSED || r.st == PROTO_R_MORE) {
		CHECK(ra.len == msglen && rb.len == msglen && rc.len == msglen);
		CHECK(memcmp(ra.msg, p + 1, msglen) == 0);
		CHECK(ra.msg[msglen] == '\0');
		CHECK(memcmp(ra.msg, rb.msg, msglen + 1) == 0);
		CHECK(memcmp(ra.msg, rc.msg, msglen + 1) == 0);
	}
}

/*
 * A long command without a long input: LONG_PAD bytes of 'c' go right
 * after the payload's third NUL, so a short tail decides whether the
 * command fits.  Returns a new buffer the caller frees, or NULL if the
 * payload has no command field.
 */
static uint8_t *
expand(const uint8_t *p, size_t n, size_t *outlen)
{
	size_t at = 0, nuls = 0;
	uint8_t *out;

	while (at < n && nuls < 3)
		if (p[at++] == '\0')
			nuls++;
	if (nuls < 3)
		return NULL;
	out = malloc(n + LONG_PAD);
	if (out == NULL)
		abort();
	memcpy(out, p, at);
	memset(out + at, 'c', LONG_PAD);
	memcpy(out + at + LONG_PAD, p + at, n - at);
	*outlen = n + LONG_PAD;
	return out;
}

/* Whether the input starts with LONG_MAGIC (no memcmp: libFuzzer hooks it). */
static int
is_long(const uint8_t *data, size_t size)
{
	size_t i;

	if (size < sizeof(LONG_MAGIC) - 1)
		return 0;
	for (i = 0; i < sizeof(LONG_MAGIC) - 1; i++)
		if (data[i] != (uint8_t)LONG_MAGIC[i])
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chunker ck = { NULL, 0, 0, 0, 0 };
	const uint8_t *p;
	uint8_t *big;
	size_t n;

	if (size == 0)
		return 0;
	if (is_long(data, size)) {
		n = sizeof(LONG_MAGIC) - 1;
		if ((big = expand(data + n, size - n, &n)) != NULL)
			fuzz_handshake(big, n, &ck);
		free(big);
		return 0;
	}
	ck.nlens = data[0] & 7;
	ck.empty = (data[0] & 8) != 0;
	if (ck.nlens > size - 1)
		ck.nlens = size - 1;
	ck.lens = data + 1;
	p = data + 1 + ck.nlens;
	n = size - 1 - ck.nlens;
	fuzz_handshake(p, n, &ck);
	fuzz_reply(p, n, &ck);
	return 0;
}
