/*
 * listen.c: the standalone daemon (root).  It binds the -l addresses or
 * takes sockets from the service manager (LISTEN_FDS), announces them,
 * and forks one process per connection, which runs session_run().  It
 * reads no byte from any connection itself, so no client can stall it.
 *
 * Before forking it applies the address rules, the per-source penalties
 * and the connection limits; a connection turned away is answered by the
 * listener without a process (refuse.c).  It learns how each process
 * fares from two sources: a process that logged in writes its pid to
 * the startup pipe (all share one; the write is atomic), and every
 * process's exit code (session.h) tells why a login did not happen.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acl.h"
#include "connlimit.h"
#include "refuse.h"
#include "authpam.h"
#include "listen.h"
#include "log.h"
#include "netio.h"
#include "notify.h"
#include "num.h"
#include "penalty.h"
#include "session.h"

#define BACKLOG 512
#define PAUSE_MS 1000 /* accept pause when descriptors run out */
#define ACCEPT_BATCH 16 /* connections accepted per wake-up, at most */

/* Binds and listens on one numeric address; returns the socket or -1. */
static int
bind_one(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("listen %s port %s: %s", host != NULL ? host : "*",
		    port, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		goto fail;
	if (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1)
		goto fail;
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, BACKLOG) == -1)
		goto fail;
	freeaddrinfo(res);
	return fd;
fail:
	rc = errno;
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	errno = rc;
	return -1;
}

/*
 * Opens "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every IPv4 and IPv6
 * address; IPv6 is skipped where the kernel has none).
 */
int
listen_open(struct listen_set *ls, const char *spec)
{
	char host[NETIO_ADDRSTRLEN];
	const char *colon = strrchr(spec, ':');
	size_t hl;
	int fd;

	if (colon == NULL || colon[1] == '\0' || ls->n + 2 > LISTEN_MAX_FDS)
		goto bad;
	hl = (size_t)(colon - spec);
	if (hl > 0 && spec[0] == '[') {
		if (hl < 3 || spec[hl - 1] != ']')
			goto bad;
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (hl > 0) {
		if ((fd = bind_one(host, colon + 1)) == -1)
			return -1;
		ls->fd[ls->n++] = fd;
		return 0;
	}
	if ((fd = bind_one("::", colon + 1)) != -1)
		ls->fd[ls->n++] = fd;
	else if (errno != EAFNOSUPPORT)
		return -1;
	if ((fd = bind_one("0.0.0.0", colon + 1)) == -1)
		return -1;
	ls->fd[ls->n++] = fd;
	return 0;
bad:
	log_warnx("bad listen address \"%s\": use ADDR:PORT, [ADDR]:PORT "
	    "or :PORT", spec);
	errno = EINVAL;
	return -1;
}

/*
 * Takes the sockets a service manager passed (LISTEN_PID, LISTEN_FDS):
 * descriptors 3 and up.  Returns how many, 0 when there are none.
 */
int
listen_inherit(struct listen_set *ls)
{
	const char *pid = getenv("LISTEN_PID"), *nfds = getenv("LISTEN_FDS");
	unsigned long mine, n;
	int fd, type, acc;
	socklen_t len;

	if (pid == NULL || nfds == NULL ||
	    num_count(pid, 1, ULONG_MAX, &mine) == -1 ||
	    mine != (unsigned long)getpid() ||
	    num_count(nfds, 1, (unsigned long)(LISTEN_MAX_FDS - ls->n),
	    &n) == -1)
		return 0;
	for (fd = 3; fd < 3 + (int)n; fd++) {
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
		    type != SOCK_STREAM)
			fatalx("LISTEN_FDS: descriptor %d is not a stream "
			    "socket", fd);
		len = sizeof(acc);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc,
		    &len) == -1 || !acc)
			fatalx("LISTEN_FDS: descriptor %d is not listening "
			    "(Accept=yes units run in.rexecd without sockets "
			    "from LISTEN_FDS)", fd);
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
			return -1;
		ls->fd[ls->n++] = fd;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

/*
 * Prints "in.rexecd: listening on ADDR:PORT" for every socket, once all
 * are listening and the loop is set up, and tells a service manager the
 * daemon is ready.  A
 * script may connect as soon as it has read the first line.
 */
static void
announce(const struct listen_set *ls)
{
	struct sockaddr_storage ss = { 0 };
	struct netio_addr a;
	socklen_t len;
	int i;

	for (i = 0; i < ls->n; i++) {
		len = sizeof(ss);
		if (getsockname(ls->fd[i], (struct sockaddr *)&ss, &len) == -1 ||
		    netio_addr_fill(&a, (struct sockaddr *)&ss, len) == -1)
			fatal("getsockname");
		(void)printf(ss.ss_family == AF_INET6 ?
		    "in.rexecd: listening on [%s]:%u\n" :
		    "in.rexecd: listening on %s:%u\n", a.host, a.port);
		log_info("listening on %s port %u", a.host, a.port);
	}
	if (fflush(stdout) == EOF)
		log_warn("announcing the listening sockets");
	notify_send("READY=1");
}

