# SPDX-License-Identifier: BSD-2-Clause
"""--allow and --deny: checked right after accept (standalone) or at start
(inetd), before a byte is read; refused with "\\x01...access denied.\\n".
"""
import subprocess

import pytest

from rexectest.paths import SERVER
from rexectest.wire import NOT_ALLOWED, login, raw

OK = b"\x00ok\n"


def ok_from(s, user, source):
    return login(s.host, s.port, user.name, user.password, source=source)


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_deny_refuses_before_reading(server_with, user, mode):
    s = server_with("--deny", "127.0.0.9", mode=mode)
    # The client sends nothing and still gets its answer.
    assert raw(s.host, s.port, b"", source="127.0.0.9", shut=False) == \
        NOT_ALLOWED
    assert ok_from(s, user, "127.0.0.9") == NOT_ALLOWED
    assert ok_from(s, user, "127.0.0.10") == OK
    assert s.wait_log("refused connection from 127.0.0.9 port ")
    assert "address not allowed" in s.log
    assert "login refused" not in s.log


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_allow_serves_only_what_it_covers(server_with, user, mode):
    s = server_with("--allow", "127.0.0.8/30", "--allow", "127.0.0.77",
                    mode=mode)
    for src in ("127.0.0.8", "127.0.0.11", "127.0.0.77"):
        assert ok_from(s, user, src) == OK
    for src in ("127.0.0.1", "127.0.0.7", "127.0.0.12", "127.0.0.78"):
        assert ok_from(s, user, src) == NOT_ALLOWED


def test_deny_wins_over_allow(server_with, user):
    s = server_with("--allow", "127.0.0.0/8", "--deny", "127.0.0.9/32")
    assert ok_from(s, user, "127.0.0.9") == NOT_ALLOWED
    assert ok_from(s, user, "127.0.0.10") == OK


def test_v4_mapped_rule_is_an_ipv4_rule(server_with, user):
    s = server_with("--deny", "::ffff:127.0.0.8/126")
    assert ok_from(s, user, "127.0.0.9") == NOT_ALLOWED
    assert ok_from(s, user, "127.0.0.12") == OK


@pytest.mark.parametrize("rules,expect", [
    (["--deny", "::1"], NOT_ALLOWED),
    (["--deny", "::/0"], NOT_ALLOWED),
    (["--allow", "::1/128"], OK),
    (["--allow", "127.0.0.0/8"], NOT_ALLOWED),     # IPv4 rules only
    (["--deny", "0.0.0.0/0"], OK),                 # ...never match IPv6
])
def test_ipv6_rules(server_with, user, rules, expect):
    s = server_with(*rules, host="::1")
    assert login("::1", s.port, user.name, user.password) == expect


@pytest.mark.parametrize("bad", ["10.1.2.3/8", "1.2.3.4/33", "::1/129",
                                 "::ffff:1.2.3.4/95", "example.com",
                                 "1.2.3.4/", "1.2.3.4/08", "", "1.2.3"])
def test_bad_rules_are_refused_at_start(bad):
    r = subprocess.run([str(SERVER), "--allow", bad, "-l", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 2
    assert f'--allow: bad value "{bad}"' in r.stderr
