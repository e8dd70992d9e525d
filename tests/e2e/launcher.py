# SPDX-License-Identifier: BSD-2-Clause
"""A careless launcher: starts a program the way some supervisors and
scripts do, with state that survives execve().

    launcher.py LEAKFILE PROGRAM [ARG]...

SIGCHLD ignored, SIGALRM and SIGTERM blocked, LEAKFILE open on
descriptor 7 (inheritable), umask 077 and the working directory /tmp;
then PROGRAM replaces this process (same pid, so LISTEN_PID stays
right).  Python itself adds SIGPIPE and SIGXFSZ ignored.
"""
import os
import signal
import sys

signal.signal(signal.SIGCHLD, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
fd = os.open(sys.argv[1], os.O_RDONLY)
if fd != 7:
    os.dup2(fd, 7)
    os.close(fd)
os.set_inheritable(7, True)
os.umask(0o077)
os.chdir("/tmp")
os.execv(sys.argv[2], sys.argv[2:])
