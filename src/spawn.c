/*
 * spawn.c: what the command gets.  Runs in the user's process (no
 * privileges left): an environment built from scratch, descriptors 0, 1
 * and 2 and no other, default signal handling, its own process group,
 * the status byte, and exec of the login shell.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netio.h"
#include "proto.h"
#include "spawn.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* Variables no PAM module may hand to the command. */
static const char *const unsafe_names[] = {
	"BASH_ENV", "BASHOPTS", "CDPATH", "ENV", "GCONV_PATH", "GETCONF_DIR",
	"GLOBIGNORE", "HOSTALIASES", "IFS", "LOCALDOMAIN", "LOCPATH",
	"MALLOC_TRACE", "NIS_PATH", "NLSPATH", "PS4", "RESOLV_HOST_CONF",
	"RES_OPTIONS", "SHELLOPTS", "TZDIR",
	/* set from the account, never from PAM */
	"HOME", "LOGNAME", "SHELL", "USER",
};
static const char *const unsafe_prefixes[] = { "LD_", "BASH_FUNC_",
	"MALLOC_" };

/* Whether a NAME=value string from PAM may reach the command. */
int
spawn_env_allowed(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n, i;

	if (eq == NULL || eq == entry)
		return 0;
	n = (size_t)(eq - entry);
	for (i = 0; i < sizeof(unsafe_prefixes) / sizeof(*unsafe_prefixes);
	    i++)
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
spawn_env(const struct passwd *pw, const char *shell, char *const *pamenv)
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
		if (!spawn_env_allowed(pamenv[i]))
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

/* Puts every signal back to its default and unblocks them all. */
static void
reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* "shell: reason\n" on stderr, with one system call and no buffer. */
static void
report_exec_failure(const char *shell, int err)
{
	static char sep[] = ": ", nl[] = "\n";
	char *reason = strerror(err);
	struct iovec iov[4] = {
		{ (void *)(uintptr_t)shell, strlen(shell) },
		{ sep, 2 },
		{ reason, strlen(reason) },
		{ nl, 1 },
	};

	if (writev(2, iov, 4) == -1)
		return; /* nowhere else to say it */
}

/*
 * Becomes the command: 0 and 1 on the primary socket, 2 on the stderr
 * channel (or the primary socket), nothing else open; sends the success
 * byte, the last word before the command's own output, and execs
 * basename(shell) -c cmd.  An exec failure is reported the traditional
 * way, "shell: reason\n" on stderr, since the status is already sent.
 * Runs in a vfork() child: system calls only, no allocation, no return.
 */
void
spawn_exec(const struct spawn *sp)
{
	static char dash_c[] = "-c";
	char *base = strrchr(sp->shell, '/');
	char *argv[4];
	char ok = PROTO_OK;

	argv[0] = base != NULL ? base + 1 : sp->shell;
	argv[1] = dash_c;
	argv[2] = sp->cmd;
	argv[3] = NULL;
	if (dup2(sp->sock, 0) == -1 || dup2(sp->sock, 1) == -1 ||
	    dup2(sp->errfd != -1 ? sp->errfd : sp->sock, 2) == -1)
		_exit(1);
	closefrom(3);
	(void)setsid();
	reset_signals();
	if (netio_write_all(1, &ok, 1) == -1)
		_exit(1);
	execve(sp->shell, argv, sp->env);
	report_exec_failure(sp->shell, errno);
	_exit(127);
}
