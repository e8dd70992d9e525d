# SPDX-License-Identifier: BSD-2-Clause
"""Malformed and hostile handshakes against one standalone server, each
with the exact reply it must get; after each, a valid session must still
succeed, and at the end every connection process must have ended.

The server runs with a 1 s login grace time and a 1 s connect timeout so
that stalls are short, and with penalties off for 127/8 (they have tests
of their own): here every case must reach the handshake code.
"""
import random
import select
import socket
import time

import pytest

from rexectest.procs import children, wait_until
from rexectest.server import Server, server_argv
from rexectest.wire import (BAD_PORT, LOGIN_INCORRECT, LOW_PORT, TIMED_OUT,
                            connect, login, read_all, reset)

CONNECT_FAILED = b"\x01Connection to stderr port failed.\n"
USER_LONG = b"\x01username too long\n"
PASS_LONG = b"\x01password too long\n"
CMD_LONG = b"\x01command too long\n"
MIB = 1 << 20
# A user name that would forge a log line if it went to the log raw.
INJECTION = b"\0root\nlogin accepted for user \"root\"\0pw\0id\0"
U = "{user}"      # stands for the valid user's name in payloads
P = "{password}"  # and for its password


@pytest.fixture(scope="module")
def srv(pam_service, module_user, tmp_path_factory):
    s = Server(server_argv(
        pam_service.name, "--login-grace-time", "1", "--connect-timeout",
        "1", "--penalty-exempt", "127.0.0.0/8"), tmp_path_factory.mktemp("hs"))
    yield s, module_user
    s.stop()


def fill(data, user):
    """Puts the valid user's name and password into a payload."""
    return data.replace(U.encode(), user.name.encode()) \
               .replace(P.encode(), user.password.encode())


def garbage(n, seed):
    g = random.Random(seed)
    return b"\xfe" + bytes(g.randrange(256) for _ in range(n - 1))


# (name, payload, expected reply).  The client sends the payload while it
# reads, then half-closes; it gets exactly the expected bytes and EOF.
SENT_THEN_EOF = [
    # The port field.
    ("port-letters", b"x\0", BAD_PORT),
    ("port-negative", b"-1\0", BAD_PORT),
    ("port-plus-sign", b"+5\0", BAD_PORT),
    ("port-space", b" 5\0", BAD_PORT),
    ("port-leading-zero", b"05\0", BAD_PORT),
    ("port-65536", b"65536\0", BAD_PORT),
    ("port-six-digits", b"100000\0", BAD_PORT),
    ("port-digits-forever", b"1" * 100000, BAD_PORT),
    ("port-binary", b"\xff\xfe\0", BAD_PORT),
    ("port-reserved-1023", b"1023\0", LOW_PORT),
    ("port-reserved-1", b"1\0", LOW_PORT),
    ("http-request", b"GET / HTTP/1.0\r\n\r\n", BAD_PORT),
    ("tls-client-hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" +
     bytes(range(32)), BAD_PORT),
    ("ssh-banner", b"SSH-2.0-OpenSSH_9.2p1\r\n", BAD_PORT),
    ("binary-garbage-4k", garbage(4096, 1), BAD_PORT),
    ("binary-garbage-1m", garbage(MIB, 2), BAD_PORT),
    # Fields over their limits (the client goes on sending regardless).
    ("user-257", b"\0" + b"u" * 257 + b"\0pw\0id\0", USER_LONG),
    ("user-enormous", b"\0" + b"u" * MIB, USER_LONG),
    ("password-17", b"\0" + U.encode() + b"\0" + b"p" * 17 + b"\0id\0",
     PASS_LONG),
    ("password-enormous", b"\0" + U.encode() + b"\0" + b"p" * MIB,
     PASS_LONG),
    ("command-131072", b"\0" + U.encode() + b"\0" + P.encode() + b"\0" +
     b"c" * 131072 + b"\0", CMD_LONG),
    ("command-enormous", b"\0" + U.encode() + b"\0" + P.encode() + b"\0" +
     b"c" * (2 * MIB), CMD_LONG),
    # Logins that must fail, all with the same answer.
    ("user-256-unknown", b"\0" + b"u" * 256 + b"\0pw\0id\0", LOGIN_INCORRECT),
    ("user-empty", b"\0\0pw\0id\0", LOGIN_INCORRECT),
    ("all-nuls", b"\0\0\0\0", LOGIN_INCORRECT),
    ("password-empty", b"\0" + U.encode() + b"\0\0id\0", LOGIN_INCORRECT),
    ("password-16-wrong", b"\0" + U.encode() + b"\0" + b"p" * 16 +
     b"\0id\0", LOGIN_INCORRECT),
    ("user-binary", b"\0\xff\xfe\x01\x02\x7f\0pw\0id\0", LOGIN_INCORRECT),
    ("user-log-injection", INJECTION, LOGIN_INCORRECT),
    ("user-format-string", b"\0%s%s%n%x%p\0%n\0id\0", LOGIN_INCORRECT),
    ("user-path", b"\0../../../etc/passwd\0pw\0id\0", LOGIN_INCORRECT),
    ("root-wrong-password", b"\0root\0x\0id\0", LOGIN_INCORRECT),
    ("wrong-password-with-stdin", b"\0" + U.encode() + b"\0nope\0cat\0" +
     b"stdin " * 10000, LOGIN_INCORRECT),
    # Truncated: the client ends its side before the handshake is whole.
    # Nothing can be answered: the connection just closes.
    ("eof-at-once", b"", b""),
    ("eof-in-port", b"12", b""),
    ("eof-after-port", b"\0", b""),
    ("eof-in-user", b"\0us", b""),
    ("eof-after-user", b"\0" + U.encode() + b"\0", b""),
    ("eof-in-password", b"\0" + U.encode() + b"\0pa", b""),
    ("eof-after-password", b"\0" + U.encode() + b"\0" + P.encode() + b"\0",
     b""),
    ("eof-in-command", b"\0" + U.encode() + b"\0" + P.encode() + b"\0echo",
     b""),
    # Valid, but odd.
    ("port-zero", b"0\0" + U.encode() + b"\0" + P.encode() + b"\0echo ok\0",
     b"\0ok\n"),
    ("empty-command", b"\0" + U.encode() + b"\0" + P.encode() + b"\0\0",
     b"\0"),
]

