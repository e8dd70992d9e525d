/* SPDX-License-Identifier: BSD-2-Clause */
/* command.h: the command's environment and its start. */
#ifndef COMMAND_H
#define COMMAND_H

#include <pwd.h>
#include <spawn.h>
#include <sys/types.h>

struct command {
	char *shell; /* the login shell, /bin/sh if empty */
	char *cmd;   /* the command from the client */
	char **env;  /* from command_env() */
	int sock;    /* primary socket: stdin, stdout */
	int errfd;   /* stderr channel, or -1: stderr to sock */
	posix_spawn_file_actions_t fa; /* from command_prepare() */
	posix_spawnattr_t at;
};

int command_env_allowed(const char *);
char **command_env(const struct passwd *, const char *, char *const *);
int command_env_set(char ***, const char *);
int command_prepare(struct command *);
pid_t command_start(const struct command *);

#endif
