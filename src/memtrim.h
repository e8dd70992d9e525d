/* SPDX-License-Identifier: BSD-2-Clause */
/* memtrim.h: giving back what a finished phase no longer needs. */
#ifndef MEMTRIM_H
#define MEMTRIM_H

void memtrim(void);

#endif
