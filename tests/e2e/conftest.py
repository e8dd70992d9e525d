"""Fixtures for end-to-end tests of in.rexecd with a real PAM stack.

These tests need root: they create users and a private PAM service
(/etc/pam.d/rxt-*, pam_unix with nodelay), remove both afterwards, and
run the built server in standalone mode (-l 127.0.0.1:0) and in inetd
mode (under systemd-socket-activate --inetd).  They also run glibc's own
client (glibc_rexec.c) and, for comparison, Debian's netkit in.rexecd.
"""
import os
import pathlib
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import procs  # noqa: E402
from rexeclib import LoggedServer  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVER = ROOT / os.environ.get("REXECD_BIN", "build/in.rexecd")
GLIBC_REXEC = ROOT / os.environ.get("REXECD_GLIBC_REXEC", "build/glibc_rexec")
NETKIT = pathlib.Path("/usr/sbin/in.rexecd")
SSA = shutil.which("systemd-socket-activate")

# These tests are about each connection, not about the daemon's defences
# against floods (tests/abuse covers those): the per-source penalty would
# refuse a test's fifth failed login in a row, so it is off here.
STANDALONE_EXTRA = ["--penalty", "off"]


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
                uid = pwd.getpwnam(name).pw_uid
            except KeyError:
                continue
            for pid in procs.pids_of_uid(uid) if uid != 0 else ():
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
        for name in self.made:
            run("userdel", "-r", "-f", name, check=False)
            run("groupdel", name, check=False)
        for name in self.groups:
            run("groupdel", name, check=False)


@pytest.fixture
def users():
    if os.geteuid() != 0:
        pytest.skip("needs root (real users and PAM)")
    u = Users()
    yield u
    u.cleanup()


@pytest.fixture
def user(users):
    return users.make()


@dataclass
class PamService:
    name: str
    path: pathlib.Path
    record: pathlib.Path    # one line per PAM session event (pam_exec)
    envfile: pathlib.Path   # variables pam_env exports to the session


@pytest.fixture(scope="session")
def pam_service():
    """A private PAM service: pam_env, pam_unix nodelay, a session recorder
    (in a directory test users may enter, so commands can add lines)."""
    if os.geteuid() != 0:
        pytest.skip("needs root (real users and PAM)")
    d = pathlib.Path(tempfile.mkdtemp(prefix="rxt-pam-"))
    d.chmod(0o755)
    name = "rxt-" + secrets.token_hex(4)
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
    path = pathlib.Path("/etc/pam.d") / name
    path.write_text(
        f"auth required pam_env.so readenv=1 envfile={envfile} "
        "conffile=/dev/null\n"
        "auth required pam_unix.so nodelay\n"
        "account required pam_unix.so\n"
        f"session required pam_exec.so {hook}\n"
        "session required pam_unix.so\n")
    yield PamService(name, path, record, envfile)
    path.unlink()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def make_pam():
    """Writes private PAM services from stack lines; removes them after.
    Returns the service name."""
    made = []

    def make(*lines):
        path = pathlib.Path("/etc/pam.d") / ("rxt-" + secrets.token_hex(4))
        path.write_text("".join(l + "\n" for l in lines))
        made.append(path)
        return path.name
    yield make
    for path in made:
        path.unlink()


def free_port(host="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# How systemd-socket-activate starts the server in each of its modes.
SSA_MODES = {
    "inetd": ["--inetd", "--accept"],   # one process per connection, fd 0
    "activated": [],                    # the daemon, socket on fd 3
    "inetd-wait": ["--inetd"],          # the daemon, listening socket on 0
}


class Server(LoggedServer):
    """in.rexecd under test in one of its modes; logs in self.log.

    "standalone" is -l HOST:0; the other modes run under
    systemd-socket-activate (SSA_MODES).  argv replaces the server's
    command line (for another server); env, its environment.
    """

    def __init__(self, mode, pam, tmp, host="127.0.0.1", extra=(),
                 argv=None, env=None):
        self.mode, self.host = mode, host
        self.logpath = tmp / f"server-{mode}-{secrets.token_hex(3)}.log"
        self.logf = open(self.logpath, "w")
        args = argv or [str(SERVER), "-d", "--pam-service", pam.name,
                        "--fail-delay", "0", *extra]
        if argv is None and mode != "inetd":
            args += STANDALONE_EXTRA
        bracket = f"[{host}]" if ":" in host else host
        if mode == "standalone":
            self.proc = subprocess.Popen(args + ["-l", f"{bracket}:0"],
                                         stdout=subprocess.PIPE,
                                         stderr=self.logf, text=True,
                                         env=env)
            line = self.proc.stdout.readline()
            if not line.startswith("in.rexecd: listening on "):
                raise RuntimeError(f"server did not start: {line!r}")
            self.port = int(line.rsplit(":", 1)[1])
        else:
            if SSA is None:
                pytest.skip("systemd-socket-activate not installed")
            for attempt in range(3):   # the free port may be taken meanwhile
                self.port = free_port(host)
                self.proc = subprocess.Popen(
                    [SSA, *SSA_MODES[mode], "-l", f"{bracket}:{self.port}",
                     *args],
                    stdout=subprocess.DEVNULL, stderr=self.logf, text=True,
                    env=env)
                try:
                    if not self.wait_log("Listening on"):
                        raise RuntimeError(
                            f"server did not start: {self.log}")
                    break
                except RuntimeError:
                    if attempt == 2 or self.proc.poll() is None:
                        raise

    def stop(self):
        self.end_process()
        self.logf.close()


@pytest.fixture
def make_server(pam_service, tmp_path):
    made = []

    def make(mode="standalone", host="127.0.0.1", extra=(), env=None):
        s = Server(mode, pam_service, tmp_path, host, extra, env=env)
        made.append(s)
        return s
    yield make
    for s in made:
        s.stop()


@pytest.fixture(params=["standalone", "inetd"])
def server(request, make_server):
    """The server in each of its modes, on 127.0.0.1."""
    return make_server(request.param)


@pytest.fixture
def public_dir():
    """A fresh directory every user can enter (pytest's tmp_path is
    private to root), removed afterwards."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="rxt-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def standalone(make_server):
    """The server as a standalone daemon on 127.0.0.1."""
    return make_server("standalone")


@pytest.fixture
def netkit(tmp_path):
    """Debian's historical in.rexecd (rsh-server), one process per
    connection under systemd-socket-activate; PAM service "rexec"."""
    if not NETKIT.exists():
        pytest.skip("rsh-server (netkit in.rexecd) not installed")
    s = Server("inetd", None, tmp_path, argv=[str(NETKIT)])
    yield s
    s.stop()


@pytest.fixture(scope="session")
def glibc_rexec(tmp_path_factory):
    """Path of the glibc_rexec helper (built here if make did not)."""
    if GLIBC_REXEC.exists():
        return GLIBC_REXEC
    out = tmp_path_factory.mktemp("bin") / "glibc_rexec"
    run(os.environ.get("CC", "cc"), "-O2", "-Wall", "-o", str(out),
        str(pathlib.Path(__file__).parent / "glibc_rexec.c"))
    return out
