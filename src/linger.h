/*
 * linger.h: refusals sent by the standalone listener, and the gentle
 * close that follows them without ever blocking the listener.
 */
#ifndef LINGER_H
#define LINGER_H

#include <stdint.h>

#define LINGER_MAX 256 /* refused connections draining at once */
/* epoll data of a lingering socket: this kind above, its fd below */
#define LINGER_EV_KIND ((uint64_t)4 << 32)

void linger_init(int);
void linger_refuse(int, const char *, int64_t);
void linger_ready(uint64_t);
void linger_expire(int64_t);
int64_t linger_next(void);
void linger_drop_all(void);

#endif
