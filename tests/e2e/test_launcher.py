# SPDX-License-Identifier: BSD-2-Clause
"""Whatever the launcher leaves behind: the server under launcher.py,
which ignores SIGCHLD, blocks SIGALRM and SIGTERM, leaks a descriptor
and sets umask 077 and /tmp as the working directory.  Sessions must
end, no process may hold the leaked descriptor, and every process of
the server must start from known signal state, umask and directory."""
import os
import pathlib
import secrets
import signal
import sys

import pytest

from rexectest import procs
from rexectest.paths import SERVER
from rexectest.server import PENALTY_OFF, server_argv
from rexectest.wire import Conn, rexec

LAUNCHER = pathlib.Path(__file__).parent / "launcher.py"
MODES = ["standalone", "inetd", "activated", "accept-fd3"]


def bit(sig):
    return 1 << (sig - 1)


# glibc's two internal signals (32 and 33): glibc manages them itself,
# refuses sigaction() on them, and posix_spawn() leaves them ignored in
# every child it starts (make, for one, starts pytest that way).
GLIBC_INTERNAL = (1 << 31) | (1 << 32)


def sigset(pid, key):
    """SigBlk, SigIgn... of /proc/PID/status as an integer, glibc's
    internal signals left out."""
    return int(procs.status(pid)[key], 16) & ~GLIBC_INTERNAL


@pytest.fixture
def leak(public_dir):
    path = public_dir / ("leak-" + secrets.token_hex(3))
    path.write_text("leaked\n")
    return path


@pytest.fixture
def launch(pam_service, start_server, leak):
    """launch(mode, pam=, extra=): the server started by launcher.py."""
    def make(mode, pam_name=None, extra=()):
        argv = [sys.executable, str(LAUNCHER), str(leak),
                *server_argv(pam_name or pam_service.name, *extra)]
        if mode not in ("inetd", "accept-fd3"):
            argv += PENALTY_OFF
        return start_server(argv, mode)
    return make


def holders(path):
    """Every process that has path open."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if str(path) in procs.fd_targets(int(name)).values():
                found.append(int(name))
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            pass
    return found


def exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def session_processes(uid):
    """(connection process, relay, command) of the one session of uid,
    once the command (a sleep) runs."""
    def find():
        relay = cmd = None
        for pid in procs.pids_of_uid(uid):
            if exe(pid) == str(SERVER.resolve()):
                relay = pid
            elif procs.cmdline(pid)[:1] == [b"sleep"]:
                cmd = pid
        return (relay, cmd) if relay and cmd else None
    found = procs.wait_until(find)
    assert found, "the session's processes did not appear"
    relay, cmd = found
    return procs.ppid(relay), relay, cmd


@pytest.mark.parametrize("mode", MODES)
def test_sessions_end_under_a_careless_launcher(launch, user, leak, mode):
    server = launch(mode)
    for errchan in (False, True, False):
        r = rexec(server.host, server.port, user.name, user.password,
                  "echo out; echo err >&2", errchan=errchan,
                  half_close=False, timeout=10)
        if errchan:
            assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")
        else:
            assert r.primary == b"\x00out\nerr\n"
    r = rexec(server.host, server.port, user.name, user.password + "x",
              "true", timeout=10)
    assert r.primary == b"\x01Login incorrect.\n"
    if mode in ("standalone", "activated"):
        # The listener learned of every end: it reaped all four.
        assert procs.wait_until(
            lambda: server.log.count("connection process") >= 4), server.log
        assert server.log.count(": exit 0") >= 3
        assert ": exit 3" in server.log


@pytest.mark.parametrize("mode", MODES)
def test_no_process_holds_the_leaked_descriptor(launch, user, leak, mode):
    server = launch(mode)
    with Conn(server.host, server.port) as c:
        c.open_stderr()
        c.send_creds(user.name, user.password, "exec sleep 30")
        assert c.read_until(b"\x00") == b"\x00"
        conn, relay, cmd = session_processes(user.uid)
        assert holders(leak) == []
        for pid in (conn, relay, cmd):
            assert 7 not in procs.fd_targets(pid)
        os.kill(cmd, signal.SIGKILL)
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"", b"")


@pytest.mark.parametrize("mode", MODES)
def test_known_signal_state_umask_and_directory(launch, user, mode):
    server = launch(mode)
    with Conn(server.host, server.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "exec sleep 30")
        assert c.read_until(b"\x00") == b"\x00"
        conn, relay, cmd = session_processes(user.uid)
        # The server's own handling only: SIGPIPE ignored; a daemon's
        # connection process may block SIGUSR1 and SIGUSR2 (the
        # listener's go-ahead for its password check); the relay blocks
        # SIGCHLD alone, for its signalfd.
        assert sigset(conn, "SigIgn") == bit(signal.SIGPIPE)
        assert sigset(conn, "SigBlk") & ~(bit(signal.SIGUSR1) |
                                          bit(signal.SIGUSR2)) == 0
        assert sigset(relay, "SigIgn") == bit(signal.SIGPIPE)
        # (posix_spawn() blocks every signal in the relay for a moment)
        assert procs.wait_until(
            lambda: sigset(relay, "SigBlk") == bit(signal.SIGCHLD))
        assert sigset(cmd, "SigIgn") == 0
        assert sigset(cmd, "SigBlk") == 0
        assert procs.status(conn)["Umask"] == "0022"
        assert os.readlink(f"/proc/{conn}/cwd") == "/"
        if mode in ("standalone", "activated"):
            listener = server.proc.pid
            assert procs.status(listener)["Umask"] == "0022"
            assert os.readlink(f"/proc/{listener}/cwd") == "/"
            assert sigset(listener, "SigIgn") == bit(signal.SIGPIPE)
        os.kill(cmd, signal.SIGKILL)
        c.read_all(timeout=10)


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_login_grace_alarm_fires_although_the_launcher_blocked_it(
        launch, make_pam, user, mode):
    # PAM stalls (pam_exec waits for a long sleep): only the grace alarm
    # can end the login.  The guard below is shorter than the stall.
    stall = f"25.{secrets.randbelow(10 ** 6):06d}"   # to find it after
    pam = make_pam(f"auth required pam_exec.so quiet /bin/sleep {stall}",
                   "auth required pam_unix.so nodelay",
                   "account required pam_unix.so",
                   "session required pam_unix.so")
    server = launch(mode, pam, extra=["--login-grace-time", "1"])
    try:
        r = rexec(server.host, server.port, user.name, user.password,
                  "true", timeout=15)
        assert r.primary == b""
        if mode == "standalone":
            assert server.wait_log("during authentication")
    finally:
        for name in os.listdir("/proc"):
            if name.isdigit() and procs.cmdline(int(name)) == [
                    b"/bin/sleep", stall.encode()]:
                os.kill(int(name), signal.SIGKILL)


def test_listener_stops_on_sigterm_the_launcher_blocked(launch, user):
    server = launch("standalone")
    r = rexec(server.host, server.port, user.name, user.password, "echo ok")
    assert r.primary == b"\x00ok\n"
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(10) == 0
    assert "stopping on signal 15" in server.log
