/* listen.h: the standalone daemon's sockets and accept loop. */
#ifndef LISTEN_H
#define LISTEN_H

#include "options.h"

#define LISTEN_MAX_FDS (OPTIONS_MAX_LISTEN * 2)

struct listen_set {
	int fd[LISTEN_MAX_FDS];
	int n;
};

int listen_open(struct listen_set *, const char *);
int listen_inherit(struct listen_set *);
void listen_loop(struct listen_set *, const struct options *)
    __attribute__((noreturn));

#endif
