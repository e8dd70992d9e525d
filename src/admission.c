/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * admission.c: what the standalone listener (root) does between a
 * connection's accept() and its fork(), beyond the address rules, and
 * what it hears from the connection processes on the startup pipe.
 *
 * - A penalised source's connection is held unread (tarpit.c) and
 *   refused when its time is up; past the bound, reset at once.
 * - When --max-startups would drop a connection, the oldest
 *   unauthenticated connection of the busiest source may be closed
 *   instead (connlimit.c); its process is killed here.
 * - Password checks for untrusted sources take turns (authgate.c): a
 *   process asks on the startup pipe and gets SIGUSR1 when it may go.
 * - A process that logged in makes its source trusted (trust.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admission.h"
#include "authgate.h"
#include "log.h"
#include "netio.h"
#include "penalty.h"
#include "refuse.h"
#include "tarpit.h"
#include "trust.h"

static const struct options *opts;

/*
 * Sets the tables up.  At most a quarter of the descriptor hard limit
 * nofile_max goes to held connections: the rest serve the users.
 */
void
admission_init(const struct options *o, rlim_t nofile_max)
{
	uint32_t held = TARPIT_MAX;

	opts = o;
	if (nofile_max != RLIM_INFINITY && nofile_max / 4 < held)
		held = nofile_max / 4 > 0 ? (uint32_t)(nofile_max / 4) : 1;
	if (tarpit_init(held, TARPIT_PER_SOURCE) == -1 ||
	    trust_init(TRUST_SOURCES, TRUST_MS) == -1 ||
	    authgate_init(o->limits.untrusted_auths, o->limits.sessions) == -1)
		fatal("tables");
}

/*
 * A connection from a penalised source (due_ms of penalty left): held
 * unread and refused when its time is up; reset at once when too many
 * are held already.  Returns -1 when it must be refused now instead
 * (no fail delay), 0 when it is taken care of.
 */
int
admission_hold(int fd, const struct acl_addr *key, int64_t due_ms, int64_t now)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	int64_t d =
	    tarpit_delay(due_ms, opts->fail_delay_ms, opts->penalty.min_ms);

	if (d == 0)
		return -1;
	if (tarpit_hold(fd, key, now + d) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst)) == -1)
		log_debug("SO_LINGER: %s", strerror(errno));
	close(fd);
	return 0;
}

/*
 * Closes the oldest unauthenticated connection of the source holding
 * the most (victim), to serve a newcomer from a source holding few: its
 * process is killed, and no longer counts.
 */
void
admission_evict(pid_t victim, const struct sockaddr *sa, socklen_t len)
{
	struct connlimit_proc c;
	struct netio_addr v, a;

	if (connlimit_evict(victim, &c) == -1)
		return;
	if (kill(victim, SIGKILL) == -1)
		log_warn("kill %ld", (long)victim);
	if (netio_addr_fill(&v, (const struct sockaddr *)&c.peer, c.peerlen) ==
		-1 ||
	    netio_addr_fill(&a, sa, len) == -1)
		return;
	log_info("closed the oldest unauthenticated connection of the "
		 "busiest source, from %s port %u, to serve %s port %u",
	    v.host, v.port, a.host, a.port);
}

/* Why a connection was turned away by the limits, for the log. */
void
admission_reason(char *why, size_t size, const struct connlimit_opts *lc,
    enum connlimit_verdict v)
{
	switch (v) {
	case CONNLIMIT_SESSIONS:
		(void)snprintf(why, size,
		    "%u connections served "
		    "(--max-sessions %u)",
		    connlimit_total(), lc->sessions);
		break;
	case CONNLIMIT_STARTUPS:
		(void)snprintf(why, size,
		    "%u unauthenticated connections "
		    "(--max-startups %u:%u:%u)",
		    connlimit_unauthenticated(), lc->start, lc->rate, lc->full);
		break;
	default:
		(void)snprintf(why, size,
		    "%u unauthenticated connections "
		    "from that source (--per-source-max %u)",
		    lc->per_source, lc->per_source);
		break;
	}
}

/*
 * Lets the connection process in table slot k check a password
 * (SIGUSR1), unless its source has been penalised since it asked: then
 * it is refused (SIGUSR2) and the turn goes to the next in the queue.
 */
static void
grant(uint32_t k, int64_t now)
{
	const struct connlimit_proc *c;
	struct acl_addr a;

	for (; k != AUTHGATE_NONE; k = authgate_done(k)) {
		c = connlimit_at(k);
		if (acl_addr_from(&a, (const struct sockaddr *)&c->peer) ==
			-1 ||
		    penalty_refuses(&a, now) == 0) {
			if (kill(c->pid, SIGUSR1) == -1)
				log_warn("go-ahead to connection process %ld",
				    (long)c->pid);
			return;
		}
		/* penalised while it waited: refused, its turn to the next */
		if (kill(c->pid, SIGUSR2) == -1)
			log_warn("refusal to connection process %ld",
			    (long)c->pid);
	}
}

/*
 * One message from a connection process: it logged in (its source is trusted
 * from now on), it wants to check a password, or its check is over.
 */
void
admission_message(const struct session_msg *m, int64_t now)
{
	uint32_t k = connlimit_slot(m->pid);

	if (k == CONNLIMIT_NONE) {
		log_debug("startup pipe: unknown pid %ld", (long)m->pid);
		return;
	}
	switch (m->what) {
	case SESSION_MSG_LOGIN:
		if (connlimit_authenticated(m->pid) == 0)
			trust_add(&connlimit_at(k)->key, now);
		break;
	case SESSION_MSG_WANT:
		if (authgate_want(k) == 1)
			grant(k, now);
		else
			log_debug("connection process %ld waits for a password "
				  "check (%u running, %u waiting)",
			    (long)m->pid, authgate_running(),
			    authgate_waiting());
		break;
	case SESSION_MSG_DONE:
		grant(authgate_done(k), now);
		break;
	}
}

/* Refuses the held connections whose time is up. */
void
admission_release(int64_t now)
{
	int fd;

	while ((fd = tarpit_pop(now)) != -1)
		refuse_send(fd, PROTO_TXT_PENALTY, now);
}

/* A connection process ended: whatever turn it had or waited for is over. */
void
admission_gone(pid_t pid, int64_t now)
{
	grant(authgate_done(connlimit_slot(pid)), now);
}

/* When admission_release() has work next (INT64_MAX: none). */
int64_t
admission_next(void)
{
	return tarpit_next();
}

/* In a new connection process: lets go of the held sockets. */
void
admission_drop_all(void)
{
	tarpit_drop_all();
}
