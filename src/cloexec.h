/* SPDX-License-Identifier: BSD-2-Clause */
/* cloexec.h: no descriptor above the standard ones survives an exec. */
#ifndef CLOEXEC_H
#define CLOEXEC_H

void cloexec_from(int);

#endif
