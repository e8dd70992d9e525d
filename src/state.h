/* SPDX-License-Identifier: BSD-2-Clause */
/* state.h: the standalone listener's counts, shown to the operator. */
#ifndef STATE_H
#define STATE_H

#include <stdint.h>

#include "connlimit.h"

void state_init(const struct connlimit_opts *, int64_t);
void state_update(int64_t);
int64_t state_next(void);

#endif
