# SPDX-License-Identifier: BSD-2-Clause
"""The log (-d, on stderr): one outcome line per connection, numeric
addresses and ports, user names escaped, passwords never."""
import re
import socket

import pytest

from rexectest.wire import Conn, creds

OUTCOMES = ("login refused for user", "login accepted for user",
            "refused handshake from", "timeout from",
            "closed while reading")


def session(server, port_field, user, password, command):
    """One connection; returns its client port once the server logged
    an outcome for it."""
    with Conn(server.host, server.port) as c:
        port = c.sock.getsockname()[1]
        c.send(port_field + b"\0" + creds(user, password, command))
        c.sock.shutdown(socket.SHUT_WR)
        c.read_all()
    assert server.wait_log(f"127.0.0.1 port {port}")
    return port


def outcomes(server, port):
    """The outcome lines about the connection from client port port."""
    me = re.compile(rf"from 127\.0\.0\.1 port {port}(\D|$)")
    return [l for l in server.log.splitlines()
            if me.search(l) and any(o in l for o in OUTCOMES)]


@pytest.mark.parametrize("case,expect", [
    ("ok", "login accepted for user"),
    ("wrong-password", "login refused for user"),
    ("unknown-user", "login refused for user"),
    ("user-too-long", "refused handshake from"),
    ("bad-port", "refused handshake from"),
])
def test_one_outcome_line_per_connection(server, user, case, expect):
    name, pw, field = user.name, user.password, b""
    if case == "wrong-password":
        pw += "x"
    elif case == "unknown-user":
        name = "rxtnosuchuser"
    elif case == "user-too-long":
        name = "u" * 300
    elif case == "bad-port":
        field = b"+5"
    port = session(server, field, name, pw, "true")
    assert server.wait_log(expect)
    lines = outcomes(server, port)
    assert len(lines) == 1 and expect in lines[0], server.log


def test_accepted_line_names_user_uid_address_and_port(server, user):
    port = session(server, b"", user.name, user.password, "true")
    assert server.wait_log("session closed")
    assert outcomes(server, port)[0].endswith(
        f'login accepted for user "{user.name}" (uid {user.uid}) '
        f"from 127.0.0.1 port {port}")
    assert any(l.endswith(f'session closed for user "{user.name}" '
                          f"from 127.0.0.1 port {port}")
               for l in server.log.splitlines())


def test_client_that_says_nothing_is_logged(server):
    with Conn(server.host, server.port) as c:
        port = c.sock.getsockname()[1]
    assert server.wait_log(f"port {port} closed while reading the port")
    assert len(outcomes(server, port)) == 1


def test_user_name_is_escaped(server):
    # A newline could forge a log line, an ESC could drive a terminal.
    port = session(server, b"", "rxt\nforged line\x1b[2J\"q\\", "Pw-x", "true")
    assert server.wait_log("login refused")
    assert outcomes(server, port) == [
        l for l in server.log.splitlines()
        if 'login refused for user "rxt\\x0aforged line\\x1b[2J\\x22q\\x5c" '
        f"from 127.0.0.1 port {port}: " in l]
    assert "\x1b" not in server.log
    assert not [l for l in server.log.splitlines()
                if l.startswith("forged")]


def test_password_is_never_logged(server, user):
    secrets_sent = ["Sekr3t-Wr0ng!", user.password, "TooLongPassw0rd!!",
                    "Pw-\nnewline"]
    session(server, b"", user.name, secrets_sent[0], "true")
    session(server, b"", user.name, secrets_sent[1], "true")
    session(server, b"", user.name, secrets_sent[2], "true")
    session(server, b"", "rxtnosuchuser", secrets_sent[3], "true")
    assert server.wait_log("password too long")
    log = server.log
    for pw in secrets_sent:
        assert pw not in log
        assert pw.replace("\n", "\\x0a") not in log


def test_addresses_are_numeric(server, user):
    session(server, b"", user.name, user.password + "x", "true")
    assert server.wait_log("login refused")
    assert "localhost" not in server.log


def test_pam_messages_are_escaped(make_server, make_pam, public_dir):
    # pam_exec's "stdout" hands a program's output to the conversation;
    # this one repeats the user name, which came from the network.
    say = public_dir / "say"
    say.write_text('#!/bin/sh\necho "user is $PAM_USER"\n')
    say.chmod(0o755)
    service = make_pam(f"auth optional pam_exec.so stdout {say}",
                       "auth required pam_unix.so nodelay",
                       "account required pam_unix.so")
    server = make_server("standalone", extra=["--pam-service", service])
    session(server, b"", "rxt\x1b[2Jx", "Pw-x", "true")
    assert server.wait_log("login refused")
    assert "PAM says: user is rxt\\x1b[2Jx" in server.log
    assert "\x1b" not in server.log