# Stalls: the client sends this much and then nothing; the grace time
# ends the connection with an answer.
STALLS = [
    ("stall-at-once", b""),
    ("stall-in-port", b"12"),
    ("stall-in-user", b"\0us"),
    ("stall-in-password", b"\0" + U.encode() + b"\0pa"),
    ("stall-in-command", b"\0" + U.encode() + b"\0" + P.encode() + b"\0ec"),
]

# Vanishing clients: they send this much, then close (or reset) without
# reading; the server logs where it was.
VANISH = [
    ("vanish-in-port", b"12", "port"),
    ("vanish-in-user", b"\0us", "user name"),
    ("vanish-in-password", b"\0" + U.encode() + b"\0pa", "password"),
    ("vanish-in-command", b"\0" + U.encode() + b"\0" + P.encode() + b"\0ec",
     "command"),
]


def still_serving(s, user):
    assert s.proc.poll() is None
    assert login(s.host, s.port, user.name, user.password) == b"\0ok\n"


def send_and_read(s, data):
    """Sends data while reading (the server may answer and stop reading
    halfway), half-closes, returns everything read until EOF."""
    c = connect(s.host, s.port)
    c.setblocking(False)
    out, todo, end = bytearray(), memoryview(data), time.monotonic() + 30
    shut = False
    while time.monotonic() < end:
        if not todo and not shut:
            try:
                c.shutdown(socket.SHUT_WR)
            except OSError:     # reset by the server: read what came
                pass
            shut = True
        r, w, _ = select.select([c], [c] if todo else [], [], 1)
        if w:
            try:
                todo = todo[c.send(todo[:65536]):]
            except (BlockingIOError, InterruptedError):
                pass
            except (BrokenPipeError, ConnectionResetError):
                todo = todo[:0]
        if r:
            try:
                d = c.recv(65536)
            except ConnectionResetError:
                d = b""
            if not d:
                break
            out += d
    else:
        raise TimeoutError(bytes(out[:100]))
    c.close()
    return bytes(out)


@pytest.mark.parametrize("name,data,expect", SENT_THEN_EOF,
                         ids=[c[0] for c in SENT_THEN_EOF])
def test_sent_then_eof(srv, name, data, expect):
    s, user = srv
    assert send_and_read(s, fill(data, user)) == expect
    still_serving(s, user)


@pytest.mark.parametrize("name,data", STALLS, ids=[c[0] for c in STALLS])
def test_stall_ends_at_the_grace_time(srv, name, data):
    s, user = srv
    with connect(s.host, s.port) as c:
        c.sendall(fill(data, user))
        assert read_all(c, timeout=10) == TIMED_OUT
    still_serving(s, user)


