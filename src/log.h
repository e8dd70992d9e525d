/* SPDX-License-Identifier: BSD-2-Clause */
/* log.h: one logging API for every process: syslog, or stderr with -d. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

#define LOG_EXIT_CONF 2 /* exit code of fatal_conf(): do not restart */

void log_init(const char *, int);
void log_startup(int);
void log_on_fatal(void (*)(void));
void log_auth(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
int log_stderr_active(void);
void
fatal_conf(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
