# SPDX-License-Identifier: BSD-2-Clause
"""The end of a session: input reaches every process that still holds
stdin, the connections close without a reset whatever the client is
still sending, and nothing the command wrote is lost.  Both with the
wire-level test client and with the real rexec(1)."""
import os
import pathlib
import signal
import subprocess

import pytest

from rexectest import procs
from rexectest.paths import REXEC
from rexectest.wire import Conn, rexec


def client(server, user, command, *opts, stdin_cmd=None, timeout=30):
    """Runs rexec(1) (fed by the shell pipeline stdin_cmd, if given);
    returns the CompletedProcess."""
    argv = [str(REXEC), *opts, "-p", str(server.port), "-l", user.name,
            server.host, command]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent",
           "REXEC_PASSWORD": user.password}
    if stdin_cmd is None:
        return subprocess.run(argv, stdin=subprocess.DEVNULL,
                              capture_output=True, env=env, timeout=timeout)
    feeder = subprocess.Popen(["sh", "-c", stdin_cmd],
                              stdout=subprocess.PIPE)
    try:
        return subprocess.run(argv, stdin=feeder.stdout, capture_output=True,
                              env=env, timeout=timeout)
    finally:
        feeder.stdout.close()
        feeder.kill()
        feeder.wait()


def owned_file(user, name):
    path = pathlib.Path(user.home) / name
    return path


BACKGROUND_READER = "exec 3<&0; (sleep 1; cat <&3 >{f}) & sleep 0.3"


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_input_reaches_a_background_job_holding_stdin(server, user, errchan):
    # The shell exits first; the job reads stdin a moment later.
    f = owned_file(user, "got")
    r = rexec(server.host, server.port, user.name, user.password,
              BACKGROUND_READER.format(f=f), stdin=b"line1\nline2\n",
              errchan=errchan)
    assert (r.primary, r.stderr) == (b"\x00", b"")
    assert f.read_bytes() == b"line1\nline2\n"


def test_input_reaches_a_background_job_with_the_real_client(server, user):
    f = owned_file(user, "got")
    cp = client(server, user, BACKGROUND_READER.format(f=f),
                stdin_cmd="printf 'line1\\nline2\\n'")
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, b"", b"")
    assert f.read_bytes() == b"line1\nline2\n"


@pytest.mark.parametrize("opts", [["-N"], []], ids=["merged", "errchan"])
def test_no_reset_while_the_client_still_sends(server, user, opts):
    # yes never ends: the client is sending when the command exits.
    for i in range(20):
        cp = client(server, user, "head -c3 >/dev/null; echo out", *opts,
                    stdin_cmd="exec yes")
        assert (i, cp.returncode, cp.stdout, cp.stderr) == (
            i, 0, b"out\n", b"")


def test_all_output_arrives_while_the_client_still_sends(server, user):
    cp = client(server, user, "head -c3 >/dev/null; seq 200000", "-N",
                stdin_cmd="exec yes")
    want = "".join(f"{i}\n" for i in range(1, 200001)).encode()
    assert (cp.returncode, cp.stderr) == (0, b"")
    assert cp.stdout == want


def test_session_ends_when_a_job_lets_go_of_the_sockets(server, user):
    # The job keeps running but closes its hold on both connections:
    # the session ends then, not when the job does.
    cmd = ("(sleep 0.5; exec sleep 30 </dev/null >/dev/null 2>&1) & "
           "echo bye")
    with Conn(server.host, server.port) as c:
        c.open_stderr()
        c.send_creds(user.name, user.password, cmd)
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"\x00bye\n", b"")
    sleeps = [p for p in procs.pids_of_uid(user.uid)
              if procs.cmdline(p)[:2] == [b"sleep", b"30"]]
    assert sleeps      # still running, detached from the session
    for p in sleeps:
        os.kill(p, signal.SIGKILL)


def test_signal_bytes_reach_a_job_after_the_shell_ended(server, user):
    # While a job holds the session open, the client's signal bytes
    # still reach the command's process group.  The job says "ready"
    # once the shell is gone.
    cmd = ("(exec 2>/dev/null; trap 'echo got-term; exit 0' TERM; "
           "while kill -0 $$ 2>/dev/null; do sleep 0.05; done; echo ready; "
           "while :; do sleep 0.1; done) & exit 0")
    with Conn(server.host, server.port) as c:
        c.open_stderr()
        c.send_creds(user.name, user.password, cmd)
        first = c.read_until(b"ready\n")
        c.err.sendall(bytes([signal.SIGTERM]))
        r = c.read_both(timeout=10)
    assert (first + r.primary, r.stderr) == (b"\x00ready\ngot-term\n", b"")
