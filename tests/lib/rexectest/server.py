# SPDX-License-Identifier: BSD-2-Clause
"""The one way the suites run a server under test.

Server starts a program (this project's in.rexecd, Debian's netkit
in.rexecd, or either behind a wrapper such as prlimit or unshare) with
exactly the argv a test gives, in one of the ways a system starts it,
and keeps its stderr (the -d log, systemd-socket-activate's messages) in
a file that tests read and wait on.
"""
import re
import secrets
import subprocess
import time

import pytest

from .paths import SERVER, SSA
from .wire import free_port

# How systemd-socket-activate starts the server in each of its modes.
SSA_MODES = {
    "inetd": ["--inetd", "--accept"],   # one process per connection, fd 0
    "activated": [],                    # the daemon, socket on fd 3
    "inetd-wait": ["--inetd"],          # the daemon, listening socket on 0
    "accept-fd3": ["--accept"],         # one process per connection, the
                                        # connection on fd 3 (LISTEN_FDS=1)
}

READY = "in.rexecd: listening on "

# The end of a connection's process, as the daemon (-d) or
# systemd-socket-activate (inetd mode) logs it.
EXIT_RE = re.compile(r"connection process (\d+): exit (\d+)|"
                     r"Child (\d+) died with code (\d+)")

# Tests about one connection, not about the defences against floods
# (tests/abuse has those), turn the per-source penalty off: it would
# refuse a test's fifth failed login in a row.
PENALTY_OFF = ["--penalty", "off"]


def server_argv(pam, *extra, fail_delay="0", binary=SERVER):
    """Our server's command line for tests: the debug log on stderr, the
    PAM service named pam, no delay before a refusal unless fail_delay
    says otherwise, then extra."""
    return [str(binary), "-d", "--pam-service", pam,
            "--fail-delay", fail_delay, *extra]


def bracket(host):
    return f"[{host}]" if ":" in host else host


class Server:
    """A server under test on host (and the addresses in also), port
    0 (the kernel's choice) unless port says otherwise.

    mode "standalone" adds -l ADDR:PORT for every address and reads the
    ports from the readiness lines; the other modes (SSA_MODES) run argv
    under systemd-socket-activate on a free port of every address,
    setenv passed to the server with --setenv.  env is the environment of
    the process started (None: the tests' own).  The log is logpath
    (appended to, if given, else a new file in tmp).  With settle, stop()
    first lets the connections' processes end (see settle()).
    """

    def __init__(self, argv, tmp, mode="standalone", host="127.0.0.1",
                 also=(), port=0, env=None, setenv=None, logpath=None,
                 settle=False):
        self.mode, self.host, self.hosts = mode, host, [host, *also]
        self.settle_on_stop = settle
        self.logpath = logpath or \
            tmp / f"server-{mode}-{secrets.token_hex(3)}.log"
        self.logf = open(self.logpath, "a")
        if mode == "standalone":
            self._standalone(argv, port, env)
            return
        if SSA is None:
            self.logf.close()
            pytest.skip("systemd-socket-activate not installed")
        setenv = [f"--setenv={k}={v}" for k, v in (setenv or {}).items()]
        for attempt in range(3):    # a free port may be taken meanwhile
            seen = self.log.count("Listening on")
            ports = [port or free_port(h) for h in self.hosts]
            listen = [a for h, p in zip(self.hosts, ports)
                      for a in ("-l", f"{bracket(h)}:{p}")]
            self.proc = subprocess.Popen(
                [SSA, *SSA_MODES[mode], *listen, *setenv, *argv],
                stdout=subprocess.DEVNULL, stderr=self.logf, text=True,
                env=env)
            if self._wait_count("Listening on", seen + len(self.hosts)):
                break
            if attempt == 2 or self.proc.poll() is None:
                self.stop()
                raise RuntimeError(f"server did not start: {self.log}")
        self.ports = dict(zip(self.hosts, ports))
        self.port = ports[0]

    def _standalone(self, argv, port, env):
        listen = [a for h in self.hosts for a in ("-l", f"{bracket(h)}:{port}")]
        self.proc = subprocess.Popen(argv + listen, stdout=subprocess.PIPE,
                                     stderr=self.logf, text=True, env=env)
        self.ports = {}
        for host in self.hosts:     # one line a socket, in -l order
            line = self.proc.stdout.readline()
            if not line.startswith(READY):
                self.stop()
                raise RuntimeError(f"server did not start: {line!r} "
                                   f"{self.log}")
            self.ports[host] = int(line.rsplit(":", 1)[1])
        self.port = self.ports[self.host]

    @property
    def log(self):
        if not self.logf.closed:
            self.logf.flush()
        return self.logpath.read_text(errors="replace")

    def lines(self, text):
        """The log lines that contain text."""
        return [l for l in self.log.splitlines() if text in l]

    def _wait_count(self, text, count, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.log.count(text) >= count:
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        return self.log.count(text) >= count

    def wait_log(self, text, timeout=10.0):
        """Waits (bounded) until text appears in the log; gives up early
        once the process has ended."""
        return self._wait_count(text, 1, timeout)

    def exit_codes(self, count=1, timeout=10.0):
        """Waits until count connection processes have ended; returns
        their exit codes in the order they ended."""
        end = time.monotonic() + timeout
        while True:
            codes = [int(m.group(2) or m.group(4))
                     for m in EXIT_RE.finditer(self.log)]
            if len(codes) >= count or time.monotonic() >= end:
                return codes
            time.sleep(0.02)

    def settle(self, timeout=10.0):
        """Waits (bounded) until every connection's process has ended, so
        that none is cut short (its PAM session left open) by stop()."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            log = self.log
            if len(EXIT_RE.findall(log)) >= log.count(": connection from "):
                return
            time.sleep(0.02)

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; always reaps.  Once only."""
        if self.logf.closed:
            return
        if self.settle_on_stop:
            self.settle()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.logf.close()
