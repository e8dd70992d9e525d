/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session.c: one rexec connection, phase by phase, in its own process.
 *
 * That process starts as root.  It reads the handshake with a deadline,
 * connects back for the stderr channel, authenticates through PAM and
 * opens the PAM session; then it forks the user's process and from there
 * on touches no network byte: it waits, and closes the PAM session when
 * the user's process ends.  The user's process drops root for good, goes
 * to the home directory, checks the shell, starts the command and relays
 * the client's signal bytes to it (relay.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account.h"
#include "acl.h"
#include "authpam.h"
#include "escape.h"
#include "log.h"
#include "memtrim.h"
#include "netio.h"
#include "policy.h"
#include "privdrop.h"
#include "proctitle.h"
#include "record.h"
#include "relay.h"
#include "session.h"
#include "command.h"

struct session {
	const struct options *opts;
	int sock, errfd;
	int startup_fd;	 /* to tell the listener of a login */
	int gated;	 /* ask the listener before PAM */
	int niced, nice; /* the check ran at a lower priority */
	struct netio_addr peer, local;
	int64_t deadline;   /* end of the login grace time */
	int64_t auth_start; /* when the credentials were complete */
	struct proto_handshake hs;
	char user[ESCAPE_LOG_SIZE]; /* escaped, for the log */
	struct authpam pam;
	struct passwd pw; /* our own copy of the account */
	char *shell;
	struct command command;	      /* the command's start, set up as root */
	struct policy_session policy; /* what rexecd.conf says for it */
	struct record rec; /* the session record, filled as it goes */
};

#define REFUSE_CLOSE_MS 1000 /* for a refused client to take the text */

static struct session sess; /* one per process; holds 128 KiB of command */

/*
 * The one way a refusal reaches a client: "\x01" text "\n" on the primary
 * socket, a gentle close, and the process ends with code.
 */
static _Noreturn void
refuse(struct session *s, const char *text, int code)
{
	char buf[PROTO_MSG_MAX + 2];
	size_t n = proto_format_refusal(buf, sizeof(buf), text);

	(void)netio_write_all(s->sock, buf, n);
	if (s->errfd != -1)
		close(s->errfd);
	netio_close_gently(s->sock, -1, REFUSE_CLOSE_MS);
	_exit(code);
}

/* A handshake that cannot go on: the reason is logged, the client told. */
static _Noreturn void
handshake_failed(struct session *s, enum netio_result r, enum proto_status st,
    const char *what)
{
	const char *text = proto_status_text(st);

	switch (r) {
	case NETIO_TIMEOUT:
		log_auth("timeout from %s port %u while reading the %s",
		    s->peer.host, s->peer.port, what);
		refuse(s, PROTO_TXT_TIMEOUT, SESSION_EXIT_TIMEOUT);
	case NETIO_EOF:
	case NETIO_ERROR:
		log_info("connection from %s port %u closed while reading "
			 "the %s",
		    s->peer.host, s->peer.port, what);
		close(s->sock);
		_exit(SESSION_EXIT_PROTO);
	case NETIO_OK:
		break;
	}
	log_auth("refused handshake from %s port %u: %s", s->peer.host,
	    s->peer.port, text != NULL ? text : "bad field");
	refuse(s, text != NULL ? text : PROTO_TXT_BAD_PORT, SESSION_EXIT_PROTO);
}

/* Reads one field; returns only when it is complete and valid. */
static void
read_field(struct session *s, const char *what)
{
	enum proto_status st = PROTO_MORE;
	enum netio_result r;

	r = netio_recv_field(s->sock, &s->hs, s->deadline, &st);
	if (r != NETIO_OK || st != PROTO_FIELD)
		handshake_failed(s, r, st, what);
}

/*
 * Opens the stderr channel to the client's own address.  A port below
 * 1024 is refused unless --allow-low-ports: a reserved port on the
 * client's host is where trusting services (rlogind, rshd) listen, and
 * no rexec client needs one.  Every attempt is logged.
 */
