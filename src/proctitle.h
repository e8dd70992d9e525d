/* SPDX-License-Identifier: BSD-2-Clause */
/* proctitle.h: what ps(1) shows for each process of the server. */
#ifndef PROCTITLE_H
#define PROCTITLE_H

char **proctitle_init(int, char **);
void proctitle_set(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
