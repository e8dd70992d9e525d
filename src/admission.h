/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * admission.h: the standalone listener's defences between accept() and
 * fork(): penalised connections held, fair admission, the turns of
 * password checks, trusted sources.
 */
#ifndef ADMISSION_H
#define ADMISSION_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "acl.h"
#include "connlimit.h"
#include "options.h"
#include "session.h"

void admission_init(const struct options *, rlim_t);
int admission_hold(int, const struct acl_addr *, int64_t, int64_t);
void admission_evict(pid_t, const struct sockaddr *, socklen_t);
void admission_reason(char *, size_t, const struct connlimit_opts *,
    enum connlimit_verdict);
void admission_message(const struct session_msg *, int64_t);
void admission_gone(pid_t, int64_t);
void admission_release(int64_t);
int64_t admission_next(void);
void admission_drop_all(void);

#endif
