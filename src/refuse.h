/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * refuse.h: refusals sent by the standalone listener, after a
 * connect-back when the client asked for one, and the gentle close that
 * follows them, without ever blocking the listener.
 */
#ifndef REFUSE_H
#define REFUSE_H

#include <stdint.h>

#define REFUSE_MAX 256 /* connections being refused at once */

void refuse_init(int);
void refuse_send(int, const char *, int64_t);
void refuse_ready(uint64_t, int64_t);
void refuse_expire(int64_t);
int64_t refuse_next(void);
void refuse_drop_all(void);

#endif
