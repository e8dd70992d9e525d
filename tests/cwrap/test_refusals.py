# SPDX-License-Identifier: BSD-2-Clause
"""Refused logins under the wrappers: one answer for every cause, the
reason only in the log, and the per-connection process's exit code
(3 for a refused login).  A failure in the user's process (home,
shell) is still answered with its own text, and the PAM session the
root process opened is closed."""
import pytest

from rexectest.wire import rexec

LOGIN_INCORRECT = b"\x01Login incorrect.\n"


def refused(server, user, password, reason):
    """Asserts the exact refusal, its log line and exit code 3."""
    r = rexec(server.host, server.port, user, password, "echo ran")
    assert r.primary == LOGIN_INCORRECT
    assert server.wait_log(f'login refused for user "{user}" from '
                           f"127.0.0.1 port ")
    line = next(l for l in server.log.splitlines()
                if f'login refused for user "{user}"' in l)
    assert line.endswith(": " + reason)
    assert server.exit_codes() == [3]
    assert "login accepted" not in server.log


def test_wrong_password(server, world):
    u = world.user
    refused(server, u.name, u.password[:-1] + "#", "Authentication failure")


def test_unknown_user(server, world):
    refused(server, "rxtnobody" + world.service[-4:], "Pw-0123456789",
            "Authentication failure")


def test_empty_password(server, world):
    refused(server, world.user.name, "", "empty password")


def test_root_refused_even_with_its_password(server, world):
    refused(server, "root", world.root.password, "root login refused")


def test_account_check_is_enforced(server, world):
    """pam_matrix's account step refuses a user whose entry names
    another service, after a successful authentication."""
    w = world.wrongsvc
    r = rexec(server.host, server.port, w.name, w.password, "echo ran")
    assert r.primary == LOGIN_INCORRECT
    assert server.wait_log(f'login refused for user "{w.name}"')
    assert server.exit_codes() == [3]


def test_known_to_pam_but_not_to_nss(server, world):
    g = world.ghost
    refused(server, g.name, g.password, "no such account after PAM")


def test_missing_home(server, world):
    u = world.nohome
    r = rexec(server.host, server.port, u.name, u.password, "echo ran")
    assert r.primary == b"\x01No remote directory.\n"
    assert server.wait_log(f'user "{u.name}": home directory {u.home}: '
                           "No such file or directory")
    assert server.wait_log(f'session closed for user "{u.name}"')


@pytest.mark.parametrize("key,reason", [
    ("badshell", "No such file or directory"),
    ("noexec", "Permission denied"),
])
def test_shell_that_cannot_start(server, world, key, reason):
    u = getattr(world, key)
    r = rexec(server.host, server.port, u.name, u.password, "echo ran")
    assert r.primary == f"\x01{u.shell}: {reason}\n".encode()
    assert server.wait_log(f'user "{u.name}": {u.shell}: {reason}')
    assert server.wait_log(f'session closed for user "{u.name}"')


def test_refusal_text_does_not_depend_on_the_cause(server, world):
    """Wrong password, unknown user and root: byte-identical answers."""
    u = world.user
    answers = {rexec(server.host, server.port, name, pw, "true").primary
               for name, pw in ((u.name, "Pw-wrongwrong1"),
                                ("rxtabsent", "Pw-wrongwrong1"),
                                ("root", world.root.password))}
    assert answers == {LOGIN_INCORRECT}


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_unknown_pam_service_denies(make_server, world, mode):
    """--pam-service names a service with no file: libpam falls back to
    "other" (pam_deny here), and the user is refused like any other."""
    s = make_server(mode, extra=["--pam-service", "rxt-no-such-service"])
    u = world.user
    r = rexec(s.host, s.port, u.name, u.password, "echo ran")
    assert r.primary == LOGIN_INCORRECT
    assert s.wait_log(f'login refused for user "{u.name}"')
    assert s.exit_codes() == [3]
