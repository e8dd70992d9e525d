# SPDX-License-Identifier: BSD-2-Clause
"""rexec(1) against real servers: output, the stderr channel, stdin."""
import os
import subprocess

import pytest

from rexectest.client import RUN_TIMEOUT, client_env
from rexectest.paths import REXEC, VERSION


def remote(server, user, *args):
    return ["-p", server.port, "-l", user.name, *args]


def test_stdout_and_stderr_are_separate(server, user, rexec):
    r = rexec(*remote(server, user, server.host,
                      "echo out; echo err >&2; echo out2"),
              password=user.password)
    assert (r.rc, r.out, r.err) == (0, b"out\nout2\n", b"err\n")


def test_N_merges_stderr_into_stdout(server, user, rexec):
    r = rexec(*remote(server, user, "-N", server.host,
                      "echo out; echo err >&2; echo out2"),
              password=user.password)
    assert (r.rc, r.out, r.err) == (0, b"out\nerr\nout2\n", b"")


def test_runs_in_home_with_login_shell(server, user, rexec):
    r = rexec(*remote(server, user, server.host, 'pwd; echo "$USER"'),
              password=user.password)
    assert (r.rc, r.out, r.err) == (
        0, f"{user.home}\n{user.name}\n".encode(), b"")


@pytest.mark.parametrize("data", [b"\x00", b"\x01", b"\x00\x01\xff\x02x",
                                  b"\x01Login incorrect.\n"])
def test_binary_output_is_byte_exact(server, user, rexec, data):
    fmt = "".join(f"\\{b:03o}" for b in data)
    r = rexec(*remote(server, user, server.host,
                      f"printf '{fmt}'; printf '{fmt}' >&2"),
              password=user.password)
    assert (r.rc, r.out, r.err) == (0, data, data)


def test_large_output(server, user, rexec):
    r = rexec(*remote(server, user, server.host, "seq 1 200000"),
              password=user.password)
    expected = "".join(f"{i}\n" for i in range(1, 200001)).encode()
    assert (r.rc, r.err) == (0, b"")
    assert r.out == expected


def test_words_after_host_are_joined_with_spaces(server, user, rexec):
    # -l after the host belongs to the command, not to rexec.
    r = rexec(*remote(server, user, server.host, "echo", "-l", "a", "b  c"),
              password=user.password)
    assert (r.rc, r.out, r.err) == (0, b"-l a b c\n", b"")


def test_stdin_is_forwarded_and_ends(server, user, rexec):
    data = bytes(range(256)) * 512 + b"last line\n"
    r = rexec(*remote(server, user, server.host, "cat; echo end"),
              input=data, password=user.password)
    assert (r.rc, r.out, r.err) == (0, data + b"end\n", b"")


def test_stdin_eof_half_closes(server, user, rexec):
    # wc only answers once it has seen the end of its input.
    r = rexec(*remote(server, user, server.host, "wc -c"),
              input=b"12345", password=user.password)
    assert (r.rc, r.out.split(), r.err) == (0, [b"5"], b"")


