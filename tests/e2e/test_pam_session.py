# SPDX-License-Identifier: BSD-2-Clause
"""The PAM session: opened before the command runs, closed after it ends,
by a root process that holds no socket.

The private PAM stack records every session event with pam_exec as
"TYPE USER RHOST PPID", PPID being the process that called PAM; the
commands below append their own line to the same file.
"""
import pytest

from rexectest import procs
from rexectest.wire import Conn


def events(pam, user):
    """The recorder's lines about user, split into words."""
    return [l.split() for l in pam.record.read_text().splitlines()
            if l.split()[1:2] == [user.name]]


def kinds(pam, user):
    return [e[0] for e in events(pam, user)]


def test_session_opens_before_the_command_and_closes_after(
        server, user, pam_service):
    cmd = f'echo "command $(id -un)" >> {pam_service.record}; echo done'
    with Conn(server.host, server.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, cmd)
        assert c.read_all() == b"\x00done\n"
    assert procs.wait_until(lambda: len(kinds(pam_service, user)) == 3)
    assert kinds(pam_service, user) == ["open_session", "command",
                                        "close_session"]


def test_pam_rhost_is_the_numeric_peer_address(server, user, pam_service):
    with Conn(server.host, server.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "true")
        assert c.read_all() == b"\x00"
    assert procs.wait_until(lambda: len(kinds(pam_service, user)) == 2)
    assert [e[2] for e in events(pam_service, user)] == ["127.0.0.1"] * 2


def test_failed_login_opens_no_session(server, user, pam_service):
    with Conn(server.host, server.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password + "x", "true")
        assert c.read_all() == b"\x01Login incorrect.\n"
    assert server.wait_log(f'login refused for user "{user.name}"')
    assert events(pam_service, user) == []


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_session_holder_is_root_without_sockets(server, user, pam_service,
                                                errchan):
    # The command tells its pid and waits for a line; meanwhile the
    # process that opened the session is inspected.
    with Conn(server.host, server.port) as c:
        c.handshake(user.name, user.password, "echo $$; read x", errchan)
        shell = int(c.read_until(b"\n")[1:])
        holder = int(events(pam_service, user)[0][3])
        assert kinds(pam_service, user) == ["open_session"]

        assert procs.ids(holder) == (0, 0, 0, 0)
        assert procs.cmdline(holder)[0].startswith(b"in.rexecd: [session] ")
        assert procs.tcp_socket_fds(holder) == []
        assert sorted(procs.tcp_socket_fds(shell)) == [0, 1, 2]  # control
        # The holder is an ancestor of the shell, and whatever runs in
        # between (the relay) runs as the user.
        up = procs.ancestors(shell)
        assert holder in up
        between = up[:up.index(holder)]
        assert [procs.ids(p) for p in between] == \
            [(user.uid,) * 4] * len(between)
        if errchan:
            assert len(between) == 1        # the signal relay

        c.send(b"go\n")
        c.read_both() if errchan else c.read_all()
    assert procs.wait_until(lambda: len(kinds(pam_service, user)) == 2)
    close = events(pam_service, user)[1]
    assert close[0] == "close_session" and int(close[3]) == holder


def test_session_closes_when_the_client_vanishes(server, user, pam_service):
    # The client drops the connection while the command waits on stdin:
    # the command sees EOF, ends, and the session is closed.
    with Conn(server.host, server.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "read x; echo $x")
        assert c.read_until(b"\x00") == b"\x00"
    assert procs.wait_until(lambda: len(kinds(pam_service, user)) == 2)
    assert kinds(pam_service, user) == ["open_session", "close_session"]
