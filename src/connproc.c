/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connproc.c: the connection processes as the standalone listener (root)
 * sees them.  It accepts a connection and decides, before anything is
 * read or forked, whether it may have a process: the address rules, the
 * source's penalty, the connection limits; a connection turned away is
 * answered by the listener itself (refuse.c).  Then it forks the
 * process, which runs session_run().  It learns how each process fares
 * from two sources: a process that logged in writes its pid to the
 * startup pipe (all share one; the write is atomic), and every
 * process's exit code (session.h) tells why a login did not happen;
 * failures earn their source penalty time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acl.h"
#include "admission.h"
#include "connlimit.h"
#include "connproc.h"
#include "listener.h"
#include "log.h"
#include "netio.h"
#include "penalty.h"
#include "refuse.h"
#include "session.h"
#include "trust.h"

#define PAUSE_MS 1000	/* accept pause when descriptors run out */
#define ACCEPT_BATCH 16 /* connections accepted per wake-up, at most */

/*
 * In the new connection process: sheds the listener's descriptors,
 * signal mask and raised descriptor limit, and serves the connection.
 */
static _Noreturn void
connection_start(struct listener *l, int fd, int gated)
{
	int i;

	close(l->epfd); /* first: the set stays the listener's alone */
	for (i = 0; i < l->ls->n; i++)
		close(l->ls->fd[i]);
	close(l->sigfd);
	close(l->startup[0]);
	refuse_drop_all();
	admission_drop_all();
	if (sigprocmask(SIG_SETMASK, &l->oldmask, NULL) == -1)
		fatal("sigprocmask");
	if (setrlimit(RLIMIT_NOFILE, &l->nofile) == -1)
		fatal("setrlimit");
	(void)unsetenv("NOTIFY_SOCKET"); /* the daemon's, not PAM's */
	session_run(fd, l->opts, l->startup[1], gated);
}

/* Reads what connection processes said on the startup pipe. */
static void
read_startups(struct listener *l, int64_t now)
{
	struct session_msg m[64];
	ssize_t n;
	size_t i;

	while ((n = read(l->startup[0], m, sizeof(m))) > 0)
		for (i = 0; i < (size_t)n / sizeof(m[0]); i++)
			admission_message(&m[i], now);
}

/*
 * A connection process that ended before its client logged in: logs
 * what the process could not log itself (killed by the grace time
 * alarm, crashed), and charges its source for the failure.
 */
static void
unauthenticated_end(const struct connlimit_proc *c, int status, int64_t now)
{
	struct netio_addr a;
	struct acl_addr full;
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	if (netio_addr_fill(&a, (const struct sockaddr *)&c->peer,
		c->peerlen) == -1) {
		memcpy(a.host, "?", 2);
		a.port = 0;
	}
	if (acl_addr_from(&full, (const struct sockaddr *)&c->peer) == -1)
		full = c->key;
	if (sig == SIGALRM) {
		log_auth("timeout from %s port %u during authentication",
		    a.host, a.port);
		penalty_add(&full, PENALTY_GRACE, now);
	} else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	    sig == SIGFPE || sig == SIGABRT || sig == SIGSYS) {
		log_warnx("connection process for %s port %u crashed "
			  "(signal %d)",
		    a.host, a.port, sig);
		penalty_add(&full, PENALTY_CRASH, now);
	} else if (sig == 0) {
		switch (WEXITSTATUS(status)) {
		case SESSION_EXIT_LOGIN:
			penalty_add(&full, PENALTY_AUTHFAIL, now);
			break;
		case SESSION_EXIT_TIMEOUT:
			penalty_add(&full, PENALTY_GRACE, now);
			break;
		case SESSION_EXIT_PROTO:
			penalty_add(&full, PENALTY_NOAUTH, now);
			break;
		}
	}
}

/*
 * Collects every ended connection process.  The startup pipe is read
 * first: a process writes to it before it can end, so no pid read later
 * belongs to a process already reaped (whose pid a new one might have
 * taken).
 */
void
connproc_reap(struct listener *l, int64_t now)
{
	struct connlimit_proc c;
	int status;
	pid_t pid;

	read_startups(l, now);
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (WIFSIGNALED(status))
			log_debug("connection process %ld: signal %d",
			    (long)pid, WTERMSIG(status));
		else
			log_debug("connection process %ld: exit %d", (long)pid,
			    WEXITSTATUS(status));
		admission_gone(pid, now);
		if (connlimit_remove(pid, &c) == 0 && !c.authenticated &&
		    !c.evicted)
			unauthenticated_end(&c, status, now);
	}
}

