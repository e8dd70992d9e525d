/* spawn.h: the command's environment and its start. */
#ifndef SPAWN_H
#define SPAWN_H

#include <pwd.h>
#include <spawn.h>
#include <sys/types.h>

struct spawn {
	char *shell;	    /* the login shell, /bin/sh if empty */
	char *cmd;	    /* the command from the client */
	char **env;	    /* from spawn_env() */
	int sock;	    /* primary socket: stdin, stdout */
	int errfd;	    /* stderr channel, or -1: stderr to sock */
	posix_spawn_file_actions_t fa; /* from spawn_prepare() */
	posix_spawnattr_t at;
};

int spawn_env_allowed(const char *);
char **spawn_env(const struct passwd *, const char *, char *const *);
int spawn_prepare(struct spawn *);
pid_t spawn_start(const struct spawn *);

#endif
