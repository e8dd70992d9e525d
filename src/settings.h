/* SPDX-License-Identifier: BSD-2-Clause */
/* settings.h: in.rexecd -T, the effective settings. */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stdio.h>

#include "options.h"

int settings_show(FILE *, const struct options *, const char *);

#endif
