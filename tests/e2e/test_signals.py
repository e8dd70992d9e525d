# SPDX-License-Identifier: BSD-2-Clause
"""Signal bytes on the stderr channel, and the relay that forwards them.

Before a signal byte goes out, the test waits until the command's
`sleep 30` processes really are sleep (exec'd, not a shell child still
about to exec), so no signal can land in a half-made process.  Waits
are bounded by generous caps (10 s), well under the 30 s the commands
would last if a signal went missing.
"""
import pytest

from rexectest import procs
from rexectest.wire import Conn


def sleeps(user):
    """How many `sleep 30` processes the user runs."""
    return sum(procs.cmdline(pid) == [b"sleep", b"30"]
               for pid in procs.pids_of_uid(user.uid))


def start(server, user, command, nsleep=1):
    """A session with a stderr channel, once the command's sleeps run.
    The command must print nothing before its sleeps start."""
    c = Conn(server.host, server.port)
    c.open_stderr()
    c.send_creds(user.name, user.password, command)
    assert c.read_until(b"\x00") == b"\x00"
    assert procs.wait_until(lambda: sleeps(user) == nsleep)
    return c


@pytest.mark.parametrize("sig", [2, 15, 9], ids=["INT", "TERM", "KILL"])
def test_signal_byte_ends_the_command(server, user, sig):
    with start(server, user, "sleep 30; echo after") as c:
        c.err.sendall(bytes([sig]))
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"", b"")      # no "after"
    assert procs.wait_until(lambda: not procs.pids_of_uid(user.uid))


@pytest.mark.parametrize("sig", [15, 9], ids=["TERM", "KILL"])
def test_signal_reaches_the_whole_process_group(server, user, sig):
    # Two sleeps, one in the background: both must die.  (Background
    # jobs of a non-interactive shell ignore SIGINT, so INT is not
    # expected to reach them: that is the shell's rule, not ours.)
    cmd = "sleep 30 & sleep 30; wait"
    with start(server, user, cmd, nsleep=2) as c:
        c.err.sendall(bytes([sig]))
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"", b"")
    assert procs.wait_until(lambda: not procs.pids_of_uid(user.uid))


def test_bytes_off_the_whitelist_are_ignored(server, user):
    # 19 (SIGSTOP) would freeze the group, 11 (SIGSEGV) would kill the
    # shell, 0 and 255 are no signals at all.  SIGUSR1 (10), sent last in
    # the same write, is allowed: the trap proves every byte before it
    # was handled, and the command then finishes normally.
    cmd = ("trap 'echo got-usr1; kill $! 2>/dev/null; echo finished; exit' "
           "USR1; sleep 30 & wait")
    with start(server, user, cmd) as c:
        c.err.sendall(bytes([0, 19, 11, 255, 10]))
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"got-usr1\nfinished\n", b"")


@pytest.mark.parametrize("sig,name", [(1, "HUP"), (3, "QUIT"), (12, "USR2"),
                                      (14, "ALRM")])
def test_other_whitelisted_signals_arrive(server, user, sig, name):
    # The trap also stops the sleep: background jobs ignore QUIT.
    cmd = (f"trap 'echo got-{name}; kill $! 2>/dev/null; exit' {name}; "
           "sleep 30 & wait")
    with start(server, user, cmd) as c:
        c.err.sendall(bytes([sig]))
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (f"got-{name}\n".encode(), b"")


def test_relay_runs_as_the_user_below_the_root_session_process(server, user):
    # shell -> relay (the user) -> per-connection process (root, PAM).
    with Conn(server.host, server.port) as c:
        c.open_stderr()
        c.send_creds(user.name, user.password, "echo $$ $PPID; sleep 30")
        shell, relay = map(int, c.read_until(b"\n")[1:].split())
        holder = procs.ppid(relay)
        assert procs.ids(shell) == (user.uid,) * 4
        assert procs.ids(relay) == (user.uid,) * 4
        assert procs.ids(relay, "Gid") == (user.gid,) * 4
        assert procs.status(relay)["CapEff"] == "0000000000000000"
        assert procs.ids(holder) == (0, 0, 0, 0)
        assert procs.cmdline(holder)[0].startswith(b"in.rexecd: [session] ")
        c.err.sendall(b"\x0f")
        c.read_both(timeout=10)
