# SPDX-License-Identifier: BSD-2-Clause
"""Every refusal, byte for byte: one text for every authentication
failure, and the errors found after authentication (home directory,
shell) before the status byte, with nothing in front of them."""
import os
import socket

import pytest

from rexectest.accounts import run
from rexectest.wire import Conn, rexec

LOGIN_INCORRECT = b"\x01Login incorrect.\n"


def refused(server, name, password):
    return rexec(server.host, server.port, name, password, "echo ran").primary


def test_wrong_password(server, user):
    assert refused(server, user.name, user.password + "x") == LOGIN_INCORRECT


def test_unknown_user(server):
    assert refused(server, "rxtnosuchuser", "Pw-0123456789") == \
        LOGIN_INCORRECT


def test_empty_password_given(server, user):
    assert refused(server, user.name, "") == LOGIN_INCORRECT


def test_account_without_password_is_refused(server, users):
    # An empty password in /etc/shadow: no empty answer may open it.
    u = users.make(password="")
    assert refused(server, u.name, "") == LOGIN_INCORRECT
    assert server.wait_log(f'login refused for user "{u.name}"')


def test_root_is_refused_even_with_the_right_password(server, users):
    # A second uid-0 account with a known password stands in for root.
    u = users.make(uid=0)
    assert refused(server, u.name, u.password) == LOGIN_INCORRECT
    assert server.wait_log(
        f'login refused for user "{u.name}" from 127.0.0.1 port')


def test_root_logs_in_with_allow_root(make_server, users):
    server = make_server("standalone", extra=["--allow-root"])
    u = users.make(uid=0)
    r = rexec(server.host, server.port, u.name, u.password, "id -u")
    assert r.primary == b"\x000\n"


def test_real_root_is_refused(server):
    # Whatever root's password is, the answer is the same.
    assert refused(server, "root", "Pw-0123456789") == LOGIN_INCORRECT


@pytest.mark.parametrize("lock", [
    ["usermod", "-L"],          # locked password
    ["usermod", "-e", "1"],     # account expired on 1970-01-02
    ["chage", "-E", "0"],       # account expired on 1970-01-01
    ["chage", "-d", "0"],       # password must be changed first
], ids=["locked", "usermod-expired", "chage-expired", "must-change"])
def test_account_state_refused(server, user, lock):
    run(*lock, user.name)
    assert refused(server, user.name, user.password) == LOGIN_INCORRECT


def test_account_state_is_checked_after_a_good_password(server, user):
    # The same user logs in before the change: the state is the cause.
    assert rexec(server.host, server.port, user.name, user.password,
                 "echo ran").primary == b"\x00ran\n"
    run("chage", "-d", "0", user.name)
    assert refused(server, user.name, user.password) == LOGIN_INCORRECT
    assert server.wait_log(f'login refused for user "{user.name}"')


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_missing_home_directory(server, users, errchan):
    u = users.make(home=False)
    r = rexec(server.host, server.port, u.name, u.password, "echo ran",
              errchan=errchan)
    assert r.primary == b"\x01No remote directory.\n"
    assert r.stderr == b""


def test_home_directory_the_user_cannot_enter(server, user):
    os.chown(user.home, 0, 0)
    os.chmod(user.home, 0o700)
    assert refused(server, user.name, user.password) == \
        b"\x01No remote directory.\n"


def test_missing_shell(server, users):
    u = users.make(shell="/nonexistent/sh")
    assert refused(server, u.name, u.password) == \
        b"\x01/nonexistent/sh: No such file or directory\n"


def test_shell_that_is_not_executable(server, users, public_dir):
    shell = public_dir / "sh"
    shell.write_text("#!/bin/sh\nexec /bin/sh \"$@\"\n")
    shell.chmod(0o644)
    u = users.make(shell=str(shell))
    assert refused(server, u.name, u.password) == \
        b"\x01%s: Permission denied\n" % str(shell).encode()


