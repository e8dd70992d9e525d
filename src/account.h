/* SPDX-License-Identifier: BSD-2-Clause */
/* account.h: the account that logs in, copied and checked (root). */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <pwd.h>

int account_copy(struct passwd *, const char *);
int account_shell_listed(const char *);
int account_shell_runnable(const char *);

#endif
