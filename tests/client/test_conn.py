# SPDX-License-Identifier: BSD-2-Clause
"""Connections, the stderr channel's safety, timeouts and IPv6."""
import os
import socket
import subprocess

import pytest

from rexectest.client import RUN_TIMEOUT, client_env
from rexectest.fake import Fake, connect_back, handshake, read_all, read_field
from rexectest.paths import NETKIT, REXEC
from rexectest.server import Server
from rexectest.wire import free_port

NSS_WRAPPER = "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"


def run_fake(rexec, script, *args, host="127.0.0.1", **kw):
    with Fake(script, host=host) as f:
        r = rexec("-p", f.port, "-l", "u", *args, f.host, "cmd",
                  password=kw.pop("password", "pw"), **kw)
    return r, f


# --- what the client sends ------------------------------------------------

def test_wire_bytes_with_stderr_channel(rexec):
    def script(fake, conn):
        port = read_field(conn)
        fake.seen["port"] = port
        # Nothing else may come before the connect-back.
        conn.settimeout(0.3)
        with pytest.raises(socket.timeout):
            conn.recv(1)
        conn.settimeout(20)
        err = connect_back(fake, int(port))
        conn.settimeout(20)
        fake.seen["rest"] = b"".join(conn.recv(1) for _ in range(len(
            b"u\0pw\0echo a b\0")))
        conn.sendall(b"\0")
        err.close()

    with Fake(script) as f:
        r = rexec("-p", f.port, "-l", "u", f.host, "echo", "a", "b",
                  password="pw")
    assert f.seen["port"].isdigit() and 0 < int(f.seen["port"]) < 65536
    assert f.seen["rest"] == b"u\0pw\0echo a b\0"
    assert (r.rc, r.out, r.err) == (0, b"", b"")


def test_wire_bytes_without_stderr_channel(rexec):
    want = b"\0u\0pw\0echo a b\0"

    def script(fake, conn):
        data = b""
        while len(data) < len(want):
            data += conn.recv(len(want) - len(data))
        fake.seen["raw"] = data
        conn.sendall(b"\0output")

    with Fake(script) as f:
        r = rexec("-N", "-p", f.port, "-l", "u", f.host, "echo", "a", "b",
                  password="pw")
    assert f.seen["raw"] == want
    assert (r.rc, r.out, r.err) == (0, b"output", b"")


def test_stderr_listener_is_bound_to_the_local_address(rexec):
    def script(fake, conn):
        port = int(read_field(conn))
        other = socket.socket()
        with pytest.raises(ConnectionRefusedError):
            other.connect(("127.0.0.2", port))
        other.close()
        err = connect_back(fake, port)
        handshake_rest(fake, conn)
        err.sendall(b"on stderr")
        err.close()

    r, f = run_fake(rexec, script)
    assert (r.rc, r.out, r.err) == (0, b"", b"on stderr")


def handshake_rest(fake, conn):
    fake.seen["user"] = read_field(conn)
    fake.seen["password"] = read_field(conn)
    fake.seen["command"] = read_field(conn)
    conn.sendall(b"\0")


def test_connect_back_from_another_address_is_refused(rexec):
    def script(fake, conn):
        port = int(read_field(conn))
        rogue = connect_back(fake, port, source="127.0.0.2")
        fake.seen["rogue"] = read_all(rogue)  # closed, nothing sent
        rogue.close()
        err = connect_back(fake, port)
        handshake_rest(fake, conn)
        err.sendall(b"real stderr\n")
        err.close()

    r, f = run_fake(rexec, script)
    assert f.seen["rogue"] == b""
    assert f.seen["password"] == b"pw"
    assert (r.rc, r.out, r.err) == (
        0, b"", b"rexec: 127.0.0.1: refused a stderr connection from "
        b"127.0.0.2\nreal stderr\n")


@pytest.mark.skipif(not NETKIT.exists(), reason="rsh-server not installed")
def test_netkit_connecting_back_from_another_address(user, rexec, tmp_path):
    # netkit does not bind its connect-back to the address the client
    # reached: on 127.0.0.2 it connects back from 127.0.0.1, which the
    # client must refuse.  -N does without the channel.
    srv = Server([str(NETKIT)], tmp_path, "inetd", host="127.0.0.2")
    try:
        r = rexec("-t", "2", "-p", srv.port, "-l", user.name, srv.host,
                  "echo hi", password=user.password)
        n = rexec("-N", "-p", srv.port, "-l", user.name, srv.host,
                  "echo hi", password=user.password)
    finally:
        srv.stop()
    assert (r.rc, r.out, r.err) == (
        3, b"", b"rexec: 127.0.0.2: refused a stderr connection from "
        b"127.0.0.1\nrexec: 127.0.0.2: timed out after 2 s waiting for the "
        b"server to connect back\n")
    assert (n.rc, n.out, n.err) == (0, b"hi\n", b"")