/* How loud a refusal is logged. */
enum loudness { QUIET, INFO, AUTH };

/* Refuses a connection from the listener itself, and logs why. */
static void
turn_away(int fd, const struct sockaddr *sa, socklen_t len, int64_t now,
    const char *text, const char *why, enum loudness loud)
{
	struct netio_addr a;

	if (netio_addr_fill(&a, sa, len) == -1) {
		strcpy(a.host, "?");
		a.port = 0;
	}
	if (loud == AUTH)
		log_auth("refused connection from %s port %u: %s", a.host,
		    a.port, why);
	else if (loud == INFO)
		log_info("refused connection from %s port %u: %s", a.host,
		    a.port, why);
	else
		log_debug("refused connection from %s port %u: %s", a.host,
		    a.port, why);
	refuse_send(fd, text, now);
}

/*
 * Decides, before anything is read or forked, whether a connection may
 * have a process: address rules, the source's penalty, the limits.
 * Returns 0 if so (*gated: its password check must wait its turn);
 * otherwise the connection has been answered, or is held.
 */
static int
admit(struct listener *l, int fd, const struct sockaddr *sa, socklen_t len,
    int64_t now, struct acl_addr *key, int *gated)
{
	struct acl_addr a;
	enum connlimit_verdict v;
	char why[128];
	int64_t due;
	pid_t victim;
	int trusted;

	if (acl_addr_from(&a, sa) == -1 ||
	    !acl_permits(&l->opts->allow, &l->opts->deny, &a)) {
		turn_away(fd, sa, len, now, PROTO_TXT_ACL,
		    "address not allowed", AUTH);
		return -1;
	}
	acl_source_key(key, &a);
	if ((due = penalty_refuses(&a, now)) > 0) {
		if (admission_hold(fd, key, due, now) == -1)
			turn_away(fd, sa, len, now, PROTO_TXT_PENALTY,
			    "source penalised", QUIET);
		return -1;
	}
	trusted = trust_check(key, now);
	*gated = !trusted;
	v = connlimit_admit(key, trusted, &victim);
	if (v == CONNLIMIT_EVICT) {
		read_startups(l, now); /* a victim may just have logged in */
		v = connlimit_admit(key, trusted, &victim);
	}
	if (v == CONNLIMIT_EVICT)
		admission_evict(victim, sa, len);
	if (v == CONNLIMIT_OK || v == CONNLIMIT_EVICT)
		return 0;
	admission_reason(why, sizeof(why), &l->opts->limits, v);
	turn_away(fd, sa, len, now, PROTO_TXT_BUSY, why, INFO);
	return -1;
}

/*
 * Accepts one connection from lfd and forks its process.  Returns 1 when
 * there was none, -1 when descriptors or memory ran out (the caller
 * pauses accepting), 0 otherwise.
 */
static int
accept_one(struct listener *l, int lfd, int64_t now)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct acl_addr key;
	pid_t pid;
	int fd, gated = 1;

	fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			log_warn("accept: pausing for %d ms", PAUSE_MS);
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		if (errno != EINTR && errno != ECONNABORTED)
			log_warn("accept");
		return 0;
	}
	if (admit(l, fd, (struct sockaddr *)&ss, len, now, &key, &gated) == -1)
		return 0;
	if ((pid = fork()) == -1) {
		log_warn("fork");
		turn_away(fd, (struct sockaddr *)&ss, len, now, PROTO_TXT_BUSY,
		    "cannot fork", INFO);
		return -1;
	}
	if (pid == 0)
		connection_start(l, fd, gated);
	close(fd);
	if (connlimit_add(pid, &key, (struct sockaddr *)&ss, len) == -1)
		log_warnx("connection process %ld: not counted", (long)pid);
	return 0;
}

/*
 * Accepts what lfd has queued, up to ACCEPT_BATCH connections: under a
 * flood of connections one wake-up serves several.  When descriptors or
 * memory run out, accepting pauses for PAUSE_MS.
 */
void
connproc_accept(struct listener *l, int lfd, int64_t now)
{
	int i, r = 0;

	for (i = 0; i < ACCEPT_BATCH && r == 0; i++)
		r = accept_one(l, lfd, now);
	if (r == -1)
		listener_pause(l, now + PAUSE_MS);
}