def test_shell_that_execve_rejects_fails_after_the_status_byte(
        server, users, public_dir):
    # Executable, but not a program (no "#!"): only execve() can tell.
    # The status byte is already out; the traditional "shell: reason"
    # line follows on stderr, here merged into the primary socket.
    shell = public_dir / "sh"
    shell.write_bytes(b"\x7fnot a program\n")
    shell.chmod(0o755)
    u = users.make(shell=str(shell))
    assert refused(server, u.name, u.password) == \
        b"\x00%s: Exec format error\n" % str(shell).encode()
    # and the server's log says so (the user's process writes it)
    assert server.wait_log(
        f'user "{u.name}": cannot start {shell}: Exec format error')


def test_empty_shell_field_runs_bin_sh(server, users):
    u = users.make(shell="")
    r = rexec(server.host, server.port, u.name, u.password,
              'echo "$0 $SHELL"')
    assert r.primary == b"\x00sh /bin/sh\n"


def test_refusals_before_login_have_a_word_scanners_know(server, user):
    # Nmap's rexec-brute calls a login valid unless the reply contains
    # incorrect, failed, denied, invalid or bad.  (The "too long" texts
    # are fixed by the Solaris page; no brute forcer sends such fields.)
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))
        texts = [
            refused(server, user.name, user.password + "x"),
            refused(server, "rxtnosuchuser", "x"),
            rexec(server.host, server.port, user.name, user.password, "true",
                  port_field=b"x").primary,
            rexec(server.host, server.port, user.name, user.password, "true",
                  port_field=b"%d" % dead.getsockname()[1]).primary,
        ]
    for text in texts:
        assert text.startswith(b"\x01")
        assert any(w in text.lower() for w in
                   (b"incorrect", b"failed", b"denied", b"invalid", b"bad"))


def test_shell_that_is_a_directory(server, users, public_dir):
    # access(X_OK) says yes to a directory; execve() says no.  The check
    # must be made before the status byte all the same.
    u = users.make(shell=str(public_dir))
    assert refused(server, u.name, u.password) == \
        b"\x01%s: Permission denied\n" % str(public_dir).encode()


PAM_AUTH = ["auth required pam_unix.so nodelay",
            "account required pam_unix.so"]


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_pam_session_refused_is_try_again(make_server, make_pam, user, mode):
    # Authenticated, but the session cannot be opened.
    service = make_pam(*PAM_AUTH, "session required pam_deny.so")
    server = make_server(mode, extra=["--pam-service", service])
    assert refused(server, user.name, user.password) == b"\x01Try again.\n"


def test_pam_account_refusal_is_login_incorrect(make_server, make_pam, user):
    service = make_pam("auth required pam_unix.so nodelay",
                       "account required pam_deny.so",
                       "session required pam_unix.so")
    server = make_server("standalone", extra=["--pam-service", service])
    assert refused(server, user.name, user.password) == LOGIN_INCORRECT


def test_pam_module_failing_is_login_incorrect(make_server, make_pam, user):
    # A module that errors out (not a plain "no") reads the same.
    service = make_pam("auth required pam_unix.so nodelay",
                       "auth required pam_exec.so quiet /bin/false",
                       "account required pam_unix.so",
                       "session required pam_unix.so")
    server = make_server("standalone", extra=["--pam-service", service])
    assert refused(server, user.name, user.password) == LOGIN_INCORRECT


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_login_grace_time(make_server, mode):
    # A client that sends nothing is told and dropped when the grace
    # time (1 s here) is over.
    server = make_server(mode, extra=["--login-grace-time", "1"])
    with Conn(server.host, server.port) as c:
        assert c.read_all(timeout=10) == \
            b"\x01Login timed out: access denied.\n"
    assert server.wait_log("while reading the port")


def test_empty_user_name(server):
    # No account has an empty name: the same answer as for any other.
    assert refused(server, "", "Pw-0123456789") == LOGIN_INCORRECT
