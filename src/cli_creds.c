/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_creds.c: the user name and the password rexec(1) sends.
 *
 * User: -l, else $REXEC_USER, else the login of the ~/.netrc entry for
 * the host, else the local login name.  Password, first source that has
 * one: --password-file, $REXEC_PASSWORD, $REXEC_PASS, ~/.netrc (only
 * from a file that is ours and mode 0600), a prompt on the terminal with
 * echo off (only when stdin is a terminal).  Never from the command
 * line.  (REXEC_USER and REXEC_PASS are the variables of the rexec
 * client in RHEL's rsh package.)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t prompt_signal;

/* Signal handler for the prompt: notes the signal, nothing else. */
static void
prompt_catch(int sig)
{
	prompt_signal = sig;
}

/*
 * Reads one line from fd into buf (no newline, a trailing CR dropped),
 * up to EOF.  With a wait mask, the prompt's signals are blocked except
 * inside ppoll, so one that arrives at any moment stops the read with
 * EINTR.  0 or -1.
 */
static int
read_line(int fd, char *buf, size_t size, const sigset_t *waitmask)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		if (waitmask != NULL && ppoll(&p, 1, NULL, waitmask) == -1) {
			if (errno == EINTR && prompt_signal == 0)
				continue;
			return -1;
		}
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

static const int prompt_sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
#define NPROMPT_SIGS (sizeof(prompt_sigs) / sizeof(prompt_sigs[0]))

/* Catches and blocks the prompt's signals; *oldmask is the mask before. */
static void
prompt_signals_on(struct sigaction *old, sigset_t *oldmask)
{
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = prompt_catch;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < NPROMPT_SIGS; i++) {
		(void)sigaction(prompt_sigs[i], &sa, &old[i]);
		sigaddset(&block, prompt_sigs[i]);
	}
	(void)sigprocmask(SIG_BLOCK, &block, oldmask);
}

/* Puts the handlers and the mask back as they were. */
static void
prompt_signals_off(const struct sigaction *old, const sigset_t *oldmask)
{
	size_t i;

	for (i = 0; i < NPROMPT_SIGS; i++)
		(void)sigaction(prompt_sigs[i], &old[i], NULL);
	(void)sigprocmask(SIG_SETMASK, oldmask, NULL);
}

/*
 * Asks for the password on /dev/tty with echo off and puts the terminal
 * back as it was, even when a signal interrupts the prompt (the signal
 * is then re-raised).  0 or -1.
 */
static int
prompt_tty(const struct cli_opts *o, const char *user, char *buf, size_t size)
{
	struct sigaction old[NPROMPT_SIGS];
	struct termios saved, noecho;
	sigset_t oldmask;
	char text[PROTO_USER_MAX + 300];
	int fd, rv = -1, err = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1) {
		cli_msg_warn("/dev/tty");
		return -1;
	}
	prompt_signal = 0;
	prompt_signals_on(old, &oldmask);
	if (tcgetattr(fd, &saved) == -1) {
		cli_msg_warn("/dev/tty");
		goto out;
	}
	noecho = saved;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &noecho) == -1) {
		cli_msg_warn("/dev/tty");
		goto out;
	}
	(void)snprintf(text, sizeof(text), "Password for %s@%s: ", user,
	    o->host);
	if (netio_write_all(fd, text, strlen(text)) == 0)
		rv = read_line(fd, buf, size, &oldmask);
	err = errno;
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	(void)netio_write_all(fd, "\n", 1);
	if (rv == -1 && prompt_signal == 0) {
		errno = err;
		cli_msg_warn("password prompt");
	}
out:
	close(fd);
	prompt_signals_off(old, &oldmask);
	if (prompt_signal != 0) {
		explicit_bzero(buf, size);
		(void)raise(prompt_signal);
		rv = -1;
	}
	return rv;
}

/*
 * Takes the password from the first line of a file.  A regular file
 * must be ours and closed to group and others, like ~/.netrc.
 */
static int
read_passfile(const char *path, char *buf, size_t size)
{
	struct stat st;
	const char *why;
	int fd, rv = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		cli_msg_warn("%s", path);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		cli_msg_warn("%s", path);
		goto out;
	}
	if (S_ISREG(st.st_mode) && (why = cli_netrc_unsafe(&st)) != NULL) {
		cli_msg_warnx("%s: %s, refusing its password", path, why);
		goto out;
	}
	if (read_line(fd, buf, size, NULL) == -1) {
		cli_msg_warn("%s", path);
		goto out;
	}
	rv = 0;
