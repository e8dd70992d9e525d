/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_status.c: -S, the remote command's exit status over a protocol
 * that has none.
 *
 * The command is run in a subshell and followed by a printf that writes
 * a trailer to the remote shell's stderr:
 *
 *	( COMMAND
 *	) ; printf '\036rexec-exit:%s %d\n' TOKEN "$?" >&2
 *
 * TOKEN is 128 random bits in hex, new for every run.  The trailer on the
 * wire is "\036rexec-exit:" TOKEN " " STATUS "\n"; its bytes never appear
 * together in the command text, so not even an echo of the command (set
 * -x, ps) can fake it.  The filter passes every byte through unchanged
 * except one complete trailer, which it removes; bytes that start to look
 * like the trailer are held back only until they stop matching, then
 * sent on as they were.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MARK_PREFIX "\036rexec-exit:"

enum { S_MARKER, S_DIGITS, S_DONE };

/* Draws a new token and prepares the filter.  0, or -1 with errno. */
int
cli_status_init(struct cli_status *st)
{
	unsigned char rnd[CLI_STATUS_TOKEN / 2];
	size_t i, off = 0;
	ssize_t n;

	while (off < sizeof(rnd)) {
		n = getrandom(rnd + off, sizeof(rnd) - off, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		off += (size_t)n;
	}
	memset(st, 0, sizeof(*st));
	st->mlen = strlen(MARK_PREFIX);
	memcpy(st->marker, MARK_PREFIX, st->mlen);
	for (i = 0; i < sizeof(rnd); i++) {
		(void)snprintf(st->marker + st->mlen, 3, "%02x", rnd[i]);
		st->mlen += 2;
	}
	st->marker[st->mlen++] = ' ';
	st->marker[st->mlen] = '\0';
	st->state = S_MARKER;
	st->code = -1;
	return 0;
}

/* The command wrapped so the remote shell reports $?; NULL on ENOMEM. */
char *
cli_status_wrap(const struct cli_status *st, const char *cmd)
{
	static const char fmt[] =
	    "( %s\n) ; printf '\\036rexec-exit:%%s %%d\\n' %.*s \"$?\" >&2";
	size_t size = strlen(cmd) + sizeof(fmt) + CLI_STATUS_TOKEN;
	char *s;

	if ((s = malloc(size)) == NULL)
		return NULL;
	(void)snprintf(s, size, fmt, cmd, CLI_STATUS_TOKEN,
	    st->marker + strlen(MARK_PREFIX));
	return s;
}

/* Sends on the bytes held back and starts matching afresh. */
static size_t
release(struct cli_status *st, unsigned char *out)
{
	size_t n = st->nheld;

	memcpy(out, st->held, n);
	st->nheld = 0;
	st->state = S_MARKER;
	return n;
}

/*
 * One byte through the matcher.  The marker's first byte occurs nowhere
 * else in the trailer, so after a mismatch the only place a new trailer
 * can start is the current byte itself.
 */
static size_t
one_byte(struct cli_status *st, unsigned char c, unsigned char *out)
{
	size_t n = 0;

	if (st->state == S_DIGITS) {
		if (c >= '0' && c <= '9' && st->digits < 3) {
			st->held[st->nheld++] = c;
			st->value = st->value * 10 + (c - '0');
			st->digits++;
			return 0;
		}
		if (c == '\n' && st->digits > 0 && st->value <= 255) {
			st->code = st->value;
			st->nheld = 0;
			st->state = S_DONE;
			return 0;
		}
		n = release(st, out);
	}
	if (st->state == S_MARKER) {
		if (c != (unsigned char)st->marker[st->nheld] && st->nheld > 0)
			n += release(st, out + n);
		if (c == (unsigned char)st->marker[st->nheld]) {
			st->held[st->nheld++] = c;
			if (st->nheld == st->mlen) {
				st->state = S_DIGITS;
				st->digits = st->value = 0;
			}
			return n;
		}
	}
	out[n++] = c;
	return n;
}

/*
 * Filters len bytes of the stream that carries the remote stderr into
 * out, which must hold len + CLI_STATUS_HOLD bytes.  Returns how many
 * bytes to pass on.
 */
size_t
cli_status_filter(struct cli_status *st, const unsigned char *in, size_t len,
    unsigned char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += one_byte(st, in[i], out + n);
	return n;
}

/* At the end of the stream: the bytes still held back, into out. */
size_t
cli_status_flush(struct cli_status *st, unsigned char *out)
{
	if (st->state == S_DONE)
		return 0;
	return release(st, out);
}
