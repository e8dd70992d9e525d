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


class Server:
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

    def wait_log(self, text, timeout=10.0):
        """Waits (bounded) until text appears in the log."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.log:
                return True
            if self.proc.poll() is not None:
                return text in self.log
            time.sleep(0.02)
        return False

    def stop(self):
        if self.logf.closed:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.logf.close()


def server_argv(pam, *extra, fail_delay="0"):
    return [str(SERVER), "-d", "--pam-service", pam.name,
            "--fail-delay", fail_delay, *extra]
