/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listener.c: the standalone daemon's loop (root).  One epoll set holds
 * the listening sockets, a signalfd, the startup pipe and the refused
 * connections still closing; the loop accepts and forks (connproc.c),
 * reaps, expires penalties and refusals, and pauses accepting when
 * descriptors run out.  It reads no byte from any connection itself,
 * so no client can stall it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "admission.h"
#include "authpam.h"
#include "connlimit.h"
#include "connproc.h"
#include "listener.h"
#include "log.h"
#include "netio.h"
#include "notify.h"
#include "penalty.h"
#include "refuse.h"
#include "state.h"

#define MAX_EVENTS 64 /* per epoll_wait() */

/* epoll_ctl() with the events and the data of fd spelled out. */
int
listener_watch(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { 0 };

	ev.events = events;
	ev.data.u64 = data;
	return epoll_ctl(epfd, op, fd, &ev);
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
	int i;

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
	    listener_watch(l->epfd, EPOLL_CTL_ADD, l->sigfd, EPOLLIN,
		LISTENER_EV_SIGNALS) == -1 ||
	    listener_watch(l->epfd, EPOLL_CTL_ADD, l->startup[0], EPOLLIN,
		LISTENER_EV_STARTUP) == -1)
		fatal("epoll");
	refuse_init(l->epfd);
	for (i = 0; i < l->ls->n; i++) {
		/* accepted connections inherit it: no system call each */
		if (netio_keepalive(l->ls->fd[i], l->opts->keepalive_s) == -1)
			fatal("keepalive");
		if (listener_watch(l->epfd, EPOLL_CTL_ADD, l->ls->fd[i],
			EPOLLIN, LISTENER_EV_LISTEN | (uint32_t)i) == -1)
			fatal("epoll");
	}
	if (getrlimit(RLIMIT_NOFILE, &l->nofile) == -1)
		fatal("getrlimit");
	if (connlimit_init(&l->opts->limits) == -1 ||
	    penalty_init(&l->opts->penalty) == -1)
		fatal("tables");
	admission_init(l->opts, l->nofile.rlim_max);
	rl = l->nofile;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit RLIMIT_NOFILE");
}

/* Milliseconds epoll_wait() may sleep: until the next timer, or -1. */
static int
poll_timeout(const struct listener *l)
{
	int64_t next = penalty_next(), t = refuse_next();

	if (t < next)
		next = t;
	if ((t = admission_next()) < next)
		next = t;
	if ((t = state_next()) < next)
		next = t;
	if (l->paused_until != 0 && l->paused_until < next)
		next = l->paused_until;
	return netio_left(next); /* INT64_MAX is NETIO_NEVER: -1 */
}

/* Turns accepting on or off: the listening sockets in the epoll set. */
static void
set_accepting(struct listener *l, int on)
{
	int i;

	for (i = 0; i < l->ls->n; i++)
		if (listener_watch(l->epfd, EPOLL_CTL_MOD, l->ls->fd[i],
			on ? EPOLLIN : 0,
			LISTENER_EV_LISTEN | (uint32_t)i) == -1)
			fatal("epoll_ctl");
}

/* Stops accepting until the time until (netio_now() milliseconds). */
void
listener_pause(struct listener *l, int64_t until)
{
	l->paused_until = until;
	set_accepting(l, 0);
}

/*
 * Sorts the events of one wake-up: refused connections are drained at
 * once (before any accept, which may reuse their descriptor numbers);
 * the rest is noted for the turn.
 */
static void
dispatch(const struct epoll_event *ev, int n, int64_t now, int *sig,
    int *startup, int *acc)
{
	int i;

	for (i = 0; i < n; i++) {
		switch (ev[i].data.u64 & LISTENER_EV_KIND) {
		case LISTENER_EV_SIGNALS:
			*sig = 1;
			break;
		case LISTENER_EV_STARTUP:
			*startup = 1;
			break;
		case LISTENER_EV_LISTEN:
			acc[(uint32_t)ev[i].data.u64] = 1;
			break;
		case LISTENER_EV_REFUSED:
			refuse_ready(ev[i].data.u64, now);
			break;
		}
	}
}

/*
 * The daemon's loop: sleeps in epoll_wait() on the listening sockets, the
 * signalfd, the startup pipe and the refused connections still closing;
 * forks a process per admitted connection; reaps them and charges the
 * sources of failures; ends on SIGTERM or SIGINT, leaving running
 * sessions to finish on their own.
 */
void
listener_run(struct listen_set *ls, const struct options *opts)
{
	struct epoll_event ev[MAX_EVENTS];
	struct listener l = { .ls = ls, .opts = opts };
	int i, n, sig, startup, acc[LISTEN_MAX_FDS];
	int64_t now;

	setup(&l);
	authpam_preload(opts->pam_service);
	listen_announce(ls);
	state_init(&opts->limits, netio_now());
	for (;;) {
		n = epoll_wait(l.epfd, ev, MAX_EVENTS, poll_timeout(&l));
		if (n == -1) {
			if (errno != EINTR)
				fatal("epoll_wait");
			continue;
		}
		now = netio_now();
		sig = startup = 0;
		memset(acc, 0, sizeof(acc));
		dispatch(ev, n, now, &sig, &startup, acc);
		if (sig)
			read_signals(&l);
		if (sig || startup)
			connproc_reap(&l, now);
		penalty_expire(now);
		admission_release(now);
		refuse_expire(now);
		if (l.paused_until != 0 && now >= l.paused_until) {
			l.paused_until = 0;
			set_accepting(&l, 1);
		}
		for (i = 0; i < ls->n && l.paused_until == 0; i++)
			if (acc[i])
				connproc_accept(&l, ls->fd[i], now);
		state_update(now);
	}
}
