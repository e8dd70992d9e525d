/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tarpit.h: connections from penalised sources, held unread by the
 * standalone listener until their refusal is due.
 */
#ifndef TARPIT_H
#define TARPIT_H

#include <stdint.h>

#include "acl.h"

#define TARPIT_MAX 1024	     /* connections held at once */
#define TARPIT_PER_SOURCE 32 /* of them from one source */
#define TARPIT_HOLD_MAX 10   /* hold at most this many fail delays */

int tarpit_init(uint32_t, uint32_t);
int tarpit_hold(int, const struct acl_addr *, int64_t);
int tarpit_pop(int64_t);
int64_t tarpit_next(void);
uint32_t tarpit_count(void);
int64_t tarpit_delay(int64_t, long, long);
void tarpit_drop_all(void);

#endif