def test_n_sends_no_stdin(server, user, home):
    # stdin stays open and unread: without -n, cat would wait for ever.
    p = subprocess.Popen([str(REXEC), *map(str, remote(
        server, user, "-n", server.host, "cat; echo end"))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=client_env(home, user.password))
    try:
        p.stdin.write(b"must not be sent\n")
        p.stdin.flush()
        out, err = p.communicate(timeout=RUN_TIMEOUT)
    finally:
        p.kill()
    assert (p.returncode, out, err) == (0, b"end\n", b"")


def test_closed_stdout_ends_client_like_sigpipe(server, user, home):
    env = client_env(home, user.password)
    p1 = subprocess.Popen([str(REXEC), *map(str, remote(
        server, user, server.host, "seq 1 10000000"))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, env=env)
    first = p1.stdout.readline()
    p1.stdout.close()
    err = p1.stderr.read()
    p1.wait(timeout=RUN_TIMEOUT)
    assert (first, p1.returncode, err) == (b"1\n", -13, b"")


def test_closed_stdin_fd(server, user, home):
    cp = subprocess.run([str(REXEC), *map(str, remote(
        server, user, server.host, "echo hi"))],
        capture_output=True, env=client_env(home, user.password),
        preexec_fn=lambda: os.close(0), timeout=RUN_TIMEOUT)
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, b"hi\n", b"")


def test_version(rexec):
    r = rexec("--version")
    assert (r.rc, r.out, r.err) == (0, f"rexec (rexecd) {VERSION}\n".encode(),
                                    b"")


def test_help_lists_every_option(rexec):
    r = rexec("--help")
    assert r.rc == 0 and r.err == b""
    assert r.out.startswith(b"usage: rexec [-nNS] [-4 | -6] [-l user]")
    for opt in [b"-4", b"-6", b"-l user", b"-n ", b"-N ", b"-p port",
                b"-S ", b"-t seconds", b"--password-file", b"--version"]:
        assert opt in r.out


# Scripts for the older clients give the password with -p.
NOT_A_PORT = (b"-p: not a port number (1-65535) or TCP service name.  -p is "
              b"the port here, not the password (as in older rexec "
              b"clients): give the password with --password-file FILE, "
              b"REXEC_PASS in the environment, ~/.netrc, or at the prompt")

USAGE = (b"usage: rexec [-nNS] [-4 | -6] [-l user] [-p port] [-t seconds]\n"
         b"             [--password-file file] host command [arg ...]\n")


@pytest.mark.parametrize("args,why", [
    ([], b"no host"),
    (["host"], b"no command"),
    (["", "true"], b"empty host name"),
    (["-p", "0", "h", "true"], NOT_A_PORT),
    (["-p", "65536", "h", "true"], NOT_A_PORT),
    (["-p", "nosuchservice", "h", "true"], NOT_A_PORT),
    (["-p", "Secret-pw1", "h", "true"], NOT_A_PORT),
    (["-t", "x", "h", "true"], b"-t: not a number of seconds (0-86400)"),
    (["-t", "-1", "h", "true"], b"-t: not a number of seconds (0-86400)"),
    (["-4", "-6", "h", "true"], b"-4 and -6 exclude each other"),
    (["-l", "", "h", "true"], b"-l: empty user name"),
    (["h", ""], b"empty command"),
])
def test_usage_errors(rexec, args, why):
    r = rexec(*args)
    assert (r.rc, r.out, r.err) == (2, b"", b"rexec: " + why + b"\n" + USAGE)


@pytest.mark.parametrize("args,why", [
    (["-x", "h", "true"], b"-x: unknown option"),
    (["--bogus", "h", "true"], b"--bogus: unknown option"),
    (["-l"], b"-l: needs an argument"),
    (["--password-file"], b"--password-file: needs an argument"),
])
def test_bad_options(rexec, args, why):
    r = rexec(*args)
    assert (r.rc, r.out, r.err) == (2, b"", b"rexec: " + why + b"\n" + USAGE)


@pytest.mark.parametrize("args,hint", [
    (["-a"], b"-a of the older rexec clients: no stderr channel (RHEL) is "
             b"-N here"),
    (["-u", "bob"], b"-u of the older rexec clients: the user (inetutils) "
                    b"is -l here"),
    (["-P", "512"], b"-P of the older rexec clients: the port (inetutils) "
                    b"is -p here"),
    (["-h"], b"-h of the older rexec clients: is --help here; the host is "
             b"the first operand"),
    (["--user=bob"], b"--user of the older rexec clients: is -l here"),
    (["--noerr"], b"--noerr of the older rexec clients: is -N here"),
])
def test_options_of_the_older_clients_are_explained(rexec, args, hint):
    r = rexec(*args, "h", "true")
    word = args[0].split("=")[0].encode()
    assert (r.rc, r.out, r.err) == (
        2, b"", b"rexec: " + word + b": unknown option\nrexec: " + hint +
        b"\n" + USAGE)


def test_inetutils_password_option_is_not_our_password_file(rexec):
    # getopt would take --password=X for --password-file X and open X.
    r = rexec("--password=Secret-pw1", "h", "true")
    assert r.rc == 2
    assert r.err.startswith(b"rexec: --password: unknown option\n"
                            b"rexec: --password of the older rexec clients:"
                            b" see --password-file, REXEC_PASS and "
                            b"~/.netrc\n")
    assert b"Secret-pw1" not in r.err


def test_command_too_long(rexec):
    # Two words of 64 KiB and their space: one byte over the limit.
    r = rexec("127.0.0.1", "x" * 65536, "y" * 65535, password="pw")
    assert (r.rc, r.out, r.err) == (
        2, b"", b"rexec: command too long (at most 131071 bytes)\n")


def test_command_at_the_limit_is_sent(rexec):
    # Nothing listens on port 1: the client got past the length check.
    r = rexec("-p", "1", "127.0.0.1", "x" * 65536, "y" * 65534,
              password="pw")
    assert (r.rc, r.out, r.err) == (
        3, b"", b"rexec: 127.0.0.1: 127.0.0.1 port 1: Connection refused\n")
