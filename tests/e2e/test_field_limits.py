# SPDX-License-Identifier: BSD-2-Clause
"""Field limits: user 256, password 16, command 131071 (one exec argument).

Each limit is probed at the largest value that passes and the smallest
that is refused.  (The limits on connections, --max-startups,
--per-source-max and --max-sessions, are tested in
tests/abuse/test_connection_limits.py.)
"""
import socket

import pytest

from rexectest.wire import Conn, creds, rexec

MAX_CMD = 131071      # MAX_ARG_STRLEN (128 KiB) minus the NUL


def test_user_of_256_characters_is_read_and_refused_as_unknown(server):
    r = rexec(server.host, server.port, "u" * 256, "Pw-whatever1", "true")
    assert r.primary == b"\x01Login incorrect.\n"


def test_user_of_257_characters_is_too_long(server):
    r = rexec(server.host, server.port, "u" * 257, "Pw-whatever1", "true")
    assert r.primary == b"\x01username too long\n"


def test_password_of_16_characters_works(server, users):
    u = users.make(password="P" * 15 + "!")
    r = rexec(server.host, server.port, u.name, u.password, "echo ok")
    assert r.primary == b"\x00ok\n"


def test_password_of_17_characters_is_too_long(server, user):
    r = rexec(server.host, server.port, user.name, "P" * 17, "echo ok")
    assert r.primary == b"\x01password too long\n"


def longest_command(tail="echo ok"):
    """A command of exactly MAX_CMD bytes: ': ' + padding + '; ' + tail."""
    pad = MAX_CMD - len(": ; ") - len(tail)
    cmd = ": " + "x" * pad + "; " + tail
    assert len(cmd) == MAX_CMD
    return cmd


def test_command_of_131071_bytes_runs(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              longest_command())
    assert r.primary == b"\x00ok\n"


def test_command_arrives_whole(server, user):
    # The shell sees every byte: it prints the length of its own -c.
    cmd = longest_command('echo "${#BASH_EXECUTION_STRING}"')
    r = rexec(server.host, server.port, user.name, user.password, cmd)
    assert r.primary == b"\x00%d\n" % MAX_CMD


def test_command_of_131072_bytes_is_too_long(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              longest_command() + "x")
    assert r.primary == b"\x01command too long\n"


@pytest.mark.parametrize("field,answer", [
    ("user", b"\x01username too long\n"),
    ("password", b"\x01password too long\n"),
    ("command", b"\x01command too long\n"),
])
def test_refusal_survives_unread_client_data(server, user, field, answer):
    # The client keeps sending after the offending field (the rest of
    # the fields and 60 KB of stdin).  The refusal must still be readable:
    # closing over unread data would reset the connection and destroy it.
    fields = {"user": user.name, "password": user.password,
              "command": "true"}
    fields[field] = {"user": "u" * 300, "password": "p" * 40,
                     "command": "c" * (MAX_CMD + 100)}[field]
    with Conn(server.host, server.port) as c:
        c.send(b"\0" + creds(fields["user"], fields["password"],
                             fields["command"]) + b"z" * 60000)
        c.sock.shutdown(socket.SHUT_WR)
        assert c.read_all() == answer