/* What the loop keeps between two turns. */
struct listener {
	struct listen_set *ls;
	const struct options *opts;
	int sigfd;
	int epfd;		/* what the loop waits on (epoll) */
	int startup[2];		/* a connection process logged in: its pid */
	sigset_t oldmask;	/* the signal mask connection processes get */
	struct rlimit nofile;	/* descriptor limit connection processes get */
	int64_t paused_until;	/* accepting is paused until then, or 0 */
};

/* What an epoll event is about: a kind above, an index or fd below. */
#define EV_KIND_MASK ((uint64_t)0xffffffff << 32)
#define EV_SIGNALS ((uint64_t)1 << 32)
#define EV_STARTUP ((uint64_t)2 << 32)
#define EV_LISTEN ((uint64_t)3 << 32)	/* | index in the listen set */
#define MAX_EVENTS 64			/* per epoll_wait() */

/* epoll_ctl() with the events and the data of fd spelled out. */
static int
watch(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { 0 };

	ev.events = events;
	ev.data.u64 = data;
	return epoll_ctl(epfd, op, fd, &ev);
}

/*
 * In the new connection process: sheds the listener's descriptors,
 * signal mask and raised descriptor limit, and serves the connection.
 */
static void __attribute__((noreturn))
connection_start(struct listener *l, int fd)
{
	int i;

	close(l->epfd); /* first: the set stays the listener's alone */
	for (i = 0; i < l->ls->n; i++)
		close(l->ls->fd[i]);
	close(l->sigfd);
	close(l->startup[0]);
	refuse_drop_all();
	if (sigprocmask(SIG_SETMASK, &l->oldmask, NULL) == -1)
		fatal("sigprocmask");
	if (setrlimit(RLIMIT_NOFILE, &l->nofile) == -1)
		fatal("setrlimit");
	(void)unsetenv("NOTIFY_SOCKET"); /* the daemon's, not PAM's */
	session_run(fd, l->opts, l->startup[1]);
}

/* Reads the pids of connection processes that logged in (startup pipe). */
static void
read_startups(struct listener *l)
{
	pid_t pid[64];
	ssize_t n;
	size_t i;

	while ((n = read(l->startup[0], pid, sizeof(pid))) > 0)
		for (i = 0; i < (size_t)n / sizeof(pid[0]); i++)
			if (connlimit_authenticated(pid[i]) == -1)
				log_debug("startup pipe: unknown pid %ld",
				    (long)pid[i]);
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
		    "(signal %d)", a.host, a.port, sig);
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
static void
reap(struct listener *l, int64_t now)
{
	struct connlimit_proc c;
	int status;
	pid_t pid;

	read_startups(l);
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (WIFSIGNALED(status))
			log_debug("connection process %ld: signal %d",
			    (long)pid, WTERMSIG(status));
		else
			log_debug("connection process %ld: exit %d",
			    (long)pid, WEXITSTATUS(status));
		if (connlimit_remove(pid, &c) == 0 && !c.authenticated)
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
 * Returns 0 if so; otherwise the connection has been answered.
 */
static int
admit(struct listener *l, int fd, const struct sockaddr *sa, socklen_t len,
    int64_t now, struct acl_addr *key)
{
	const struct connlimit_opts *lc = &l->opts->limits;
	struct acl_addr a;
	char why[128];

	if (acl_addr_from(&a, sa) == -1 ||
	    !acl_permits(&l->opts->allow, &l->opts->deny, &a)) {
		turn_away(fd, sa, len, now, PROTO_TXT_ACL,
		    "address not allowed", AUTH);
		return -1;
	}
	acl_source_key(key, &a);
	if (penalty_refuses(&a, now)) {
		turn_away(fd, sa, len, now, PROTO_TXT_PENALTY,
		    "source penalised", QUIET);
		return -1;
	}
	switch (connlimit_admit(key)) {
	case CONNLIMIT_OK:
		return 0;
	case CONNLIMIT_SESSIONS:
		(void)snprintf(why, sizeof(why), "%u connections served "
		    "(--max-sessions %u)", connlimit_total(), lc->sessions);
		break;
	case CONNLIMIT_STARTUPS:
		(void)snprintf(why, sizeof(why), "%u unauthenticated "
		    "connections (--max-startups %u:%u:%u)", connlimit_unauthenticated(),
		    lc->start, lc->rate, lc->full);
		break;
	case CONNLIMIT_SOURCE:
		(void)snprintf(why, sizeof(why), "%u unauthenticated "
		    "connections from that source (--per-source-max %u)", lc->per_source,
		    lc->per_source);
		break;
	}
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
	int fd;

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
	if (admit(l, fd, (struct sockaddr *)&ss, len, now, &key) == -1)
		return 0;
	if ((pid = fork()) == -1) {
		log_warn("fork");
		turn_away(fd, (struct sockaddr *)&ss, len, now,
		    PROTO_TXT_BUSY, "cannot fork", INFO);
		return -1;
	}
	if (pid == 0)
		connection_start(l, fd);
	close(fd);
	if (connlimit_add(pid, &key, (struct sockaddr *)&ss, len) == -1)
		log_warnx("connection process %ld: not counted", (long)pid);
	return 0;
}

/*
 * Accepts what lfd has queued, up to ACCEPT_BATCH connections: under a
 * flood of connections one wake-up serves several.  Returns -1 when
 * accepting must pause.
 */
static int
accept_batch(struct listener *l, int lfd, int64_t now)
{
	int i, r = 0;

	for (i = 0; i < ACCEPT_BATCH && r == 0; i++)
		r = accept_one(l, lfd, now);
	return r == -1 ? -1 : 0;
}

/* Reads the signalfd; ends the daemon on SIGTERM and SIGINT. */
static void
read_signals(struct listener *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			notify_send("STOPPING=1");
			log_info("stopping on signal %u", si.ssi_signo);
			exit(0);
		}
		if (si.ssi_signo == SIGHUP)
			log_info("SIGHUP ignored");
	}
}

