# SPDX-License-Identifier: BSD-2-Clause
"""5,000 connections in a row, of every kind the listener handles: whole
sessions, refused logins, refused handshakes, and connections the
listener turns away itself (address rule, penalty).  Afterwards the
listener must hold no more descriptors, no more memory (VmRSS within a
small slack) and no more children than before.
"""
from rexectest.procs import children, fd_count, rss_kib, wait_until
from rexectest.wire import (BAD_PORT, LOGIN_INCORRECT, NOT_ALLOWED, PENALISED,
                            login, raw)

TOTAL = 5000
RSS_SLACK_KIB = 128     # 26 bytes per connection would exceed it


def one(s, user, i):
    """Connection number i of the mix; asserts its exact answer."""
    if i % 100 == 0:
        assert login(s.host, s.port, user.name, user.password, "true") == \
            b"\0"
    elif i % 100 == 50:
        assert login(s.host, s.port, user.name, "Pw-wrong-0000", "true") == \
            LOGIN_INCORRECT
    elif i % 10 == 3:
        assert raw(s.host, s.port, b"\0", source="127.0.0.99") == NOT_ALLOWED
    elif i % 10 == 7:
        assert raw(s.host, s.port, b"\0", source="127.0.0.98") == PENALISED
    else:
        assert raw(s.host, s.port, b"x\0") == BAD_PORT


def test_5000_connections_leave_nothing_behind(server_with, user):
    s = server_with("--penalty", "authfail:100,min:150,max:6000",
                    "--penalty-exempt", "127.0.0.1", "--deny", "127.0.0.99")
    pid = s.proc.pid
    for _ in range(2):          # make 127.0.0.98 a penalised source
        assert login(s.host, s.port, user.name, "Pw-wrong-0000",
                     source="127.0.0.98") == LOGIN_INCORRECT
    assert s.wait_log("source 127.0.0.98 enters penalty")
    for i in range(200):        # warm-up: every path once or more
        one(s, user, i)
    assert wait_until(lambda: children(pid) == [])
    fds, rss = fd_count(pid), rss_kib(pid)
    for i in range(TOTAL):
        one(s, user, i)
    assert wait_until(lambda: children(pid) == [], timeout=30)
    assert s.proc.poll() is None
    fds_after, rss_after = fd_count(pid), rss_kib(pid)
    print(f"listener after {TOTAL} connections: fds {fds} -> {fds_after}, "
          f"VmRSS {rss} -> {rss_after} KiB")
    assert fds_after == fds
    assert rss_after <= rss + RSS_SLACK_KIB
    assert s.log.count("login accepted") == 2 + TOTAL // 100
