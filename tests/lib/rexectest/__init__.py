# SPDX-License-Identifier: BSD-2-Clause
"""The shared library of rexecd's pytest suites (tests/e2e, tests/cwrap,
tests/abuse, tests/client, tests/install).

pytest.ini at the top of the tree puts tests/lib on sys.path and
tests/conftest.py loads rexectest.fixtures into every suite, so a test
imports what it needs from here and takes the shared fixtures by name:

  paths     where the built programs are (REXECD_BIN, REXEC_BIN, ...)
  wire      a raw rexec client: exact bytes out, exact bytes in; the
            server's refusal texts; free_port()
  procs     processes seen from outside, through /proc
  accounts  test users (rxt...) and private PAM services (/etc/pam.d/rxt-*)
  server    the one class that runs a server under test (ours or netkit),
            standalone or under systemd-socket-activate
  syslog    a /dev/log of the test's own, for the server without -d
  fixtures  the pytest fixtures every suite may take (users, pam_service...)
  client    running rexec(1) the way the client's tests do
  fake      scripted fake servers, for the client's tests
  installed reading what `make install` wrote, for the install tests
"""
