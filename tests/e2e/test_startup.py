# SPDX-License-Identifier: BSD-2-Clause
"""Starting the server: in.rexecd -t, and why a start fails.

Every startup error is printed on stderr, naming what is wrong, and
logged; exit code 2 for a configuration that cannot work (service
managers are told not to restart on 2).  Under inetd, where stderr is
the client's connection, the reason is only logged and the client gets
one refusal line, never a usage text.
"""
import os
import socket
import subprocess

import pytest

from rexectest.paths import SERVER
from rexectest.syslog import Sink, with_private_dev_log
from rexectest.wire import free_port, read_all

UNAVAILABLE = b"\x01Service not available: access denied.\n"


def start(*args, user=None):
    """Runs the server with args, stdin from /dev/null; (rc, out, err)."""
    pre = None
    if user is not None:
        def pre():
            os.setgid(user.gid)
            os.setuid(user.uid)
    p = subprocess.run([str(SERVER), *args], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=20,
                       preexec_fn=pre)
    return p.returncode, p.stdout, p.stderr


def test_check_passes(pam_service):
    rc, out, err = start("-t", "--pam-service", pam_service.name,
                         "-l", "127.0.0.1:5120", "-l", "[::1]:5120")
    assert (rc, out, err) == (0, "", "")


def test_check_serves_nothing(pam_service):
    # -t with a port that is free: nothing binds it, nothing stays.
    port = free_port()
    rc, _, _ = start("-t", "--pam-service", pam_service.name,
                     "-l", f"127.0.0.1:{port}")
    assert rc == 0
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_check_unknown_pam_service():
    rc, out, err = start("-t", "--pam-service", "rxt-no-such-service")
    assert (rc, out) == (2, "")
    assert err == ("in.rexecd: --pam-service rxt-no-such-service: no such "
                   "PAM service (no /etc/pam.d/rxt-no-such-service)\n")


@pytest.mark.parametrize("args, message", [
    (["-l", "localhost:5120"],
     "-l localhost:5120: not a numeric IPv4 or IPv6 address (names are "
     "not looked up)"),
    (["--max-sessions", "0"], '--max-sessions: bad value "0" (see --help)'),
    (["--bogus"], "unknown option --bogus (see --help)"),
], ids=["name", "value", "option"])
def test_check_fails_with_exit_2(pam_service, args, message):
    rc, out, err = start("-t", "--pam-service", pam_service.name, *args)
    assert (rc, out, err) == (2, "", f"in.rexecd: {message}\n")


@pytest.mark.parametrize("args, message", [
    ([], "no -l ADDR:PORT given and standard input is not a socket: run "
         "me from inetd or systemd, or give -l (see --help)"),
    (["-l", "127.0.0.1"],
     "-l 127.0.0.1: no port: use ADDR:PORT, [ADDR6]:PORT or :PORT"),
    (["-l", "example.com:512"],
     "-l example.com:512: not a numeric IPv4 or IPv6 address (names are "
     "not looked up)"),
    (["-l", "127.0.0.1:70000"],
     "-l 127.0.0.1:70000: the port is not a number from 0 to 65535"),
    (["-l", "[::1:512"],
     "-l [::1:512: use [ADDR6]:PORT for an IPv6 address"),
    (["-d", "extra"],
     'unexpected argument "extra": in.rexecd takes only options '
     "(see --help)"),
    (["--login-grace-time"],
     "option --login-grace-time needs a value (see --help)"),
    (["-l"], "option -l needs a value (see --help)"),
    (["-x"], "unknown option -x (see --help)"),
    (["--no-such-option=secret"],
     "unknown option --no-such-option (see --help)"),
    (["--debug=yes"], "unknown option --debug (see --help)"),
    (["--login-grace-time", "0.5"],
     '--login-grace-time: bad number of seconds "0.5"'),
    (["--allow", "10.0.0.0/33"], '--allow: bad value "10.0.0.0/33" '
     "(see --help)"),
    (["--penalty", "authfail:x"], '--penalty: bad value "authfail:x" '
     "(see --help)"),
], ids=["nothing", "no-port", "name", "port-range", "bracket", "stray",
        "no-value-long", "no-value-short", "unknown-short", "unknown-long",
        "flag-with-value", "seconds", "cidr", "penalty"])
