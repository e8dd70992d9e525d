# SPDX-License-Identifier: BSD-2-Clause
"""Refusals every client can read: a client that asked for a stderr
channel waits in accept() for the connect-back before it reads anything,
so the listener connects back (to the client's own address, without
blocking) before it sends the refusal.  glibc's own client, rexec_af()
(tests/e2e/glibc_rexec.c), with a stderr channel, is refused by the
penalty, by --deny, by the per-source cap and by the startups cap: each
time it prints the refusal and returns.  (Before, it hung in accept().)
The test's timeout only bounds a hang; no time is asserted.
"""
import socket
import subprocess

import pytest

from rexectest.paths import GLIBC_REXEC
from rexectest.procs import children, wait_until
from rexectest.wire import connect

pytestmark = pytest.mark.skipif(not GLIBC_REXEC.exists(),
                                reason="build/glibc_rexec not built")


def glibc(s, user, password, tmp_path, fd2=True):
    """Runs glibc_rexec against s from 127.0.0.1; (rc, stdout, stderr)."""
    argv = [str(GLIBC_REXEC)] + (["-e"] if fd2 else []) + [
        s.host, str(s.port), user.name, password, "echo ran"]
    p = subprocess.run(argv, capture_output=True, timeout=60,
                       env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    return p.returncode, p.stdout, p.stderr


def refused(text):
    return (1, b"", text.encode() + b"\n")


@pytest.mark.parametrize("fail_delay", ["0", "1"], ids=["at-once", "held"])
def test_penalty_refusal_is_read_by_glibc(server_with, user, tmp_path,
                                          fail_delay):
    s = server_with("--penalty", "authfail:200,min:150,max:6000",
                    fail_delay=fail_delay)
    assert glibc(s, user, "wrong-Pw-1", tmp_path) == \
        refused("Login incorrect.")
    assert s.wait_log("source 127.0.0.1 enters penalty")
    assert wait_until(lambda: children(s.proc.pid) == [])
    assert glibc(s, user, user.password, tmp_path) == \
        refused("Too many failures: access denied.")
    assert glibc(s, user, user.password, tmp_path, fd2=False) == \
        refused("Too many failures: access denied.")


def test_deny_refusal_is_read_by_glibc(server_with, user, tmp_path):
    s = server_with("--deny", "127.0.0.1")
    assert glibc(s, user, user.password, tmp_path) == \
        refused("Address not allowed: access denied.")


def test_per_source_refusal_is_read_by_glibc(server_with, user, tmp_path):
    s = server_with()
    idle = [connect(s.host, s.port) for _ in range(32)]
    assert wait_until(lambda: len(children(s.proc.pid)) == 32)
    assert glibc(s, user, user.password, tmp_path) == \
        refused("Too many connections: access denied.")
    assert s.lines("(--per-source-max 32)")
    for c in idle:
        c.close()


def test_startups_refusal_is_read_by_glibc(server_with, user, tmp_path):
    s = server_with("--max-startups", "3")
    idle = [connect(s.host, s.port, source=f"127.0.4.{i + 1}")
            for i in range(3)]
    assert wait_until(lambda: len(children(s.proc.pid)) == 3)
    assert glibc(s, user, user.password, tmp_path) == \
        refused("Too many connections: access denied.")
    assert s.lines("(--max-startups 3:100:3)")
    for c in idle:
        c.close()


def test_connect_back_goes_to_the_clients_own_address_only(server_with,
                                                            user):
    # The port field is all the listener reads; it connects to that port
    # at the address the connection came from, and nowhere else.
    s = server_with("--deny", "127.0.0.77")
    lst = socket.socket()
    lst.bind(("127.0.0.77", 0))
    lst.listen(1)
    other = socket.socket()
    other.bind(("127.0.0.78", lst.getsockname()[1]))
    other.listen(1)
    c = connect(s.host, s.port, source="127.0.0.77")
    c.sendall(str(lst.getsockname()[1]).encode() + b"\0")
    lst.settimeout(30)
    back, addr = lst.accept()
    assert addr[0] == "127.0.0.1"            # from the server's address
    assert c.recv(100) == b"\x01Address not allowed: access denied.\n"
    assert back.recv(10) == b""              # nothing on the channel
    other.settimeout(0.5)
    with pytest.raises(socket.timeout):
        other.accept()
    for x in (c, back, lst, other):
        x.close()
