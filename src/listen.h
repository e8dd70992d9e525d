/* SPDX-License-Identifier: BSD-2-Clause */
/* listen.h: the standalone daemon's listening sockets. */
#ifndef LISTEN_H
#define LISTEN_H

#include <stddef.h>

#include "options.h"

#define LISTEN_MAX_FDS (OPTIONS_MAX_LISTEN * 2)

struct listen_set {
	int fd[LISTEN_MAX_FDS];
	int n;
};

const char *listen_parse(const char *, char *, size_t, const char **);
void listen_open(struct listen_set *, const char *);
int listen_passed(void);
int listen_inherit(struct listen_set *, int *);
void listen_announce(const struct listen_set *);

#endif
