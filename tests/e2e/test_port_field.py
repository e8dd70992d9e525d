# SPDX-License-Identifier: BSD-2-Clause
"""The port field and the connect-back of the stderr channel."""
import socket

import pytest

from rexectest.wire import Conn, creds, rexec

OUT_ERR = "echo out; echo err >&2"


@pytest.mark.parametrize("field", [b"", b"0"], ids=["empty", "zero"])
def test_empty_or_zero_port_means_no_stderr_channel(server, user, field):
    r = rexec(server.host, server.port, user.name, user.password, OUT_ERR,
              port_field=field)
    assert r.primary == b"\x00out\nerr\n"


def test_connect_back_comes_before_the_user_name_is_read(server, user):
    # Like glibc: send the port alone and wait in accept().  A server
    # that read the credentials first would never connect back.
    with Conn(server.host, server.port) as c:
        port = c.listen_stderr()
        c.send(b"%d\0" % port)
        c.accept_stderr(timeout=10)
        c.send_creds(user.name, user.password, OUT_ERR)
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")


@pytest.mark.parametrize("with_port", [True, False], ids=["port", "no-port"])
def test_all_fields_in_one_segment(server, user, with_port):
    # Nmap, Metasploit, Hydra and Perl write everything at once.
    with Conn(server.host, server.port) as c:
        field = b"%d" % c.listen_stderr() if with_port else b"0"
        c.send(field + b"\0" + creds(user.name, user.password, OUT_ERR))
        if with_port:
            c.accept_stderr()
        r = c.read_both()
    if with_port:
        assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")
    else:
        assert r.primary == b"\x00out\nerr\n"


def test_bytes_after_the_command_are_the_commands_stdin(server, user):
    # The server reads exactly up to the command's NUL and no further.
    with Conn(server.host, server.port) as c:
        c.send(b"\0" + creds(user.name, user.password, "cat") + b"stdin!")
        c.sock.shutdown(socket.SHUT_WR)
        assert c.read_all() == b"\x00stdin!"


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_connect_back_comes_from_the_address_the_client_used(
        make_server, user, mode):
    server = make_server(mode, host="127.0.0.5")
    with Conn(server.host, server.port) as c:
        assert c.sock.getsockname()[0] == "127.0.0.1"  # not 127.0.0.5
        err = c.open_stderr()
        assert err.getpeername()[0] == "127.0.0.5"
        c.send_creds(user.name, user.password, OUT_ERR)
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")


def test_connect_back_goes_to_the_peers_own_address(server, user):
    # The client speaks from 127.0.0.7 and listens on every address, as
    # glibc does: the channel must arrive at 127.0.0.7.
    with Conn(server.host, server.port, source="127.0.0.7") as c:
        port = c.listen_stderr(host="0.0.0.0")
        c.send(b"%d\0" % port)
        err = c.accept_stderr()
        assert err.getsockname()[0] == "127.0.0.7"
        c.send_creds(user.name, user.password, OUT_ERR)
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")


@pytest.mark.parametrize("field", [b"05", b"+5", b"65536", b"abc", b" 5",
                                   b"-1", b"00", b"5 ", b"123456",
                                   b"99999999999999999999"])
def test_junk_port_field_is_refused(server, user, field):
    r = rexec(server.host, server.port, user.name, user.password, "true",
              port_field=field)
    assert r.primary == b"\x01Invalid port number.\n"


def test_junk_port_field_gets_no_connect_back(server, user):
    # "0x10" starts like "0": the server must not connect anywhere.
    with Conn(server.host, server.port) as c:
        c.listen_stderr()
        c.send(b"0x10\0" + creds(user.name, user.password, "true"))
        assert c.read_all() == b"\x01Invalid port number.\n"
        c.listener.settimeout(0.2)
        with pytest.raises(socket.timeout):
            c.listener.accept()


def test_port_nobody_listens_on(server, user):
    # A bound socket that does not listen: the port is ours, connect
    # attempts to it are refused.
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))
        port = dead.getsockname()[1]
        r = rexec(server.host, server.port, user.name, user.password,
                  "true", port_field=b"%d" % port)
    assert r.primary == b"\x01Connection to stderr port failed.\n"
    assert server.wait_log(f"connect-back to 127.0.0.1 port {port} failed")


def test_stderr_port_65535_is_accepted(server, user):
    # The top of the range is a port like any other; use it if free.
    with Conn(server.host, server.port) as c:
        l = socket.socket()
        try:
            l.bind(("127.0.0.1", 65535))
        except OSError:
            pytest.skip("port 65535 is busy")
        l.listen(1)
        l.settimeout(10)
        c.listener = l
        c.send(b"65535\0")
        c.accept_stderr()
        c.send_creds(user.name, user.password, OUT_ERR)
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")


def test_stderr_port_that_never_answers(make_server, user):
    # A listener whose queue is full drops new SYNs: the connect-back
    # hangs until --connect-timeout (1 s here) and is then refused.
    server = make_server("standalone", extra=["--connect-timeout", "1"])
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        queued = [socket.socket() for _ in range(3)]
        for q in queued:
            q.setblocking(False)
            q.connect_ex(full.getsockname())
        r = rexec(server.host, server.port, user.name, user.password,
                  "true", port_field=b"%d" % full.getsockname()[1])
        for q in queued:
            q.close()
    assert r.primary == b"\x01Connection to stderr port failed.\n"
    assert server.wait_log("timed out")
