/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proctitle.c: the process title, as ps(1) and /proc/PID/cmdline show
 * it, set by overwriting the memory that holds the command line (and the
 * environment strings right after it, once they are copied elsewhere).
 * Linux reads /proc/PID/cmdline from that memory: when its last byte is
 * no longer a NUL, up to the first NUL past it.
 *
 * proctitle_init() runs first thing in main(), before anything keeps a
 * pointer into argv or the environment: it copies both to the heap and
 * returns the copy of argv for the program to use.  From then on any
 * process of the server (listener, connection process, user process)
 * may call proctitle_set(); each writes its own copy of those pages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proctitle.h"

extern char **environ;

static char *area;	/* the original argv[0] ... */
static size_t area_len; /* ... and how many bytes may be written there */
static char **args;	/* the copies of argv and of the environment, */
static char **envs;	/* kept for the life of the process (setenv */
			/* may replace environ) */

/*
 * A copy of an array of n strings, NULL-terminated, in one allocation
 * (the pointers, then the strings), or NULL.  One block stays reachable
 * when unsetenv() drops a string from the environment's array.
 */
static char **
copy_strings(char *const *v, size_t n)
{
	size_t i, len, size = (n + 1) * sizeof(char *);
	char **c, *p;

	for (i = 0; i < n; i++)
		size += strlen(v[i]) + 1;
	if ((c = malloc(size)) == NULL)
		return NULL;
	p = (char *)(c + n + 1);
	for (i = 0; i < n; i++) {
		len = strlen(v[i]) + 1;
		memcpy(p, v[i], len);
		c[i] = p;
		p += len;
	}
	c[n] = NULL;
	return c;
}

/*
 * Copies argv and the environment to the heap, notes how much of the
 * original memory is contiguous from argv[0] on (argv's strings, then
 * the environment's that follow them), and returns the copy of argv.
 * Without memory it returns argv as it was, and titles are not set.
 */
char **
proctitle_init(int argc, char **argv)
{
	char **nargv, **nenv, *end;
	size_t nenvs = 0;
	int i;

	if (argc < 1 || argv[0] == NULL)
		return argv;
	while (environ != NULL && environ[nenvs] != NULL)
		nenvs++;
	if ((nargv = copy_strings(argv, (size_t)argc)) == NULL)
		return argv;
	if ((nenv = copy_strings(environ, nenvs)) == NULL) {
		free(nargv);
		return argv;
	}
	end = argv[0];
	for (i = 0; i < argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	for (i = 0; (size_t)i < nenvs && environ[i] == end; i++)
		end = environ[i] + strlen(environ[i]) + 1;
	area = argv[0];
	area_len = (size_t)(end - argv[0]);
	environ = nenv;
	args = nargv;
	envs = nenv;
	program_invocation_name = nargv[0];
	if ((program_invocation_short_name = strrchr(nargv[0], '/')) != NULL)
		program_invocation_short_name++;
	else
		program_invocation_short_name = nargv[0];
	return nargv;
}

/*
 * Sets the title to "in.rexecd: " and the formatted text, cut to the
 * space there is; the rest of that space is cleared.
 */
void
proctitle_set(const char *fmt, ...)
{
	static const char prefix[] = "in.rexecd: ";
	char buf[256];
	va_list ap;
	size_t n;
	int saved = errno;

	if (area == NULL || area_len < 2)
		return;
	memcpy(buf, prefix, sizeof(prefix));
	va_start(ap, fmt);
	(void)vsnprintf(buf + sizeof(prefix) - 1,
	    sizeof(buf) - sizeof(prefix) + 1, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n > area_len - 1)
		n = area_len - 1;
	memcpy(area, buf, n);
	memset(area + n, '\0', area_len - n);
	errno = saved;
}
