/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape.h: text that came from the network made safe to print, in the
 * server's log and on the client's terminal.
 */
#ifndef ESCAPE_H
#define ESCAPE_H

#include <stddef.h>

#define ESCAPE_LOG_MAX 128 /* characters of a network string kept in logs */
#define ESCAPE_LOG_SIZE (ESCAPE_LOG_MAX * 4 + 4) /* room for ESCAPE_LOG */

enum escape_style {
	ESCAPE_LOG, /* \xNN, also for \ and "; cut at ESCAPE_LOG_MAX */
	ESCAPE_TERM /* \ooo; never cut but by the buffer */
};

const char *escape_text(char *, size_t, const char *, enum escape_style);

#endif
