/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c: the session record (rexecd.conf(5), SESSION RECORD), made in
 * the per-connection process (root) when a session ends or its login is
 * refused: one line of key=value pairs to syslog (authpriv), or, when
 * the journal's socket takes it, one journal entry with the same pairs
 * as REXECD_* fields and the line as MESSAGE.  Strings from the network
 * are escaped (escape_text) and cut at ESCAPE_LOG_MAX characters; the
 * password never gets here.
 */
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "escape.h"
#include "log.h"
#include "record.h"

#define NFIELDS 24
#define VAL_MAX 32 /* a number, a time */

static const char *journal_path; /* NULL: syslog only */

/* Where records go besides syslog: a journal socket, or NULL. */
void
record_journal(const char *path)
{
	journal_path = path;
}

/* TCP states (the kernel's numbering, as in tcpi_state). */
enum {
	ST_FIN_WAIT2 = 5,
	ST_TIME_WAIT = 6,
	ST_CLOSE = 7,
	ST_CLOSE_WAIT = 8,
	ST_LAST_ACK = 9,
	ST_CLOSING = 11
};

/*
 * Reads a connection's byte counters (TCP_INFO): received from the peer,
 * and sent and acknowledged by it; the kernel counts a FIN in each
 * direction and, on a connection this side opened (active: the stderr
 * channel), the SYN as one byte each, which are taken off here.  A
 * connection closed by both FINs (CLOSE, and no error: not a reset)
 * counts both.  Runs wherever the socket is held.
 */
void
record_tcp(int fd, int active, struct record_io *io)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int st, err = 0;
	socklen_t elen = sizeof(err);

	memset(&ti, 0, sizeof(ti));
	memset(io, 0, sizeof(*io));
	if (fd == -1 ||
	    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) +
		    sizeof(ti.tcpi_bytes_received))
		return;
	st = ti.tcpi_state;
	if (st == ST_CLOSE &&
	    (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 ||
		err != 0))
		st = -1; /* reset: no FIN was counted */
	io->valid = 1;
	io->in = ti.tcpi_bytes_received;
	io->out = ti.tcpi_bytes_acked;
	if (io->in > 0 &&
	    (st == ST_CLOSE_WAIT || st == ST_LAST_ACK || st == ST_CLOSING ||
		st == ST_TIME_WAIT || st == ST_CLOSE))
		io->in--;
	if (io->out > 0 &&
	    (st == ST_FIN_WAIT2 || st == ST_TIME_WAIT || st == ST_CLOSE))
		io->out--;
	if (io->out > 0 && active)
		io->out--;
}

struct fields {
	struct journal_field f[NFIELDS];
	char val[NFIELDS][VAL_MAX];
	size_t n;
};

/* Adds a field; a NULL s takes the formatted value from val[n]. */
static void
add(struct fields *fs, const char *key, const char *s)
{
	if (fs->n < NFIELDS) {
		fs->f[fs->n].key = key;
		fs->f[fs->n].value = s != NULL ? s : fs->val[fs->n];
		fs->n++;
	}
}

static void __attribute__((format(printf, 3, 4)))
addf(struct fields *fs, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (fs->n >= NFIELDS)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(fs->val[fs->n], VAL_MAX, fmt, ap);
	va_end(ap);
	add(fs, key, NULL);
}

