# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures for the cwrap lane: the real in.rexecd, without root.

The server runs under LD_PRELOAD of three cwrap libraries:
uid_wrapper (UID_WRAPPER_ROOT=1: the server believes it is root and its
set*id calls are simulated), nss_wrapper (accounts from a passwd and a
group file written by the test) and pam_wrapper (PAM services read from
a private directory, authenticating with pam_matrix against a password
file).  Nothing on the machine is changed, so these tests run as any
user; `make check-cwrap` runs them as an unprivileged one.

The command the server starts gets an environment built from scratch,
without LD_PRELOAD: it runs with the real ids of whoever runs the tests.
Tests therefore check identity through $USER, $HOME and the working
directory, and the fake uid through the server's log.
"""
import os
import pathlib
import secrets
import sysconfig
from dataclasses import dataclass

import pytest

from rexectest.accounts import User
from rexectest.paths import SERVER
from rexectest.server import Server, server_argv

WRAPPERS = ("libuid_wrapper.so", "libnss_wrapper.so", "libpam_wrapper.so")


def _libdir():
    """The directory holding the wrappers (CWRAP_LIBDIR overrides)."""
    if "CWRAP_LIBDIR" in os.environ:
        return pathlib.Path(os.environ["CWRAP_LIBDIR"])
    arch = sysconfig.get_config_var("MULTIARCH") or ""
    for d in (f"/usr/lib/{arch}", "/usr/lib64", "/usr/lib", "/usr/local/lib"):
        if all((pathlib.Path(d) / w).exists() for w in WRAPPERS):
            return pathlib.Path(d)
    return None


LIBDIR = _libdir()
PAM_MATRIX = LIBDIR / "pam_wrapper" / "pam_matrix.so" if LIBDIR else None
PAM_DENY = LIBDIR / "security" / "pam_deny.so" if LIBDIR else None


def pytest_collection_modifyitems(config, items):
    if LIBDIR is None or not PAM_MATRIX.exists():
        skip = pytest.mark.skip(reason="cwrap libraries not installed "
                                "(libuid-wrapper libnss-wrapper "
                                "libpam-wrapper)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server_binary():
    """The server; it must be dynamically linked for LD_PRELOAD to work."""
    if not SERVER.exists():
        pytest.fail(f"{SERVER} not built (run make)")
    data = SERVER.read_bytes()
    if b"libpam.so" not in data or b"/ld-linux" not in data:
        pytest.fail(f"{SERVER} is linked statically: the cwrap libraries "
                    "cannot interpose on it")
    return SERVER, b"__asan_init" in data


@dataclass
class Account(User):
    """A fake account: what a test user has, and where it is known."""
    service: str = None     # pam_matrix service field (None: the test's)
    nss: bool = True        # listed in the passwd file


class World:
    """A private passwd, group, PAM service and pam_matrix password file.

    Accounts (all passwords 13 characters):
      user      a normal user, home inside the test's directory, /bin/sh
      other     a second normal user with another uid
      nohome    home directory that does not exist
      badshell  login shell that does not exist
      noexec    login shell that exists but is not executable
      root      uid 0, home inside the test's directory
      wrongsvc  in the password file for another PAM service only
      ghost     known to PAM (password file) but not to NSS
    """

    def __init__(self, base):
        self.dir = base
        self.pamdir = base / "pam.d"
        self.pamdir.mkdir()
        self.passwd = base / "passwd"
        self.group = base / "group"
        self.passdb = base / "passdb"
        self.service = "rxt-" + secrets.token_hex(4)
        noexec = base / "noexec-shell"
        noexec.write_text("#!/bin/sh\n")
        noexec.chmod(0o644)
        self.accounts = {}
        self._add("root", base / "root", "/bin/sh", uid=0, gid=0,
                  name="root")
        self._add("user", base / "home-user", "/bin/sh", uid=4101, gid=4100)
        self._add("other", base / "home-other", "/bin/sh", uid=4102,
                  gid=4100)
        self._add("nohome", base / "no-such-home", "/bin/sh", uid=4103,
                  gid=4100, mkdir=False)
        self._add("badshell", base / "home-badshell", "/nonexistent/rxtsh",
                  uid=4104, gid=4100)
        self._add("noexec", base / "home-noexec", str(noexec), uid=4105,
                  gid=4100)
        self._add("wrongsvc", base / "home-wrongsvc", "/bin/sh", uid=4106,
                  gid=4100, service="rxt-elsewhere")
        self._add("ghost", base / "home-ghost", "/bin/sh", uid=4107,
                  gid=4100, nss=False)
        self.write()

    def _add(self, key, home, shell, uid, gid, name=None, mkdir=True,
             service=None, nss=True):
        name = name or "rxt" + key[:4] + secrets.token_hex(3)
        if mkdir:
            home.mkdir()
        a = Account(name, "Pw-" + secrets.token_hex(5), uid, gid, str(home),
                    shell, service, nss)
        self.accounts[key] = a
        setattr(self, key, a)

    def write(self):
        """Writes the files the wrappers and pam_matrix read."""
        acc = self.accounts.values()
        self.passwd.write_text("".join(
            f"{a.name}:x:{a.uid}:{a.gid}:{a.name}:{a.home}:{a.shell}\n"
            for a in acc if a.nss))
        self.group.write_text(
            "root:x:0:\n"
            "rxtusers:x:4100:\n"
            f"rxtextra:x:4200:{self.user.name}\n")
        self.passdb.write_text("".join(
            f"{a.name}:{a.password}:{a.service or self.service}\n"
            for a in acc))
        stack = "".join(f"{t} required {PAM_MATRIX} passdb={self.passdb}\n"
                        for t in ("auth", "account", "password", "session"))
        (self.pamdir / self.service).write_text(stack)
        if PAM_DENY.exists():   # the fallback libpam always reads
            (self.pamdir / "other").write_text("".join(
                f"{t} required {PAM_DENY}\n"
                for t in ("auth", "account", "password", "session")))

    def env(self, asan=False):
        """The variables that put the server under the wrappers."""
        e = {
            "LD_PRELOAD": ":".join(str(LIBDIR / w) for w in WRAPPERS),
            "UID_WRAPPER": "1",
            "UID_WRAPPER_ROOT": "1",
            "NSS_WRAPPER_PASSWD": str(self.passwd),
            "NSS_WRAPPER_GROUP": str(self.group),
            "PAM_WRAPPER": "1",
            "PAM_WRAPPER_SERVICE_DIR": str(self.pamdir),
        }
        if asan:    # deep binding and ASan's interceptors do not mix
            for w in ("UID", "NSS", "PAM"):
                e[f"{w}_WRAPPER_DISABLE_DEEPBIND"] = "1"
            e["ASAN_OPTIONS"] = os.environ.get(
                "ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
            supp = self.dir / "lsan.supp"   # the wrappers' own leaks
            supp.write_text("".join(f"leak:{w}\n" for w in WRAPPERS))
            e["LSAN_OPTIONS"] = os.environ.get(
                "LSAN_OPTIONS", "") + f":suppressions={supp}"
        return e


@pytest.fixture
def world(tmp_path):
    """Fresh accounts and PAM service for one test."""
    base = tmp_path / "world"
    base.mkdir()
    return World(base)


def base_env():
    """A small, clean environment for the server's parent process."""
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C"}
    if "TMPDIR" in os.environ:
        e["TMPDIR"] = os.environ["TMPDIR"]
    return e