static void
connect_back(struct session *s)
{
	if (s->hs.port < 1024 && !s->opts->allow_low_ports) {
		log_auth("refused handshake from %s port %u: stderr port %u "
			 "is below 1024",
		    s->peer.host, s->peer.port, s->hs.port);
		refuse(s, PROTO_TXT_LOW_PORT, SESSION_EXIT_PROTO);
	}
	s->errfd = netio_connect_back(&s->peer, &s->local, s->hs.port,
	    s->opts->connect_ms);
	if (s->errfd == -1) {
		log_warn("connect-back to %s port %u failed", s->peer.host,
		    s->hs.port);
		refuse(s, PROTO_TXT_CONNECT, SESSION_EXIT_PROTO);
	}
	if (netio_keepalive(s->errfd, s->opts->keepalive_s) == -1)
		log_warn("keepalive on the stderr channel");
	log_info("connect-back to %s port %u: stderr channel open",
	    s->peer.host, s->hs.port);
}

/*
 * The handshake: port field, connect-back before anything else is read
 * (clients wait in accept() before they send the credentials), then user,
 * password and command.
 */
static void
phase_handshake(struct session *s)
{
	read_field(s, "port");
	if (s->hs.port != 0)
		connect_back(s);
	read_field(s, "user name");
	read_field(s, "password");
	read_field(s, "command");
	escape_text(s->user, sizeof(s->user), s->hs.user, ESCAPE_LOG);
}

/* Logs the record: "refused" and why, or "end" (the relay's report). */
static void
session_record(struct session *s, const char *event, const char *reason)
{
	s->rec.event = event;
	s->rec.reason = reason;
	s->rec.user = s->hs.user;
	s->rec.cmd = s->hs.cmd;
	s->rec.host = s->peer.host;
	s->rec.port = s->peer.port;
	record_emit(&s->rec);
}

/* Milliseconds to wait after a refused login: the delay with +-10% jitter. */
static long
fail_delay_ms(long base)
{
	unsigned int r = 0;

	if (base <= 0)
		return 0;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned int)getpid();
	return base - base / 10 + (long)(r % (unsigned int)(base / 5 + 1));
}

/*
 * Every login refusal ends here, whatever its cause, and is answered at
 * the same moment after the credentials arrived, so neither the text nor
 * the time tells an unknown user from a wrong password.
 */
static _Noreturn void
refuse_login(struct session *s, const char *reason)
{
	log_auth("login refused for user \"%s\" from %s port %u: %s", s->user,
	    s->peer.host, s->peer.port, reason);
	session_record(s, "refused", reason);
	alarm(0); /* PAM is over; the wait below is bounded */
	netio_sleep_until(
	    s->auth_start + fail_delay_ms(s->opts->fail_delay_ms));
	authpam_close(&s->pam);
	refuse(s, PROTO_TXT_LOGIN, SESSION_EXIT_LOGIN);
}

/* One message to the standalone listener on the startup pipe. */
static void
tell(struct session *s, int what)
{
	struct session_msg m = { .pid = getpid(), .what = what };

	if (s->startup_fd != -1 &&
	    write(s->startup_fd, &m, sizeof(m)) != sizeof(m))
		log_warn("startup pipe");
}

/*
 * A connection from a source that has not logged in recently waits for
 * the listener's go-ahead before it checks a password: SIGUSR1 (blocked
 * since the start) lets it go, SIGUSR2 refuses it (its source was
 * penalised while it waited).  The listener runs only a few such checks
 * at once, and this process runs its check at a lower priority than
 * users' logins (nice + 10, taken back once the login succeeded).
 * Waiting counts against the login grace time.
 */
static void
wait_turn(struct session *s)
{
	struct timespec ts;
	sigset_t turn;
	long ms;
	int sig;

	if (!s->gated)
		return;
	tell(s, SESSION_MSG_WANT);
	sigemptyset(&turn);
	sigaddset(&turn, SIGUSR1);
	sigaddset(&turn, SIGUSR2);
	while ((ms = netio_left(s->deadline)) > 0) {
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		if ((sig = sigtimedwait(&turn, NULL, &ts)) == SIGUSR1) {
			errno = 0;
			s->nice = getpriority(PRIO_PROCESS, 0);
			if ((s->nice != -1 || errno == 0) &&
			    setpriority(PRIO_PROCESS, 0,
				s->nice + 10 > 19 ? 19 : s->nice + 10) == 0)
				s->niced = 1;
			return;
		}
		if (sig == SIGUSR2) {
			log_auth("refused connection from %s port %u: source "
				 "penalised",
			    s->peer.host, s->peer.port);
			refuse(s, PROTO_TXT_PENALTY, SESSION_EXIT_TURNED_AWAY);
		}
		if (errno != EINTR && errno != EAGAIN)
			break;
	}
	log_auth("timeout from %s port %u during authentication", s->peer.host,
	    s->peer.port);
	refuse(s, PROTO_TXT_TIMEOUT, SESSION_EXIT_TIMEOUT);
}

