# SPDX-License-Identifier: BSD-2-Clause
"""Per-source penalties: failures earn a source penalty time; while it is
penalised, its connections are refused at once, before any PAM work.

Defaults (OpenSSH's): a refused login earns 5 s, a connection that did not
log in 1 s, a grace timeout 10 s; a source is refused once more than 15 s
is due.  So three mistakes in a row cost nothing and the fourth locks the
source out for about 20 s.  What is due drains in real time, so the tests
use the default ratios scaled by ten (SCALED): a slow, loaded machine
cannot then drain a penalty between two attempts.  (The defaults
themselves are checked with a simulated clock in tests/unit/test_penalty.c.)
Sources are separate addresses of 127/8.
"""
import select
import subprocess

import pytest

from rexectest.paths import SERVER
from rexectest.procs import children, wait_until
from rexectest.wire import (BAD_PORT, LOGIN_INCORRECT, PENALISED, TIMED_OUT,
                            connect, login, raw, read_all)

OK = b"\x00ok\n"
SCALED = "authfail:50,noauth:10,grace:100,min:150,max:6000"


def fail(server, user, source):
    return login(server.host, server.port, user.name, "wrong-Pw-1",
                 source=source)


def reaped(server):
    return children(server.proc.pid) == []


def test_three_failures_cost_nothing_the_fourth_locks_the_source_out(
        server_with, user):
    s = server_with("--penalty", SCALED)
    for _ in range(3):
        assert fail(s, user, "127.0.0.9") == LOGIN_INCORRECT
    assert wait_until(lambda: reaped(s))
    # A user who mistyped three times still gets in.
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.9") == OK
    assert "enters penalty" not in s.log
    assert fail(s, user, "127.0.0.9") == LOGIN_INCORRECT
    assert s.wait_log("source 127.0.0.9 enters penalty for ")
    pam_lines = len(s.lines("login refused"))
    # Now even the right password is refused at once, without PAM...
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.9") == PENALISED
    assert raw(s.host, s.port, b"", source="127.0.0.9", shut=False) == \
        PENALISED
    assert len(s.lines("login refused")) == pam_lines
    assert s.lines("refused connection from 127.0.0.9 port ")
    # ...and any other source is served as before.
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.10") == OK


def test_leaving_penalty_is_logged_and_the_source_served_again(
        server_with, user):
    s = server_with("--penalty", "authfail:2,min:1,max:2")
    assert fail(s, user, "127.0.0.9") == LOGIN_INCORRECT
    assert s.wait_log("source 127.0.0.9 enters penalty for 2 s after a "
                      "refused login")
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.9") == PENALISED
    assert s.wait_log("source 127.0.0.9 leaves penalty", timeout=10)
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.9") == OK


def test_exempt_sources_are_never_penalised(server_with, user):
    s = server_with("--penalty", SCALED, "--penalty-exempt", "127.0.0.8/31")
    for _ in range(8):
        assert fail(s, user, "127.0.0.9") == LOGIN_INCORRECT
    for _ in range(4):      # the same from a source that is not exempt
        assert fail(s, user, "127.0.0.11") == LOGIN_INCORRECT
    assert s.wait_log("source 127.0.0.11 enters penalty")
    assert wait_until(lambda: reaped(s))
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.9") == OK
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.11") == PENALISED
    assert not s.lines("source 127.0.0.9 enters")


def test_refused_handshakes_penalise(server_with, user):
    s = server_with("--penalty", SCALED)
    for _ in range(16):
        assert raw(s.host, s.port, b"x\0", source="127.0.0.12") == BAD_PORT
    assert s.wait_log("source 127.0.0.12 enters penalty for ")
    assert "after a connection that did not log in" in s.log
    assert raw(s.host, s.port, b"x\0", source="127.0.0.12") == PENALISED


def test_grace_timeouts_penalise(server_with, user):
    s = server_with("--penalty", SCALED, "--login-grace-time", "1")
    socks = [connect(s.host, s.port, source="127.0.0.13") for _ in range(2)]
    for c in socks:
        assert read_all(c) == TIMED_OUT
        c.close()
    assert s.wait_log("source 127.0.0.13 enters penalty for ")
    assert "after a login grace timeout" in s.log
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.13") == PENALISED


def test_penalty_off(server_with, user):
    s = server_with("--penalty", "off")
    for _ in range(6):
        assert fail(s, user, "127.0.0.9") == LOGIN_INCORRECT
    assert wait_until(lambda: reaped(s))
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.9") == OK
    assert "penalty" not in s.log


def test_a_full_table_forgets_the_least_penalised_and_says_so(
        server_with, user):
    s = server_with("--penalty", "authfail:100,min:150,max:6000,table:2")
    for src in ("127.0.0.21", "127.0.0.22", "127.0.0.23"):
        assert fail(s, user, src) == LOGIN_INCORRECT
        assert wait_until(lambda: reaped(s))
    assert s.wait_log("penalty table full (2 sources): forgot 127.0.0.21")


@pytest.mark.parametrize("spec", ["authfail", "authfail:x", "bogus:1",
                                  "min:20,max:10", "table:0", ""])
def test_bad_penalty_specs_are_refused_at_start(spec):
    r = subprocess.run([str(SERVER), "--penalty", spec, "-l", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 2
    assert "--penalty: bad value" in r.stderr


def test_penalised_connections_are_held_unread_then_refused(server_with,
                                                            user):
    # With a fail delay, a penalised source's connections are held by the
    # listener (no process, nothing read) for at least the fail delay, and
    # then refused with the text; past 32 held from one source, the next
    # is reset at once.  One refused login (200 s) penalises here.
    s = server_with("--penalty", "authfail:200,min:150,max:6000",
                    fail_delay="5")
    assert fail(s, user, "127.0.0.14") == LOGIN_INCORRECT
    assert s.wait_log("source 127.0.0.14 enters penalty for ")
    assert wait_until(lambda: reaped(s))
    socks = [connect(s.host, s.port, source="127.0.0.14")
             for _ in range(32)]
    for c in socks:
        c.sendall(b"0\0")                  # never read
    # the 33rd is reset (at once: maybe before connect() returns); the
    # 32 before it, accepted first, are held unanswered, with no process
    try:
        extra = connect(s.host, s.port, source="127.0.0.14")
        got = extra.recv(100)
    except ConnectionResetError:
        got = "reset"
    assert got == "reset"
    assert readable(socks) == []
    assert children(s.proc.pid) == []
    # another source is served meanwhile
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.15") == OK
    assert readable(socks) == []
    for c in socks:
        assert read_all(c, timeout=60) == PENALISED
        c.close()
    assert len(s.lines("login refused for user")) == 1


def readable(socks):
    """Those of socks with something (data, EOF, reset) to read now."""
    return select.select(socks, [], [], 0)[0]
