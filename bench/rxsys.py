# SPDX-License-Identifier: BSD-2-Clause
"""rexecd benchmark: the machine side (see bench/run.py).

The test user and PAM stack, the shared files changed for a run and how
they are put back, the server processes, and what /proc says about them.
"""
import os
import pathlib
import pwd
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

SSA = "/usr/bin/systemd-socket-activate"
NETKIT = "/usr/sbin/in.rexecd"
RESTORE_DIR = pathlib.Path("/var/tmp/rxbench-restore")
HOSTS = pathlib.Path("/etc/hosts")
PAM_REXEC = pathlib.Path("/etc/pam.d/rexec")
HOSTS_TAG = "# rxbench (temporary, removed after the benchmark)"
SHELL = "/bin/sh"
TICK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr,
          flush=True)


def sh(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True,
                          **kw)


def sh_locked(*cmd, **kw):
    """Runs a shadow-utils command, again while another holds its lock."""
    for _ in range(50):
        r = sh(*cmd, check=False, **kw)
        if r.returncode == 0 or "lock" not in r.stderr:
            break
        time.sleep(0.2)
    return r


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def process_start(pid):
    """A process's start time (to tell it from a later one with its pid)."""
    try:
        s = open(f"/proc/{pid}/stat").read()
        return s[s.rindex(")") + 2:].split()[19]
    except (OSError, IndexError):
        return None


def parse_kv(line):
    """'a=1 b="x y"' -> {'a': '1', 'b': 'x y'} (numbers left as text)."""
    out = {}
    for tok in shlex.split(line):
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
    return out


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class SystemState:
    """Changes to shared system files, recorded before they are made.

    Every original is copied to RESTORE_DIR first, so restore() puts it
    back even if this process dies and a later run does the restoring.
    The created user and private PAM file are recorded there too.
    """

    def __init__(self):
        RESTORE_DIR.mkdir(mode=0o700, exist_ok=True)

    def _save(self, path):
        saved = RESTORE_DIR / (path.name + ".orig")
        absent = RESTORE_DIR / (path.name + ".absent")
        if saved.exists() or absent.exists():
            return
        if path.exists():
            shutil.copy2(path, saved)
        else:
            absent.touch()

    def record(self, kind, value):
        with open(RESTORE_DIR / kind, "a") as f:
            f.write(value + "\n")

    def install_pam(self, text, private):
        self._save(PAM_REXEC)
        self.record("pamfiles", str(private))
        private.write_text(text)
        PAM_REXEC.write_text(text)

    def add_hosts(self, addrs):
        self._save(HOSTS)
        lines = [f"{a} rxbench-src{i + 1} {HOSTS_TAG}"
                 for i, a in enumerate(addrs)]
        text = HOSTS.read_text() if HOSTS.exists() else ""
        sep = "" if text == "" or text.endswith("\n") else "\n"
        with open(HOSTS, "a") as f:
            f.write(sep + "\n".join(lines) + "\n")

    def set_sysctl(self, path, value):
        """Writes a /proc/sys value for the run; the old one is kept."""
        path = pathlib.Path(path)
        if not path.exists():
            return False
        old = path.read_text().strip()
        if old != value:
            self.record("sysctl", f"{path} {old}")
            path.write_text(value)
        return True

    def _undo(self, kind, line):
        if kind == "sysctl":
            path, old = line.rsplit(" ", 1)
            pathlib.Path(path).write_text(old)
        elif kind == "pids":
            pid, start = line.split()
            if process_start(int(pid)) == start:
                for p in descendants(int(pid)) + [int(pid)]:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        elif kind == "users":
            sh_locked("userdel", "-r", "-f", line)
            if user_exists(line):
                log(f"could not remove user {line}")
            sh_locked("groupdel", line)
        elif kind == "tmpdirs":
            shutil.rmtree(line, ignore_errors=True)
        else:
            pathlib.Path(line).unlink(missing_ok=True)

    def restore(self):
        """Puts back every saved file, removes users and PAM files made,
        ends servers a killed run left running."""
        if not RESTORE_DIR.exists():
            return
        for path in (HOSTS, PAM_REXEC):
            saved = RESTORE_DIR / (path.name + ".orig")
            absent = RESTORE_DIR / (path.name + ".absent")
            if saved.exists():
                shutil.copy2(saved, path)
                saved.unlink()
            elif absent.exists():
                path.unlink(missing_ok=True)
                absent.unlink()
        for kind in ("pids", "users", "pamfiles", "tmpdirs", "sysctl"):
            rec = RESTORE_DIR / kind
            if not rec.exists():
                continue
            for line in rec.read_text().splitlines():
                self._undo(kind, line)
            rec.unlink()
        shutil.rmtree(RESTORE_DIR, ignore_errors=True)


