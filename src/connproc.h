/* SPDX-License-Identifier: BSD-2-Clause */
/* connproc.h: accepting, forking and reaping connection processes. */
#ifndef CONNPROC_H
#define CONNPROC_H

#include <stdint.h>

struct listener;

void connproc_accept(struct listener *, int, int64_t);
void connproc_reap(struct listener *, int64_t);

#endif
