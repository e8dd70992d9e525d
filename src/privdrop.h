/* SPDX-License-Identifier: BSD-2-Clause */
/* privdrop.h: giving up root for good. */
#ifndef PRIVDROP_H
#define PRIVDROP_H

#include <pwd.h>

int privdrop_groups(const struct passwd *);
int privdrop_permanently(const struct passwd *);

#endif