def make_user(state, method="YESCRYPT", rounds=None, prefix="rxtb"):
    """A test user, /bin/sh, its password hashed with method: yescrypt
    by default (Debian's), or e.g. SHA512 with few rounds (a light one)."""
    name = prefix + secrets.token_hex(4)
    password = "Pw-" + secrets.token_hex(5)
    tag = {"YESCRYPT": "$y$", "SHA512": "$6$"}[method]
    state.record("users", name)
    crypt = ("-c", method) + (("-s", str(rounds)) if rounds else ())
    for cmd, inp in ((("useradd", "-m", "-s", SHELL, "-K",
                       "MAIL_DIR=/dev/null", name), None),
                     (("chpasswd",) + crypt, f"{name}:{password}\n")):
        r = sh_locked(*cmd, input=inp)
        if r.returncode != 0:
            raise RuntimeError(f"{cmd[0]}: {r.stderr.strip()}")
    with open("/etc/shadow") as f:
        for line in f:
            if line.startswith(name + ":") and \
                    not line.split(":")[1].startswith(tag):
                raise RuntimeError(f"password hash is not {method}")
    return name, password


def pam_stack(counter, countfile):
    """pam_unix with its fail delay; a refused check appends a line."""
    return (
        "# rexecd benchmark PAM stack (temporary; see bench/run.py)\n"
        "auth     [success=2 default=ignore] pam_unix.so\n"
        f"auth     optional  pam_exec.so quiet {counter} {countfile}\n"
        "auth     requisite pam_deny.so\n"
        "auth     required  pam_permit.so\n"
        "account  required  pam_unix.so\n"
        "session  required  pam_unix.so\n")


# --- processes -------------------------------------------------------------

def ppid_map():
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            s = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        out[int(d)] = int(s[s.rindex(")") + 2:].split()[1])
    return out


def descendants(root, depth=False):
    """Every process under root (with its depth below root if asked)."""
    pp = ppid_map()
    kids = {}
    for pid, parent in pp.items():
        kids.setdefault(parent, []).append(pid)
    out, todo = [], [(root, 0)]
    while todo:
        p, d = todo.pop()
        for k in kids.get(p, []):
            out.append((k, d + 1) if depth else k)
            todo.append((k, d + 1))
    return out


def comm(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return "?"


def cpu_seconds(pid, children=True):
    """utime+stime+cutime+cstime of pid: itself and every reaped child
    (or utime+stime only: the process itself)."""
    s = open(f"/proc/{pid}/stat").read()
    f = s[s.rindex(")") + 2:].split()
    return sum(int(x) for x in f[11:15 if children else 13]) / TICK


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def busy_fraction(seconds=1.0):
    """Share of the machine's CPU time that was busy over a moment."""
    def snap():
        v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return sum(v), v[3] + v[4]
    t0, i0 = snap()
    time.sleep(seconds)
    t1, i1 = snap()
    return 1 - (i1 - i0) / max(1, t1 - t0)


class AttackerGroup:
    """A CPU cgroup capped at a quarter of one CPU, for the attacker.

    On a real network the attacker's CPU is other machines'; here it must
    neither take the cores from the server it attacks nor be starved by
    other work on the machine.  64 clients waiting for netkit's answers
    need about 1 % of a CPU; against a server that answers at once the cap
    bounds how fast they can go.  Without a cgroup: nice 19.
    """

    BASE = pathlib.Path("/sys/fs/cgroup/cpu")
    QUOTA = 0.25

    def __init__(self):
        self.path = None
        try:
            p = self.BASE / f"rxbench-attacker-{os.getpid()}"
            p.mkdir(exist_ok=True)
            self.path = p
            (p / "cpu.cfs_period_us").write_text("100000")
            (p / "cpu.cfs_quota_us").write_text(str(int(self.QUOTA * 1e5)))
        except OSError as e:
            log(f"no CPU cgroup for the attacker ({e}); using nice 19")

    def enter(self):
        """In the attacker's process, before exec."""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))
        else:
            os.setpriority(os.PRIO_PROCESS, 0, 19)

    def remove(self):
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass


# --- servers ---------------------------------------------------------------

def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server under test; root is the process whose CPU we account."""

    state = None    # the SystemState that records every server started

    def __init__(self, name, label, argv, inetd, tmp):
        self.name, self.label = name, label
        self.spec = (argv, inetd, tmp)
        self.errpath = tmp / f"{name}.stderr"
        self.err = open(self.errpath, "a")
        if inetd:
            self.port = free_port()
            argv = [SSA, "--inetd", "--accept", "-l",
                    f"127.0.0.1:{self.port}", *argv]
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=self.err)
            self._wait_text("Listening on")
        else:
            self.proc = subprocess.Popen(argv + ["-l", "127.0.0.1:0"],
                                         stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE,
                                         stderr=self.err, text=True)
            line = self.proc.stdout.readline()
            if "listening on" not in line:
                raise RuntimeError(f"{name} did not start: {line!r}")
            self.port = int(line.rsplit(":", 1)[1])
        self.pid = self.proc.pid
        if Server.state is not None:
            Server.state.record("pids",
                                f"{self.pid} {process_start(self.pid)}")

    def _wait_text(self, text, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.errpath.read_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not start: "
                           f"{self.errpath.read_text()!r}")

    def settle(self, timeout=40):
        """Waits until no session process is left (all reaped)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not descendants(self.pid):
                return True
            time.sleep(0.05)
        log(f"{self.name}: session processes still running after "
            f"{timeout}s")
        return False

    def cpu(self, children=True):
        return cpu_seconds(self.pid, children)

    def restart(self):
        """A fresh server: no state (penalties) left from earlier runs."""
        self.stop()
        self.__init__(self.name, self.label, *self.spec)

    def stop(self):
        for p in descendants(self.pid):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.close()
