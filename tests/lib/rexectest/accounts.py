# SPDX-License-Identifier: BSD-2-Clause
"""Real users and private PAM services for the tests that run as root.

Users are named rxt + random hex and removed (with their home and what
they still run) afterwards; PAM services are files /etc/pam.d/rxt-*,
removed afterwards too.  Nothing else on the machine is changed.
"""
import pathlib
import pwd
import secrets
import subprocess
import tempfile
from dataclasses import dataclass

from . import procs

PAM_DIR = pathlib.Path("/etc/pam.d")


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True,
                          **kw)


@dataclass
class User:
    name: str
    password: str
    uid: int
    gid: int
    home: str
    shell: str


class Users:
    """Creates test users (rxt + random) and removes them all afterwards."""

    def __init__(self):
        self.made = []
        self.groups = []

    def group(self):
        """A new group (rxtg + random); returns its name."""
        name = "rxtg" + secrets.token_hex(3)
        run("groupadd", name)
        self.groups.append(name)
        return name

    def make(self, shell="/bin/bash", password=None, home=True, groups=(),
             uid=None):
        """A new user rxt + random.  password "" leaves the account with
        an empty password; uid=0 makes a second root (useradd -o)."""
        name = "rxt" + secrets.token_hex(4)
        password = password if password is not None else \
            "Pw-" + secrets.token_hex(5)
        args = ["useradd", "-s", shell, "-K", "MAIL_DIR=/dev/null"]
        args += ["-m"] if home else ["-M", "-d", "/nonexistent/" + name]
        if groups:
            args += ["-G", ",".join(groups)]
        if uid is not None:
            args += ["-o", "-u", str(uid)]
        run(*args, name)
        self.made.append(name)
        if password:
            run("chpasswd", input=f"{name}:{password}\n")
        else:
            run("passwd", "-d", name)
        pw = pwd.getpwnam(name)
        return User(name, password, pw.pw_uid, pw.pw_gid, pw.pw_dir, shell)

    def cleanup(self):
        for name in self.made:     # a test may leave a command running
            try:
                procs.kill_uid(pwd.getpwnam(name).pw_uid)
            except KeyError:
                continue
        for name in self.made:
            run("userdel", "-r", "-f", name, check=False)
            run("groupdel", name, check=False)
        for name in self.groups:
            run("groupdel", name, check=False)


@dataclass
class PamService:
    name: str
    path: pathlib.Path
    record: pathlib.Path = None   # one line per PAM session event
    envfile: pathlib.Path = None  # variables pam_env exports


def write_pam_service(*lines):
    """A private PAM service /etc/pam.d/rxt-* made of these stack lines."""
    path = PAM_DIR / ("rxt-" + secrets.token_hex(4))
    path.write_text("".join(l + "\n" for l in lines))
    return PamService(path.name, path)


def public_dir():
    """A fresh directory every user can enter (pytest's tmp_path is
    private to root); the caller removes it."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="rxt-"))
    d.chmod(0o755)
    return d


def recording_pam_service(d):
    """The suites' usual service: pam_env, pam_unix nodelay and a
    session recorder (pam_exec), its files in d, a directory test users
    may enter, so commands can add lines."""
    record = d / "sessions.log"
    record.touch()
    record.chmod(0o666)
    envfile = d / "environment"
    envfile.write_text("REXECD_TEST_PAMENV=from-pam\n"
                       "LD_PRELOAD=/nonexistent/evil.so\n"
                       "BASH_ENV=/nonexistent/evil.sh\n")
    hook = d / "record.sh"
    hook.write_text("#!/bin/sh\n"
                    'echo "$PAM_TYPE $PAM_USER $PAM_RHOST $PPID" '
                    f">> {record}\n")
    hook.chmod(0o755)
    svc = write_pam_service(
        f"auth required pam_env.so readenv=1 envfile={envfile} "
        "conffile=/dev/null",
        "auth required pam_unix.so nodelay",
        "account required pam_unix.so",
        f"session required pam_exec.so {hook}",
        "session required pam_unix.so")
    return PamService(svc.name, svc.path, record, envfile)


def build_pam_module(src, outdir):
    """Compiles the test PAM module src (a .c file) into outdir, which
    every user may enter; returns the path of the .so."""
    outdir.chmod(0o755)
    so = outdir / (pathlib.Path(src).stem + ".so")
    run("cc", "-shared", "-fPIC", "-Wall", "-o", str(so), str(src), "-lpam")
    return so
