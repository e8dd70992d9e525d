# SPDX-License-Identifier: BSD-2-Clause
"""Successful logins under the wrappers: the bytes, the command's world,
the stderr channel, and which fake uid the server logged in."""
import signal

import pytest
from rexectest.wire import Conn, rexec


def env_of(output):
    """Parses `env` output into a dict."""
    return dict(line.split("=", 1) for line in output.decode().splitlines())


def test_success_byte_then_output(server, world):
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password,
              "printf 'hello\\n'")
    assert r.primary == b"\x00hello\n"
    assert r.stderr == b""


def test_command_environment_is_the_accounts(server, world):
    """HOME, USER, LOGNAME, SHELL and PATH come from the fake account;
    the PAM session's variable (pam_matrix sets HOMEDIR) is passed on;
    nothing of the server's own environment (the wrappers) leaks."""
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password, "env")
    assert r.status == b"\x00"
    env = env_of(r.output)
    assert env["HOME"] == u.home
    assert env["USER"] == u.name
    assert env["LOGNAME"] == u.name
    assert env["SHELL"] == "/bin/sh"
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"
    assert env["HOMEDIR"] == f"/home/{u.name}"
    leaked = [k for k in env if k.startswith(("LD_", "UID_WRAPPER",
                                              "NSS_WRAPPER", "PAM_WRAPPER"))]
    assert leaked == []


def test_cwd_is_the_fake_home(server, world):
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password, "pwd -P")
    assert r.primary == b"\x00" + u.home.encode() + b"\n"


def test_second_user_gets_its_own_account(server, world):
    o = world.other
    r = rexec(server.host, server.port, o.name, o.password,
              'echo "$USER $LOGNAME $HOME"; pwd -P')
    line = f"{o.name} {o.name} {o.home}\n{o.home}\n".encode()
    assert r.primary == b"\x00" + line
    assert server.wait_log(f'login accepted for user "{o.name}" '
                           f"(uid {o.uid}) from 127.0.0.1 port ")


def test_only_fds_0_1_2(server, world):
    """Whatever the wrappers or PAM opened in the server is not passed
    on (ls itself opens fd 3 to read the directory)."""
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password,
              "ls /proc/self/fd")
    assert r.primary == b"\x000\n1\n2\n3\n"


def test_stdin_round_trip(server, world):
    u = world.user
    data = bytes(range(256)) * 1024
    r = rexec(server.host, server.port, u.name, u.password, "cat",
              stdin=data)
    assert r.primary == b"\x00" + data


def test_stderr_channel_is_separate(server, world):
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password,
              "echo out; echo err >&2", errchan=True)
    assert r.primary == b"\x00out\n"
    assert r.stderr == b"err\n"


def test_without_channel_stderr_joins_stdout(server, world):
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password,
              "echo out; echo err >&2")
    assert r.primary == b"\x00out\nerr\n"


def test_signal_byte_reaches_the_command(server, world):
    """The relay (dropped to the fake uid) forwards SIGTERM to the
    command's group: the command ends before its second echo."""
    u = world.user
    with Conn(server.host, server.port) as c:
        c.open_stderr()
        c.send_creds(u.name, u.password, "echo ready; sleep 20; echo late")
        assert c.read_until(b"ready\n") == b"\x00ready\n"
        c.err.sendall(bytes([signal.SIGTERM]))
        r = c.read_both()
    assert r.primary == b""
    assert r.stderr == b""


def test_log_names_the_fake_uid_and_the_session(server, world):
    u = world.user
    r = rexec(server.host, server.port, u.name, u.password, "true")
    assert r.primary == b"\x00"
    assert server.wait_log(f'login accepted for user "{u.name}" '
                           f"(uid {u.uid}) from 127.0.0.1 port ")
    assert server.wait_log(f'session closed for user "{u.name}" '
                           "from 127.0.0.1 port ")
    assert server.exit_codes() == [0]
    assert "login refused" not in server.log


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_allow_root_lets_fake_root_in(make_server, world, mode):
    s = make_server(mode, extra=["--allow-root"])
    root = world.root
    r = rexec(s.host, s.port, "root", root.password,
              'echo "$USER $HOME"; pwd -P')
    assert r.primary == f"\x00root {root.home}\n{root.home}\n".encode()
    assert s.wait_log('login accepted for user "root" (uid 0) '
                      "from 127.0.0.1 port ")
