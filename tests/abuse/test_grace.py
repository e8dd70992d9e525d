# SPDX-License-Identifier: BSD-2-Clause
"""The login grace time covers PAM too: a PAM stack that stalls (here a
pam_exec module that sleeps) is cut off by the alarm backstop.  The
process cannot log its own end, so the listener logs it (in the form the
fail2ban filter knows) and charges the source for a grace timeout.
"""
import pytest

from rexectest.accounts import write_pam_service
from rexectest.procs import children, wait_until
from rexectest.wire import PENALISED, login


@pytest.fixture
def stalling_pam(tmp_path):
    script = tmp_path / "stall.sh"
    script.write_text("#!/bin/sh\nsleep 6\n")
    script.chmod(0o755)
    tmp_path.chmod(0o755)
    svc = write_pam_service(f"auth required pam_exec.so quiet {script}",
                            "auth required pam_unix.so nodelay",
                            "account required pam_unix.so")
    yield svc
    svc.path.unlink()


def test_stalled_pam_is_cut_off_logged_and_charged(server_with, user,
                                                   stalling_pam):
    s = server_with("--login-grace-time", "1",
                    "--penalty", "grace:100,min:50,max:6000",
                    pam=stalling_pam)
    r = login(s.host, s.port, user.name, user.password, source="127.0.0.40",
              timeout=20)
    assert r == b""                 # killed: nothing could be answered
    assert s.wait_log("timeout from 127.0.0.40 port ")
    assert " during authentication" in s.lines("timeout from 127.0.0.40")[0]
    assert s.wait_log("source 127.0.0.40 enters penalty for ")
    assert login(s.host, s.port, user.name, user.password,
                 source="127.0.0.40") == PENALISED
    assert wait_until(lambda: children(s.proc.pid) == [])
