# SPDX-License-Identifier: BSD-2-Clause
"""Side by side with Debian's historical in.rexecd (netkit, rsh-server).

netkit runs under systemd-socket-activate with its fixed PAM service
"rexec" (/etc/pam.d/rexec: pam_unix without nodelay, so its refusals
take about two seconds; the tests below ask it mostly for successes).
Where netkit is right the answers must be the same bytes; where it is
wrong the test shows both answers.
"""
from rexectest.wire import rexec

COMMAND = "echo hello; echo $0; pwd; echo err >&2"


def test_same_bytes_for_a_successful_command(server, netkit, user):
    ours = rexec(server.host, server.port, user.name, user.password,
                 COMMAND)
    theirs = rexec(netkit.host, netkit.port, user.name, user.password,
                   COMMAND)
    expected = b"\x00hello\nbash\n" + user.home.encode() + b"\nerr\n"
    assert ours.primary == theirs.primary == expected


def test_same_bytes_with_a_stderr_channel(server, netkit, user):
    ours = rexec(server.host, server.port, user.name, user.password,
                 COMMAND, errchan=True)
    theirs = rexec(netkit.host, netkit.port, user.name, user.password,
                   COMMAND, errchan=True)
    assert (ours.primary, ours.stderr) == (theirs.primary, theirs.stderr)
    assert ours.stderr == b"err\n"


def test_missing_home_netkit_sends_success_first(server, netkit, users):
    # netkit sends the status byte before chdir: its client sees success,
    # then the error as if it were output.  Ours refuses cleanly.
    u = users.make(home=False)
    ours = rexec(server.host, server.port, u.name, u.password, "true")
    theirs = rexec(netkit.host, netkit.port, u.name, u.password, "true")
    assert theirs.primary == b"\x00\x01No remote directory.\n"
    assert ours.primary == b"\x01No remote directory.\n"


def test_wrong_password_netkit_says_nothing(standalone, netkit, user):
    # netkit closes without a word; ours answers with the one text.
    ours = rexec(standalone.host, standalone.port, user.name,
                 user.password + "x", "true")
    theirs = rexec(netkit.host, netkit.port, user.name, user.password + "x",
                   "true")
    assert theirs.primary == b""
    assert ours.primary == b"\x01Login incorrect.\n"


def test_junk_port_netkit_accepts_leading_zero(standalone, netkit, user):
    # "0" followed by a NUL is no channel for both; "00" is junk for us,
    # and for netkit the same as "0".
    ours = rexec(standalone.host, standalone.port, user.name, user.password,
                 "echo ran", port_field=b"00")
    theirs = rexec(netkit.host, netkit.port, user.name, user.password,
                   "echo ran", port_field=b"00")
    assert theirs.primary == b"\x00ran\n"
    assert ours.primary == b"\x01Invalid port number.\n"


def test_background_job_output_netkit(netkit, user):
    # The reference for test_io's background job test: netkit hands the
    # socket to the shell, so a job left running is heard to the end.
    cmd = ("(while kill -0 $$ 2>/dev/null; do sleep 0.05; done; sleep 0.3; "
           "echo late) & echo early")
    r = rexec(netkit.host, netkit.port, user.name, user.password, cmd,
              half_close=False)
    assert r.primary == b"\x00early\nlate\n"
