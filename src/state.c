/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * state.c: what the standalone listener shows of itself, in the
 * listener (root): its process title, like sshd's
 *	in.rexecd: [listener] 3 of 256-512 startups, 10 of 1024 sessions
 * (connections not yet logged in against --max-startups, connections
 * served against --max-sessions), and the same text as STATUS= to the
 * service manager when it asked for notices ($NOTIFY_SOCKET; systemctl
 * status shows it).  The title is rewritten whenever a count changes
 * (a copy into memory); STATUS= is sent at most once a second, the
 * last change always within a second of it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "notify.h"
#include "proctitle.h"
#include "state.h"

#define STATUS_EVERY_MS 1000

static const struct connlimit_opts *lim;
static unsigned int shown_unauth = (unsigned int)-1, shown_total;
static int notifying;	  /* $NOTIFY_SOCKET is set */
static int pending;	  /* a change not yet sent as STATUS= */
static int64_t next_send; /* no STATUS= before then */

/* The counts as text: "3 of 256-512 startups, 10 of 1024 sessions". */
static void
format(char *buf, size_t size, unsigned int unauth, unsigned int total)
{
	if (lim->start < lim->full)
		(void)snprintf(buf, size,
		    "%u of %u-%u startups, %u of %u "
		    "sessions",
		    unauth, lim->start, lim->full, total, lim->sessions);
	else
		(void)snprintf(buf, size,
		    "%u of %u startups, %u of %u "
		    "sessions",
		    unauth, lim->full, total, lim->sessions);
}

/* Once, before the loop: the limits to show the counts against. */
void
state_init(const struct connlimit_opts *o, int64_t now)
{
	const char *ns = getenv("NOTIFY_SOCKET");

	lim = o;
	notifying = ns != NULL && ns[0] != '\0';
	state_update(now);
}

/*
 * After every turn of the listener's loop: a new title if a count
 * changed, and STATUS= if one is due.
 */
void
state_update(int64_t now)
{
	char text[128], status[160];
	unsigned int unauth = connlimit_unauthenticated();
	unsigned int total = connlimit_total();

	if (unauth != shown_unauth || total != shown_total) {
		shown_unauth = unauth;
		shown_total = total;
		format(text, sizeof(text), unauth, total);
		proctitle_set("[listener] %s", text);
		pending = notifying;
	}
	if (!pending || now < next_send)
		return;
	format(text, sizeof(text), shown_unauth, shown_total);
	(void)snprintf(status, sizeof(status), "STATUS=%s", text);
	notify_send(status);
	pending = 0;
	next_send = now + STATUS_EVERY_MS;
}

/* When a pending STATUS= is due (for the loop's timeout), or INT64_MAX. */
int64_t
state_next(void)
{
	return pending ? next_send : INT64_MAX;
}
