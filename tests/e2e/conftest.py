# SPDX-License-Identifier: BSD-2-Clause
"""The servers the end-to-end tests run against (root: real users, the
private PAM service of the shared fixtures, pam_unix nodelay).

make_server starts the built server in standalone mode (-l HOST:0) or
under systemd-socket-activate in one of its modes; netkit is Debian's
historical in.rexecd for comparison; glibc_rexec is glibc's own client
(glibc_rexec.c).  Users, PAM services and the raw client come from the
shared library (tests/lib/rexectest).
"""
import os
import pathlib

import pytest

from rexectest.accounts import run
from rexectest.paths import GLIBC_REXEC, NETKIT
from rexectest.server import PENALTY_OFF, server_argv


@pytest.fixture
def make_server(pam_service, start_server):
    """make_server(mode, host=, extra=, env=): the built server with the
    private PAM service, --fail-delay 0, extra and (but in inetd mode,
    where each connection is a process of its own) no penalty."""
    def make(mode="standalone", host="127.0.0.1", extra=(), env=None):
        argv = server_argv(pam_service.name, *extra)
        if mode != "inetd":
            argv += PENALTY_OFF
        return start_server(argv, mode, host, env=env)
    return make


@pytest.fixture(params=["standalone", "inetd"])
def server(request, make_server):
    """The server in each of its modes, on 127.0.0.1."""
    return make_server(request.param)


@pytest.fixture
def standalone(make_server):
    """The server as a standalone daemon on 127.0.0.1."""
    return make_server("standalone")


@pytest.fixture
def netkit(start_server):
    """Debian's historical in.rexecd (rsh-server), one process per
    connection under systemd-socket-activate; PAM service "rexec"."""
    if not NETKIT.exists():
        pytest.skip("rsh-server (netkit in.rexecd) not installed")
    return start_server([str(NETKIT)], "inetd")


@pytest.fixture(scope="session")
def glibc_rexec(tmp_path_factory):
    """Path of the glibc_rexec helper (built here if make did not)."""
    if GLIBC_REXEC.exists():
        return GLIBC_REXEC
    out = tmp_path_factory.mktemp("bin") / "glibc_rexec"
    run(os.environ.get("CC", "cc"), "-O2", "-Wall", "-o", str(out),
        str(pathlib.Path(__file__).parent / "glibc_rexec.c"))
    return out
