# SPDX-License-Identifier: BSD-2-Clause
"""The fail2ban filter and the journal jail against a real systemd journal.

No journald runs on a test machine without systemd as PID 1, so the test
starts one: systemd-journald in a private mount namespace whose
/run/systemd, /run/log and /dev are its own, /dev/log being journald's
syslog socket.  in.rexecd runs in that namespace and logs to syslog as
on any system; fail2ban-regex (backend systemd-journal, the filter's
journalmatch) and then fail2ban-server itself with the shipped jail
(contrib/fail2ban/jail.d/rexecd.conf, backend = systemd, a dummy ban
action) read that journal.
"""
import os
import pathlib
import shutil
import subprocess
import time

import pytest

from rexectest.paths import SERVER
from rexectest.procs import children, wait_until
from rexectest.wire import LOGIN_INCORRECT, login
from test_fail2ban import F2B, JAILS, f2b_client, f2b_conf, f2b_ips
from test_fail2ban import filter_dir, make_failures  # noqa: F401

JOURNALD = pathlib.Path("/lib/systemd/systemd-journald")


def _have_journal_reader():
    r = subprocess.run(["/usr/bin/python3", "-c", "import systemd.journal"],
                       capture_output=True)
    return r.returncode == 0


pytestmark = pytest.mark.skipif(
    F2B is None or not JOURNALD.exists() or shutil.which("nsenter") is None
    or not _have_journal_reader(),
    reason="needs fail2ban, systemd-journald, nsenter, python3-systemd")


class Journal:
    """A private systemd-journald; run() starts a program beside it."""

    SETUP = """set -e
mount --make-rprivate /
mount -t tmpfs -o mode=755 tmpfs /run/systemd
mkdir /run/systemd/journal
mount -t tmpfs -o mode=755 tmpfs /run/log
mkdir -p /run/fail2ban
mount -t tmpfs -o mode=755 tmpfs /run/fail2ban
mkdir -p "$D/olddev"
mount --bind /dev "$D/olddev"
mount -t tmpfs -o mode=755 tmpfs /dev
for f in null zero full random urandom; do
    touch /dev/$f; mount --bind "$D/olddev/$f" /dev/$f
done
"$JOURNALD" </dev/null >"$D/journald.out" 2>&1 &
echo $! >"$D/journald.pid"
i=0
while [ ! -S /run/systemd/journal/dev-log ] && [ $i -lt 200 ]; do
    sleep 0.05; i=$((i + 1))
done
ln -s /run/systemd/journal/dev-log /dev/log
echo ready
exec sleep 3600
"""

    def __init__(self, d):
        self.d = d
        self.holder = subprocess.Popen(
            ["unshare", "-m", "sh", "-c", self.SETUP],
            env={**os.environ, "D": str(d), "JOURNALD": str(JOURNALD)},
            stdout=subprocess.PIPE, text=True)
        assert self.holder.stdout.readline() == "ready\n"
        assert (d / "journald.pid").exists()

    def argv(self, *args):
        return ["nsenter", "-t", str(self.holder.pid), "-m", "--", *args]

    def run(self, *args):
        return subprocess.run(self.argv(*args), capture_output=True,
                              text=True, timeout=120)

    def close(self):
        try:
            os.kill(int((self.d / "journald.pid").read_text()), 15)
        except (OSError, ValueError):
            pass
        self.holder.kill()
        self.holder.wait()
        self.holder.stdout.close()


@pytest.fixture
def journal(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root (namespaces, journald)")
    j = Journal(tmp_path)
    yield j
    j.close()


def start_beside(journal, start_server, pam_service):
    """in.rexecd beside the journal, on 127.0.0.1 and ::1 (a Server)."""
    return start_server(journal.argv(
        str(SERVER), "--pam-service", pam_service.name, "--fail-delay", "0",
        "--penalty", "off", "--login-grace-time", "1"), also=["::1"])


def test_filter_on_the_journal(journal, start_server, pam_service, user,
                               filter_dir):
    """Every failure is in the journal under SYSLOG_IDENTIFIER=in.rexecd,
    and fail2ban-regex finds exactly those through the filter's
    journalmatch, in both modes."""
    s = start_beside(journal, start_server, pam_service)
    ports = s.ports
    try:
        want, leaver = make_failures("127.0.0.1", ports["127.0.0.1"], user)
        leaver.close()
        for _ in range(2):
            assert login("::1", ports["::1"], user.name, "wrong-Pw-2") == \
                LOGIN_INCORRECT
        want["::1"] = 2
        assert wait_until(lambda: children(s.proc.pid) == [])
    finally:
        s.stop()
    r = journal.run("journalctl", "--no-pager", "-o", "short",
                    "SYSLOG_IDENTIFIER=in.rexecd")
    assert r.returncode == 0, r.stderr
    assert "login accepted" in r.stdout
    wrap = journal.argv()
    assert f2b_ips("systemd-journal", filter_dir, wrapper=wrap) == want
    want["127.0.0.36"] = 1
    assert f2b_ips("systemd-journal", filter_dir, "aggressive",
                   wrapper=wrap) == want


def test_journal_jail_bans(journal, start_server, pam_service, user,
                           tmp_path):
    """fail2ban-server with the shipped journal jail (and no log file
    anywhere) bans an address after maxretry (5) refused logins, and
    only that address."""
    conf = f2b_conf(tmp_path, "rexecd.conf")
    (conf / "fail2ban.d" / "zz-test.local").write_text(
        f"[Definition]\nlogtarget = {tmp_path}/fail2ban.log\n"
        f"socket = {tmp_path}/f2b.sock\npidfile = {tmp_path}/f2b.pid\n"
        "dbfile = :memory:\n")
    (conf / "jail.d" / "zz-test.local").write_text(
        "[rexecd]\nbanaction = dummy\n")
    r = journal.run("fail2ban-client", "-c", str(conf), "start")
    assert r.returncode == 0, r.stderr
    s = start_beside(journal, start_server, pam_service)
    ports = s.ports
    try:
        for _ in range(5):
            assert login("127.0.0.1", ports["127.0.0.1"], user.name,
                         "wrong-Pw-3", source="127.0.0.41") == LOGIN_INCORRECT
        for _ in range(4):
            assert login("127.0.0.1", ports["127.0.0.1"], user.name,
                         "wrong-Pw-4", source="127.0.0.42") == LOGIN_INCORRECT

        def status():
            return f2b_client(conf, "status", "rexecd").stdout

        def banned():
            line = [x for x in status().splitlines() if "Banned IP list" in x]
            return line[0].split(":", 1)[1].split() if line else None
        # All nine failures read from the journal, and the one ban (the
        # ban action runs in a thread of its own, before or after).
        assert wait_until(lambda: "Total failed:\t9\n" in status(),
                          timeout=30), status()
        assert wait_until(lambda: banned() == ["127.0.0.41"], timeout=30), \
            status()
        assert "Journal matches:\tSYSLOG_IDENTIFIER=in.rexecd" in status()
    finally:
        s.stop()
        f2b_client(conf, "stop")
    assert "Ban 127.0.0.41" in (tmp_path / "fail2ban.log").read_text()
