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

/*
 * Copies text that came from the network into dst for printing: bytes
 * outside printable ASCII become \ooo, so a server cannot send terminal
 * escapes.  Always NUL-terminates; cuts the text if dst is short.
 */
void
cli_msg_escape(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t off = 0;

	if (size == 0)
		return;
	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f) {
			if (off + 1 >= size)
				break;
			dst[off++] = (char)*p;
		} else {
			if (off + 4 >= size)
				break;
			(void)snprintf(dst + off, 5, "\\%03o", *p);
			off += 4;
		}
	}
	dst[off] = '\0';
}