/* The connection's start as 2026-12-03T03:55:01.123Z. */
static void
add_start(struct fields *fs, const struct timespec *t)
{
	struct tm tm;
	char day[24];

	if (gmtime_r(&t->tv_sec, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		(void)snprintf(day, sizeof(day), "%lld", (long long)t->tv_sec);
	addf(fs, "REXECD_START", "%s.%03ldZ", day, t->tv_nsec / 1000000);
}

/* How the command ended, and the bytes of each channel. */
static void
add_outcome(struct fields *fs, const struct record *r)
{
	if (r->status != -1 && WIFEXITED(r->status))
		addf(fs, "REXECD_EXIT", "%d", WEXITSTATUS(r->status));
	else if (r->status != -1 && WIFSIGNALED(r->status))
		addf(fs, "REXECD_SIGNAL", "%d", WTERMSIG(r->status));
	if (r->io.valid) {
		addf(fs, "REXECD_IN", "%llu", (unsigned long long)r->io.in);
		addf(fs, "REXECD_OUT", "%llu", (unsigned long long)r->io.out);
	}
	addf(fs, "REXECD_CHANNELS", "%d", r->err.valid ? 2 : 1);
	if (r->err.valid) {
		addf(fs, "REXECD_ERR_IN", "%llu",
		    (unsigned long long)r->err.in);
		addf(fs, "REXECD_ERR_OUT", "%llu",
		    (unsigned long long)r->err.out);
	}
}

/* Every field of the record, in the documented order. */
static void
collect(struct fields *fs, const struct record *r, char *user, char *cmd,
    char *reason, const struct timespec *now)
{
	long ms = (long)(now->tv_sec - r->start_mono.tv_sec) * 1000 +
	    (now->tv_nsec - r->start_mono.tv_nsec) / 1000000;

	fs->n = 0;
	add(fs, "REXECD_EVENT", r->event);
	add(fs, "REXECD_USER",
	    escape_text(user, ESCAPE_LOG_SIZE, r->user, ESCAPE_LOG));
	if (r->uid != -1)
		addf(fs, "REXECD_UID", "%ld", r->uid);
	add(fs, "REXECD_FROM", r->host);
	addf(fs, "REXECD_PORT", "%u", r->port);
	add(fs, "REXECD_COMMAND",
	    escape_text(cmd, ESCAPE_LOG_SIZE, r->cmd != NULL ? r->cmd : "",
		ESCAPE_LOG));
	add_start(fs, &r->start);
	addf(fs, "REXECD_DURATION", "%ld.%03ld", ms / 1000, ms % 1000);
	if (r->reason != NULL)
		add(fs, "REXECD_REASON",
		    escape_text(reason, ESCAPE_LOG_SIZE, r->reason,
			ESCAPE_LOG));
	else
		add_outcome(fs, r);
}

/* Whether a field's text value is quoted: the ones that are strings. */
static int
quoted(const char *key)
{
	return strcmp(key, "REXECD_USER") == 0 ||
	    strcmp(key, "REXECD_COMMAND") == 0 ||
	    strcmp(key, "REXECD_REASON") == 0;
}

/* The line: "session-record event=end user=\"alice\" ..." keys lower case. */
static size_t
text_of(char *buf, size_t size, const struct fields *fs)
{
	size_t o, i, k;
	const char *key;
	char lower[32];

	o = (size_t)snprintf(buf, size, "session-record");
	for (i = 0; i < fs->n && o < size; i++) {
		key = fs->f[i].key + strlen("REXECD_");
		for (k = 0; key[k] != '\0' && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(key[k] >= 'A' && key[k] <= 'Z' ?
				key[k] - 'A' + 'a' :
				key[k]);
		lower[k] = '\0';
		o += (size_t)snprintf(buf + o, size - o,
		    quoted(fs->f[i].key) ? " %s=\"%s\"" : " %s=%s", lower,
		    fs->f[i].value);
	}
	return o < size ? o : size - 1;
}

/* The record's text line, as logged; for the unit tests and emit. */
size_t
record_format(char *buf, size_t size, const struct record *r,
    const struct timespec *now)
{
	char user[ESCAPE_LOG_SIZE], cmd[ESCAPE_LOG_SIZE];
	char reason[ESCAPE_LOG_SIZE];
	struct fields fs;

	collect(&fs, r, user, cmd, reason, now);
	return text_of(buf, size, &fs);
}

/*
 * Logs the record: to the journal when one is set and takes it,
 * otherwise (and with -d, always) as a syslog line.
 */
void
record_emit(const struct record *r)
{
	char user[ESCAPE_LOG_SIZE], cmd[ESCAPE_LOG_SIZE];
	char reason[ESCAPE_LOG_SIZE], text[RECORD_TEXT_MAX], pid[16];
	struct timespec now;
	struct fields fs;
	int sent = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	collect(&fs, r, user, cmd, reason, &now);
	(void)text_of(text, sizeof(text), &fs);
	if (journal_path != NULL && fs.n + 5 <= NFIELDS) {
		(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		add(&fs, "MESSAGE", text);
		add(&fs, "PRIORITY", "5");
		add(&fs, "SYSLOG_FACILITY", "10");
		add(&fs, "SYSLOG_IDENTIFIER", "in.rexecd");
		add(&fs, "SYSLOG_PID", pid);
		sent = journal_send(journal_path, fs.f, fs.n) == 0;
	}
	if (!sent || log_stderr_active())
		log_auth("%s", text);
}
