/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.h: the record of a session, logged once when it ends (or when
 * its login is refused) as key=value text and as journal fields.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RECORD_TEXT_MAX 2048

/* Bytes through one connection, from the socket's TCP counters. */
struct record_io {
	uint64_t in;  /* received from the client */
	uint64_t out; /* sent and acknowledged by the client */
	int valid;
};

struct record {
	const char *event; /* "end" or "refused" */
	const char *user;  /* as the client sent it (escaped here) */
	long uid;	   /* -1: not logged in */
	const char *host;
	unsigned int port;
	const char *cmd;       /* the client's command (escaped here) */
	struct timespec start; /* CLOCK_REALTIME, the connection's start */
	struct timespec start_mono;
	int status;	      /* the command's wait status; -1: none */
	struct record_io io;  /* primary connection */
	struct record_io err; /* stderr channel; !valid: none */
	const char *reason;   /* why refused, or NULL */
};

void record_journal(const char *);
void record_tcp(int, int, struct record_io *);
size_t
record_format(char *, size_t, const struct record *, const struct timespec *);
void record_emit(const struct record *);

#endif
