"""The server under test, started with exactly the options a test gives.

Kept apart from conftest.py so that test modules can import it by a name
no other suite uses.
"""
import collections
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import time

import pytest
from rexeclib import LoggedServer

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVER = ROOT / os.environ.get("REXECD_BIN", "build/in.rexecd")
SSA = shutil.which("systemd-socket-activate")


# A PAM service of this file's own: its name and its /etc/pam.d file.
PamStack = collections.namedtuple("PamStack", "name path")


def free_port(host):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Server(LoggedServer):
    """in.rexecd run with exactly argv (which may start with a wrapper
    such as prlimit), logging to a file: "standalone" adds -l HOST:0 and
    reads the readiness line; "inetd" runs it under
    systemd-socket-activate --inetd --accept."""

    def __init__(self, argv, tmp, host="127.0.0.1", mode="standalone"):
        self.mode, self.host = mode, host
        self.logpath = tmp / f"server-{mode}-{secrets.token_hex(3)}.log"
        self.logf = open(self.logpath, "w")
        bracket = f"[{host}]" if ":" in host else host
        if mode == "standalone":
            self.proc = subprocess.Popen(argv + ["-l", f"{bracket}:0"],
                                         stdout=subprocess.PIPE,
                                         stderr=self.logf, text=True)
            line = self.proc.stdout.readline()
            if not line.startswith("in.rexecd: listening on "):
                raise RuntimeError(f"server did not start: {line!r}")
            self.port = int(line.rsplit(":", 1)[1])
            return
        if SSA is None:
            pytest.skip("systemd-socket-activate not installed")
        self.port = free_port(host)
        self.proc = subprocess.Popen(
            [SSA, "--inetd", "--accept", "-l", f"{bracket}:{self.port}",
             *argv], stdout=subprocess.DEVNULL, stderr=self.logf, text=True)
        if not self.wait_log("Listening on"):
            raise RuntimeError(f"server did not start: {self.log}")

    @property
    def log(self):
        if not self.logf.closed:
            self.logf.flush()
        return self.logpath.read_text()

    def lines(self, text):
        """The log lines that contain text."""
        return [l for l in self.log.splitlines() if text in l]

    def stop(self):
        if self.logf.closed:
            return
        self.end_process()
        self.logf.close()


def server_argv(pam, *extra, fail_delay="0"):
    return [str(SERVER), "-d", "--pam-service", pam.name,
            "--fail-delay", fail_delay, *extra]
