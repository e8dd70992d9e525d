"""Fixtures for the rexec(1) tests: the client, a test user, the servers.

The servers under test are Debian's historical netkit in.rexecd (package
rsh-server), run per connection by systemd-socket-activate as inetd
would, and this project's build/in.rexecd in standalone mode (skipped
while it is not built) with the e2e harness's private PAM service
(pam_unix nodelay) and --fail-delay 0, so refusals come at once.
Scripted fake servers live in fakeserver.py.  The fleet fixture runs 32
of our servers on 127.0.0.2 ... 127.0.0.33 for test_many_hosts.py.
"""
import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REXEC = Path(os.environ.get("REXEC_BIN", ROOT / "build" / "rexec"))
OURS = Path(os.environ.get("REXECD_BIN", ROOT / "build" / "in.rexecd"))
NETKIT = Path("/usr/sbin/in.rexecd")
VERSION = (ROOT / "VERSION").read_text().strip()

RUN_TIMEOUT = 60  # a guard against hangs, never an assertion


def _load_e2e_conftest():
    """tests/e2e/conftest.py as a module of its own name, leaving
    sys.path as it was (it adds its directory to import its helpers)."""
    path = ROOT / "tests" / "e2e" / "conftest.py"
    spec = importlib.util.spec_from_file_location("rxt_e2e_conftest", path)
    mod = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path[:] = saved
    return mod


# A private PAM service (/etc/pam.d/rxt-*: pam_unix nodelay), made once
# per session when a test needs our server and removed at the end.
pam_service = _load_e2e_conftest().pam_service


class User:
    def __init__(self, name, password, uid, home):
        self.name = name
        self.password = password
        self.uid = uid
        self.home = home


def kill_processes_of(uid):
    """Ends what the test user still runs (e.g. a remote sleep)."""
    for _ in range(50):
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
                if os.stat(f"/proc/{entry}").st_uid == uid and not zombie:
                    pids.append(int(entry))
            except (OSError, IndexError):
                pass
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)


@pytest.fixture(scope="session")
def user():
    """A fresh local user with a password, removed at the end."""
    if os.geteuid() != 0:
        pytest.skip("creating the test user needs root")
    name = "rxt" + secrets.token_hex(4)
    password = "Pw-" + secrets.token_hex(6)
    subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True)
    try:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n".encode(),
                       check=True)
        pw = subprocess.run(["getent", "passwd", name], check=True,
                            capture_output=True, text=True).stdout.split(":")
        yield User(name, password, int(pw[2]), pw[5])
    finally:
        uid = int(subprocess.run(["id", "-u", name], capture_output=True,
                                 text=True).stdout or -1)
        if uid > 0:
            kill_processes_of(uid)
        subprocess.run(["userdel", "-r", "-f", name],
                       stderr=subprocess.DEVNULL)


def free_port(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_line(path, pattern, proc, count=1):
    """Waits (bounded) until the file holds count lines matching pattern."""
    for _ in range(200):
        text = path.read_text(errors="replace") if path.exists() else ""
        found = re.findall(pattern, text, re.M)
        if len(found) >= count:
            return found
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"server not ready: {path.read_text()!r}")


class Server:
    """A running server: kind, IPv4 and IPv6 ports, and what it supports."""

    def __init__(self, kind, port, port6, procs):
        self.kind = kind
        self.host = "127.0.0.1"
        self.port = port
        self.port6 = port6
        self.procs = procs
        # netkit execs the command with the stderr channel as its fd 2
        # and no relay process: signal bytes from the client go nowhere.
        self.relays_signals = kind == "rexecd"

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def start_netkit(tmp, addr="127.0.0.1"):
    """netkit in.rexecd behind systemd-socket-activate, on addr and ::1."""
    port, port6 = free_port(addr), free_port("::1")
    log = tmp / "netkit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["systemd-socket-activate", "-a", "--inetd",
             "-l", f"{addr}:{port}", "-l", f"[::1]:{port6}", str(NETKIT)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    wait_for_line(log, r"^Listening on", proc, count=2)
    srv = Server("netkit", port, port6, [proc])
    srv.host = addr
    return srv


def ours_argv(pam):
    """Our server's options for tests: the private PAM service and no
    delay before a refusal."""
    return [str(OURS), "-d", "--pam-service", pam.name, "--fail-delay", "0"]


def start_ours(tmp, pam):
    procs, ports = [], []
    for i, addr in enumerate(["127.0.0.1:0", "[::1]:0"]):
        out_path, err_path = tmp / f"ours{i}.out", tmp / f"ours{i}.err"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen([*ours_argv(pam), "-l", addr],
                                    stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err)
        procs.append(proc)
        line = wait_for_line(out_path, r"^in\.rexecd: listening on (.*)$",
                             proc)[0]
        ports.append(int(line.rsplit(":", 1)[1]))
    return Server("rexecd", ports[0], ports[1], procs)


@pytest.fixture(scope="session", params=["netkit", "rexecd"])
def server(request, user, tmp_path_factory):
    """Each server under test, started once for the whole run."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "netkit":
        if not NETKIT.exists():
            pytest.skip("Debian's rsh-server is not installed")
        srv = start_netkit(tmp)
    else:
        if not OURS.exists():
            pytest.skip(f"{OURS} is not built yet")
        srv = start_ours(tmp, request.getfixturevalue("pam_service"))
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
    """Runs build/rexec with a clean environment; returns a Result."""
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


def client_env(home, password=None):
    """A clean environment: HOME without a .netrc unless a test writes one."""
    e = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(home),
         "LANG": "C"}
    if password is not None:
        e["REXEC_PASSWORD"] = password
    return e


# --- many hosts: 32 of our servers, one per loopback address ----------------

FLEET = [f"127.0.0.{n}" for n in range(2, 34)]


class Fleet:
    """Our server as 32 hosts: one process per address in FLEET, all on
    one port (pdsh and clush run the same command line for every host).
    Each host's debug log is in its own file, kept across restarts."""

    def __init__(self, tmp, pam):
        self.tmp, self.pam = tmp, pam
        self.hosts = list(FLEET)
        self.procs = {}
        self.starts = 0
        for attempt in range(3):  # the free port may be taken meanwhile
            self.port = free_port(FLEET[0])
            try:
                self._start_all()
                return
            except RuntimeError:
                self.stop_all()
                if attempt == 2:
                    raise

    def _launch(self, host):
        self.starts += 1
        out_path = self.tmp / f"{host}.{self.starts}.out"
        log_path = self.logpath(host)
        with open(out_path, "wb") as out, open(log_path, "ab") as log:
            self.procs[host] = subprocess.Popen(
                [*ours_argv(self.pam), "-l", f"{host}:{self.port}"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=log)
        return out_path

    def _start_all(self):
        outs = {host: self._launch(host) for host in self.hosts}
        for host, out_path in outs.items():
            wait_for_line(out_path, r"^in\.rexecd: listening on "
                          + re.escape(f"{host}:{self.port}") + "$",
                          self.procs[host])

    def start(self, host):
        """Starts the server of host again after stop()."""
        out_path = self._launch(host)
        wait_for_line(out_path, r"^in\.rexecd: listening on ",
                      self.procs[host])

    def stop(self, host):
        """Stops the server of host: its address then refuses connections."""
        proc = self.procs.pop(host)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self):
        for host in list(self.procs):
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
    if not OURS.exists():
        pytest.skip(f"{OURS} is not built yet")
    f = Fleet(tmp_path_factory.mktemp("fleet"), pam_service)
    yield f
    f.stop_all()
