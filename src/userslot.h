/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * userslot.h: MaxSessionsPerUser: one of N lock files per user, held
 * for the whole session, in both inetd and standalone mode.
 */
#ifndef USERSLOT_H
#define USERSLOT_H

#include <sys/types.h>

#define USERSLOT_DIR "/run/rexecd/users"

int userslot_take(const char *, uid_t, unsigned int);

#endif
