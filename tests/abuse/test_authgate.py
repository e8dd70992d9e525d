# SPDX-License-Identifier: BSD-2-Clause
"""Password checks go to users first: sources that have not logged in
recently check passwords one at a time (--max-untrusted-auths, here 1),
waiting their turn in the order they asked; a source that logged in
recently never waits behind them.

The PAM stack blocks the check of one source (127.0.0.50) until the test
lets it go, through a file, so the order is seen without any timing.
"""
import socket

import pytest

from rexectest.accounts import write_pam_service
from rexectest.procs import children, wait_until
from rexectest.wire import BAD_PORT, PENALISED, connect, login, raw, read_all

OK = b"\x00ok\n"


@pytest.fixture
def blocking_pam(tmp_path):
    script = tmp_path / "block.sh"
    release = tmp_path / "release"
    started = tmp_path / "started"
    script.write_text(
        "#!/bin/sh\n"
        "[ \"$PAM_RHOST\" = 127.0.0.50 ] || exit 0\n"
        f"touch {started}\n"
        "i=0\n"
        f"while [ ! -e {release} ] && [ $i -lt 600 ]; do\n"
        "    sleep 0.05; i=$((i + 1))\n"
        "done\n")
    script.chmod(0o755)
    tmp_path.chmod(0o755)
    svc = write_pam_service(f"auth required pam_exec.so quiet {script}",
                            "auth required pam_unix.so nodelay",
                            "account required pam_unix.so",
                            "session required pam_unix.so")
    yield svc, started, release
    svc.path.unlink()


def send_login(s, user, source):
    c = connect(s.host, s.port, source=source)
    c.sendall(b"\0" + user.name.encode() + b"\0" + user.password.encode() +
              b"\0echo ok\0")
    c.shutdown(socket.SHUT_WR)
    return c


def test_strangers_wait_their_turn_known_users_do_not(server_with, user,
                                                      blocking_pam):
    pam, started, release = blocking_pam
    s = server_with("--max-untrusted-auths", "1", pam=pam)
    # 127.0.0.60 logs in once: trusted from now on
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.60") == OK
    first = send_login(s, user, "127.0.0.50")      # checks, and blocks
    assert wait_until(started.exists)
    second = send_login(s, user, "127.0.0.51")     # a stranger: waits
    assert s.wait_log("waits for a password check (1 running, 1 waiting)")
    # the trusted source is served while both strangers wait
    for _ in range(3):
        assert login(s.host, s.port, user.name, user.password,
                     source="127.0.0.60") == OK
    assert len(s.lines("login accepted")) == 4
    assert [l for l in s.lines("login accepted") if "127.0.0.5" in l] == []
    release.touch()
    assert read_all(first) == OK
    assert read_all(second) == OK
    order = [l for l in s.lines("login accepted") if "127.0.0.5" in l]
    assert "127.0.0.50" in order[0] and "127.0.0.51" in order[1]
    first.close()
    second.close()
    assert wait_until(lambda: children(s.proc.pid) == [])


def test_a_waiting_check_whose_source_is_penalised_meanwhile_is_refused(
        server_with, user, blocking_pam):
    pam, started, release = blocking_pam
    s = server_with("--max-untrusted-auths", "1", "--penalty",
                    "noauth:10,min:150,max:6000", pam=pam)
    first = send_login(s, user, "127.0.0.50")      # checks, and blocks
    assert wait_until(started.exists)
    waiting = send_login(s, user, "127.0.0.52")    # waits its turn
    assert s.wait_log("waits for a password check (1 running, 1 waiting)")
    # meanwhile its source earns a penalty with refused handshakes
    for _ in range(16):
        assert raw(s.host, s.port, b"x\0", source="127.0.0.52") == BAD_PORT
    assert s.wait_log("source 127.0.0.52 enters penalty")
    release.touch()
    assert read_all(first) == OK
    assert read_all(waiting) == PENALISED
    assert s.lines("refused connection from 127.0.0.52 port "
                   f"{waiting.getsockname()[1]}: source penalised")
    assert not [l for l in s.lines("login accepted") if "127.0.0.52" in l]
    first.close()
    waiting.close()
    assert wait_until(lambda: children(s.proc.pid) == [])
