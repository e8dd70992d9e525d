# SPDX-License-Identifier: BSD-2-Clause
"""Connection limits of the standalone daemon: unauthenticated connections
(--max-startups, with random early drop), per source (--per-source-max),
connections served (--max-sessions), and running out of descriptors.
Every drop is answered at once with "\\x01Too many connections: access
denied.\\n".
"""
import select
import socket
import subprocess
import time

from rexectest.paths import SERVER
from rexectest.procs import children, fd_count, wait_until
from rexectest.server import Server, server_argv
from rexectest.wire import BUSY, connect, login, raw, read_all

OK = b"\x00ok\n"


def hold(s, n, source=None, spread=False):
    """n idle connections (each from its own 127.0.1.x with spread)."""
    socks = []
    for i in range(n):
        src = f"127.0.{1 + i // 250}.{1 + i % 250}" if spread else source
        socks.append(connect(s.host, s.port, source=src))
    return socks


def refused_now(socks, timeout=5.0):
    """Splits socks into (refused, held): a refused one has its answer
    and EOF waiting; once the listener has forked or answered every
    connection, the rest are being held."""
    refused, held = [], []
    for c in socks:
        r, _, _ = select.select([c], [], [], 0)
        (refused if r else held).append(c)
    return refused, held


def all_answered(s, socks, held):
    """Waits until the listener has dealt with every one of socks: held
    of them have a process, the others their refusal."""
    assert wait_until(lambda: len(children(s.proc.pid)) == held and
                      len(refused_now(socks)[0]) == len(socks) - held), \
        (len(children(s.proc.pid)), len(refused_now(socks)[0]))


def settle(s, n):
    assert wait_until(lambda: len(children(s.proc.pid)) == n), \
        f"{len(children(s.proc.pid))} children, expected {n}"


def close_all(socks):
    for c in socks:
        c.close()


def test_per_source_cap(server_with, user):
    s = server_with("--per-source-max", "3")
    idle = hold(s, 3, source="127.0.0.20")
    settle(s, 3)
    assert raw(s.host, s.port, b"", source="127.0.0.20", shut=False) == BUSY
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.21") == OK
    assert s.wait_log("refused connection from 127.0.0.20 port ")
    assert "3 unauthenticated connections from that source " \
           "(--per-source-max 3)" in s.log
    idle.pop().close()
    settle(s, 2)
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.20") == OK
    close_all(idle)


def test_max_startups_hard_cap(server_with, user):
    # three sources holding one each: a fourth is not fairer, so refused
    s = server_with("--max-startups", "3", "--per-source-max", "0")
    idle = hold(s, 3, spread=True)
    settle(s, 3)
    assert raw(s.host, s.port, b"", source="127.0.0.99", shut=False) == BUSY
    assert "3 unauthenticated connections (--max-startups 3:100:3)" in s.log
    close_all(idle)
    settle(s, 0)
    assert login(s.host, s.port, user.name, user.password) == OK


def test_max_startups_random_early_drop(server_with, user):
    # From START (2) on, each new connection is dropped with a probability
    # of 50 % (rising by 0.05 % per held connection): of 40 attempts the
    # first 2 are always held, and about half of the others.  (The
    # chance of fewer than 8 or more than 34 held is below 1e-5.)
    s = server_with("--max-startups", "2:50:1000", "--per-source-max", "0")
    socks = hold(s, 40, spread=True)
    assert wait_until(lambda: len(children(s.proc.pid)) +
                      len(refused_now(socks)[0]) == 40)
    refused, held = refused_now(socks)
    assert socks[0] in held and socks[1] in held
    assert 8 <= len(held) <= 34, len(held)
    for c in refused:
        assert read_all(c) == BUSY
    close_all(socks)
    settle(s, 0)


def test_max_sessions_counts_running_sessions(server_with, user):
    s = server_with("--max-sessions", "2")
    running = []
    for _ in range(2):
        c = connect(s.host, s.port)
        c.sendall(b"\0" + user.name.encode() + b"\0" +
                  user.password.encode() + b"\0cat\0")
        assert c.recv(1) == b"\0"
        running.append(c)
    assert login(s.host, s.port, user.name, user.password) == BUSY
    assert "2 connections served (--max-sessions 2)" in s.log
    running[0].shutdown(socket.SHUT_WR)       # cat ends, so does the session
    assert read_all(running[0]) == b""
    settle(s, 1)
    assert login(s.host, s.port, user.name, user.password) == OK
    close_all(running)


def test_32_simultaneous_sessions_from_one_host_with_the_defaults(
        server_with, user):
    s = server_with()
    socks = hold(s, 32)
    settle(s, 32)                   # all 32 unauthenticated at once
    # A 33rd while those wait: the per-source cap (32) answers it.
    assert raw(s.host, s.port, b"", shut=False) == BUSY
    for i, c in enumerate(socks):
        c.sendall(b"\0" + user.name.encode() + b"\0" +
                  user.password.encode() + b"\0" + f"echo {i}".encode() +
                  b"\0")
        c.shutdown(socket.SHUT_WR)
    for i, c in enumerate(socks):
        assert read_all(c) == f"\0{i}\n".encode()
    close_all(socks)
    assert s.log.count("login accepted") == 32


