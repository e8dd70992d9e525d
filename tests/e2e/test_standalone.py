# SPDX-License-Identifier: BSD-2-Clause
"""The standalone daemon: it stops on request, outlives bad clients,
serves sessions side by side and reaps what it forks."""
import os
import signal
import socket
import struct
import threading

import pytest

from rexectest import procs
from rexectest.wire import Conn, connect, rexec


def works(server, user):
    return rexec(server.host, server.port, user.name, user.password,
                 "echo ok").primary == b"\x00ok\n"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_daemon_with_status_0(standalone, user, sig):
    assert works(standalone, user)
    standalone.proc.send_signal(sig)
    assert standalone.proc.wait(10) == 0
    assert standalone.wait_log(f"stopping on signal {sig.value}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_right_after_the_readiness_line(standalone, sig):
    # A service manager may stop the daemon as soon as it is announced:
    # that too must be a clean exit, not death by signal.
    standalone.proc.send_signal(sig)
    assert standalone.proc.wait(10) == 0


def test_stopping_leaves_running_sessions_alone(standalone, user):
    with Conn(standalone.host, standalone.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "read x; echo still $x")
        assert c.read_until(b"\x00") == b"\x00"
        standalone.proc.terminate()
        assert standalone.proc.wait(10) == 0
        c.send(b"here\n")
        assert c.read_all() == b"still here\n"


def served(server):
    """Waits until the daemon has reaped its first connection process."""
    return server.wait_log("connection process")


def test_client_that_connects_and_vanishes(standalone, user):
    connect(standalone.host, standalone.port).close()
    assert served(standalone)
    assert works(standalone, user)


def reset(s):
    """Closes s with a TCP reset instead of a FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def test_client_that_resets_mid_handshake(standalone, user):
    s = connect(standalone.host, standalone.port)
    s.sendall(b"\0" + user.name.encode())       # half a user name
    reset(s)
    assert served(standalone)
    assert works(standalone, user)
    assert standalone.proc.poll() is None


def test_client_that_resets_after_a_refused_field(standalone, user):
    s = connect(standalone.host, standalone.port)
    s.sendall(b"x\0")
    reset(s)
    assert served(standalone)
    assert works(standalone, user)


def test_client_that_resets_while_its_command_runs(standalone, user):
    s = connect(standalone.host, standalone.port)
    s.sendall(b"\0" + user.name.encode() + b"\0" + user.password.encode()
              + b"\0sleep 1; echo gone\0")
    assert s.recv(1) == b"\x00"
    reset(s)
    assert served(standalone)
    assert works(standalone, user)


def test_eight_sessions_at_once(standalone, user, public_dir):
    # Each command registers, then waits (bounded) until all eight have:
    # a daemon that served one connection at a time could not finish.
    n = 8
    board = public_dir / "board"
    board.touch()
    board.chmod(0o666)
    cmd = (f"echo $$ >> {board}; i=0; "
           f"while [ $(wc -l < {board}) -lt {n} ] && [ $i -lt 200 ]; do "
           "sleep 0.05; i=$((i+1)); done; wc -l < " + str(board))
    results = [None] * n

    def one(k):
        results[k] = rexec(standalone.host, standalone.port, user.name,
                           user.password, cmd, timeout=30).primary

    threads = [threading.Thread(target=one, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    assert results == [b"\x00%d\n" % n] * n


def test_connection_processes_are_reaped(standalone, user):
    for _ in range(3):
        assert works(standalone, user)
    rexec(standalone.host, standalone.port, user.name, "bad", "true")

    def zombie_children():
        return [p for p in procs.pids_of_parent(standalone.proc.pid)
                if procs.status(p).get("State", "").startswith("Z")]
    assert procs.wait_until(lambda: not zombie_children())


def test_a_killed_connection_process_does_not_stop_the_daemon(
        standalone, user):
    # The per-connection process (root, holding PAM) dies mid-session.
    with Conn(standalone.host, standalone.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "echo $$; read x")
        shell = int(c.read_until(b"\n")[1:])
        up = procs.ancestors(shell)
        holder = up[up.index(standalone.proc.pid) - 1]
        assert procs.ids(holder) == (0, 0, 0, 0)
        os.kill(holder, signal.SIGKILL)
        assert procs.wait_until(lambda: not procs.alive(holder))
        c.send(b"\n")
    assert works(standalone, user)
    assert standalone.proc.poll() is None