/*
 * Sets the listener up: signals through a signalfd, the startup pipe,
 * the tables, and the descriptor limit raised to its hard maximum (the
 * connection processes get the original back).
 */
static void
setup(struct listener *l)
{
	struct rlimit rl;
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &l->oldmask) == -1 ||
	    (l->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("signalfd");
	if (pipe2(l->startup, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    watch(l->epfd, EPOLL_CTL_ADD, l->sigfd, EPOLLIN,
	    EV_SIGNALS) == -1 ||
	    watch(l->epfd, EPOLL_CTL_ADD, l->startup[0], EPOLLIN,
	    EV_STARTUP) == -1)
		fatal("epoll");
	refuse_init(l->epfd);
	if (connlimit_init(&l->opts->limits) == -1 ||
	    penalty_init(&l->opts->penalty) == -1)
		fatal("tables");
	if (getrlimit(RLIMIT_NOFILE, &l->nofile) == -1)
		fatal("getrlimit");
	rl = l->nofile;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit RLIMIT_NOFILE");
}

/* Milliseconds epoll_wait() may sleep: until the next timer, or -1. */
static int
poll_timeout(const struct listener *l, int64_t now)
{
	int64_t next = penalty_next(), t = refuse_next();

	if (t < next)
		next = t;
	if (l->paused_until != 0 && l->paused_until < next)
		next = l->paused_until;
	if (next == INT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

/* Turns accepting on or off: the listening sockets in the epoll set. */
static void
set_accepting(struct listener *l, int on)
{
	int i;

	for (i = 0; i < l->ls->n; i++)
		if (watch(l->epfd, EPOLL_CTL_MOD, l->ls->fd[i],
		    on ? EPOLLIN : 0, EV_LISTEN | (uint32_t)i) == -1)
			fatal("epoll_ctl");
}

/*
 * The daemon's loop: sleeps in epoll_wait() on the listening sockets, the
 * signalfd, the startup pipe and the refused connections still closing;
 * forks a process per admitted connection; reaps them and charges the
 * sources of failures; ends on SIGTERM or SIGINT, leaving running
 * sessions to finish on their own.
 */
void
listen_loop(struct listen_set *ls, const struct options *opts)
{
	struct epoll_event ev[MAX_EVENTS];
	struct listener l = { .ls = ls, .opts = opts };
	int i, n, sig, startup, acc[LISTEN_MAX_FDS];
	int64_t now;

	setup(&l);
	for (i = 0; i < ls->n; i++)
		if (watch(l.epfd, EPOLL_CTL_ADD, ls->fd[i], EPOLLIN,
		    EV_LISTEN | (uint32_t)i) == -1)
			fatal("epoll");
	authpam_preload(opts->pam_service);
	announce(ls);
	for (;;) {
		n = epoll_wait(l.epfd, ev, MAX_EVENTS,
		    poll_timeout(&l, netio_now()));
		if (n == -1) {
			if (errno != EINTR)
				fatal("epoll_wait");
			continue;
		}
		now = netio_now();
		sig = startup = 0;
		memset(acc, 0, sizeof(acc));
		/* refused sockets first: an accept below may reuse an fd */
		for (i = 0; i < n; i++) {
			switch (ev[i].data.u64 & EV_KIND_MASK) {
			case EV_SIGNALS:
				sig = 1;
				break;
			case EV_STARTUP:
				startup = 1;
				break;
			case EV_LISTEN:
				acc[(uint32_t)ev[i].data.u64] = 1;
				break;
			case REFUSE_EV_KIND:
				refuse_ready(ev[i].data.u64);
				break;
			}
		}
		if (sig)
			read_signals(&l);
		if (sig || startup)
			reap(&l, now);
		penalty_expire(now);
		refuse_expire(now);
		if (l.paused_until != 0 && now >= l.paused_until) {
			l.paused_until = 0;
			set_accepting(&l, 1);
		}
		for (i = 0; i < ls->n && l.paused_until == 0; i++)
			if (acc[i] && accept_batch(&l, ls->fd[i], now) == -1) {
				l.paused_until = now + PAUSE_MS;
				set_accepting(&l, 0);
			}
	}
}
