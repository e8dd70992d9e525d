# SPDX-License-Identifier: BSD-2-Clause
"""IPv6 on [::1], in both modes: the session, the connect-back, PAM_RHOST
and the log all speak IPv6."""
import socket

import pytest

from rexectest.wire import Conn, rexec


@pytest.fixture(params=["standalone", "inetd"])
def server6(request, make_server):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    return make_server(request.param, host="::1")


def test_session_over_ipv6(server6, user):
    r = rexec("::1", server6.port, user.name, user.password,
              "echo out; echo err >&2")
    assert r.primary == b"\x00out\nerr\n"


def test_stderr_channel_over_ipv6(server6, user):
    with Conn("::1", server6.port) as c:
        assert c.sock.family == socket.AF_INET6
        err = c.open_stderr()
        assert err.getpeername()[0] == "::1"
        c.send_creds(user.name, user.password, "echo out; echo err >&2")
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")


def test_refusal_over_ipv6(server6, user):
    r = rexec("::1", server6.port, user.name, user.password + "x", "true")
    assert r.primary == b"\x01Login incorrect.\n"


def test_pam_rhost_and_log_are_ipv6(server6, user, pam_service):
    with Conn("::1", server6.port) as c:
        port = c.sock.getsockname()[1]
        c.send(b"\0")
        c.send_creds(user.name, user.password, "true")
        assert c.read_all() == b"\x00"
    assert server6.wait_log(f'session closed for user "{user.name}" '
                            f"from ::1 port {port}")
    opened = [l for l in pam_service.record.read_text().splitlines()
              if l.startswith(f"open_session {user.name} ")]
    assert [l.split()[2] for l in opened] == ["::1"]


def test_ipv4_client_on_a_dual_stack_socket(make_server, user, pam_service):
    # inetd on [::] hands over IPv4 clients as ::ffff:127.0.0.1: the
    # connect-back must reach the IPv4 client, and PAM and the log see
    # the plain IPv4 address.
    server = make_server("inetd", host="::")
    with Conn("127.0.0.1", server.port) as c:
        port = c.sock.getsockname()[1]
        err = c.open_stderr()
        assert err.getpeername()[0] == "127.0.0.1"
        c.send_creds(user.name, user.password, "echo out; echo err >&2")
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")
    assert server.wait_log(f'session closed for user "{user.name}" '
                           f"from 127.0.0.1 port {port}")
    opened = [l for l in pam_service.record.read_text().splitlines()
              if l.startswith(f"open_session {user.name} ")]
    assert [l.split()[2] for l in opened] == ["127.0.0.1"]
