# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures for tests of an installed rexecd (root only).

`make install` writes into a temporary DESTDIR with PREFIX=/usr/local, so
the installed units, the inetd line and the xinetd file name the paths an
administrator would get.  The tests read those files, put the DESTDIR in
front of the program path and run what was installed, with the shared
users and private PAM service (tests/lib/rexectest).
"""
import os
import subprocess

import pytest

from rexectest.installed import PREFIX, Installed, Notify, make


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
