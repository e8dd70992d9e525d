/*
 * linger.h: refusals sent by the standalone listener, and the gentle
 * close that follows them without ever blocking the listener.
 */
#ifndef LINGER_H
#define LINGER_H

#include <poll.h>
#include <stdint.h>

#define LINGER_MAX 256 /* refused connections draining at once */

void linger_refuse(int, const char *, int64_t);
int linger_pollfds(struct pollfd *, int);
void linger_service(const struct pollfd *, int, int64_t);
int64_t linger_next(void);
void linger_drop_all(void);

#endif