# --- refusals and broken servers --------------------------------------------

@pytest.mark.parametrize("reply,msg", [
    (b"\x01Login incorrect.\n", b"Login incorrect."),
    (b"\x01Login incorrect.\nignored\n", b"Login incorrect."),
    (b"\x01No newline", b"No newline"),
    (b"\x01esc\x1b[31mred\x07\n", b"esc\\033[31mred\\007"),
    (b"\x01", b""),
])
def test_refusal_text(rexec, reply, msg):
    def script(fake, conn):
        err = handshake(fake, conn, status=reply)
        err.close()

    r, f = run_fake(rexec, script)
    assert (r.rc, r.out, r.err) == (1, b"", b"rexec: 127.0.0.1: " + msg +
                                    b"\n")


def test_refusal_before_connect_back(rexec):
    def script(fake, conn):
        read_field(conn)
        conn.sendall(b"\x01Connection to stderr port failed.\n")

    r, f = run_fake(rexec, script, "-t", "30")
    assert (r.rc, r.out, r.err) == (
        1, b"", b"rexec: 127.0.0.1: Connection to stderr port failed.\n")


def test_server_hangs_up_without_reply(rexec):
    def script(fake, conn):
        read_field(conn)

    r, f = run_fake(rexec, script)
    assert (r.rc, r.out, r.err) == (
        1, b"", b"rexec: 127.0.0.1: connection closed by the server "
        b"without a reply\n")


def test_not_an_rexec_server(rexec):
    def script(fake, conn):
        conn.sendall(b"HTTP/1.0 400 Bad request\r\n\r\n")

    r, f = run_fake(rexec, script, "-N")
    assert (r.rc, r.out, r.err) == (
        3, b"", b"rexec: 127.0.0.1: not an rexec server (reply starts with "
        b"byte 0x48)\n")


def test_connection_refused(rexec):
    port = free_port()
    r = rexec("-p", port, "-l", "u", "127.0.0.1", "true", password="pw")
    assert (r.rc, r.out, r.err) == (
        3, b"", f"rexec: 127.0.0.1: 127.0.0.1 port {port}: Connection "
        f"refused\n".encode())


def test_port_by_service_name(rexec):
    # "exec" is 512/tcp; nothing listens there on the test machine.
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 512)) == 0:
            pytest.skip("something listens on port 512")
    r = rexec("-p", "exec", "-l", "u", "127.0.0.1", "true", password="pw")
    assert (r.rc, r.err) == (
        3, b"rexec: 127.0.0.1: 127.0.0.1 port 512: Connection refused\n")


# --- timeouts ---------------------------------------------------------------

def test_server_never_connects_back(rexec):
    def script(fake, conn):
        read_field(conn)
        fake.seen["after"] = read_all(conn)  # until the client gives up

    r, f = run_fake(rexec, script, "-t", "1")
    assert f.seen["after"] == b""  # no credentials without the channel
    assert (r.rc, r.out, r.err) == (
        3, b"", b"rexec: 127.0.0.1: timed out after 1 s waiting for the "
        b"server to connect back\n")


def test_server_never_answers(rexec):
    def script(fake, conn):
        fake.seen["got"] = read_all(conn)

    r, f = run_fake(rexec, script, "-N", "-t", "1")
    assert f.seen["got"] == b"\0u\0pw\0cmd\0"
    assert (r.rc, r.out, r.err) == (
        3, b"", b"rexec: 127.0.0.1: timed out after 1 s waiting for the "
        b"server's reply\n")


def test_connect_timeout(rexec):
    # A listener that never accepts, with its queue already full: the
    # kernel drops the client's SYN, so connect() itself must time out.
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(0)
    port = lst.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        r = rexec("-t", "1", "-p", port, "-l", "u", "127.0.0.1", "true",
                  password="pw")
    finally:
        for s in fillers:
            s.close()
        lst.close()
    assert (r.rc, r.out, r.err) == (
        3, b"", f"rexec: 127.0.0.1: 127.0.0.1 port {port}: connection timed "
        f"out after 1 s\n".encode())


