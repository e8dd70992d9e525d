"""Fixtures for tests of an installed rexecd (root only).

`make install` writes into a temporary DESTDIR with PREFIX=/usr/local, so
the installed units, the inetd line and the xinetd file name the paths an
administrator would get.  The tests read those files, put the DESTDIR in
front of the program path and run what was installed, with the users and
the private PAM service of the end-to-end harness (tests/e2e/conftest.py,
loaded here under another name).
"""
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
E2E = HERE.parents[1] / "tests" / "e2e"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(E2E))

from installlib import PREFIX, Installed, Notify, make  # noqa: E402

_spec = importlib.util.spec_from_file_location("e2e_harness",
                                               E2E / "conftest.py")
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

# The end-to-end fixtures this directory uses.
users = e2e.users
pam_service = e2e.pam_service


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """The installed tree every service test runs from."""
    if os.geteuid() != 0:
        pytest.skip("needs root (real users, PAM, inetd)")
    root = tmp_path_factory.mktemp("destdir")
    make("install", f"DESTDIR={root}", f"PREFIX={PREFIX}")
    inst = Installed(root)
    yield inst
    inst.kill_leftovers()


@pytest.fixture
def notify(tmp_path):
    n = Notify(tmp_path / "notify")
    yield n
    n.close()


@pytest.fixture
def procs():
    """Processes a test starts; terminated (then killed) afterwards."""
    started = []
    yield started
    for p in started:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p.stdout is not None:
            p.stdout.close()