def test_idle_connections_from_one_host_take_32_slots_others_are_served(
        server_with, user):
    # 200 idle connections from one source with the default limits: 32 are
    # held until the grace time, 168 are answered at once; meanwhile
    # other hosts are served as usual.
    s = server_with()
    socks = hold(s, 200, source="127.0.0.66")
    all_answered(s, socks, 32)
    refused, held = refused_now(socks)
    assert (len(refused), len(held)) == (168, 32)
    for c in refused:
        assert read_all(c) == BUSY
    for i in range(10):
        assert login(s.host, s.port, user.name, user.password,
                     source=f"127.0.0.{100 + i}") == OK
    close_all(socks)
    settle(s, 0)


def test_200_idle_connections_from_10_hosts_held_while_an_11th_is_served(
        server_with, user):
    # A distributed slowloris under --per-source-max: 10 sources hold 20
    # idle connections each, with the default limits.  All 200 are held,
    # and every session from an eleventh address succeeds meanwhile.
    s = server_with()
    socks = []
    for i in range(10):
        socks += hold(s, 20, source=f"127.0.2.{i + 1}")
    all_answered(s, socks, 200)
    for i in range(10):
        assert login(s.host, s.port, user.name, user.password,
                     command=f"echo {i}", source="127.0.3.1") == \
            f"\0{i}\n".encode()
    settle(s, 200)
    assert refused_now(socks)[0] == []
    close_all(socks)
    settle(s, 0)
    assert s.log.count("login accepted") == 10


def test_full_slots_make_room_from_the_busiest_source(server_with, user):
    # With the slots full (a hard cap of 20, lowered to see it at work),
    # a newcomer from a source holding at least two fewer than the
    # busiest source is served by closing that source's oldest idle
    # connection; one from the busiest source itself is refused.
    s = server_with("--max-startups", "20")
    big = hold(s, 14, source="127.0.2.1")
    small = hold(s, 6, source="127.0.2.2")
    all_answered(s, big + small, 20)
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.3.1") == OK
    closed = "closed the oldest unauthenticated connection of the " \
        "busiest source, from 127.0.2.1 port "
    assert s.lines(closed) == [l for l in s.lines(closed) if
                               f"port {big[0].getsockname()[1]}, to serve "
                               "127.0.3.1 port " in l]
    assert len(s.lines(closed)) == 1
    assert read_all(big[0]) == b""
    # the session logged in and left: one slot free, taken by the busiest
    more = hold(s, 1, source="127.0.2.1")
    settle(s, 20)
    assert refused_now(more)[0] == []
    assert raw(s.host, s.port, b"", source="127.0.2.1", shut=False) == BUSY
    # the source holding 6 still gains a slot from the one holding 14
    more += hold(s, 1, source="127.0.2.2")
    assert s.wait_log(f"port {big[1].getsockname()[1]}, to serve 127.0.2.2")
    assert read_all(big[1]) == b""
    settle(s, 20)
    assert len(s.lines(closed)) == 2
    close_all(big + small + more)
    settle(s, 0)


def test_out_of_descriptors_pauses_accepting(server_with, user):
    s = server_with()
    pid = s.proc.pid
    limit = open(f"/proc/{pid}/limits").read()
    line = next(l for l in limit.splitlines() if l.startswith("Max open"))
    soft, hard = line.split()[3:5]
    assert soft == hard                      # raised at start
    nfds = fd_count(pid)
    subprocess.run(["prlimit", f"--pid={pid}", f"--nofile={nfds}:{hard}"],
                   check=True)
    c = connect(s.host, s.port)            # waits in the backlog
    c.sendall(b"\0" + user.name.encode() + b"\0" + user.password.encode() +
              b"\0echo ok\0")
    c.shutdown(socket.SHUT_WR)
    assert s.wait_log("accept: pausing for 1000 ms: Too many open files")
    t0 = cpu_ticks(pid)
    time.sleep(2)
    # Paused, not spinning: a busy loop would burn ~200 ticks here.
    assert cpu_ticks(pid) - t0 < 40
    assert len(s.lines("accept: pausing")) <= 4
    subprocess.run(["prlimit", f"--pid={pid}", f"--nofile={hard}:{hard}"],
                   check=True)
    assert read_all(c) == OK
    c.close()


def cpu_ticks(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def test_descriptor_limit_is_raised_for_the_listener_only(
        pam_service, user, tmp_path):
    argv = ["prlimit", "--nofile=1024:4096", *server_argv(pam_service.name)]
    s = Server(argv, tmp_path)
    try:
        lim = open(f"/proc/{s.proc.pid}/limits").read()
        assert "Max open files            4096                 4096" in lim
        assert login(s.host, s.port, user.name, user.password,
                     command="ulimit -Sn; ulimit -Hn") == b"\x001024\n4096\n"
    finally:
        s.stop()


def test_bad_limit_values_are_refused_at_start():
    for opt, val in [("--max-startups", "0"), ("--max-startups", "5:10:4"),
                     ("--max-startups", "1:101:5"), ("--max-startups", "1:2"),
                     ("--per-source-max", "-1"), ("--max-sessions", "0"),
                     ("--max-sessions", "x")]:
        r = subprocess.run([str(SERVER), opt, val, "-l", "127.0.0.1:0"],
                           capture_output=True, text=True, timeout=10)
        assert r.returncode == 2, (opt, val)
        assert f'{opt}: bad value "{val}"' in r.stderr
