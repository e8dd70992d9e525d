/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape.c: the one escaper for text that came from the network, used
 * by the connection process (user names and PAM's words, before they
 * are logged) and by the client (a server's refusal, before it is
 * printed).  Printable ASCII passes; every other byte is written as an
 * escape, so neither a log line nor a terminal can be steered by it.
 * The two styles are formats others read: fail2ban's filters match the
 * log lines, so ESCAPE_LOG's \xNN and its cut stay as they are.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

/*
 * Copies s into buf (size bytes, always NUL-terminated) with every byte
 * outside printable ASCII escaped: as \xNN in the ESCAPE_LOG style,
 * which also escapes backslash and double quote and cuts the text at
 * ESCAPE_LOG_MAX characters with "..." appended; as \ooo in the
 * ESCAPE_TERM style.  A buffer too short cuts the text.  Returns buf.
 */
const char *
escape_text(char *buf, size_t size, const char *s, enum escape_style style)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, i, max = style == ESCAPE_LOG ? ESCAPE_LOG_MAX : SIZE_MAX;
	int plain;

	if (size == 0)
		return "";
	for (i = 0; i < max && p[i] != '\0'; i++) {
		plain = p[i] >= 0x20 && p[i] < 0x7f &&
		    (style == ESCAPE_TERM || (p[i] != '\\' && p[i] != '"'));
		if (plain && o + 1 >= size)
			break;
		if (plain) {
			buf[o++] = (char)p[i];
			continue;
		}
		if (o + 4 >= size)
			break;
		(void)snprintf(buf + o, 5,
		    style == ESCAPE_LOG ? "\\x%02x" : "\\%03o", p[i]);
		o += 4;
	}
	if (style == ESCAPE_LOG && p[i] != '\0' && o + 3 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
