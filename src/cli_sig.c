/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_sig.c: the signals rexec(1) forwards (SIGINT, SIGQUIT, SIGTERM,
 * SIGHUP) turned into bytes on a pipe, so the I/O pump's poll loop sees
 * them like any other input and no work happens in a signal handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const int forwarded[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
static int sig_pipe[2] = { -1, -1 };

/* Signal handler: writes the signal number to the pipe, nothing else. */
static void
sig_to_pipe(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	ssize_t n;

	n = write(sig_pipe[1], &b, 1);
	(void)n; /* a full pipe already holds enough signals */
	errno = saved;
}

/*
 * Starts catching the forwarded signals.  Returns the pipe's read end
 * (non-blocking, one byte per signal), or -1 with errno set.
 */
int
cli_sig_catch(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_to_pipe;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (sigaction(forwarded[i], &sa, NULL) == -1)
			return -1;
	return sig_pipe[0];
}

/* Gives the forwarded signals their default action back. */
void
cli_sig_restore(void)
{
	size_t i;

	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		(void)signal(forwarded[i], SIG_DFL);
}
