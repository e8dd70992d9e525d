/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * journal.h: structured log entries to the systemd journal over its
 * native socket protocol, without libsystemd.
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_DGRAM_MAX 16384 /* one entry, all fields */

struct journal_field {
	const char *key; /* A-Z, 0-9, _; not starting with _ */
	const char *value;
};

size_t journal_encode(char *, size_t, const struct journal_field *, size_t);
int journal_send(const char *, const struct journal_field *, size_t);

#endif
