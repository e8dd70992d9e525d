# SPDX-License-Identifier: BSD-2-Clause
"""The success path, byte by byte, in both modes."""
from rexectest.wire import rexec


def test_success_byte_then_output(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              "printf 'hello\\n'")
    assert r.primary == b"\x00hello\n"


def test_wrong_password_is_login_incorrect(server, user):
    r = rexec(server.host, server.port, user.name, user.password[:-1] + "#",
              "true")
    assert r.primary == b"\x01Login incorrect.\n"
