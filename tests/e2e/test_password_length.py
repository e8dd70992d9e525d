# SPDX-License-Identifier: BSD-2-Clause
"""--max-password-length: the protocol's 16 characters by default, more
for sites that need it (up to what PAM takes), the same diagnostic past
the limit; rexec(1) sends what it is given and lets the server decide."""
import subprocess

import pytest

from rexectest.paths import REXEC, SERVER
from rexectest.wire import rexec
LONG = "Pw-" + "x7" * 30 + "!"          # 64 characters


def long_user(users, length):
    password = (LONG * (length // len(LONG) + 1))[:length]
    return users.make(password=password)


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_64_character_password_with_the_option(make_server, users, mode):
    u = long_user(users, 64)
    assert len(u.password) == 64
    server = make_server(mode, extra=["--max-password-length", "64"])
    r = rexec(server.host, server.port, u.name, u.password, "id -un")
    assert r.primary == b"\x00" + u.name.encode() + b"\n"
    r = rexec(server.host, server.port, u.name, u.password + "y", "id -un")
    assert r.primary == b"\x01password too long\n"
    r = rexec(server.host, server.port, u.name, u.password[:-1], "true")
    assert r.primary == b"\x01Login incorrect.\n"


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_64_character_password_refused_by_default(make_server, users, mode):
    u = long_user(users, 64)
    server = make_server(mode)
    r = rexec(server.host, server.port, u.name, u.password, "true")
    assert r.primary == b"\x01password too long\n"
    assert server.wait_log("password too long")


def test_longest_password_pam_takes(make_server, users):
    u = long_user(users, 511)
    server = make_server("standalone", extra=["--max-password-length",
                                              "511"])
    r = rexec(server.host, server.port, u.name, u.password, "echo ok")
    assert r.primary == b"\x00ok\n"


@pytest.mark.parametrize("value", ["0", "512", "-1", "16x", "", "1e3"])
def test_bad_max_password_length(value):
    r = subprocess.run([str(SERVER), "--max-password-length", value, "-l",
                        "127.0.0.1:0"], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 2
    assert "--max-password-length" in r.stderr
    assert f'"{value}"' in r.stderr


def run_client(server, u):
    return subprocess.run(
        [str(REXEC), "-N", "-p", str(server.port), "-l", u.name,
         server.host, "id -un"], stdin=subprocess.DEVNULL,
        capture_output=True, timeout=30,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent",
             "REXEC_PASSWORD": u.password})


def test_client_sends_a_long_password(make_server, users):
    u = long_user(users, 64)
    server = make_server("standalone", extra=["--max-password-length",
                                              "64"])
    cp = run_client(server, u)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        0, u.name.encode() + b"\n", b"")


def test_client_shows_the_servers_refusal_of_a_long_password(make_server,
                                                              users):
    u = long_user(users, 64)
    server = make_server("standalone")
    cp = run_client(server, u)
    assert (cp.returncode, cp.stdout) == (1, b"")
    assert cp.stderr == b"rexec: 127.0.0.1: password too long\n"
