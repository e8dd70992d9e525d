# SPDX-License-Identifier: BSD-2-Clause
"""TCP keepalive on a session's sockets: the primary connection and the
stderr channel, seen from outside with ss(8) and read back from the
command's own descriptors (pidfd_getfd)."""
import ctypes
import os
import re
import signal
import socket
import subprocess

import pytest

from rexectest import procs
from rexectest.paths import SERVER
from rexectest.wire import Conn

SYS_PIDFD_OPEN, SYS_PIDFD_GETFD = 434, 438
libc = ctypes.CDLL(None, use_errno=True)


def steal_fd(pid, fd):
    """A duplicate of descriptor fd of process pid, as a socket object."""
    pidfd = libc.syscall(SYS_PIDFD_OPEN, pid, 0)
    if pidfd < 0:
        raise OSError(ctypes.get_errno(), "pidfd_open")
    try:
        mine = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
        if mine < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
    finally:
        os.close(pidfd)
    return socket.socket(fileno=mine)


def keepalive(pid, fd):
    """(SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT) of a
    socket another process holds."""
    with steal_fd(pid, fd) as s:
        return (s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT))


def ss_timer(local, peer):
    """The timer field ss -o shows for the connection local -> peer
    (each an (address, port) pair), or "" when it has none."""
    out = subprocess.run(["ss", "-tnoH", "state", "established"],
                         check=True, capture_output=True, text=True).stdout
    want = (f"{local[0]}:{local[1]}", f"{peer[0]}:{peer[1]}")
    for line in out.splitlines():
        f = line.split()
        if tuple(f[2:4]) == want:
            m = re.search(r"timer:\(([^)]*)\)", line)
            return m.group(1) if m else ""
    raise AssertionError(f"no connection {want} in ss output:\n{out}")


def running_sleep(uid):
    pids = procs.wait_until(lambda: [
        p for p in procs.pids_of_uid(uid)
        if procs.cmdline(p)[:1] == [b"sleep"]])
    assert pids, "the command did not start"
    return pids[0]


def session(server, user):
    """A session with a stderr channel whose command sleeps; returns
    (connection, the sleep's pid)."""
    c = Conn(server.host, server.port)
    c.open_stderr()
    c.send_creds(user.name, user.password, "exec sleep 30")
    assert c.read_until(b"\x00") == b"\x00"
    return c, running_sleep(user.uid)


def end(c, pid):
    os.kill(pid, signal.SIGKILL)
    c.read_both(timeout=10)
    c.close()


def seconds(timer):
    """The time left in ss's keepalive timer, in seconds: 1min59sec,
    59sec, 8.876ms (8 s 876 ms), 876ms."""
    m = re.fullmatch(r"keepalive,(?:(\d+)min)?(?:(\d+)(?:sec|\.))?"
                     r"(?:(\d+)ms)?,\d+", timer)
    assert m, timer
    mins, secs, ms = (int(x or 0) for x in m.groups())
    return mins * 60 + secs + ms / 1000


@pytest.mark.parametrize("mode", ["standalone", "inetd", "accept-fd3"])
def test_keepalive_on_both_connections_by_default(make_server, user, mode):
    server = make_server(mode)
    c, pid = session(server, user)
    try:
        # seen from outside: the server's end of each connection
        prim = ss_timer(c.sock.getpeername(), c.sock.getsockname())
        err = ss_timer(c.err.getpeername(), c.err.getsockname())
        assert 0 < seconds(prim) <= 60
        assert 0 < seconds(err) <= 60
        # and exactly, on the command's own descriptors
        assert keepalive(pid, 0) == (1, 60, 20, 3)
        assert keepalive(pid, 2) == (1, 60, 20, 3)
    finally:
        end(c, pid)


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
@pytest.mark.parametrize("value,want", [("9", (1, 9, 3, 3)), ("0", None)],
                         ids=["9", "off"])
def test_keepalive_option(make_server, user, mode, value, want):
    server = make_server(mode, extra=["--keepalive", value])
    c, pid = session(server, user)
    try:
        timers = [ss_timer(x.getpeername(), x.getsockname())
                  for x in (c.sock, c.err)]
        if want is None:
            assert timers == ["", ""]
            assert keepalive(pid, 0)[0] == keepalive(pid, 2)[0] == 0
        else:
            assert all(0 < seconds(t) <= 9 for t in timers), timers
            assert keepalive(pid, 0) == keepalive(pid, 2) == want
    finally:
        end(c, pid)


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "32768", ""])
def test_bad_keepalive_value(value):
    r = subprocess.run([str(SERVER), "--keepalive", value, "-l",
                        "127.0.0.1:0"], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 2
    assert "--keepalive" in r.stderr and f'"{value}"' in r.stderr
