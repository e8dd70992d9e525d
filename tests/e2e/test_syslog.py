"""Without -d the server logs to syslog: authentication events to the
authpriv facility, the rest to daemon.

The server runs in a mount namespace of its own (unshare -m) whose /dev
is a fresh tmpfs holding the usual device nodes and a /dev/log that
leads to a datagram socket of the test, so nothing changes for the rest
of the machine.
"""
import re
import shutil
import socket
import time

import pytest

from conftest import SERVER, STANDALONE_EXTRA, Server
from rexeclib import Conn, rexec

LOG_AUTHPRIV, LOG_DAEMON = 10, 3
LOG_NOTICE, LOG_INFO = 5, 6

PRIVATE_DEV = r"""
set -e
d=$1; shift
mkdir -p "$d/dev"
mount --bind /dev "$d/dev"
mount -t tmpfs -o mode=755 rxtdev /dev
for n in null zero full random urandom tty; do
    [ -e "$d/dev/$n" ] || continue
    touch "/dev/$n"
    mount --bind "$d/dev/$n" "/dev/$n"
done
ln -s "$d/log" /dev/log
exec "$@"
"""


class Sink:
    """The test's end of /dev/log: syslog datagrams as (pri, text)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.setblocking(False)
        self.got = []

    def drain(self):
        while True:
            try:
                d = self.sock.recv(4096).decode(errors="replace")
            except BlockingIOError:
                return self.got
            m = re.match(r"<(\d+)>(.*)$", d, re.S)
            self.got.append((int(m[1]), m[2]))

    def wait_for(self, text, timeout=10.0):
        """The first (pri, text) holding text, waiting if need be."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for pri, msg in self.drain():
                if text in msg:
                    return pri, msg
            time.sleep(0.02)
        raise AssertionError(f"{text!r} not logged: {self.got}")


@pytest.fixture
def syslog_server(pam_service, public_dir, tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare not installed")
    sink = Sink(public_dir / "log")
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
            PRIVATE_DEV, "sh", str(public_dir),
            str(SERVER), "--pam-service", pam_service.name,
            "--fail-delay", "0", *STANDALONE_EXTRA]
    s = Server("standalone", None, tmp_path, argv=argv)
    s.sink = sink
    yield s
    s.stop()
    sink.sock.close()


def test_refused_login_goes_to_authpriv(syslog_server, user):
    with Conn(syslog_server.host, syslog_server.port) as c:
        port = c.sock.getsockname()[1]
        c.send(b"\0")
        c.send_creds(user.name, "Sekr3t-Wr0ng!", "true")
        assert c.read_all() == b"\x01Login incorrect.\n"
    pri, msg = syslog_server.sink.wait_for("login refused")
    assert pri == LOG_AUTHPRIV << 3 | LOG_NOTICE
    assert re.search(r"in\.rexecd\[\d+\]: login refused for user "
                     f'"{user.name}" from 127.0.0.1 port {port}: ', msg)
    assert not [m for _, m in syslog_server.sink.got if "Sekr3t" in m]


def test_accepted_login_goes_to_authpriv_and_the_rest_to_daemon(
        syslog_server, user):
    r = rexec(syslog_server.host, syslog_server.port, user.name,
              user.password, "echo ok")
    assert r.primary == b"\x00ok\n"
    # (pam_unix logs its own "session closed for user U" to authpriv.)
    pri, _ = syslog_server.sink.wait_for(
        f'login accepted for user "{user.name}"')
    assert pri == LOG_AUTHPRIV << 3 | LOG_NOTICE
    pri, _ = syslog_server.sink.wait_for(
        f'session closed for user "{user.name}"')
    assert pri == LOG_DAEMON << 3 | LOG_INFO
    assert not [m for _, m in syslog_server.sink.got
                if user.password in m]

