# SPDX-License-Identifier: BSD-2-Clause
"""Running rexec(1), the client under test, the way the client's tests
do: a clean environment, an empty HOME unless a test writes a .netrc."""

# A guard against hangs, never an assertion.
RUN_TIMEOUT = 60

# The many hosts of tests/client/test_many_hosts.py: one server each.
FLEET = [f"127.0.0.{n}" for n in range(2, 34)]


def client_env(home, password=None):
    """A clean environment: HOME without a .netrc unless a test writes one."""
    e = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(home),
         "LANG": "C"}
    if password is not None:
        e["REXEC_PASSWORD"] = password
    return e
