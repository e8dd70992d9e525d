/* SPDX-License-Identifier: BSD-2-Clause */
/* preflight.h: in.rexecd -t, the configuration checked without serving. */
#ifndef PREFLIGHT_H
#define PREFLIGHT_H

#include "options.h"

#define PREFLIGHT_OK 0
#define PREFLIGHT_BAD 2 /* the same code as a failed start (fatal_conf) */

int preflight_run(const struct options *);

#endif
