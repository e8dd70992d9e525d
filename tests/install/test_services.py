# SPDX-License-Identifier: BSD-2-Clause
"""The installed in.rexecd serving real sessions the ways it is shipped
to run: Debian's openbsd-inetd with the installed inetd line, xinetd
with the installed file (when xinetd is there), systemd-socket-activate
configured as each installed unit configures systemd (Accept=yes on
stdin; Accept=no with LISTEN_FDS), and the standalone Type=notify daemon
with a NOTIFY_SOCKET; and the installed PAM stack.
"""
import os
import shutil
import signal
import subprocess
import time

import pytest

from rexectest.installed import PREFIX, unit_value, wait_listening
from rexectest.wire import free_port, rexec

INETD = shutil.which("inetd")
SSA = shutil.which("systemd-socket-activate")
XINETD = os.environ.get("XINETD") or shutil.which("xinetd")
# The daemon's counts, sent as STATUS= right after READY=1.
IDLE_STATUS = b"STATUS=0 of 256-512 startups, 0 of 1024 sessions"

needs_inetd = pytest.mark.skipif(INETD is None,
                                 reason="openbsd-inetd not installed")
needs_xinetd = pytest.mark.skipif(XINETD is None,
                                  reason="xinetd not installed")
needs_ssa = pytest.mark.skipif(SSA is None,
                               reason="systemd-socket-activate not installed")


def opts(pam, *more):
    """REXECD_OPTS as an administrator would set it for these tests."""
    return " ".join(["--pam-service", pam.name, "--fail-delay", "0", *more])


def bracket(host):
    return f"[{host}]" if ":" in host else host


def check_session(host, port, user, pam):
    """Accepted sessions without and with a stderr channel and a refused
    login, byte for byte, and the PAM session opened and closed."""
    before = pam.record.read_text()
    r = rexec(host, port, user.name, user.password,
              "id -un; id -u; pwd; cat", stdin=b"from stdin\n")
    assert r.primary == (b"\0" + f"{user.name}\n{user.uid}\n{user.home}\n"
                         .encode() + b"from stdin\n")
    r = rexec(host, port, user.name, user.password, "echo out; echo err >&2",
              errchan=True)
    assert (r.primary, r.stderr) == (b"\0out\n", b"err\n")
    r = rexec(host, port, user.name, user.password + "x", "id")
    assert r.primary == b"\x01Login incorrect.\n"
    # The session is closed after the command's output ended: wait for it.
    end = time.monotonic() + 10
    while True:
        new = pam.record.read_text()[len(before):].splitlines()
        kinds = [line.split()[:2] for line in new]
        if ["close_session", user.name] in kinds or time.monotonic() > end:
            break
        time.sleep(0.02)
    assert ["open_session", user.name] in kinds
    assert ["close_session", user.name] in kinds


def inetd_conf(installed, host, port, pam, wait="nowait"):
    """The installed inetd.conf line for a test: host:port for "exec",
    the program inside DESTDIR, the test's options after its name."""
    lines = [l for l in installed.path(PREFIX + "/share/rexecd/inetd.conf")
             .read_text().splitlines() if l and not l.startswith("#")]
    assert len(lines) == 1
    f = lines[0].split()
    assert f == ["exec", "stream", "tcp", "nowait", "root",
                 PREFIX + "/sbin/in.rexecd", "in.rexecd"]
    f[0] = f"{bracket(host)}:{port}"
    f[3] = wait
    f[5] = str(installed.path(f[5]))
    return "\t".join(f + opts(pam).split()) + "\n"


@needs_inetd
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_inetd_nowait(installed, users, pam_service, tmp_path, procs, host):
    """The shipped line under openbsd-inetd: one process per connection,
    IPv4 and IPv6 from the one "tcp" line."""
    port = free_port(host)
    conf = tmp_path / "inetd.conf"
    conf.write_text(inetd_conf(installed, host, port, pam_service))
    with open(tmp_path / "inetd.log", "w") as log:
        p = subprocess.Popen([INETD, "-d", str(conf)], stdout=log,
                             stderr=log)
    procs.append(p)
    wait_listening(port, p)
    check_session(host, port, users.make(), pam_service)


