# SPDX-License-Identifier: BSD-2-Clause
"""Helpers for the package tests: the built packages, what `make
install` writes for the same layout, and the file lists of a .deb and
an RPM as {path: (mode, sha256 or symlink target)}."""
import gzip
import hashlib
import os
import pathlib
import stat
import subprocess

import pytest
from rexectest.installed import make
from rexectest.paths import ROOT, VERSION  # noqa: F401 (for the tests)

PKG_B = pathlib.Path(os.environ.get("REXECD_PKG_B", ROOT / "build" / "pkg"))
EXAMPLES = "/usr/share/doc/rexecd/examples"
BINARIES = {"/usr/sbin/in.rexecd", "/usr/bin/rexec"}
MANPAGES = {"/usr/share/man/man8/in.rexecd.8", "/usr/share/man/man1/rexec.1",
            "/usr/share/man/man5/rexecd.conf.5"}
CONFFILES = {"/etc/pam.d/rexec", "/etc/default/rexecd",
             "/etc/fail2ban/filter.d/rexecd.conf", "/etc/rexecd.conf"}


def run(*cmd, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run(list(cmd), **kw)


def built(pattern):
    """The one package in PKG_B that matches pattern."""
    found = [p for p in PKG_B.glob(pattern) if "dbgsym" not in p.name]
    if not found:
        pytest.skip(f"no {pattern} in {PKG_B} (make deb rpm)")
    assert len(found) == 1, found
    return found[0]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def tree(root):
    """Regular files and symlinks under root: {"/path": (mode, digest)},
    a symlink's digest being "-> target"."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = pathlib.Path(dirpath, name)
            st = p.lstat()
            key = "/" + str(p.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                out[key] = (0o777, "-> " + os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                out[key] = (stat.S_IMODE(st.st_mode), sha256(p.read_bytes()))
    return out


def make_install(dest, **variables):
    """`make install DESTDIR=dest PREFIX=/usr` with variables; returns
    tree(dest) without the install manifest."""
    make("install", f"DESTDIR={dest}", "PREFIX=/usr", f"DATADIR={EXAMPLES}",
         *[f"{k}={v}" for k, v in variables.items()])
    files = tree(dest)
    assert files.pop(EXAMPLES + "/install-manifest", None) is not None
    return files


def deb_tree(deb, dest):
    r = run("dpkg-deb", "-x", str(deb), str(dest))
    assert r.returncode == 0, r.stderr
    return tree(dest)


def deb_field(deb, name):
    r = run("dpkg-deb", "-f", str(deb), name)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def rpm_dump(rpm):
    """rpm -qp --dump: {path: (mode, digest, isconfig)} for files and
    symlinks."""
    r = run("rpm", "-qp", "--dump", str(rpm))
    assert r.returncode == 0, r.stderr
    out = {}
    for line in r.stdout.splitlines():
        f = line.split()
        path, digest, mode, isconfig, link = f[0], f[3], int(f[4], 8), \
            f[7], f[10]
        if stat.S_ISLNK(mode):
            out[path] = (0o777, "-> " + link, isconfig == "1")
        elif stat.S_ISREG(mode):
            out[path] = (stat.S_IMODE(mode), digest, isconfig == "1")
    return out


def gunzip_digest(path):
    return sha256(gzip.decompress(pathlib.Path(path).read_bytes()))