@pytest.fixture
def make_server(world, server_binary, tmp_path):
    """make_server(mode, extra=()) starts the server under the wrappers
    on 127.0.0.1: standalone (the wrappers in its environment) or in
    inetd mode (systemd-socket-activate passes them on with --setenv),
    its stderr (-d) and systemd-socket-activate's messages in one log.
    stop() first lets every connection's process end, so that none is
    cut short with its PAM session open."""
    made = []
    binary, asan = server_binary

    def make(mode="standalone", extra=()):
        argv = server_argv(world.service, *extra, binary=binary)
        wrap = world.env(asan)
        if mode == "standalone":
            s = Server(argv, tmp_path, env={**base_env(), **wrap},
                       settle=True)
        else:
            s = Server(argv, tmp_path, mode, env=base_env(), setenv=wrap,
                       settle=True)
        made.append(s)
        return s
    yield make
    for s in made:
        s.stop()
    for s in made:    # a sanitizer build reports to the log and goes on
        bad = [l for l in s.logpath.read_text().splitlines()
               if "Sanitizer" in l or "runtime error:" in l]
        if bad:
            pytest.fail(f"{s.logpath}: {bad[0]}")


@pytest.fixture(params=["standalone", "inetd"])
def server(request, make_server):
    """The server in each of its modes."""
    return make_server(request.param)
