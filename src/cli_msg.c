/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_msg.c: rexec(1)'s diagnostics.  Every message goes to stderr as
 * one line starting with "rexec: ", so scripts and pdsh can tell the
 * client's own words from the remote command's output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Prints "rexec: " and the formatted text, then ": " and errno's text. */
void
cli_msg_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	(void)fputs("rexec: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, ": %s\n", strerror(saved));
	(void)fflush(stderr);
	errno = saved;
}

/* Prints "rexec: " and the formatted text. */
void
cli_msg_warnx(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("rexec: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	(void)fflush(stderr);
}