/*
 * Authentication and account checks.  Root, an empty password, an
 * unknown user, every PAM refusal and, with --check-shell, a login shell
 * missing from /etc/shells all end in refuse_login().
 */
static void
phase_auth(struct session *s)
{
	char why[AUTHPAM_WHY_SIZE];
	enum authpam_result r;
	const char *user;
	struct passwd pw;

	wait_turn(s);
	s->auth_start = netio_now();
	if (!s->opts->allow_root && account_copy(&pw, s->hs.user) == 0 &&
	    pw.pw_uid == 0)
		refuse_login(s, "root login refused");
	if (s->hs.pass[0] == '\0')
		refuse_login(s, "empty password");
	r = authpam_login(&s->pam, s->opts->pam_service, s->hs.user,
	    s->peer.host, s->hs.pass);
	proto_wipe(&s->hs);
	if (s->gated)
		tell(s, SESSION_MSG_DONE);
	if (r == AUTHPAM_OK && s->niced &&
	    setpriority(PRIO_PROCESS, 0, s->nice) == -1)
		log_warn("setpriority");
	if (r != AUTHPAM_OK)
		refuse_login(s, authpam_why(&s->pam, why, sizeof(why)));
	if ((user = authpam_user(&s->pam)) == NULL ||
	    account_copy(&s->pw, user) == -1)
		refuse_login(s, "no such account after PAM");
	if (s->pw.pw_uid == 0 && !s->opts->allow_root)
		refuse_login(s, "root login refused");
	if (s->pw.pw_shell[0] == '\0' &&
	    (s->pw.pw_shell = strdup("/bin/sh")) == NULL)
		fatal("strdup");
	s->shell = s->pw.pw_shell;
	if (s->opts->check_shell && !account_shell_listed(s->shell)) {
		(void)snprintf(why, sizeof(why), "shell %s not in /etc/shells",
		    s->shell);
		refuse_login(s, why);
	}
}

/*
 * After authentication, still root: what rexecd.conf says about this
 * user, group and address (policy.c).  A user the Allow/Deny keywords
 * refuse gets the very answer, at the very time, of a wrong password.
 */
static void
phase_policy(struct session *s)
{
	char cmd[ESCAPE_LOG_SIZE];
	enum policy_verdict v;
	int c;

	v = policy_session(&s->policy, s->opts->config, &s->pw, &s->peer.ss,
	    s->peer.host, s->hs.cmd);
	if (v == POLICY_OK)
		return;
	if (v == POLICY_LOGIN)
		refuse_login(s, s->policy.why);
	c = v == POLICY_COMMAND;
	(void)escape_text(cmd, sizeof(cmd), c ? s->hs.cmd : "", ESCAPE_LOG);
	if (v == POLICY_ERROR)
		log_warnx("user \"%s\": policy: out of memory", s->user);
	else {
		log_auth("%s refused for user \"%s\" from %s port %u: %s%s%s%s",
		    c ? "command" : "session", s->user, s->peer.host,
		    s->peer.port, s->policy.why, c ? ": \"" : "", cmd,
		    c ? "\"" : "");
		session_record(s, "refused", s->policy.why);
	}
	authpam_close(&s->pam);
	refuse(s, c ? PROTO_TXT_COMMAND : PROTO_TXT_TRY_AGAIN,
	    SESSION_EXIT_ERROR);
}

/*
 * In the user's process: drop root for good, make the process
 * non-dumpable, reach the home directory, check the shell.  Every
 * failure here still gets its "\x01" answer, since the success byte has
 * not been sent.
 */
