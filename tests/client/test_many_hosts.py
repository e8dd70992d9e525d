# SPDX-License-Identifier: BSD-2-Clause
"""One command on many hosts: rexec(1) under pdsh and ClusterShell.

The fleet fixture runs 32 of our servers, one process per address
127.0.0.2 ... 127.0.0.33, all on one port.  pdsh's exec module (and
clush's) runs `rexec ... %h CMD` once per host with %h replaced by the
host's name, and prefixes every line of output with `host: `.
"""
import collections
import contextlib
import os
import re
import shutil
import socket
import subprocess

import pytest

from rexectest.client import FLEET, RUN_TIMEOUT, client_env
from rexectest.paths import REXEC

PDSH = shutil.which("pdsh")
CLUSH = shutil.which("clush")
HOSTS = "127.0.0.[2-33]"
NODE = socket.gethostname().split(".")[0]  # pdsh's messages: pdsh@NODE

# Prints the local address of the connection the command's stdout is on,
# as /proc/net/tcp spells it (0500007F:PORT for 127.0.0.5): a fact only
# the server that ran the command can know.
SERVER_ADDR = ("i=$(readlink /proc/$$/fd/1 | tr -dc 0-9); "
               "awk -v i=\"$i\" '$10 == i { print $2 }' /proc/net/tcp")

needs_pdsh = pytest.mark.skipif(PDSH is None, reason="pdsh is not installed")


def octet(host):
    return int(host.rsplit(".", 1)[1])


def run(argv, home, env=None):
    """Runs pdsh or clush with a clean environment and no stdin."""
    e = client_env(home)
    e.update(env or {})
    return subprocess.run(argv, stdin=subprocess.DEVNULL,
                          capture_output=True, env=e, timeout=RUN_TIMEOUT)


def pdsh(home, *args, hosts=HOSTS, pdsh_opts=(), env=None):
    """pdsh -R exec over hosts, running build/rexec with args per host."""
    return run([PDSH, *pdsh_opts, "-R", "exec", "-w", hosts, str(REXEC),
                *map(str, args)], home, env)


def by_host(text):
    """The lines of pdsh or clush output, grouped by their `host: ` prefix;
    a line without one is a failure."""
    lines = collections.defaultdict(list)
    for line in text.decode().splitlines():
        m = re.fullmatch(r"(127\.0\.0\.\d+): (.*)", line)
        assert m, f"line without a host prefix: {line!r}"
        lines[m.group(1)].append(m.group(2))
    return dict(lines)


def write_private(path, text):
    path.write_text(text)
    os.chmod(path, 0o600)
    return path


def exited(host, code, prog="pdsh"):
    """pdsh's (or clush's) line for a host whose command failed."""
    if prog == "pdsh":
        return f"pdsh@{NODE}: {host}: rexec exited with exit code {code}"
    return f"clush: {host}: exited with exit code {code}"


def refused(host, port):
    """rexec's line for a host where nothing listens, as pdsh shows it."""
    return f"{host}: rexec: {host}: {host} port {port}: Connection refused"


@contextlib.contextmanager
def host_down(fleet, host):
    """Stops the server of one host for the block, then starts it again."""
    fleet.stop(host)
    try:
        yield
    finally:
        fleet.start(host)


@needs_pdsh
def test_every_host_answers_once(fleet, user, home):
    """~/.netrc with one entry per host; -n so that pdsh's stdin (a
    socket that never ends) is not forwarded: `cat` ends at once."""
    write_private(home / ".netrc", "".join(
        f"machine {h} login {user.name} password {user.password}\n"
        for h in FLEET))
    before = {h: fleet.accepted(h, user.name) for h in FLEET}
    r = pdsh(home, "-n", "-p", fleet.port, "%h",
             "cat; echo answer from %h; " + SERVER_ADDR + "; echo warn >&2")
    assert r.returncode == 0, r.stderr
    assert by_host(r.stdout) == {
        h: [f"answer from {h}", f"{octet(h):02X}00007F:{fleet.port:04X}"]
        for h in FLEET}
    assert by_host(r.stderr) == {h: ["warn"] for h in FLEET}
    # Every server accepted exactly one login.
    assert {h: fleet.accepted(h, user.name) - before[h] for h in FLEET} == \
        {h: 1 for h in FLEET}


@needs_pdsh
def test_remote_exit_codes_reach_pdsh(fleet, user, home, tmp_path):
    """rexec -S exits with each host's status; pdsh -S with the largest.
    The user comes from pdsh -l through %u, the password from a file."""
    pf = write_private(tmp_path / "pw", user.password + "\n")
    r = pdsh(home, "-S", "-n", "-l", "%u", "--password-file", pf,
             "-p", fleet.port, "%h", "echo out from %h; h=%h; exit ${h##*.}",
             pdsh_opts=["-S", "-l", user.name])
    assert r.returncode == 33
    assert by_host(r.stdout) == {h: [f"out from {h}"] for h in FLEET}
    assert sorted(r.stderr.decode().splitlines()) == \
        sorted(exited(h, octet(h)) for h in FLEET)


