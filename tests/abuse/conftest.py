"""Fixtures for the abuse tests of in.rexecd (root: real users, real PAM).

The users and the private PAM service come from the end-to-end fixtures
(tests/e2e/conftest.py), loaded here under a name of their own.  The
server under test is started here, with exactly the options a test gives,
and so is a PAM stack that keeps pam_unix's own failure delay.  Clients
and /proc views are in abuselib.py.
"""
import importlib.util
import os
import pathlib
import secrets
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
E2E = HERE.parent / "e2e"
sys.path.insert(0, str(E2E))
sys.path.insert(0, str(HERE))

import abuseserver  # noqa: E402

_spec = importlib.util.spec_from_file_location("e2e_conftest",
                                               E2E / "conftest.py")
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

# Everything the end-to-end conftest offers, under the same names: the
# fixtures for users and the PAM service are used here, and an end-to-end
# test module's "from conftest import ..." still works when both suites run
# in one pytest session (pytest then holds this file as "conftest").  The
# server is started by abuseserver.Server instead: these tests need exact
# control over its command line.
globals().update({k: v for k, v in vars(e2e).items()
                  if not k.startswith("_")})
users = e2e.users
user = e2e.user
pam_service = e2e.pam_service


@pytest.fixture(scope="module")
def module_user():
    """One test user for a whole module."""
    if os.geteuid() != 0:
        pytest.skip("needs root (real users and PAM)")
    made = e2e.Users()
    yield made.make()
    made.cleanup()


@pytest.fixture(scope="session")
def pam_delay_service():
    """A PAM service like the end-to-end one, but pam_unix WITHOUT
    nodelay: pam_unix asks libpam for its 2 s failure delay, as it does on
    a stock system."""
    if os.geteuid() != 0:
        pytest.skip("needs root (real users and PAM)")
    name = "rxt-" + secrets.token_hex(4)
    path = pathlib.Path("/etc/pam.d") / name
    path.write_text("auth required pam_unix.so\n"
                    "account required pam_unix.so\n"
                    "session required pam_unix.so\n")
    yield abuseserver.PamStack(name, path)
    path.unlink()


class Servers:
    """Servers started by a test; all stopped after it."""

    def __init__(self, pam, tmp):
        self.pam, self.tmp, self.made = pam, tmp, []

    def __call__(self, *extra, host="127.0.0.1", mode="standalone",
                 pam=None, fail_delay="0"):
        s = abuseserver.Server(
            abuseserver.server_argv(pam or self.pam, *extra,
                                    fail_delay=fail_delay),
            self.tmp, host, mode)
        self.made.append(s)
        return s

    def stop_all(self):
        for s in self.made:
            s.stop()


@pytest.fixture
def server_with(pam_service, tmp_path):
    """server_with(*options, host=, mode=, pam=, fail_delay=): the server
    (standalone by default) with these options, -d and --fail-delay 0."""
    made = Servers(pam_service, tmp_path)
    yield made
    made.stop_all()
