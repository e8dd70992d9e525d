/* SPDX-License-Identifier: BSD-2-Clause */
/* notify.h: readiness and stopping notices to the service manager. */
#ifndef NOTIFY_H
#define NOTIFY_H

void notify_send(const char *);

#endif