static void
user_prepare(struct session *s)
{
	char msg[PROTO_MSG_MAX];

	/*
	 * Not dumpable, whatever fs.suid_dumpable says: no core file and no
	 * ptrace by the user, since this process's memory is a copy of the
	 * root process's, with what PAM and NSS left in it.
	 */
	if (privdrop_permanently(&s->pw) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0) == -1)
		refuse(s, PROTO_TXT_TRY_AGAIN, SESSION_EXIT_ERROR);
	if (chdir(s->pw.pw_dir) == -1) {
		log_warn("user \"%s\": home directory %s", s->user,
		    s->pw.pw_dir);
		refuse(s, PROTO_TXT_NO_DIR, SESSION_EXIT_ERROR);
	}
	if (account_shell_runnable(s->shell) == -1) {
		(void)snprintf(msg, sizeof(msg), "%s: %s", s->shell,
		    strerror(errno));
		log_warnx("user \"%s\": %s", s->user, msg);
		refuse(s, msg, SESSION_EXIT_ERROR);
	}
}

/*
 * The user's process: forks the command, relays the client's signal
 * bytes to it until it ends, then closes the connections without losing
 * output (relay.c).
 */
static _Noreturn void
user_main(struct session *s, const int report[2])
{
	struct relay_result r = { .status = -1 };
	sigset_t chld;
	int sigfd;
	pid_t pid;

	close(report[0]);
	if (s->policy.slot_fd != -1)
		close(
		    s->policy.slot_fd); /* root's: the user cannot unlock it */
	proctitle_set("[relay] %s from %s port %u", s->pw.pw_name, s->peer.host,
	    s->peer.port);
	user_prepare(s);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/*
	 * Jobs the command leaves behind become ours (relay.c).  SIGCHLD is
	 * the only signal blocked here, for the signalfd: not the gate's
	 * SIGUSR1 and SIGUSR2 the connection process blocked.
	 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ||
	    sigprocmask(SIG_SETMASK, &chld, NULL) == -1 ||
	    (sigfd = signalfd(-1, &chld, SFD_CLOEXEC)) == -1)
		refuse(s, PROTO_TXT_TRY_AGAIN, SESSION_EXIT_ERROR);
	if ((pid = command_start(&s->command)) == -1) {
		/* told to the client after the status byte, like netkit's */
		log_warn("user \"%s\": cannot start %s", s->user, s->shell);
		relay_close(s->sock, s->errfd, &r);
	} else
		relay_run(s->sock, s->errfd, pid, sigfd, &s->policy.lim, &r);
	if (write(report[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
		log_warn("session report");
	_exit(0);
}

/*
 * Tells the standalone listener that this connection has logged in, so
 * it no longer counts as unauthenticated: our pid on the startup pipe
 * that all connection processes share (one write, atomic).  The pipe is
 * closed here, before the user's process is forked.
 */
static void
tell_listener(struct session *s)
{
	if (s->startup_fd == -1)
		return;
	tell(s, SESSION_MSG_LOGIN);
	close(s->startup_fd);
	s->startup_fd = -1;
}

/* Waits for the user's process (root, no socket), logs the record from
 * its relay's report on fd; returns the process's wait status. */
static int
wait_user(struct session *s, pid_t pid, int fd)
{
	struct relay_result res = { .status = -1 };
	ssize_t n;
	int status;

	while ((n = read(fd, &res, sizeof(res))) == -1 && errno == EINTR)
		;
	close(fd);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			log_warn("waitpid");
			status = 1;
			break;
		}
	}
	s->rec.uid = (long)s->pw.pw_uid;
	s->rec.status = n == (ssize_t)sizeof(res) ? res.status : -1;
	s->rec.io = res.io;
	s->rec.err = res.err;
	session_record(s, "end", NULL);
	return status;
}

/*
 * Still root, after a successful login: groups, PAM credentials and
 * session, then the user's process.  From the fork on this process holds
 * no socket; it waits and closes the PAM session.
 */
