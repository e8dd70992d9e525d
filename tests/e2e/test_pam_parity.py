# SPDX-License-Identifier: BSD-2-Clause
"""What PAM modules see and what the log says when PAM refuses.

PAM_TTY is "rexec"; the refusal's log line names the PAM stage that
refused (authentication, account, session) while the client gets the one
refusal text; the commented lines of the shipped PAM file
(contrib/pam.d/rexec) for /etc/ftpusers and /etc/shells work once
uncommented; --check-shell refuses shells missing from /etc/shells.
"""
import re
import shutil

import pytest

from rexectest.accounts import run
from rexectest.paths import ROOT
from rexectest.server import PENALTY_OFF, server_argv
from rexectest.wire import LOGIN_INCORRECT, rexec
UNIX = ["auth required pam_unix.so nodelay",
        "account required pam_unix.so",
        "session required pam_unix.so"]
SHIPPED = ROOT / "contrib" / "pam.d" / "rexec"


def session(server, u, password=None, command="echo ran"):
    return rexec(server.host, server.port, u.name,
                 u.password if password is None else password,
                 command).primary


def refusal_line(server, u):
    """The end of the log line that refused u's login."""
    assert server.wait_log(f'login refused for user "{u.name}"')
    line = next(l for l in server.log.splitlines()
                if f'login refused for user "{u.name}"' in l)
    return re.sub(r'^.* from 127\.0\.0\.1 port \d+: ', "", line)


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_pam_tty_is_rexec(make_server, make_pam, user, public_dir, mode):
    dump = public_dir / "tty"
    hook = public_dir / "hook.sh"
    hook.write_text(f'#!/bin/sh\necho "$PAM_TYPE $PAM_TTY" >> {dump}\n')
    hook.chmod(0o755)
    service = make_pam(f"auth required pam_exec.so {hook}", UNIX[0],
                       f"account required pam_exec.so {hook}", UNIX[1],
                       f"session required pam_exec.so {hook}", UNIX[2])
    server = make_server(mode, extra=["--pam-service", service])
    assert session(server, user) == b"\x00ran\n"
    assert dump.read_text().splitlines()[:3] == [
        "auth rexec", "account rexec", "open_session rexec"]


def test_pam_tty_rule_lets_rexec_in(make_server, make_pam, user):
    # An account rule on the terminal, as pam_securetty setups have.
    service = make_pam(UNIX[0], "account required pam_succeed_if.so "
                       "quiet tty = rexec", UNIX[1], UNIX[2])
    server = make_server("standalone", extra=["--pam-service", service])
    assert session(server, user) == b"\x00ran\n"


def test_stage_authentication(make_server, make_pam, user):
    server = make_server("standalone", extra=["--pam-service",
                                              make_pam(*UNIX)])
    assert session(server, user, password="Wrong-pw1") == LOGIN_INCORRECT
    assert refusal_line(server, user) == \
        "PAM authentication: Authentication failure"


def test_stage_account(make_server, make_pam, user):
    server = make_server("standalone", extra=["--pam-service",
                                              make_pam(*UNIX)])
    run("usermod", "-e", "1", user.name)
    assert session(server, user) == LOGIN_INCORRECT
    assert refusal_line(server, user) == \
        "PAM account: User account has expired"


def test_stage_session(make_server, make_pam, user):
    service = make_pam(UNIX[0], UNIX[1], "session required pam_deny.so")
    server = make_server("standalone", extra=["--pam-service", service])
    assert session(server, user) == b"\x01Try again.\n"
    assert server.wait_log(f'user "{user.name}" from 127.0.0.1 port ')
    assert re.search(r'session refused: PAM session: \S', server.log)


def test_nologin_is_named(make_pam, user, start_server):
    # /run/nologin in a mount namespace of the server's own (a private
    # tmpfs on /run), so the machine's logins are not affected.
    if shutil.which("unshare") is None:
        pytest.skip("unshare not installed")
    service = make_pam(UNIX[0], "account requisite pam_nologin.so",
                       UNIX[1], UNIX[2])
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
            'mount -t tmpfs rxtrun /run && echo closed > /run/nologin && '
            'exec "$@"', "sh", *server_argv(service, *PENALTY_OFF)]
    server = start_server(argv)
    assert session(server, user) == LOGIN_INCORRECT
    assert refusal_line(server, user) == \
        "PAM account: Authentication failure (/run/nologin exists)"


def shipped_line(module):
    """The commented line of the shipped PAM file for module, active."""
    lines = [l[1:] for l in SHIPPED.read_text().splitlines()
             if l.startswith("#auth") and module in l]
    assert len(lines) == 1, lines
    return lines[0]


def test_shipped_ftpusers_line(make_server, make_pam, users, public_dir):
    listed, other = users.make(), users.make()
    ftpusers = public_dir / "ftpusers"
    ftpusers.write_text(f"root\n{listed.name}\n")
    line = shipped_line("pam_listfile.so")
    assert "file=/etc/ftpusers" in line
    service = make_pam(line.replace("/etc/ftpusers", str(ftpusers)), *UNIX)
    server = make_server("standalone", extra=["--pam-service", service])
    assert session(server, listed) == LOGIN_INCORRECT
    assert refusal_line(server, listed).startswith("PAM authentication: ")
    assert session(server, other) == b"\x00ran\n"


def unlisted_shell(public_dir):
    """A working shell that /etc/shells does not list."""
    sh = public_dir / "sh"
    shutil.copy("/bin/sh", sh)
    sh.chmod(0o755)
    assert str(sh) not in open("/etc/shells").read().split()
    return str(sh)


def test_shipped_shells_line(make_server, make_pam, users, public_dir):
    odd = users.make(shell=unlisted_shell(public_dir))
    usual = users.make(shell="/bin/sh")
    service = make_pam(shipped_line("pam_shells.so"), *UNIX)
    server = make_server("standalone", extra=["--pam-service", service])
    assert session(server, odd) == LOGIN_INCORRECT
    assert refusal_line(server, odd).startswith("PAM authentication: ")
    assert session(server, usual) == b"\x00ran\n"


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_check_shell_option(make_server, users, public_dir, mode):
    shell = unlisted_shell(public_dir)
    odd = users.make(shell=shell)
    usual = users.make(shell="/bin/sh")
    plain = make_server(mode)
    assert session(plain, odd) == b"\x00ran\n"   # not checked by default
    server = make_server(mode, extra=["--check-shell"])
    assert session(server, odd) == LOGIN_INCORRECT
    assert refusal_line(server, odd) == f"shell {shell} not in /etc/shells"
    assert session(server, usual) == b"\x00ran\n"
