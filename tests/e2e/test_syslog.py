# SPDX-License-Identifier: BSD-2-Clause
"""Without -d the server logs to syslog: authentication events to the
authpriv facility, the rest to daemon.

The server runs with a /dev/log of the test's own (rexectest.syslog).
"""
import re
import shutil

import pytest

from rexectest.paths import SERVER
from rexectest.server import PENALTY_OFF, Server
from rexectest.syslog import Sink, with_private_dev_log
from rexectest.wire import Conn, rexec

LOG_AUTHPRIV, LOG_DAEMON = 10, 3
LOG_NOTICE, LOG_INFO = 5, 6


@pytest.fixture
def syslog_server(pam_service, public_dir, tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare not installed")
    sink = Sink(public_dir)
    argv = with_private_dev_log(public_dir, [
        str(SERVER), "--pam-service", pam_service.name, "--fail-delay", "0",
        *PENALTY_OFF])
    s = Server(argv, tmp_path)
    s.sink = sink
    yield s
    s.stop()
    sink.close()


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

