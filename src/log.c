/*
 * log.c: logging for every process of the server and for the client.
 * Messages go to syslog (daemon facility; authentication events to
 * authpriv), or to stderr when debugging.  Strings that came from the
 * network go through log_escape() before they reach a message.
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

/*
 * Copies a network string into buf for logging: printable ASCII other
 * than backslash and double quote as is, every other byte as \xNN, cut
 * at LOG_ESCAPE_MAX input characters with "..." appended.
 */
const char *
log_escape(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, i;

	if (size == 0)
		return "";
	for (i = 0; i < LOG_ESCAPE_MAX && p[i] != '\0'; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' &&
		    p[i] != '"') {
			if (o + 1 >= size)
				break;
			buf[o++] = (char)p[i];
		} else {
			if (o + 4 >= size)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[p[i] >> 4];
			buf[o++] = hex[p[i] & 0xf];
		}
	}
	if (p[i] != '\0' && o + 3 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
