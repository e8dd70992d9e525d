# SPDX-License-Identifier: BSD-2-Clause
"""Every process the server forks leaves with _exit(): the exit handlers
of a PAM module root loaded (pam_atexit.c records who runs them) never
run in the user's process, whether the session ran or the user's
process refused it, nor at the end of a connection process forked by
the listener; they run only as root, when pam_end() unloads the module.
And the relay cannot be traced by the user: its /proc files belong to
root."""
import os
import pathlib
import signal

import pytest

from rexectest import procs
from rexectest.accounts import build_pam_module
from rexectest.paths import SERVER
from rexectest.wire import Conn, rexec

HERE = pathlib.Path(__file__).parent


@pytest.fixture(scope="session")
def pam_atexit(tmp_path_factory):
    return build_pam_module(HERE / "pam_atexit.c",
                            tmp_path_factory.mktemp("pamatexit"))


@pytest.fixture
def recorded(make_server, make_pam, pam_atexit, public_dir, request):
    """A server whose PAM stack loads pam_atexit; returns (server, the
    record file)."""
    record = public_dir / "exits"
    record.touch()
    record.chmod(0o666)
    service = make_pam(f"auth optional {pam_atexit} {record}",
                       "auth required pam_unix.so nodelay",
                       "account required pam_unix.so",
                       "session required pam_unix.so")
    return make_server(request.param, extra=["--pam-service", service]), \
        record


def uids(record):
    return [int(line.split()[2]) for line in record.read_text().split("\n")
            if line]


@pytest.mark.parametrize("recorded", ["standalone", "inetd"],
                         indirect=True)
def test_no_exit_handler_runs_in_the_users_process(recorded, users):
    server, record = recorded
    u = users.make()
    homeless = users.make(home=False)
    r = rexec(server.host, server.port, u.name, u.password, "echo ok")
    assert r.primary == b"\x00ok\n"
    # refused by the user's process itself, after it dropped root
    r = rexec(server.host, server.port, homeless.name, homeless.password,
              "echo ok")
    assert r.primary == b"\x01No remote directory.\n"
    r = rexec(server.host, server.port, u.name, "wrong", "true")
    assert r.primary == b"\x01Login incorrect.\n"
    if server.mode == "standalone":
        # the listener preloaded the module: pam_end() never unloads it
        assert procs.wait_until(
            lambda: server.log.count("connection process") >= 3)
        assert uids(record) == []
    else:
        # each connection process unloads it in pam_end(), as root
        assert procs.wait_until(lambda: len(uids(record)) >= 3)
        assert uids(record) == [0, 0, 0]


def test_relay_is_not_dumpable(standalone, user):
    with Conn(standalone.host, standalone.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "exec sleep 30")
        assert c.read_until(b"\x00") == b"\x00"
        sleeps = procs.wait_until(lambda: [
            p for p in procs.pids_of_uid(user.uid)
            if procs.cmdline(p)[:1] == [b"sleep"]])
        assert len(sleeps) == 1
        sleep = sleeps[0]
        relays = [p for p in procs.pids_of_uid(user.uid)
                  if os.readlink(f"/proc/{p}/exe") == str(SERVER.resolve())]
        assert relays == [procs.ppid(sleep)]
        # a non-dumpable process's /proc files are root's, the
        # command's (dumpable again after its execve) the user's
        assert os.stat(f"/proc/{relays[0]}/fd").st_uid == 0
        assert os.stat(f"/proc/{relays[0]}/status").st_uid == 0
        assert os.stat(f"/proc/{sleep}/fd").st_uid == user.uid
        os.kill(sleep, signal.SIGKILL)
        c.read_all(timeout=10)
