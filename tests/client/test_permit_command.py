# SPDX-License-Identifier: BSD-2-Clause
"""PermitCommand (rexecd.conf) under the real pdsh and ClusterShell.

Two of our servers (127.0.0.2, 127.0.0.3, one port) read a file that
permits `echo ok *` and `uptime`.  pdsh's exec module runs rexec(1)
with the command as given; ClusterShell's rsh worker, pointed at
rexec(1), appends its exit-status echo `; echo XXRETCODE: $?`, which the
allowlist lets through after a permitted command and only then.
"""
import os
import re
import shutil
import subprocess

import pytest

from rexectest.client import RUN_TIMEOUT, client_env
from rexectest.paths import REXEC, SERVER
from rexectest.server import Server, server_argv
from rexectest.wire import free_port

HOSTS = ["127.0.0.2", "127.0.0.3"]
REFUSED = "Command not permitted: access denied."


@pytest.fixture(scope="module")
def pair(user, pam_service, tmp_path_factory):
    """Our server on HOSTS with the PermitCommand file; yields the port
    and the directory of the logs (HOST.log)."""
    if not SERVER.exists():
        pytest.skip(f"{SERVER} is not built yet")
    tmp = tmp_path_factory.mktemp("permit")
    conf = tmp / "rexecd.conf"
    conf.write_text('PermitCommand "echo ok *" uptime\n')
    port = free_port(HOSTS[0])
    servers = [Server(server_argv(pam_service.name, "-f", str(conf)), tmp,
                      host=h, port=port, logpath=tmp / f"{h}.log")
               for h in HOSTS]
    yield port, tmp
    for s in servers:
        s.stop()


@pytest.fixture
def netrc(home, user):
    path = home / ".netrc"
    path.write_text(f"default login {user.name} password {user.password}\n")
    os.chmod(path, 0o600)
    return path


def run(argv, home):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                          env=client_env(home), timeout=RUN_TIMEOUT)


def lines(b):
    return sorted(b.decode().splitlines())


@pytest.mark.skipif(shutil.which("pdsh") is None, reason="no pdsh")
def test_pdsh(pair, home, netrc):
    port, _ = pair
    base = ["pdsh", "-R", "exec", "-w", ",".join(HOSTS), str(REXEC), "-n",
            "-p", str(port), "%h"]
    r = run([*base, "echo ok from %h"], home)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout) == [f"{h}: ok from {h}" for h in HOSTS]
    r = run([*base, "id"], home)
    assert r.stdout == b""
    node = re.escape(os.uname().nodename.split(".")[0])
    err = lines(r.stderr)
    assert [ln for ln in err if "rexec:" in ln] == \
        [f"{h}: rexec: {h}: {REFUSED}" for h in HOSTS]
    assert len([ln for ln in err if re.fullmatch(
        rf"pdsh@{node}: 127\.0\.0\.[23]: rexec exited with exit code 1",
        ln)]) == 2


@pytest.mark.skipif(shutil.which("clush") is None, reason="no clush")
def test_clush_rsh_worker_appends_its_echo(pair, home, netrc):
    """clush -R rsh with rexec(1) as its rsh: the command reaches the
    server as `echo ok there ; echo XXRETCODE: $?` and runs; clush reads
    the status from the echo and shows only the output."""
    port, logs = pair
    base = ["clush", "-R", "rsh", "-O", f"rsh_path={REXEC} -n -p {port}",
            "-w", ",".join(HOSTS)]
    r = run([*base, "echo ok there"], home)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout) == [f"{h}: ok there" for h in HOSTS]
    for h in HOSTS:
        assert ' command="echo ok there ; echo XXRETCODE: $?" ' in \
            (logs / f"{h}.log").read_text()
    r = run(["clush", "-S", *base[1:], "echo ok; exit 7"], home)
    assert r.stdout == b""
    assert [ln for ln in lines(r.stderr) if "rexec:" in ln] == \
        [f"{h}: rexec: {h}: {REFUSED}" for h in HOSTS]
