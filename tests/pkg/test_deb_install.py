# SPDX-License-Identifier: BSD-2-Clause
"""The .deb on this machine, from dpkg -i to dpkg --purge (root).

rsh-server is installed here (the other suites compare against its
netkit in.rexecd) and the package conflicts with and replaces it: dpkg
-i removes it.  Its .deb is fetched first (or the test is skipped), and
afterwards it is reinstalled and /etc/inetd.conf and its PAM files are
put back byte for byte, whatever happened.  On a machine shared with
other test runs, run this while nobody needs rsh-server (the landing
lock).  Every dpkg and update-inetd call runs with a policy-rc.d that
refuses, so invoke-rc.d starts no inetd.

Asserted: no unit enabled and no inetd entry added by the installation;
a session served by the installed server with the installed PAM file
through inetd-style activation (systemd-socket-activate --inetd) and the
installed client; the inetd line as README.Debian adds it, served by
openbsd-inetd; dpkg -r disables that line, dpkg --purge removes it and
leaves no file behind.
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from pkglib import VERSION, built, run
from rexectest.installed import wait_listening
from rexectest.wire import free_port, rexec

SSA = shutil.which("systemd-socket-activate")
INETD = shutil.which("inetd")
SAVED = ["/etc/inetd.conf", "/etc/pam.d/rexec", "/etc/pam.d/rsh",
         "/etc/pam.d/rlogin", "/etc/hosts.equiv"]
# Where a package's files and its maintainer scripts' traces can be.
SCAN = ["/etc", "/usr", "/var/lib", "/run/systemd"]
SCAN_SKIP = ("/var/lib/dpkg", "/var/lib/apt", "/var/lib/ucf")
PLAIN = "exec\tstream\ttcp\tnowait\troot\t/usr/sbin/in.rexecd\tin.rexecd"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (dpkg)"),
    pytest.mark.skipif(SSA is None or INETD is None or
                       shutil.which("update-inetd") is None,
                       reason="needs systemd, openbsd-inetd, update-inetd"),
]


def status(pkg):
    r = run("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", pkg)
    return r.stdout.strip() if r.returncode == 0 else "un"


# The user database's lock and backup files, which useradd and userdel
# (of this test and of concurrent runs) create and remove.
USERDB = re.compile(r"/etc/(passwd|shadow|group|gshadow|subuid|subgid)\W")


def paths():
    """Every path under SCAN, noise from concurrent test runs left out
    (their rxt* users and PAM files, the user database's locks, Python
    caches)."""
    out = set()
    for top in SCAN:
        for dirpath, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs
                       if not os.path.join(dirpath, d).startswith(SCAN_SKIP)]
            for name in dirs + files:
                p = os.path.join(dirpath, name)
                if "/rxt" in p or "__pycache__" in p or USERDB.match(p):
                    continue
                out.add(p)
    return out


def enabled_exec_lines():
    return [line for line in pathlib.Path("/etc/inetd.conf").read_text()
            .splitlines() if line.split()[:1] == ["exec"]]


class Machine:
    """dpkg and friends with invoke-rc.d refused."""

    def __init__(self, tmp):
        self.tmp = tmp
        policy = tmp / "policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        self.env = {**os.environ, "POLICYRCD": str(policy),
                    "DEBIAN_FRONTEND": "noninteractive"}

    def __call__(self, *cmd, check=True):
        r = run(*cmd, env=self.env)
        if check:
            assert r.returncode == 0, f"{cmd}: {r.stdout}\n{r.stderr}"
        return r


@pytest.fixture
def machine(tmp_path):
    """The machine, given back with rsh-server as it was."""
    m = Machine(tmp_path)
    had_rsh = status("rsh-server") == "ii"
    saved = {p: pathlib.Path(p).read_bytes() for p in SAVED
             if pathlib.Path(p).exists()}
    rsh_deb = None
    if had_rsh:
        cache = sorted(pathlib.Path("/var/cache/apt/archives")
                       .glob("rsh-server_*.deb"))
        if not cache:
            r = run("apt-get", "download", "rsh-server", cwd=tmp_path)
            cache = sorted(tmp_path.glob("rsh-server_*.deb"))
            if r.returncode != 0 or not cache:
                pytest.skip("cannot fetch rsh-server to put it back")
        rsh_deb = cache[-1]
    yield m
    if status("rexecd") != "un":
        m("dpkg", "--purge", "rexecd", check=False)
    if had_rsh:
        r = m("dpkg", "-i", "--force-confmiss", str(rsh_deb), check=False)
        if r.returncode != 0:
            m("apt-get", "install", "-y", "-q", "-o",
              "Dpkg::Options::=--force-confmiss", "rsh-server", check=False)
    for p, data in saved.items():
        f = pathlib.Path(p)
        if not f.exists() or f.read_bytes() != data:
            f.write_bytes(data)
    if had_rsh:
        assert status("rsh-server") == "ii", "rsh-server not put back"


def session(port, user):
    """A session served on 127.0.0.1:port: wire bytes and the client."""
    r = rexec("127.0.0.1", port, user.name, user.password, "id -un; id -u")
    assert r.primary == f"\0{user.name}\n{user.uid}\n".encode()
    r = subprocess.run(["/usr/bin/rexec", "-p", str(port), "-l", user.name,
                        "127.0.0.1", "id", "-un"],
                       env={**os.environ, "REXEC_PASSWORD": user.password},
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=60)
    assert (r.returncode, r.stdout) == (0, user.name + "\n"), r.stderr


def readme_inetd_command():
    """The update-inetd --add command README.Debian gives, as argv."""
    text = pathlib.Path("/usr/share/doc/rexecd/README.Debian").read_text()
    line = [l.strip() for l in text.splitlines()
            if l.strip().startswith("update-inetd --group BSD --add")]
    assert len(line) == 1
    cmd, _, entry = line[0].partition(" '")
    return cmd.split() + [entry.rstrip("'")]


def test_install_serve_remove_purge(machine, users, tmp_path):
    deb = built(f"rexecd_{VERSION}_*.deb")
    before = paths()
    m = machine
    m("dpkg", "-i", str(deb))
    assert status("rexecd") == "ii"
    # Removed by dpkg (Conflicts + Replaces): config files left, or gone.
    assert status("rsh-server")[1] in "cn", status("rsh-server")
    owned = [p for p in m("dpkg", "-L", "rexecd").stdout.splitlines()
             if p.startswith("/") and p != "/."]
    assert m("dpkg", "-S", "/usr/sbin/in.rexecd").stdout.startswith(
        "rexecd: ")

    # Nothing enabled: no unit links, no inetd entry.
    links = [p for p in paths() - before if "/systemd/system/" in p
             and p.startswith("/etc/")]
    assert links == []
    assert enabled_exec_lines() == []

    user = users.make()
    # inetd-style activation, the installed PAM file (service "rexec").
    port = free_port()
    p = subprocess.Popen([SSA, "--inetd", "--accept", "-l",
                          f"127.0.0.1:{port}", "/usr/sbin/in.rexecd"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(port, p)
        session(port, user)
        r = rexec("127.0.0.1", port, user.name, user.password + "x", "id")
        assert r.primary == b"\x01Login incorrect.\n"
    finally:
        p.terminate()
        p.wait(10)
        p.stderr.close()

    # README.Debian's inetd line: remove what rsh-server left, then add.
    m("update-inetd", "--remove", "exec")
    m(*readme_inetd_command())
    assert enabled_exec_lines() == [PLAIN]
    port = free_port()
    conf = tmp_path / "inetd.conf"
    conf.write_text(PLAIN.replace("exec", f"127.0.0.1:{port}", 1) + "\n")
    p = subprocess.Popen([INETD, "-d", str(conf)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, p)
        session(port, user)
    finally:
        p.terminate()
        p.wait(10)

    m("dpkg", "-r", "rexecd")
    assert status("rexecd") == "rc"
    assert enabled_exec_lines() == []
    assert "#<off># " + PLAIN in pathlib.Path("/etc/inetd.conf").read_text()
    assert pathlib.Path("/etc/pam.d/rexec").exists()
    assert not pathlib.Path("/usr/sbin/in.rexecd").exists()

    m("dpkg", "--purge", "rexecd")
    assert status("rexecd") == "un"
    assert "in.rexecd" not in pathlib.Path("/etc/inetd.conf").read_text()
    after = paths()
    assert sorted(after - before) == [], sorted(after - before)
    left = [p for p in owned if os.path.lexists(p) and
            os.path.realpath(p) not in before | set(SCAN)]
    assert left == []
    for p in owned:
        if os.path.lexists(p):
            assert os.path.isdir(p), p
