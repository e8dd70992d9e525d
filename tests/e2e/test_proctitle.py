# SPDX-License-Identifier: BSD-2-Clause
"""What a running server shows: process titles and STATUS= notices.

The titles are read from /proc/PID/cmdline, as ps(1) reads them: the
listener with its counts, each connection process with its peer and
then its user, the PAM session's process and the relay with the user.
STATUS= notices with the same counts arrive on a datagram socket given
as $NOTIFY_SOCKET, at most one a second.
"""
import os
import socket
import time

import pytest

from rexectest import procs
from rexectest.wire import Conn, creds

IDLE = "0 of 256-512 startups, 0 of 1024 sessions"


def title(pid):
    """The process title: cmdline's bytes up to the first NUL."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[0].decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def title_becomes(pid, want):
    got = procs.wait_until(lambda: title(pid) == want)
    assert got, f"title of {pid}: {title(pid)!r}, not {want!r}"


def only_child(parent):
    kids = procs.wait_until(
        lambda: [p for p in procs.pids_of_parent(parent) if procs.alive(p)])
    assert len(kids) == 1, kids
    return kids[0]


@pytest.fixture
def gated(make_pam, public_dir):
    """A PAM service whose authentication waits (at most 10 s) until the
    test opens the gate; returns (service, gate path)."""
    gate = public_dir / "gate"
    hook = public_dir / "wait.sh"
    hook.write_text("#!/bin/sh\nfor i in $(seq 200); do\n"
                    f"  [ -e {gate} ] && exit 0\n  sleep 0.05\ndone\n"
                    "exit 1\n")
    hook.chmod(0o755)
    service = make_pam(f"auth required pam_exec.so {hook}",
                       "auth required pam_unix.so nodelay",
                       "account required pam_unix.so",
                       "session required pam_unix.so")
    return service, gate


def test_titles_of_every_process(make_server, user, gated):
    service, gate = gated
    server = make_server("standalone", extra=["--pam-service", service])
    listener = server.proc.pid
    title_becomes(listener, f"in.rexecd: [listener] {IDLE}")
    with Conn(server.host, server.port) as c:
        port = c.sock.getsockname()[1]
        conn = only_child(listener)
        title_becomes(conn, f"in.rexecd: [connection] 127.0.0.1 port {port}")
        title_becomes(listener, "in.rexecd: [listener] 1 of 256-512 "
                      "startups, 1 of 1024 sessions")
        c.send(b"\0" + creds(user.name, user.password, "cat"))
        title_becomes(conn, f"in.rexecd: [connection] 127.0.0.1 port {port}"
                      f', user "{user.name}"')
        gate.touch()
        assert c.read_until(b"\0") == b"\0"
        title_becomes(conn, f"in.rexecd: [session] {user.name} from "
                      f"127.0.0.1 port {port}")
        relay = only_child(conn)
        title_becomes(relay, f"in.rexecd: [relay] {user.name} from "
                      f"127.0.0.1 port {port}")
        title_becomes(listener, "in.rexecd: [listener] 0 of 256-512 "
                      "startups, 1 of 1024 sessions")
        c.send(b"bye\n")
        c.sock.shutdown(socket.SHUT_WR)
        assert c.read_all() == b"bye\n"
    title_becomes(listener, f"in.rexecd: [listener] {IDLE}")


def test_hard_startup_cap_in_the_title(make_server):
    server = make_server("standalone", extra=["--max-startups", "10"])
    title_becomes(server.proc.pid, "in.rexecd: [listener] 0 of 10 startups, "
                  "0 of 1024 sessions")


def test_connection_title_in_inetd_mode(make_server):
    server = make_server("inetd")
    with Conn(server.host, server.port) as c:
        port = c.sock.getsockname()[1]
        conn = only_child(server.proc.pid)
        title_becomes(conn, f"in.rexecd: [connection] 127.0.0.1 port {port}")


def read_notices(sock, until):
    """Datagrams from sock until until() is true (bounded: 15 s)."""
    got, end = [], time.monotonic() + 15
    sock.settimeout(0.2)
    while not until(got) and time.monotonic() < end:
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            pass
    return got


def test_status_notices(make_server, public_dir):
    path = public_dir / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        env = dict(os.environ, NOTIFY_SOCKET=str(path))
        start = time.monotonic()
        server = make_server("standalone", env=env)
        first = read_notices(sock, lambda g: len(g) >= 2)
        assert first[:2] == ["READY=1", f"STATUS={IDLE}"]
        conns = [Conn(server.host, server.port) for _ in range(20)]
        busy = "STATUS=20 of 256-512 startups, 20 of 1024 sessions"
        later = read_notices(sock, lambda g: busy in g)
        assert busy in later
        for c in conns:
            c.close()
        later += read_notices(sock, lambda g: g[-1:] == [f"STATUS={IDLE}"])
        assert later[-1] == f"STATUS={IDLE}"
        elapsed = time.monotonic() - start
        # 40 changes of the counts, at most one notice a second
        assert len(later) <= int(elapsed) + 2, later
        assert all(n.startswith("STATUS=") for n in later)
