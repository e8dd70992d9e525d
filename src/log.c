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

/* Selects the destination: stderr (and debug messages) when tostderr. */
void
log_init(const char *name, int tostderr)
{
	log_name = name;
	log_stderr = tostderr;
	if (!tostderr)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
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

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

/* Whether messages go to stderr (-d) rather than syslog. */
int
log_stderr_active(void)
{
	return log_stderr;
}