def test_t_0_means_no_time_limit(server, user, rexec):
    r = rexec("-t", "0", "-p", server.port, "-l", user.name, server.host,
              "echo ok", password=user.password)
    assert (r.rc, r.out, r.err) == (0, b"ok\n", b"")


# --- IPv6 and address families ------------------------------------------------

def resolves(addr):
    try:
        socket.gethostbyaddr(addr)
        return True
    except OSError:
        return False


@pytest.mark.parametrize("flags", [[], ["-6"]])
def test_ipv6(server, user, rexec, flags):
    r = rexec(*flags, "-p", server.port6, "-l", user.name, "::1",
              "echo v6; echo e >&2", password=user.password)
    if server.kind == "netkit" and not resolves("::1"):
        # netkit insists on a host name for the peer; this machine's
        # /etc/hosts has none for ::1.
        assert (r.rc, r.out, r.err) == (1, b"",
                                        b"rexec: ::1: Where are you?\n")
    else:
        assert (r.rc, r.out, r.err) == (0, b"v6\n", b"e\n")


def test_ipv6_stderr_channel_and_peer_check(rexec):
    def script(fake, conn):
        port = int(read_field(conn))
        err = connect_back(fake, port)
        handshake_rest(fake, conn)
        conn.sendall(b"out6")
        err.sendall(b"err6")
        err.close()

    r, f = run_fake(rexec, script, "-6", host="::1")
    assert (r.rc, r.out, r.err) == (0, b"out6", b"err6")


@pytest.mark.parametrize("flag,host", [("-4", "::1"), ("-6", "127.0.0.1")])
def test_family_restriction(rexec, flag, host):
    r = rexec(flag, "-l", "u", host, "true", password="pw")
    assert (r.rc, r.out, r.err) == (
        3, b"", f"rexec: {host}: Address family for hostname not "
        f"supported\n".encode())


@pytest.mark.skipif(not os.path.exists(NSS_WRAPPER),
                    reason="nss_wrapper is not installed")
@pytest.mark.parametrize("listening", [False, True])
@pytest.mark.parametrize("addrs", [("127.0.0.2", "127.0.0.1"),
                                   ("127.0.0.1", "127.0.0.2")])
def test_every_address_is_tried(home, tmp_path, listening, addrs):
    # nss_wrapper gives the name two addresses; only the one that
    # getaddrinfo returns last answers, so the first must be tried first.
    hosts = tmp_path / "hosts"
    hosts.write_text("".join(f"{a} multi.rxt\n" for a in addrs))
    env = client_env(home, "pw")
    env.update(LD_PRELOAD=NSS_WRAPPER, NSS_WRAPPER_HOSTS=str(hosts))
    order = subprocess.run(
        ["/usr/bin/python3", "-c", "import socket; print(*(a[4][0] for a in "
         "socket.getaddrinfo('multi.rxt', 1, type=socket.SOCK_STREAM)))"],
        env=env, capture_output=True, text=True, check=True).stdout.split()
    assert sorted(order) == ["127.0.0.1", "127.0.0.2"]

    def script(fake, conn):
        handshake(fake, conn).sendall(b"reached")

    f = Fake(script, host=order[-1], accept=listening)
    args = [str(REXEC), "-p", str(f.port), "-l", "u", "multi.rxt", "true"]
    if not listening:
        f.sock.close()
    cp = subprocess.run(args, capture_output=True, env=env,
                        timeout=RUN_TIMEOUT)
    if listening:
        f.finish()
        # A failed address is not worth a word once another answered.
        assert (cp.returncode, cp.stdout, cp.stderr) == (0, b"", b"reached")
    else:
        assert (cp.returncode, cp.stdout) == (3, b"")
        assert cp.stderr == b"".join(
            f"rexec: multi.rxt: {a} port {f.port}: Connection refused\n"
            .encode() for a in order)


@pytest.mark.parametrize("flag", ["-4", None])
def test_host_name_and_ipv4_flag(server, user, rexec, flag):
    flags = [flag] if flag else []
    r = rexec(*flags, "-p", server.port, "-l", user.name, "localhost",
              "echo by name", password=user.password)
    assert (r.rc, r.out, r.err) == (0, b"by name\n", b"")