out:
	close(fd);
	return rv;
}

/* Where ~/.netrc is: $HOME, or the home directory of the real user. */
static int
netrc_path(char *buf, size_t size)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	int n;

	if (home == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL)
			return -1;
		home = pw->pw_dir;
	}
	n = snprintf(buf, size, "%s/.netrc", home);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Copies s into dst if it fits, else says which field is too long. */
static int
set_field(char *dst, size_t max, const char *s, const char *what)
{
	size_t n = strlen(s);

	if (n > max) {
		cli_msg_warnx("%s too long (at most %zu characters)", what,
		    max);
		return -1;
	}
	memcpy(dst, s, n + 1);
	return 0;
}

/* A variable from the environment, NULL when unset or empty. */
static const char *
env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* The user name asked for: -l, else $REXEC_USER; NULL if neither. */
static const char *
wanted_user(const struct cli_opts *o)
{
	return o->user != NULL ? o->user : env_value("REXEC_USER");
}

/* The user name: -l or $REXEC_USER, the .netrc login, the local name. */
static int
pick_user(const struct cli_opts *o, const struct cli_netrc *n,
    struct cli_creds *c)
{
	struct passwd *pw;
	const char *user = wanted_user(o);

	if (user == NULL && n->found && n->has_login)
		user = n->login;
	if (user == NULL) {
		errno = 0;
		if ((pw = getpwuid(getuid())) == NULL) {
			cli_msg_warnx("no user name: use -l user");
			return -1;
		}
		user = pw->pw_name;
	}
	if (*user == '\0') {
		cli_msg_warnx("empty user name");
		return -1;
	}
	return set_field(c->user, PROTO_USER_MAX, user, "user name");
}

/* The password from the first source that has one; 0 or -1. */
static int
pick_pass(const struct cli_opts *o, const struct cli_netrc *n,
    const char *netrc, struct cli_creds *c)
{
	const char *var = "REXEC_PASSWORD", *env = env_value(var);

	if (o->passfile != NULL)
		return read_passfile(o->passfile, c->pass, sizeof(c->pass));
	if (env == NULL)
		env = env_value(var = "REXEC_PASS");
	if (env != NULL)
		return set_field(c->pass, sizeof(c->pass) - 1, env, var);
	if (n->found && n->has_pass) {
		if (n->insecure != NULL) {
			cli_msg_warnx("%s: %s, refusing its password", netrc,
			    n->insecure);
			return -1;
		}
		memcpy(c->pass, n->pass, sizeof(c->pass));
		return 0;
	}
	if (isatty(STDIN_FILENO))
		return prompt_tty(o, c->user, c->pass, sizeof(c->pass));
	cli_msg_warnx("%s: no password for %s and stdin is not a terminal: "
		      "use ~/.netrc, --password-file or REXEC_PASSWORD",
	    o->host, c->user);
	return -1;
}

/*
 * Fills c with the user name and password for o->host, printing why
 * when it cannot.  Runs in the client, with the invoking user's rights.
 */
int
cli_creds_get(const struct cli_opts *o, struct cli_creds *c)
{
	struct cli_netrc n;
	char netrc[4096];
	int rv = -1;

	memset(c, 0, sizeof(*c));
	memset(&n, 0, sizeof(n));
	if (netrc_path(netrc, sizeof(netrc)) == -1)
		strcpy(netrc, ".netrc");
	else if (cli_netrc_find(netrc, o->host, wanted_user(o), &n) == -1)
		goto out;
	/* the server decides how long a password may be */
	if (pick_user(o, &n, c) == -1 || pick_pass(o, &n, netrc, c) == -1)
		goto out;
	rv = 0;
out:
	explicit_bzero(&n, sizeof(n));
	if (rv == -1)
		cli_creds_wipe(c);
	return rv;
}

/* Erases the password from memory. */
void
cli_creds_wipe(struct cli_creds *c)
{
	explicit_bzero(c->pass, sizeof(c->pass));
}
