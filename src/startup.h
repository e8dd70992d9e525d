/* SPDX-License-Identifier: BSD-2-Clause */
/* startup.h: a clean start whatever the launcher left behind. */
#ifndef STARTUP_H
#define STARTUP_H

void startup_clean(int);
void startup_rootdir(void);

#endif
