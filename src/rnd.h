/* SPDX-License-Identifier: BSD-2-Clause */
/* rnd.h: uniform random numbers from the kernel (getrandom), buffered. */
#ifndef RND_H
#define RND_H

#include <stdint.h>

#include <stddef.h>

uint32_t rnd_uniform(uint32_t);
void rnd_bytes(void *, size_t);

#endif