static _Noreturn void
phase_pam_session(struct session *s)
{
	char why[AUTHPAM_WHY_SIZE];
	int status, report[2];
	pid_t pid;

	alarm(0);
	tell_listener(s);
	if (privdrop_groups(&s->pw) == -1 ||
	    authpam_open(&s->pam) != AUTHPAM_OK) {
		log_warnx("user \"%s\" from %s port %u: session refused: %s",
		    s->user, s->peer.host, s->peer.port,
		    s->pam.reason != NULL ?
			authpam_why(&s->pam, why, sizeof(why)) :
			"groups");
		authpam_close(&s->pam);
		refuse(s, PROTO_TXT_TRY_AGAIN, SESSION_EXIT_ERROR);
	}
	/* set up here, so that the user's process allocates nothing */
	s->command.shell = s->shell;
	s->command.cmd = s->policy.cmd;
	s->command.sock = s->sock;
	s->command.errfd = s->errfd;
	s->command.env = command_env(&s->pw, s->shell, authpam_env(&s->pam));
	if (s->command.env == NULL ||
	    policy_env(&s->policy, &s->command.env) == -1 ||
	    command_prepare(&s->command) != 0 ||
	    pipe2(report, O_CLOEXEC) == -1) {
		log_warnx("user \"%s\": out of memory", s->user);
		authpam_close(&s->pam);
		refuse(s, PROTO_TXT_TRY_AGAIN, SESSION_EXIT_ERROR);
	}
	log_auth("login accepted for user \"%s\" (uid %lu) from %s port %u",
	    s->user, (unsigned long)s->pw.pw_uid, s->peer.host, s->peer.port);
	proctitle_set("[session] %s from %s port %u", s->pw.pw_name,
	    s->peer.host, s->peer.port);
	memtrim(); /* what the login needed is not kept for the session */
	if ((pid = fork()) == -1) {
		log_warn("fork");
		authpam_close(&s->pam);
		refuse(s, PROTO_TXT_TRY_AGAIN, SESSION_EXIT_ERROR);
	}
	if (pid == 0)
		user_main(s, report);
	close(report[1]);
	close(s->sock);
	if (s->errfd != -1)
		close(s->errfd);
	status = wait_user(s, pid, report[0]);
	authpam_close(&s->pam);
	log_info("session closed for user \"%s\" from %s port %u", s->user,
	    s->peer.host, s->peer.port);
	_exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
		SESSION_EXIT_OK :
		SESSION_EXIT_ERROR);
}

/*
 * The --allow and --deny rules, before any byte is read, in inetd mode
 * (the standalone listener checks them itself before it forks).
 */
static void
check_address(struct session *s)
{
	struct acl_addr a;

	if (acl_addr_from(&a, (struct sockaddr *)&s->peer.ss) == 0 &&
	    acl_permits(&s->opts->allow, &s->opts->deny, &a))
		return;
	log_auth("refused connection from %s port %u: address not allowed",
	    s->peer.host, s->peer.port);
	refuse(s, PROTO_TXT_ACL, SESSION_EXIT_PROTO);
}

/*
 * Serves the connection on sock, in a process of its own, as root;
 * startup_fd is the standalone listener's startup pipe (or -1); gated:
 * wait for the listener's go-ahead before checking a password.  The
 * login grace time covers everything up to the PAM session: reads wait
 * no longer than it, and an alarm ends the process if PAM itself stalls.
 */
void
session_run(int sock, const struct options *opts, int startup_fd, int gated)
{
	struct session *s = &sess;
	sigset_t usr1;

	s->opts = opts;
	s->sock = sock;
	s->errfd = -1;
	s->startup_fd = startup_fd;
	clock_gettime(CLOCK_REALTIME, &s->rec.start);
	clock_gettime(CLOCK_MONOTONIC, &s->rec.start_mono);
	s->rec.uid = s->rec.status = -1;
	s->gated = gated && startup_fd != -1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigaddset(&usr1, SIGUSR2);
	if (s->gated && sigprocmask(SIG_BLOCK, &usr1, NULL) == -1)
		fatal("sigprocmask");
	proto_init(&s->hs);
	s->hs.pass_max = opts->max_pass;
	s->deadline = netio_deadline(opts->grace_ms);
	alarm((unsigned int)(opts->grace_ms / 1000 + 2));
	if (netio_endpoints(sock, &s->peer, &s->local) == -1) {
		if (errno == ENOTCONN) {
			log_info("connection closed by the client before it "
				 "was served");
			_exit(SESSION_EXIT_PROTO);
		}
		log_warn("getpeername");
		_exit(SESSION_EXIT_ERROR);
	}
	log_debug("connection from %s port %u", s->peer.host, s->peer.port);
	proctitle_set("[connection] %s port %u", s->peer.host, s->peer.port);
	if (startup_fd == -1) { /* inetd mode: no listener has seen it */
		if (netio_keepalive(sock, opts->keepalive_s) == -1)
			log_warn("keepalive");
		check_address(s);
	}
	phase_handshake(s);
	proctitle_set("[connection] %s port %u, user \"%s\"", s->peer.host,
	    s->peer.port, s->user);
	phase_auth(s);
	phase_policy(s);
	phase_pam_session(s);
}