def test_bad_start_says_why_on_stderr(args, message):
    rc, out, err = start(*args)
    assert (rc, out) == (2, "")
    assert err == f"in.rexecd: {message}\n"
    assert "usage:" not in err and "Success" not in err


def test_low_port_without_root_says_so(users):
    u = users.make()
    rc, out, err = start("-l", "127.0.0.1:512", user=u)
    assert (rc, out) == (2, "")
    assert err == ("in.rexecd: -l 127.0.0.1:512: ports below 1024 need "
                   f"root (running as uid {u.uid})\n")


def test_port_in_use_names_the_address():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        spec = f"127.0.0.1:{s.getsockname()[1]}"
        rc, out, err = start("-l", spec)
    assert (rc, out) == (1, "")
    assert err == f"in.rexecd: -l {spec}: Address already in use\n"


def in_private_dev(public_dir, *args):
    """argv running the server with a /dev/log of the test (a Sink)."""
    return with_private_dev_log(public_dir, [str(SERVER), *args])


def test_startup_error_is_logged_as_well(public_dir):
    sink = Sink(public_dir)
    try:
        p = subprocess.run(in_private_dev(public_dir, "--bogus"),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=20)
        assert p.returncode == 2
        assert p.stderr == "in.rexecd: unknown option --bogus (see --help)\n"
        _, msg = sink.wait_for("unknown option --bogus")
        assert "in.rexecd[" in msg
    finally:
        sink.close()


def inetd_start(argv):
    """Starts argv the way inetd does, the connection on 0, 1 and 2;
    returns the process and the client's socket."""
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        client = socket.create_connection(lst.getsockname(), timeout=10)
        conn, _ = lst.accept()
    with conn:
        return subprocess.Popen(argv, stdin=conn, stdout=conn,
                                stderr=conn), client


def inetd_connection(argv):
    """What an inetd client reads from argv, and argv's exit code."""
    p, client = inetd_start(argv)
    with client:
        client.sendall(b"\0")   # the start of a handshake, as clients do
        got = read_all(client, timeout=15)
        return got, p.wait(timeout=15)


@pytest.mark.parametrize("args", [
    ["--bogus"], ["--login-grace-time"], ["stray"], ["-x", "-d"],
    ["--max-sessions", "0"], ["-l", "127.0.0.1"],
], ids=["unknown", "no-value", "stray", "unknown-short", "value",
        "bad-listen"])
def test_inetd_bad_option_client_gets_one_line(public_dir, args):
    sink = Sink(public_dir)
    try:
        got, rc = inetd_connection(in_private_dev(public_dir, *args))
        assert got == UNAVAILABLE
        assert rc == 2
        # the reason went to syslog, and only there
        _, msg = sink.wait_for("in.rexecd[")
        assert "see --help" in msg or "-l 127.0.0.1" in msg
    finally:
        sink.close()


@pytest.mark.parametrize("extra", [[], ["-d"]], ids=["plain", "debug"])
def test_inetd_good_options_still_serve(pam_service, user, extra):
    # The same harness with a valid command line serves the session; -d
    # writes no log line to the client's connection.
    p, client = inetd_start([str(SERVER), "--pam-service", pam_service.name,
                             "--fail-delay", "0", *extra])
    with client:
        client.sendall(b"\0" + user.name.encode() + b"\0" +
                       user.password.encode() + b"\0echo served\0")
        client.shutdown(socket.SHUT_WR)
        assert read_all(client) == b"\0served\n"
        assert p.wait(timeout=15) == 0
