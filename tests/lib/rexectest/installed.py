# SPDX-License-Identifier: BSD-2-Clause
"""Helpers for the tests of an installed rexecd: running make, reading
unit files the way systemd does, waiting for a listener, a stand-in for
systemd's NOTIFY_SOCKET."""
import os
import pathlib
import re
import shlex
import signal
import socket
import subprocess
import time
from dataclasses import dataclass

from .paths import ROOT

PREFIX = "/usr/local"


def make(*args, check=True):
    """Runs make in the source tree, away from an outer make's settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    cmd = ["make", "--no-print-directory", "-C", str(ROOT)]
    if os.environ.get("REXECD_B"):
        cmd.append("B=" + os.environ["REXECD_B"])
    r = subprocess.run(cmd + list(args), env=env, capture_output=True,
                       text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed:\n"
                             f"{r.stdout}\n{r.stderr}")
    return r


def parse_unit(path):
    """A unit file as {section: [(key, value), ...]}, in file order."""
    sections, cur = {}, None
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            cur = sections.setdefault(line[1:-1], [])
            continue
        key, _, value = line.partition("=")
        cur.append((key.strip(), value.strip()))
    return sections


def unit_value(unit, section, key):
    """The last value of key in section (systemd: the last one counts)."""
    values = [v for k, v in unit.get(section, []) if k == key]
    assert values, f"{key}= missing from [{section}]"
    return values[-1]


def parse_envfile(path):
    """NAME=value lines as systemd's EnvironmentFile= reads simple ones."""
    env = {}
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        name, _, value = line.partition("=")
        words = shlex.split(value)
        env[name.strip()] = " ".join(words)
    return env


def expand_exec(cmdline, env):
    """ExecStart= as systemd runs it: prefix stripped, $VAR split into
    words (empty: no word), ${VAR} substituted as one word."""
    ignore = cmdline.startswith("-")
    words = []
    for w in shlex.split(cmdline.lstrip("-")):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            words += env.get(m.group(1), "").split()
        else:
            words.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                                lambda v: env.get(v.group(1), ""), w))
    return words, ignore


@dataclass
class Installed:
    """A tree that `make install DESTDIR=root PREFIX=/usr/local` wrote."""
    root: pathlib.Path

    def path(self, p):
        """The installed path p (as the system would see it) in DESTDIR."""
        return self.root / str(p).lstrip("/")

    @property
    def sbin(self):
        return self.path(PREFIX + "/sbin/in.rexecd")

    def unit(self, name):
        return parse_unit(self.path(PREFIX + "/lib/systemd/system/" + name))

    def argv(self, unit, extra_env=None):
        """The unit's ExecStart with its EnvironmentFile= read from DESTDIR
        (then extra_env, as an administrator's edits) and the program
        inside DESTDIR.  Returns (argv, env)."""
        envfile = unit_value(unit, "Service", "EnvironmentFile")
        assert envfile == "-/etc/default/rexecd"
        env = parse_envfile(self.path(envfile.lstrip("-")))
        env.update(extra_env or {})
        words, _ = expand_exec(unit_value(unit, "Service", "ExecStart"), env)
        assert words[0] == PREFIX + "/sbin/in.rexecd"
        return [str(self.path(words[0]))] + words[1:], env

    def kill_leftovers(self):
        """Kills processes still running the installed server (daemons
        that inetd or systemd-socket-activate left behind)."""
        exe = str(self.sbin)
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.readlink(f"/proc/{pid}/exe") == exe:
                    os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def listening(port):
    """Whether some TCP socket listens on port (IPv4 or IPv6)."""
    hexport = f":{port:04X}"
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = pathlib.Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[1].endswith(hexport) and f[3] == "0A":
                return True
    return False


def wait_listening(port, proc, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if listening(port):
            return
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode} before "
                                 f"listening on {port}")
        time.sleep(0.02)
    raise AssertionError(f"nothing listens on port {port}")


class Notify:
    """An AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def receive(self, timeout=10.0):
        """The next datagram, or None after timeout seconds."""
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(4096)
        except socket.timeout:
            return None

    def receive_after_status(self, timeout=10.0):
        """The next datagram that is not a STATUS= line (the daemon's
        counts, sent as they change), or None."""
        while True:
            d = self.receive(timeout)
            if d is None or not d.startswith(b"STATUS="):
                return d

    def close(self):
        self.sock.close()


