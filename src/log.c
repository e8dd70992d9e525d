/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.c: logging for every process of the server (the client prints
 * its own messages, cli_msg.c).  Messages go to syslog (daemon
 * facility; authentication events to authpriv), or to stderr when
 * debugging.  Strings that came from the network go through
 * escape_text() (escape.c) before they reach a message.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static const char *log_name = "in.rexecd";
static int log_stderr;
static int log_echo;		     /* starting up: syslog and stderr */
static void (*log_fatal_hook)(void); /* runs before fatal() exits */

/* Selects the destination: stderr (and debug messages) when tostderr. */
void
log_init(const char *name, int tostderr)
{
	log_name = name;
	log_stderr = tostderr;
	if (!tostderr)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * While a program starts, messages logged to syslog are printed on
 * stderr as well ("name: message"), so that whoever started it sees why
 * it stopped; off once it serves, and never when stderr is the client's
 * connection (inetd).
 */
void
log_startup(int echo)
{
	log_echo = echo;
}

/* A function fatal() calls before it exits (NULL: none). */
void
log_on_fatal(void (*hook)(void))
{
	log_fatal_hook = hook;
}

/* Formats one message; a message cut at 1 KiB is still logged. */
static void __attribute__((format(printf, 2, 0)))
vlog(int pri, const char *fmt, va_list ap, const char *err)
{
	char msg[1024];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stderr) {
		if (err != NULL)
			(void)fprintf(stderr, "%s[%ld]: %s: %s\n", log_name,
			    (long)getpid(), msg, err);
		else
			(void)fprintf(stderr, "%s[%ld]: %s\n", log_name,
			    (long)getpid(), msg);
		return;
	}
	if (err != NULL)
		syslog(pri, "%s: %s", msg, err);
	else
		syslog(pri, "%s", msg);
	if (log_echo && (pri & LOG_PRIMASK) <= LOG_WARNING)
		(void)fprintf(stderr, "%s: %s%s%s\n", log_name, msg,
		    err != NULL ? ": " : "", err != NULL ? err : "");
}

/* An authentication event, to the authpriv facility. */
void
log_auth(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_AUTHPRIV | LOG_NOTICE, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, err);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_stderr)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

/*
 * Ends the program with code after a fatal message, with _exit(): most
 * of the processes fatal() and fatalx() end are forked, and must not run
 * the atexit handlers and destructors of what root loaded (PAM and NSS
 * modules).
 */
static void __attribute__((noreturn)) die(int code)
{
	if (log_fatal_hook != NULL)
		log_fatal_hook();
	_exit(code);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, err);
	va_end(ap);
	die(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	die(1);
}

/*
 * A configuration the program cannot start with (bad option, bad
 * address): exit code 2, which service managers are told not to restart.
 */
void
fatal_conf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
	die(LOG_EXIT_CONF);
}

/* Whether messages go to stderr (-d) rather than syslog. */
int
log_stderr_active(void)
{
	return log_stderr;
}
