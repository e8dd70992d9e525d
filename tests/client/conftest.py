# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures for the rexec(1) tests: the client, a test user, the servers.

The servers under test are Debian's historical netkit in.rexecd (package
rsh-server), run per connection by systemd-socket-activate as inetd
would, and this project's in.rexecd in standalone mode (skipped while it
is not built) with the shared private PAM service (pam_unix nodelay) and
--fail-delay 0, so refusals come at once; each listens on 127.0.0.1 and
::1.  Scripted fake servers are in rexectest.fake.  The fleet fixture
runs 32 of our servers on 127.0.0.2 ... 127.0.0.33 for
test_many_hosts.py.
"""
import os
import re
import subprocess

import pytest

from rexectest.accounts import Users
from rexectest.client import FLEET, RUN_TIMEOUT, client_env
from rexectest.paths import NETKIT, REXEC, SERVER
from rexectest.server import Server, server_argv
from rexectest.wire import free_port


@pytest.fixture(scope="session")
def user():
    """A fresh local user (login shell /bin/sh) for the whole run."""
    if os.geteuid() != 0:
        pytest.skip("creating the test user needs root")
    made = Users()
    yield made.make(shell="/bin/sh")
    made.cleanup()


@pytest.fixture(scope="session", params=["netkit", "rexecd"])
def server(request, user, tmp_path_factory):
    """Each server under test, started once for the whole run, on
    127.0.0.1 (port) and ::1 (port6)."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "netkit":
        if not NETKIT.exists():
            pytest.skip("Debian's rsh-server is not installed")
        srv = Server([str(NETKIT)], tmp, "inetd", also=["::1"])
    else:
        if not SERVER.exists():
            pytest.skip(f"{SERVER} is not built yet")
        pam = request.getfixturevalue("pam_service")
        srv = Server(server_argv(pam.name), tmp, also=["::1"])
    srv.kind = request.param
    srv.port6 = srv.ports["::1"]
    # netkit execs the command with the stderr channel as its fd 2 and
    # no relay process: signal bytes from the client go nowhere.
    srv.relays_signals = request.param == "rexecd"
    yield srv
    srv.stop()


@pytest.fixture
def home(tmp_path):
    """An empty HOME for the client, so no real ~/.netrc is read."""
    h = tmp_path / "home"
    h.mkdir()
    return h


class Result:
    def __init__(self, cp):
        self.rc = cp.returncode
        self.out = cp.stdout
        self.err = cp.stderr


@pytest.fixture
def rexec(home):
    """Runs the built rexec with a clean environment; returns a Result."""
    if not REXEC.exists():
        pytest.fail(f"{REXEC} is missing: run make first")

    def run(*args, input=b"", password=None, env=None, stdin=None,
            timeout=RUN_TIMEOUT):
        e = client_env(home, password)
        if env:
            e.update(env)
        cp = subprocess.run([str(REXEC), *map(str, args)],
                            input=None if stdin is not None else input,
                            stdin=stdin, capture_output=True, env=e,
                            timeout=timeout)
        return Result(cp)

    return run


class Fleet:
    """Our server as 32 hosts: one Server per address in FLEET, all on
    one port (pdsh and clush run the same command line for every host).
    Each host's debug log is in its own file, kept across restarts."""

    def __init__(self, tmp, pam):
        self.tmp, self.pam = tmp, pam
        self.hosts = list(FLEET)
        self.servers = {}
        for attempt in range(3):  # the free port may be taken meanwhile
            self.port = free_port(FLEET[0])
            try:
                for host in self.hosts:
                    self.start(host)
                return
            except RuntimeError:
                self.stop_all()
                if attempt == 2:
                    raise

    def start(self, host):
        """Starts the server of host (again, after stop())."""
        self.servers[host] = Server(server_argv(self.pam.name), self.tmp,
                                    host=host, port=self.port,
                                    logpath=self.logpath(host))

    def stop(self, host):
        """Stops the server of host: its address then refuses connections."""
        self.servers.pop(host).stop()

    def stop_all(self):
        for host in list(self.servers):
            self.stop(host)

    def logpath(self, host):
        return self.tmp / f"{host}.log"

    def log(self, host):
        return self.logpath(host).read_text(errors="replace")

    def connections(self, host):
        """How many connections the server of host has taken."""
        return len(re.findall(r"\]: connection from \S+ port \d+$",
                              self.log(host), re.M))

    def accepted(self, host, user):
        """How many logins of user the server of host has accepted."""
        return self.log(host).count(f'login accepted for user "{user}" ')


@pytest.fixture(scope="module")
def fleet(user, pam_service, tmp_path_factory):
    """32 of our servers on 127.0.0.2 ... 127.0.0.33, one port for all."""
    if not SERVER.exists():
        pytest.skip(f"{SERVER} is not built yet")
    f = Fleet(tmp_path_factory.mktemp("fleet"), pam_service)
    yield f
    f.stop_all()
