# SPDX-License-Identifier: BSD-2-Clause
"""Ways to start the daemon besides -l and inetd Accept=yes: sockets from
the service manager (LISTEN_FDS), a listening socket on fd 0 (inetd
"wait"), several -l, -l :PORT, and the readiness notification."""
import os
import signal
import socket
import subprocess

import pytest

from rexectest.server import PENALTY_OFF, server_argv
from rexectest.wire import rexec


@pytest.mark.parametrize("mode", ["activated", "inetd-wait"])
def test_daemon_on_inherited_listening_socket(make_server, user, mode):
    server = make_server(mode)
    for _ in range(2):      # the same daemon serves one after the other
        r = rexec(server.host, server.port, user.name, user.password,
                  "echo out; echo err >&2", errchan=True)
        assert (r.primary, r.stderr) == (b"\x00out\n", b"err\n")
    r = rexec(server.host, server.port, user.name, user.password + "x",
              "true")
    assert r.primary == b"\x01Login incorrect.\n"


def start(pam_service, tmp_path, *listen, env=None, nlines=None):
    """The daemon on the given -l specs; returns (process, the first
    nlines lines it printed, one per socket)."""
    argv = server_argv(pam_service.name, *PENALTY_OFF)
    for spec in listen:
        argv += ["-l", spec]
    with open(tmp_path / "daemon.log", "w") as log:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log,
                             text=True, env=env)
    lines = [p.stdout.readline() for _ in range(nlines or len(listen))]
    return p, lines


def stop(p):
    p.terminate()
    assert p.wait(10) == 0


def test_several_listen_addresses(pam_service, tmp_path, user):
    p, lines = start(pam_service, tmp_path, "127.0.0.1:0", "[::1]:0")
    try:
        assert lines[0].startswith("in.rexecd: listening on 127.0.0.1:")
        assert lines[1].startswith("in.rexecd: listening on [::1]:")
        for line, host in zip(lines, ["127.0.0.1", "::1"]):
            port = int(line.rsplit(":", 1)[1])
            r = rexec(host, port, user.name, user.password, "echo ok")
            assert r.primary == b"\x00ok\n"
    finally:
        stop(p)


def wildcard_port():
    """A port free on every IPv4 and IPv6 address (for now)."""
    with socket.socket() as s4, socket.socket(socket.AF_INET6) as s6:
        s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s4.bind(("0.0.0.0", 0))
        s6.bind(("::", s4.getsockname()[1]))
        return s4.getsockname()[1]


def test_every_address_on_one_port(pam_service, tmp_path, user):
    for _ in range(5):      # another program may take the port meanwhile
        try:
            port = wildcard_port()
        except OSError:
            continue
        p, lines = start(pam_service, tmp_path, f":{port}", nlines=2)
        if lines[0]:
            break
        p.wait(10)
    try:
        assert lines == [f"in.rexecd: listening on [::]:{port}\n",
                         f"in.rexecd: listening on 0.0.0.0:{port}\n"]
        for host in ["127.0.0.1", "::1", "127.0.0.9"]:
            r = rexec(host, port, user.name, user.password, "echo ok")
            assert r.primary == b"\x00ok\n"
    finally:
        stop(p)


def test_ready_and_stopping_notifications(pam_service, tmp_path):
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as n:
        n.bind(path)
        n.settimeout(10)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        p, lines = start(pam_service, tmp_path, "127.0.0.1:0", env=env)
        assert lines[0].startswith("in.rexecd: listening on 127.0.0.1:")
        assert n.recv(100) == b"READY=1"
        assert n.recv(100) == \
            b"STATUS=0 of 256-512 startups, 0 of 1024 sessions"
        p.send_signal(signal.SIGTERM)
        assert n.recv(100) == b"STOPPING=1"
        assert p.wait(10) == 0
