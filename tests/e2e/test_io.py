# SPDX-License-Identifier: BSD-2-Clause
"""Data after the status byte: stdin, stdout, stderr, and the end of it."""
import os
import socket

import pytest

from rexectest import procs
from rexectest.wire import Conn, rexec


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_one_mebibyte_round_trip_through_cat(server, user, errchan):
    data = os.urandom(1 << 20)
    r = rexec(server.host, server.port, user.name, user.password, "cat",
              stdin=data, errchan=errchan, timeout=60)
    assert r.status == b"\x00"
    assert r.output == data      # exact, and cat ended: stdin saw EOF
    assert r.stderr == b""


def test_half_close_is_the_commands_stdin_eof(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              "wc -c; echo after-eof", stdin=b"x" * 1000)
    assert r.primary == b"\x001000\nafter-eof\n"


def test_client_that_never_half_closes(server, user):
    # Perl's Net::Rexec never shuts its side: a command that does not
    # read stdin must still end the session.
    r = rexec(server.host, server.port, user.name, user.password,
              "echo done", half_close=False)
    assert r.primary == b"\x00done\n"


def test_unread_stdin_does_not_lose_the_output(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              "echo done", stdin=b"never read\n" * 100, half_close=False)
    assert r.primary == b"\x00done\n"


def test_stderr_goes_to_the_channel_and_stdout_to_the_socket(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              "echo out1; echo err1 >&2; echo out2; echo err2 >&2",
              errchan=True)
    assert r.primary == b"\x00out1\nout2\n"
    assert r.stderr == b"err1\nerr2\n"


def test_stderr_is_merged_without_a_channel(server, user):
    r = rexec(server.host, server.port, user.name, user.password,
              "echo out1; echo err1 >&2; echo out2; echo err2 >&2")
    assert r.primary == b"\x00out1\nerr1\nout2\nerr2\n"


def test_client_eof_on_the_channel_does_not_end_the_session(
        server, user, pam_service):
    # The inetutils client half-closes the channel at once.  The command
    # waits for a line until the relay (the shell's parent) is asleep,
    # which it can only be once it has seen that EOF; then it goes on.
    with Conn(server.host, server.port) as c:
        err = c.open_stderr()
        err.shutdown(socket.SHUT_WR)
        c.send_creds(user.name, user.password,
                     "echo $PPID; read x; echo got $x; echo late >&2")
        relay = int(c.read_until(b"\n")[1:])
        assert procs.wait_until(
            lambda: procs.status(relay).get("State", "").startswith("S"))
        c.send(b"go\n")
        r = c.read_both()
    assert (r.primary, r.stderr) == (b"got go\n", b"late\n")


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_binary_output_after_the_status_byte(server, user, errchan):
    # Output that starts like a status byte must not be taken for one.
    r = rexec(server.host, server.port, user.name, user.password,
              r"printf '\000\001bin\377\000'; printf '\001\000e' >&2",
              errchan=errchan)
    if errchan:
        assert r.primary == b"\x00\x00\x01bin\xff\x00"
        assert r.stderr == b"\x01\x00e"
    else:
        assert r.primary == b"\x00\x00\x01bin\xff\x00\x01\x00e"


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_both_connections_close_when_the_command_ends(server, user, errchan):
    # The client never half-closes; EOF on both must still come (a
    # missing EOF raises TimeoutError in the read).
    with Conn(server.host, server.port) as c:
        c.handshake(user.name, user.password, "echo bye", errchan)
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"\x00bye\n", b"")


def test_connections_close_although_a_detached_process_lives_on(
        server, user):
    # A background process that let go of the sockets keeps running;
    # the session ends with the shell all the same.
    with Conn(server.host, server.port) as c:
        c.open_stderr()
        c.send_creds(user.name, user.password,
                     "sleep 30 </dev/null >/dev/null 2>&1 & echo bye")
        r = c.read_both(timeout=10)
    assert (r.primary, r.stderr) == (b"\x00bye\n", b"")
    assert procs.pids_of_uid(user.uid)   # the sleep is still there


def test_output_survives_stdin_the_command_never_read(server, user):
    # A client that sends stdin the command ignores and never
    # half-closes (Perl-style), and reads slowly: its small receive
    # buffer keeps most of the output queued at the server when the
    # command (the shell itself, printf being a builtin) exits.
    # All of it must still arrive.
    def shell_gone():
        return not [p for p in procs.pids_of_uid(user.uid)
                    if procs.cmdline(p)[:1] == [b"bash"]]

    with Conn(server.host, server.port, rcvbuf=4096) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, 'printf "%012000d" 0')
        c.send(b"y" * 10000)
        first = c.read_until(b"\x00")
        assert procs.wait_until(shell_gone)
        got = first + c.read_all()
    assert len(got) == 1 + 12000
    assert got == b"\x00" + b"0" * 12000


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_background_job_output_after_the_shell_ended(server, user, errchan):
    # As with netkit or ssh, a job the shell left running keeps the
    # session open and its output arrives.  The job first waits until
    # the shell is gone (and reaped), then a little more.
    cmd = ("(while kill -0 $$ 2>/dev/null; do sleep 0.05; done; sleep 0.3; "
           "echo late; echo late-err >&2) & echo early")
    r = rexec(server.host, server.port, user.name, user.password, cmd,
              errchan=errchan, half_close=False)
    if errchan:
        assert (r.primary, r.stderr) == (b"\x00early\nlate\n", b"late-err\n")
    else:
        assert r.primary == b"\x00early\nlate\nlate-err\n"