@needs_pdsh
def test_one_host_down(fleet, user, home):
    """The host whose server is stopped shows rexec's own message and a
    failed status; the other 31 answer.  pdsh's own exit status shows
    the failure only with pdsh -S."""
    down = "127.0.0.17"
    up = [h for h in FLEET if h != down]
    env = {"REXEC_PASSWORD": user.password}
    want_err = sorted([refused(down, fleet.port), exited(down, 3)])
    with host_down(fleet, down):
        for pdsh_opts, rc in ([], 0), (["-S"], 3):
            r = pdsh(home, "-S", "-n", "-l", user.name, "-p", fleet.port,
                     "%h", "echo ok", pdsh_opts=pdsh_opts, env=env)
            assert r.returncode == rc
            assert by_host(r.stdout) == {h: ["ok"] for h in up}
            assert sorted(r.stderr.decode().splitlines()) == want_err
    # pdsh's dshbak -c gathers hosts with the same output.
    gathered = subprocess.run(["dshbak", "-c"], input=r.stdout,
                              capture_output=True, timeout=RUN_TIMEOUT)
    assert gathered.stdout == (b"----------------\n"
                               b"127.0.0.[2-16,18-33]\n"
                               b"----------------\n"
                               b"ok\n")


@needs_pdsh
def test_host_that_never_answers(fleet, user, home):
    """A host that takes the connection and says nothing holds its rexec
    only until -t; the others answer meanwhile."""
    hung = "127.0.0.9"
    with host_down(fleet, hung), socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((hung, fleet.port))
        s.listen(8)   # connections queue, none is ever accepted
        r = pdsh(home, "-S", "-n", "-t", "3", "-l", user.name,
                 "-p", fleet.port, "%h", "echo ok", hosts="127.0.0.[2-9]",
                 pdsh_opts=["-S"], env={"REXEC_PASSWORD": user.password})
    assert r.returncode == 3
    assert by_host(r.stdout) == {f"127.0.0.{n}": ["ok"] for n in range(2, 9)}
    assert sorted(r.stderr.decode().splitlines()) == [
        f"{hung}: rexec: {hung}: timed out after 3 s waiting for the "
        "server to connect back", exited(hung, 3)]


@needs_pdsh
def test_refused_login_on_one_host(fleet, user, home):
    """A wrong password for one host: that host says Login incorrect."""
    bad = "127.0.0.20"
    write_private(home / ".netrc",
                  f"machine {bad} login {user.name} password wrong-pw\n"
                  f"default login {user.name} password {user.password}\n")
    r = pdsh(home, "-S", "-n", "-p", fleet.port, "%h", "echo ok",
             pdsh_opts=["-S"])
    assert r.returncode == 1
    assert by_host(r.stdout) == {h: ["ok"] for h in FLEET if h != bad}
    assert sorted(r.stderr.decode().splitlines()) == [
        f"{bad}: rexec: {bad}: Login incorrect.", exited(bad, 1)]


@needs_pdsh
def test_no_credentials_never_waits(fleet, user, home):
    """Without a password source rexec under pdsh (stdin not a terminal)
    stops at once on every host, before connecting."""
    before = {h: fleet.connections(h) for h in FLEET}
    r = pdsh(home, "-n", "-l", user.name, "-p", fleet.port, "%h", "echo ok",
             pdsh_opts=["-S"])
    assert (r.returncode, r.stdout) == (2, b"")
    assert sorted(r.stderr.decode().splitlines()) == sorted(
        line for h in FLEET for line in (
            f"{h}: rexec: {h}: no password for {user.name} and stdin is "
            "not a terminal: use ~/.netrc, --password-file or "
            "REXEC_PASSWORD", exited(h, 2)))
    assert {h: fleet.connections(h) for h in FLEET} == before


def clush_progress_removed(text):
    """clush -b's progress meter (`clush: 12/32` and its erasure, each
    ending in a carriage return) taken out of its stderr."""
    return re.sub(r"clush: *\d+/\d+\r| +\r", "", text.decode())


@pytest.mark.skipif(CLUSH is None, reason="clustershell is not installed")
def test_clush(fleet, user, home):
    """clush runs its command line through /bin/sh, so the remote command
    is quoted once more than for pdsh; clush -S exits with the largest
    status."""
    write_private(home / ".netrc",
                  f"default login {user.name} password {user.password}\n")
    rexec = f"{REXEC} -S -n -p {fleet.port} %h"
    r = run([CLUSH, "-S", "-R", "exec", "-w", HOSTS,
             rexec + " 'echo ok from %h; h=%h; exit ${h##*.}'"], home)
    assert r.returncode == 33
    assert by_host(r.stdout) == {h: [f"ok from {h}"] for h in FLEET}
    assert sorted(r.stderr.decode().splitlines()) == \
        sorted(exited(h, octet(h), "clush") for h in FLEET)

    # A host down, output gathered (-b); without -S clush's own exit
    # status is 0 even so, as pdsh's is.
    down = "127.0.0.17"
    with host_down(fleet, down):
        r = run([CLUSH, "-b", "-R", "exec", "-w", HOSTS,
                 rexec + " 'echo ok'"], home)
    assert r.returncode == 0
    assert r.stdout.decode() == ("---------------\n"
                                 "127.0.0.[2-16,18-33] (31)\n"
                                 "---------------\n"
                                 "ok\n")
    assert sorted(clush_progress_removed(r.stderr).splitlines()) == \
        sorted([exited(down, 3, "clush"), refused(down, fleet.port)])
