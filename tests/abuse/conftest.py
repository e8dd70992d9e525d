"""The server of the abuse tests (root: real users, real PAM), started
with exactly the options a test gives.  Users, the PAM services (the
usual one and pam_delay_service, which keeps pam_unix's own failure
delay), the raw client and /proc views come from the shared library
(tests/lib/rexectest).
"""
import pytest

from rexectest.server import Server, server_argv


class Servers:
    """Servers started by a test; all stopped after it."""

    def __init__(self, pam, tmp):
        self.pam, self.tmp, self.made = pam, tmp, []

    def __call__(self, *extra, host="127.0.0.1", mode="standalone",
                 pam=None, fail_delay="0"):
        s = Server(server_argv((pam or self.pam).name, *extra,
                               fail_delay=fail_delay), self.tmp, mode, host)
        self.made.append(s)
        return s

    def stop_all(self):
        for s in self.made:
            s.stop()


@pytest.fixture
def server_with(pam_service, tmp_path):
    """server_with(*options, host=, mode=, pam=, fail_delay=): the server
    (standalone by default) with these options, -d and --fail-delay 0."""
    made = Servers(pam_service, tmp_path)
    yield made
    made.stop_all()