@needs_inetd
def test_inetd_wait(installed, users, pam_service, tmp_path, procs):
    """The same line with "wait": in.rexecd gets the listening socket on
    standard input and serves it as a daemon."""
    port = free_port()
    conf = tmp_path / "inetd.conf"
    conf.write_text(inetd_conf(installed, "127.0.0.1", port, pam_service,
                               "wait"))
    with open(tmp_path / "inetd.log", "w") as log:
        p = subprocess.Popen([INETD, "-d", str(conf)], stdout=log,
                             stderr=log)
    procs.append(p)
    wait_listening(port, p)
    try:
        user = users.make()
        check_session("127.0.0.1", port, user, pam_service)
        check_session("127.0.0.1", port, user, pam_service)
        # inetd started the server once, for the first connection.
        assert (tmp_path / "inetd.log").read_text().count("execv") == 1
    finally:
        installed.kill_leftovers()


@needs_xinetd
def test_xinetd(installed, users, pam_service, tmp_path, procs):
    """The installed xinetd file, on a test port: xinetd wants a service
    that /etc/services does not name for that, so "exec" becomes an
    UNLISTED service bound to the loopback address."""
    text = installed.path(PREFIX + "/share/rexecd/xinetd.d/rexec") \
        .read_text()
    assert "\nservice exec\n{\n" in text
    assert f"\tserver\t\t= {PREFIX}/sbin/in.rexecd\n" in text
    port = free_port()
    text = text.replace("\nservice exec\n{\n", (
        "\nservice rxt-exec\n{\n\ttype = UNLISTED\n"
        f"\tport = {port}\n\tbind = 127.0.0.1\n"
        f"\tserver_args = {opts(pam_service)}\n"))
    text = text.replace(f"= {PREFIX}/sbin/in.rexecd",
                        f"= {installed.sbin}")
    conf = tmp_path / "xinetd.conf"
    conf.write_text(text)
    p = subprocess.Popen([XINETD, "-dontfork", "-f", str(conf),
                          "-filelog", str(tmp_path / "xinetd.log"),
                          "-pidfile", str(tmp_path / "xinetd.pid")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(p)
    wait_listening(port, p)
    check_session("127.0.0.1", port, users.make(), pam_service)


@needs_ssa
@pytest.mark.parametrize("listen", ["127.0.0.1", "[::ffff:127.0.0.1]"])
def test_rexec_socket_accept_yes(installed, users, pam_service, tmp_path,
                                 procs, listen):
    """rexec.socket + rexec@.service: a process per connection with the
    connection on standard input, options from /etc/default/rexecd.  Like
    systemd's ListenStream=512, an IPv6 socket also takes IPv4 clients
    (as v4-mapped addresses): logged as IPv4, connected back to as such."""
    sock = installed.unit("rexec.socket")
    assert unit_value(sock, "Socket", "ListenStream") == "512"
    assert unit_value(sock, "Socket", "Accept") == "yes"
    svc = installed.unit("rexec@.service")
    assert unit_value(svc, "Service", "StandardInput") == "socket"
    assert unit_value(svc, "Service", "StandardError") == "journal"
    assert unit_value(svc, "Service", "ExecStart").startswith("-")
    argv, _ = installed.argv(svc, {"REXECD_OPTS": opts(pam_service, "-d")})
    port = free_port()
    logpath = tmp_path / "ssa.log"
    with open(logpath, "w") as log:
        p = subprocess.Popen([SSA, "--accept", "--inetd", "-l",
                              f"{listen}:{port}", *argv],
                             stdout=subprocess.DEVNULL, stderr=log)
    procs.append(p)
    wait_listening(port, p)
    user = users.make()
    check_session("127.0.0.1", port, user, pam_service)
    text = logpath.read_text()
    assert (f'login accepted for user "{user.name}" (uid {user.uid}) '
            "from 127.0.0.1 port ") in text
    assert f'login refused for user "{user.name}" from 127.0.0.1' in text


@needs_ssa
def test_rexecd_socket_accept_no(installed, users, pam_service, tmp_path,
                                 procs, notify):
    """rexecd.socket + rexecd-activated.service: systemd listens, starts
    the daemon on the first connection and passes the socket in
    LISTEN_FDS; the daemon reports READY=1 and its counts (STATUS=) and
    serves every connection."""
    sock = installed.unit("rexecd.socket")
    assert unit_value(sock, "Socket", "ListenStream") == "512"
    assert unit_value(sock, "Socket", "Accept") == "no"
    name = unit_value(sock, "Socket", "Service")
    svc = installed.unit(name)
    assert unit_value(svc, "Service", "Type") == "notify"
    assert unit_value(svc, "Unit", "Requires") == "rexecd.socket"
    argv, _ = installed.argv(svc, {"REXECD_OPTS": opts(pam_service)})
    assert "-l" not in argv
    port = free_port()
    p = subprocess.Popen([SSA, "-l", f"127.0.0.1:{port}",
                          "-E", f"NOTIFY_SOCKET={notify.path}", *argv],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    procs.append(p)
    wait_listening(port, p)
    user = users.make()
    # The first connection starts the daemon (systemd-socket-activate
    # execs it in its own process, so LISTEN_PID is right).
    check_session("127.0.0.1", port, user, pam_service)
    assert notify.receive() == b"READY=1"
    assert notify.receive() == IDLE_STATUS
    assert p.stdout.readline() == \
        f"in.rexecd: listening on 127.0.0.1:{port}\n"
    check_session("127.0.0.1", port, user, pam_service)
    p.send_signal(signal.SIGTERM)
    assert notify.receive_after_status() == b"STOPPING=1"
    assert p.wait(10) == 0


def test_rexecd_service_standalone(installed, users, pam_service, procs,
                                   notify):
    """rexecd.service: Type=notify; the daemon binds -l itself and sends
    READY=1 and its counts before anyone connects, STOPPING=1 on
    SIGTERM."""
    svc = installed.unit("rexecd.service")
    assert unit_value(svc, "Service", "Type") == "notify"
    argv, _ = installed.argv(svc, {"REXECD_OPTS": opts(pam_service)})
    i = argv.index("-l")
    assert argv[i + 1] == ":512"
    port = free_port()
    argv[i + 1] = f"127.0.0.1:{port}"    # the tests stay on loopback
    env = dict(os.environ, NOTIFY_SOCKET=notify.path)
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    procs.append(p)
    assert notify.receive() == b"READY=1"
    assert notify.receive() == IDLE_STATUS
    assert p.stdout.readline() == \
        f"in.rexecd: listening on 127.0.0.1:{port}\n"
    check_session("127.0.0.1", port, users.make(), pam_service)
    p.send_signal(signal.SIGTERM)
    assert notify.receive_after_status() == b"STOPPING=1"
    assert p.wait(10) == 0


def test_installed_pam_stack(installed, users, tmp_path, procs):
    """The installed /etc/pam.d/rexec, as a PAM service of its own:
    Debian's common-auth checks the password, and the session stack runs
    (pam_loginuid sets the command's login uid to the user's)."""
    stack = installed.path("/etc/pam.d/rexec").read_text()
    name = "rxt-stack-" + os.urandom(4).hex()
    path = "/etc/pam.d/" + name
    with open(path, "w") as f:
        f.write(stack)
    try:
        port = free_port()
        p = subprocess.Popen([str(installed.sbin), "-l", f"127.0.0.1:{port}",
                              "--pam-service", name, "--fail-delay", "0"],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        procs.append(p)
        assert p.stdout.readline().startswith("in.rexecd: listening on ")
        user = users.make()
        r = rexec("127.0.0.1", port, user.name, user.password,
                  "id -un; cat /proc/self/loginuid")
        assert r.primary == f"\0{user.name}\n{user.uid}".encode()
        r = rexec("127.0.0.1", port, user.name, "wrong-password", "id")
        assert r.primary == b"\x01Login incorrect.\n"
    finally:
        os.unlink(path)
