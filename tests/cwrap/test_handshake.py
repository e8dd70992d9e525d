# SPDX-License-Identifier: BSD-2-Clause
"""Protocol-level refusals, before PAM: exact answers, the log line and
exit code 2 (4 for the login grace timeout)."""
import socket

import pytest

from rexectest.wire import Conn, rexec

REFUSALS = [
    # (what, port field, user, password, command, answer)
    ("username too long", b"", "u" * 257, "Pw-0123456789", "true",
     b"\x01username too long\n"),
    ("password too long", b"", "rxtsomeone", "p" * 17, "true",
     b"\x01password too long\n"),
    ("command too long", b"", "rxtsomeone", "Pw-0123456789", "c" * 131072,
     b"\x01command too long\n"),
    ("Invalid port number.", b"51x", "rxtsomeone", "Pw-0123456789", "true",
     b"\x01Invalid port number.\n"),
    ("Invalid port number.", b"65536", "rxtsomeone", "Pw-0123456789", "true",
     b"\x01Invalid port number.\n"),
    ("stderr port 513 is below 1024", b"513", "rxtsomeone", "Pw-0123456789",
     "true", b"\x01Stderr port below 1024 refused: access denied.\n"),
]


@pytest.mark.parametrize("what,port,user,password,command,answer", REFUSALS,
                         ids=["user", "password", "command", "port-digits",
                              "port-range", "port-reserved"])
def test_handshake_refusal(server, what, port, user, password, command,
                           answer):
    with Conn(server.host, server.port) as c:
        try:
            c.send(port + b"\0" + user.encode() + b"\0" +
                   password.encode() + b"\0" + command.encode() + b"\0")
        except (BrokenPipeError, ConnectionResetError):
            pass    # refused mid-field; the answer was sent before
        assert c.read_all() == answer
    assert server.wait_log("refused handshake from 127.0.0.1 port ")
    assert f": {what}\n" in server.log
    assert server.exit_codes() == [2]
    assert "login" not in server.log


def test_limits_themselves_are_accepted(server, world):
    """256 characters of user name and 16 of password still reach PAM
    (the log keeps the first 128 characters of the name)."""
    r = rexec(server.host, server.port, "u" * 256, "p" * 16, "true")
    assert r.primary == b"\x01Login incorrect.\n"
    assert server.wait_log(f'login refused for user "{"u" * 128}..." ')
    assert server.exit_codes() == [3]


def test_connect_back_refused(server, world):
    """A port nobody listens on: the client is told before any PAM."""
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))     # bound, not listening: refused
        port = hole.getsockname()[1]
        u = world.user
        r = rexec(server.host, server.port, u.name, u.password, "true",
                  port_field=str(port).encode())
    assert r.primary == b"\x01Connection to stderr port failed.\n"
    assert server.wait_log(f"connect-back to 127.0.0.1 port {port} failed: "
                           "Connection refused")
    assert server.exit_codes() == [2]
    assert "login" not in server.log


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_login_grace_timeout(make_server, mode):
    s = make_server(mode, extra=["--login-grace-time", "1"])
    with Conn(s.host, s.port) as c:
        c.send(b"\0rxtslow")
        assert c.read_all() == b"\x01Login timed out: access denied.\n"
    assert s.wait_log("timeout from 127.0.0.1 port ")
    assert "while reading the user name" in s.log
    assert s.exit_codes() == [4]
