/* SPDX-License-Identifier: BSD-2-Clause */
/* holders.h: whether the command's jobs still hold the session's sockets. */
#ifndef HOLDERS_H
#define HOLDERS_H

int holders_any(int, int);

#endif