@pytest.mark.parametrize("how", ["close", "reset"])
@pytest.mark.parametrize("name,data,where", VANISH, ids=[c[0] for c in VANISH])
def test_vanishing_client(srv, name, data, where, how):
    s, user = srv
    c = connect(s.host, s.port)
    port = c.getsockname()[1]
    c.sendall(fill(data, user))
    # Once its process has started, the server reads what was sent
    # before it notices the end (a reset does not discard received data).
    assert s.wait_log(f"connection from 127.0.0.1 port {port}\n")
    (reset if how == "reset" else socket.socket.close)(c)
    assert s.wait_log(f"connection from 127.0.0.1 port {port} closed while "
                      f"reading the {where}", timeout=30.0), s.log[-3000:]
    still_serving(s, user)


def test_reserved_port_is_logged(srv):
    s, user = srv
    assert send_and_read(s, b"513\0") == LOW_PORT
    assert s.wait_log("stderr port 513 is below 1024")


def test_connect_back_port_that_refuses(srv):
    s, user = srv
    with socket.socket() as t:
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]       # bound, not listening: refuses
        assert send_and_read(s, b"%d\0" % port) == CONNECT_FAILED
    assert s.wait_log(f"connect-back to 127.0.0.1 port {port} failed: "
                      "Connection refused")
    still_serving(s, user)


def test_connect_back_port_that_never_answers(srv):
    # A listener whose backlog is full drops the server's SYN: the
    # connect-back hangs until --connect-timeout (1 s here).
    s, user = srv
    with socket.socket() as t, socket.socket() as filler:
        t.bind(("127.0.0.1", 0))
        t.listen(0)
        port = t.getsockname()[1]
        filler.connect(("127.0.0.1", port))
        assert send_and_read(s, b"%d\0" % port) == CONNECT_FAILED
    assert s.wait_log(f"connect-back to 127.0.0.1 port {port} failed: "
                      "Connection timed out")
    still_serving(s, user)


def test_stderr_channel_closed_by_the_client_at_once(srv):
    s, user = srv
    with connect(s.host, s.port) as c, socket.socket() as t:
        t.bind(("127.0.0.1", 0))
        t.listen(1)
        c.sendall(b"%d\0" % t.getsockname()[1])
        e, _ = t.accept()
        e.close()
        c.sendall(user.name.encode() + b"\0" + user.password.encode() +
                  b"\0echo ok\0")
        c.shutdown(socket.SHUT_WR)
        assert read_all(c) == b"\0ok\n"
    still_serving(s, user)


def test_reset_during_connect_back(srv):
    s, user = srv
    with socket.socket() as t:
        t.bind(("127.0.0.1", 0))
        t.listen(1)
        c = connect(s.host, s.port)
        port = c.getsockname()[1]
        c.sendall(b"%d\0" % t.getsockname()[1])
        t.accept()[0].close()
        reset(c)
        assert s.wait_log(f"connection from 127.0.0.1 port {port} closed "
                          "while reading the user name")
    still_serving(s, user)


def test_reset_right_after_valid_credentials(srv):
    s, user = srv
    c = connect(s.host, s.port)
    c.sendall(b"\0" + user.name.encode() + b"\0" + user.password.encode() +
              b"\0sleep 1; echo late\0")
    reset(c)
    still_serving(s, user)


def test_slow_but_valid_client(srv):
    s, user = srv
    data = b"\0" + user.name.encode() + b"\0" + user.password.encode() + \
        b"\0echo ok\0"
    with connect(s.host, s.port) as c:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for b in data:
            c.send(bytes([b]))
            time.sleep(0.01)
        c.shutdown(socket.SHUT_WR)
        assert read_all(c) == b"\0ok\n"


def test_log_escapes_the_injected_line(srv):
    s, user = srv
    assert send_and_read(s, INJECTION) == LOGIN_INCORRECT
    assert s.wait_log('user "root\\x0alogin accepted for user '
                      '\\x22root\\x22"')
    assert not any(l.startswith("login accepted") for l in s.log.splitlines())


def test_every_connection_process_ends(srv):
    """Once every hostile handshake of SENT_THEN_EOF and VANISH has been
    sent (here, so that this test stands alone), each followed by a valid
    session, the listener has no connection process left."""
    s, user = srv
    before = s.log.count("login accepted")
    for name, data, expect in SENT_THEN_EOF:
        assert send_and_read(s, fill(data, user)) == expect, name
        still_serving(s, user)
    for name, data, where in VANISH:
        c = connect(s.host, s.port)
        c.sendall(fill(data, user))
        reset(c)
        still_serving(s, user)
    assert wait_until(lambda: children(s.proc.pid) == [], timeout=15)
    assert s.proc.poll() is None
    assert "crashed" not in s.log
    assert s.log.count("login accepted") - before >= \
        len(SENT_THEN_EOF) + len(VANISH)
