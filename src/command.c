/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * command.c: what the command gets: an environment built from scratch (as
 * root, before the user's process is forked), then, in the user's process
 * (no privileges left), descriptors 0, 1 and 2 and no other, default
 * signal handling, its own process group, the status byte, and the login
 * shell started with posix_spawn().
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cloexec.h"
#include "netio.h"
#include "proto.h"
#include "command.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* Variables no PAM module may hand to the command. */
static const char *const unsafe_names[] = {
	"BASH_ENV",
	"BASHOPTS",
	"CDPATH",
	"ENV",
	"GCONV_PATH",
	"GETCONF_DIR",
	"GLOBIGNORE",
	"HOSTALIASES",
	"IFS",
	"LOCALDOMAIN",
	"LOCPATH",
	"MALLOC_TRACE",
	"NIS_PATH",
	"NLSPATH",
	"PS4",
	"RESOLV_HOST_CONF",
	"RES_OPTIONS",
	"SHELLOPTS",
	"TZDIR",
	/* set from the account, never from PAM */
	"HOME",
	"LOGNAME",
	"SHELL",
	"USER",
};
static const char *const unsafe_prefixes[] = { "LD_", "BASH_FUNC_", "MALLOC_" };

/* Whether a NAME=value string from PAM may reach the command. */
int
command_env_allowed(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n, i;

	if (eq == NULL || eq == entry)
		return 0;
	n = (size_t)(eq - entry);
	for (i = 0; i < sizeof(unsafe_prefixes) / sizeof(*unsafe_prefixes); i++)
		if (strncmp(entry, unsafe_prefixes[i],
			strlen(unsafe_prefixes[i])) == 0)
			return 0;
	for (i = 0; i < sizeof(unsafe_names) / sizeof(*unsafe_names); i++)
		if (strlen(unsafe_names[i]) == n &&
		    strncmp(entry, unsafe_names[i], n) == 0)
			return 0;
	return 1;
}

static char *
make_var(const char *name, const char *value)
{
	char *s;

	if (asprintf(&s, "%s=%s", name, value) == -1)
		return NULL;
	return s;
}

/*
 * HOME, SHELL, USER, LOGNAME and PATH from the account, then what the
 * PAM session exported that is allowed (its PATH replaces ours).
 * Returns a NULL-terminated array, or NULL when memory runs out.
 */
char **
command_env(const struct passwd *pw, const char *shell, char *const *pamenv)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (pamenv != NULL && pamenv[n] != NULL)
		n++;
	if ((env = calloc(n + 6, sizeof(*env))) == NULL)
		return NULL;
	if ((env[k++] = make_var("HOME", pw->pw_dir)) == NULL ||
	    (env[k++] = make_var("SHELL", shell)) == NULL ||
	    (env[k++] = make_var("USER", pw->pw_name)) == NULL ||
	    (env[k++] = make_var("LOGNAME", pw->pw_name)) == NULL ||
	    (env[k++] = make_var("PATH", DEFAULT_PATH)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if (!command_env_allowed(pamenv[i]))
			continue;
		if (strncmp(pamenv[i], "PATH=", 5) == 0) {
			free(env[4]);
			env[4] = pamenv[i];
		} else
			env[k++] = pamenv[i];
	}
	env[k] = NULL;
	return env;
fail:
	for (i = 0; i < k; i++)
		free(env[i]);
	free(env);
	return NULL;
}

/* "shell: reason\n" on fd, the traditional report of a failed exec. */
static void
report_failure(int fd, const char *shell, int err)
{
	static char sep[] = ": ", nl[] = "\n";
	char *reason = strerror(err);
	struct iovec iov[4] = {
		{ (void *)(uintptr_t)shell, strlen(shell) },
		{ sep, 2 },
		{ reason, strlen(reason) },
		{ nl, 1 },
	};

	if (writev(fd, iov, 4) == -1)
		return; /* nowhere else to say it */
}

/*
 * What posix_spawn() is to do in the command's process before it
 * execs, set up once the sockets are known (in the root process, before
 * the user's process is forked: the descriptor actions are allocated).
 * Every descriptor above 2 is made close-on-exec here, so the command
 * gets only the three that the actions put there.  Returns 0 or an
 * error number.
 */
int
command_prepare(struct command *c)
{
	sigset_t all, none;
	int rc;

	sigfillset(&all);
	sigemptyset(&none);
	cloexec_from(3);
	if ((rc = posix_spawn_file_actions_init(&c->fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&c->at)) != 0) {
		(void)posix_spawn_file_actions_destroy(&c->fa);
		return rc;
	}
	if ((rc = posix_spawn_file_actions_adddup2(&c->fa, c->sock, 0)) ||
	    (rc = posix_spawn_file_actions_adddup2(&c->fa, c->sock, 1)) ||
	    (rc = posix_spawn_file_actions_adddup2(&c->fa,
		 c->errfd != -1 ? c->errfd : c->sock, 2)) ||
	    (rc = posix_spawnattr_setflags(&c->at,
		 POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF |
		     POSIX_SPAWN_SETSIGMASK)) ||
	    (rc = posix_spawnattr_setsigdefault(&c->at, &all)) ||
	    (rc = posix_spawnattr_setsigmask(&c->at, &none))) {
		(void)posix_spawnattr_destroy(&c->at);
		(void)posix_spawn_file_actions_destroy(&c->fa);
	}
	return rc;
}

/*
 * Starts the command: basename(shell) -c cmd, with 0 and 1 on the primary
 * socket, 2 on the stderr channel (or the primary socket), nothing else
 * open, a session and process group of its own, every signal at its
 * default and unblocked (command_prepare()).  The status byte goes out
 * first, from here, so that it precedes anything the command writes.
 * posix_spawn() starts the command the way vfork() does (glibc clones with
 * CLONE_VM | CLONE_VFORK), so nothing of this process is copied, and
 * reports a failed exec; that is then told the traditional way,
 * "shell: reason\n" on the command's stderr, since the status is already
 * sent.  Returns the command's pid, or -1 with errno set.
 */
pid_t
command_start(const struct command *c)
{
	static char dash_c[] = "-c";
	char *base = strrchr(c->shell, '/');
	char *argv[4] = { base != NULL ? base + 1 : c->shell, dash_c, c->cmd,
		NULL };
	char ok = PROTO_OK;
	pid_t pid;
	int rc;

	if (netio_write_all(c->sock, &ok, 1) == -1)
		return -1;
	rc = posix_spawn(&pid, c->shell, &c->fa, &c->at, argv, c->env);
	if (rc == 0)
		return pid;
	report_failure(c->errfd != -1 ? c->errfd : c->sock, c->shell, rc);
	errno = rc;
	return -1;
}

/*
 * Sets one NAME=VALUE entry in the environment *envp (from
 * command_env()): replaces NAME's entry, or adds one.  Runs as root
 * before the user's process is forked.  Returns 0, or -1 when memory
 * runs out.
 */
int
command_env_set(char ***envp, const char *entry)
{
	size_t n = strcspn(entry, "="), i;
	char **env = *envp, **more, *copy;

	if ((copy = strdup(entry)) == NULL)
		return -1;
	for (i = 0; env[i] != NULL; i++) {
		if (strncmp(env[i], entry, n + 1) == 0) {
			free(env[i]); /* ours, or pam_getenvlist()'s copy */
			env[i] = copy;
			return 0;
		}
	}
	if ((more = reallocarray(env, i + 2, sizeof(*env))) == NULL) {
		free(copy);
		return -1;
	}
	more[i] = copy;
	more[i + 1] = NULL;
	*envp = more;
	return 0;
}
