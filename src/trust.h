/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trust.h: the standalone listener's memory of sources that logged in
 * recently, whose connections go before strangers'.
 */
#ifndef TRUST_H
#define TRUST_H

#include <stdint.h>

#include "acl.h"

#define TRUST_SOURCES 4096	      /* sources remembered at most */
#define TRUST_MS (24LL * 3600 * 1000) /* for how long */

int trust_init(uint32_t, int64_t);
void trust_add(const struct acl_addr *, int64_t);
int trust_check(const struct acl_addr *, int64_t);

#endif
