# SPDX-License-Identifier: BSD-2-Clause
"""contrib/fail2ban/filter.d/rexecd.conf against logs the server wrote.

Failures are made from distinct 127/8 sources, then Debian's
fail2ban-regex runs the filter over the log and must find exactly those
failures at exactly those addresses.  Two logs: the -d log (stderr, no
time stamps), and a real syslog stream: the server runs in a private
mount namespace whose /dev/log is a socket this test reads, and the
lines are stored as a syslog daemon stores them.
"""
import collections
import pathlib
import shutil
import subprocess

import pytest

from rexectest.paths import ROOT, SERVER
from rexectest.procs import children, wait_until
from rexectest.server import Server
from rexectest.syslog import Sink, with_private_dev_log
from rexectest.wire import (BAD_PORT, LOGIN_INCORRECT, TIMED_OUT, connect,
                            login, raw, read_all)

FILTER = ROOT / "contrib" / "fail2ban" / "filter.d" / "rexecd.conf"
JAILS = ROOT / "contrib" / "fail2ban" / "jail.d"
COMMON = pathlib.Path("/etc/fail2ban/filter.d/common.conf")
F2B = shutil.which("fail2ban-regex")

pytestmark = pytest.mark.skipif(F2B is None or not COMMON.exists(),
                                reason="fail2ban not installed")


@pytest.fixture
def filter_dir(tmp_path):
    """The filter next to fail2ban's common.conf, which it includes."""
    d = tmp_path / "filter.d"
    d.mkdir()
    shutil.copy(COMMON, d)
    shutil.copy(FILTER, d)
    return d / "rexecd.conf"


def f2b_ips(log, filt, mode="normal", no_dates=False, wrapper=()):
    """The address of every failure fail2ban-regex finds, counted; log is
    a file or "systemd-journal", wrapper what fail2ban-regex runs under."""
    args = [*wrapper, F2B, "-o", "ip"]
    if no_dates:
        args += ["-d", "{NONE}"]
    args += [str(log), f"{filt}[mode={mode}]"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return collections.Counter(r.stdout.split())


def make_failures(host, port, user, prefix="127.0.0."):
    """Failures of every kind from distinct sources; returns what the
    filter must find (normal mode) and the sources that only left."""
    for _ in range(3):
        assert login(host, port, user.name, "wrong-Pw-1",
                     source=prefix + "31") == LOGIN_INCORRECT
    for _ in range(2):
        assert login(host, port, "rxtnosuchuser", "Pw-x",
                     source=prefix + "32") == LOGIN_INCORRECT
    assert raw(host, port, b"x\0", source=prefix + "33") == BAD_PORT
    assert raw(host, port, b"\0" + b"u" * 300 + b"\0",
               source=prefix + "33") == b"\x01username too long\n"
    with connect(host, port, source=prefix + "34") as c:
        assert read_all(c) == TIMED_OUT
    assert login(host, port, user.name, user.password,
                 source=prefix + "35") == b"\0ok\n"
    c = connect(host, port, source=prefix + "36")
    c.sendall(b"\0rxt")
    return ({prefix + "31": 3, prefix + "32": 2, prefix + "33": 2,
             prefix + "34": 1}, c)


def test_filter_on_the_debug_log(server_with, user, filter_dir):
    s = server_with("--login-grace-time", "1", "--penalty", "off")
    want, leaver = make_failures(s.host, s.port, user)
    leaver.close()
    assert s.wait_log("connection from 127.0.0.36 port ")
    assert wait_until(lambda: children(s.proc.pid) == [])
    assert f2b_ips(s.logpath, filter_dir, no_dates=True) == want
    want["127.0.0.36"] = 1
    assert f2b_ips(s.logpath, filter_dir, "aggressive", no_dates=True) == want


def test_filter_on_a_syslog_log(pam_service, user, filter_dir, tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare not installed")
    sink = Sink(tmp_path)
    s = Server(with_private_dev_log(tmp_path, [
        str(SERVER), "--pam-service", pam_service.name, "--fail-delay", "0",
        "--penalty", "off", "--login-grace-time", "1"]), tmp_path,
        also=["::1"])
    try:
        want, leaver = make_failures("127.0.0.1", s.ports["127.0.0.1"], user)
        leaver.close()
        for _ in range(2):
            assert login("::1", s.ports["::1"], user.name, "wrong-Pw-2") == \
                LOGIN_INCORRECT
        want["::1"] = 2
        assert wait_until(lambda: children(s.proc.pid) == [])
    finally:
        s.stop()
        sink.close()
    log = tmp_path / "auth.log"
    sink.write_log(log)
    text = log.read_text()
    assert " testhost in.rexecd[" in text and "login accepted" in text
    assert f2b_ips(log, filter_dir) == want


def f2b_conf(tmp_path, jail):
    """A copy of /etc/fail2ban with our filter and only the jail given
    (Debian's own jail.d enables sshd, whose log file may be missing)."""
    conf = tmp_path / "fail2ban"
    shutil.copytree("/etc/fail2ban", conf)
    for f in (conf / "jail.d").iterdir():
        f.unlink()
    shutil.copy(FILTER, conf / "filter.d")
    shutil.copy(JAILS / jail, conf / "jail.d")
    return conf


def f2b_client(conf, *args):
    return subprocess.run(["fail2ban-client", "-c", str(conf), *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("jail", ["rexecd.conf", "rexecd-logfile.conf"])
def test_jail_example_loads(tmp_path, jail):
    """fail2ban reads each jail example (with the filter) without error."""
    conf = f2b_conf(tmp_path, jail)
    r = f2b_client(conf, "-d")
    assert r.returncode == 0, r.stderr
    backend = "systemd" if jail == "rexecd.conf" else "auto"
    assert f"['add', 'rexecd', '{backend}']" in r.stdout
    assert "login refused for user" in r.stdout
    assert "['start', 'rexecd']" in r.stdout
    assert "['set', 'rexecd', 'addjournalmatch', " \
        "'SYSLOG_IDENTIFIER=in.rexecd']" in r.stdout


def test_journal_jail_needs_no_log_file(tmp_path):
    """Stock Debian 12 has no /var/log/auth.log: the journal jail passes
    fail2ban's configuration test there, the log file jail only once its
    log file exists (fail2ban would refuse to start without it)."""
    conf = f2b_conf(tmp_path, "rexecd.conf")
    r = f2b_client(conf, "-t")
    assert r.returncode == 0, r.stderr
    assert "OK: configuration test is successful" in r.stdout
    conf = f2b_conf(tmp_path / "logfile", "rexecd-logfile.conf")
    log = tmp_path / "auth.log"
    (conf / "jail.d" / "zz-test.local").write_text(
        f"[rexecd]\nlogpath = {log}\n")
    r = f2b_client(conf, "-t")
    assert r.returncode != 0
    assert "Have not found any log file for rexecd jail" in r.stderr
    log.touch()
    r = f2b_client(conf, "-t")
    assert r.returncode == 0, r.stderr
