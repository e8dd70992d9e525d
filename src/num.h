/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * num.h: the numbers of command lines and of the environment, for the
 * server and the client.  Pure: no I/O, no allocation.
 */
#ifndef NUM_H
#define NUM_H

#include <stddef.h>

int num_span(const char *, const char *, unsigned long, unsigned long,
    unsigned long *);
int num_count(const char *, unsigned long, unsigned long, unsigned long *);
int num_port(const char *, unsigned int *);
int num_seconds(const char *, long, long *);

#endif
