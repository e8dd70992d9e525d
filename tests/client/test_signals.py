# SPDX-License-Identifier: BSD-2-Clause
"""Signals: forwarded as bytes on the stderr channel, a second one ends."""
import signal
import subprocess
import threading

import pytest

from rexectest.client import RUN_TIMEOUT, client_env
from rexectest.fake import Fake, handshake
from rexectest.paths import REXEC
from rexectest.procs import kill_uid


def start(args, home, password):
    return subprocess.Popen([str(REXEC), *map(str, args)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            env=client_env(home, password))


def send_and_wait(p, sig):
    """Sends sig and waits until it is no longer pending, so the next one
    is a separate delivery rather than merged with it."""
    p.send_signal(sig)
    bit = 1 << (sig - 1)
    for _ in range(500):
        with open(f"/proc/{p.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        if not any(int(fields[k], 16) & bit for k in ("SigPnd", "ShdPnd")):
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"signal {sig} still pending")


def finish(p):
    try:
        out, err = p.communicate(timeout=RUN_TIMEOUT)
    finally:
        p.kill()
    return p.returncode, out, err


def test_signals_are_forwarded_as_bytes(home):
    got = []
    arrived = threading.Condition()

    def script(fake, conn):
        err = handshake(fake, conn)
        conn.sendall(b"ready\n")
        while len(got) < 5:
            b = err.recv(1)
            if not b:
                break
            with arrived:
                got.append(b[0])
                arrived.notify()
        conn.sendall(b"bye\n")
        err.close()

    sigs = [signal.SIGINT, signal.SIGQUIT, signal.SIGQUIT, signal.SIGTERM,
            signal.SIGHUP]
    with Fake(script) as f:
        p = start(["-p", f.port, "-l", "u", f.host, "cmd"], home, "pw")
        assert p.stdout.readline() == b"ready\n"
        for i, sig in enumerate(sigs):
            p.send_signal(sig)
            with arrived:
                assert arrived.wait_for(lambda: len(got) > i, 20)
        rc, out, err = finish(p)
    assert got == [2, 3, 3, 15, 1]
    assert (rc, out, err) == (0, b"bye\n", b"")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM,
                                 signal.SIGHUP])
def test_second_signal_ends_the_client(server, user, home, sig):
    # The remote command ignores the signal (netkit would not deliver it
    # anyway), so only the client's own rule can end it.
    p = start(["-p", server.port, "-l", user.name, server.host,
               f"trap '' {sig.name[3:]}; echo ready; sleep 30"], home,
              user.password)
    assert p.stdout.readline() == b"ready\n"
    send_and_wait(p, sig)
    send_and_wait(p, sig)
    rc, out, err = finish(p)
    kill_uid(user.uid)  # the remote sleep, left behind
    assert (rc, out, err) == (-sig, b"", b"")


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130),
                                        (signal.SIGTERM, 143)])
def test_forwarded_signal_ends_the_remote_command(server, user, home, sig,
                                                  status):
    if not server.relays_signals:
        pytest.skip("netkit in.rexecd does not relay signals")
    for flags, code in (([], 0), (["-S"], status)):
        p = start(["-p", server.port, "-l", user.name, *flags, server.host,
                   "echo ready; sleep 30; echo not reached"], home,
                  user.password)
        assert p.stdout.readline() == b"ready\n"
        p.send_signal(sig)
        rc, out, err = finish(p)
        assert (rc, out, err) == (code, b"", b"")


def test_without_stderr_channel_signals_act_locally(server, user, home):
    p = start(["-N", "-p", server.port, "-l", user.name, server.host,
               "echo ready; sleep 30"], home, user.password)
    assert p.stdout.readline() == b"ready\n"
    p.send_signal(signal.SIGINT)
    rc, out, err = finish(p)
    assert (rc, out, err) == (-signal.SIGINT, b"", b"")


def test_one_signal_to_a_command_that_ignores_it(server, user, home):
    # netkit never reads the stderr channel, so the byte we sent is
    # unread when the command exits and the channel ends in a reset:
    # the session still ends cleanly.
    p = subprocess.Popen([str(REXEC), "-p", str(server.port), "-l",
                          user.name, server.host,
                          "trap '' INT; echo ready; read x; echo done $x"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE,
                         env=client_env(home, user.password))
    assert p.stdout.readline() == b"ready\n"
    send_and_wait(p, signal.SIGINT)
    p.stdin.write(b"go\n")
    p.stdin.close()
    p.stdin = None
    rc, out, err = finish(p)
    assert (rc, out, err) == (0, b"done go\n", b"")
