/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authgate.h: how many password checks for untrusted sources run at
 * once, and the queue of those waiting (standalone listener).
 */
#ifndef AUTHGATE_H
#define AUTHGATE_H

#include <stdint.h>

#define AUTHGATE_NONE UINT32_MAX

int authgate_init(unsigned int, uint32_t);
int authgate_want(uint32_t);
uint32_t authgate_done(uint32_t);
unsigned int authgate_running(void);
unsigned int authgate_waiting(void);

#endif
