# SPDX-License-Identifier: BSD-2-Clause
"""The pytest fixtures every suite may take (tests/conftest.py loads
this file as a plugin).  A suite's own conftest.py adds the fixtures
only it needs, such as the server it tests.

Those that change the machine (users, PAM services) need root and skip
without it; the cwrap lane, which runs without root, takes none of them.
"""
import os
import shutil

import pytest

from . import accounts
from .accounts import Users
from .server import Server


def _need_root():
    if os.geteuid() != 0:
        pytest.skip("needs root (real users and PAM)")


@pytest.fixture
def users():
    """users.make(...) makes test users; all removed after the test."""
    _need_root()
    u = Users()
    yield u
    u.cleanup()


@pytest.fixture
def user(users):
    """A fresh test user with a password, for one test."""
    return users.make()


@pytest.fixture(scope="module")
def module_user():
    """One test user for a whole module."""
    _need_root()
    made = Users()
    yield made.make()
    made.cleanup()


@pytest.fixture
def public_dir():
    """A fresh directory every user can enter, removed afterwards."""
    d = accounts.public_dir()
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def pam_service():
    """The private PAM service of the whole run: pam_env, pam_unix
    nodelay, a session recorder (accounts.recording_pam_service)."""
    _need_root()
    d = accounts.public_dir()
    svc = accounts.recording_pam_service(d)
    yield svc
    svc.path.unlink()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def pam_delay_service():
    """A PAM service like pam_service but pam_unix WITHOUT nodelay:
    pam_unix asks libpam for its 2 s failure delay, as on a stock system."""
    _need_root()
    svc = accounts.write_pam_service("auth required pam_unix.so",
                                     "account required pam_unix.so",
                                     "session required pam_unix.so")
    yield svc
    svc.path.unlink()


@pytest.fixture
def make_pam():
    """make_pam(*stack_lines) writes a private PAM service and returns
    its name; all removed after the test."""
    made = []

    def make(*lines):
        svc = accounts.write_pam_service(*lines)
        made.append(svc.path)
        return svc.name
    yield make
    for path in made:
        path.unlink()



@pytest.fixture
def start_server(tmp_path):
    """start_server(argv, mode=, host=, ...): a Server (rexectest.server)
    logging into the test's directory; every one stopped after the test."""
    made = []

    def start(argv, *args, **kw):
        s = Server(argv, tmp_path, *args, **kw)
        made.append(s)
        return s
    yield start
    for s in made:
        s.stop()
