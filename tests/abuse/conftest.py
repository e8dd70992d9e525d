# SPDX-License-Identifier: BSD-2-Clause
"""The server of the abuse tests (root: real users, real PAM), started
with exactly the options a test gives.  Users, the PAM services (the
usual one and pam_delay_service, which keeps pam_unix's own failure
delay), the raw client and /proc views come from the shared library
(tests/lib/rexectest).
"""
import pytest

from rexectest.server import server_argv


@pytest.fixture
def server_with(pam_service, start_server):
    """server_with(*options, host=, mode=, pam=, fail_delay=): the server
    (standalone by default) with these options, -d and --fail-delay 0;
    stopped after the test."""
    def start(*extra, host="127.0.0.1", mode="standalone", pam=None,
              fail_delay="0"):
        return start_server(server_argv((pam or pam_service).name, *extra,
                                        fail_delay=fail_delay), mode, host)
    return start
