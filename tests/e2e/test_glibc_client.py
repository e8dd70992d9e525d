# SPDX-License-Identifier: BSD-2-Clause
"""glibc's own client, rexec_af(), against the server (glibc_rexec.c).

glibc sends a lone NUL for "no stderr channel", or listens on every
address, sends the port and blocks in accept() with no timeout before it
sends the credentials; on a refusal it copies the message to stderr.
"""
import subprocess

import pytest

OUT_ERR = "echo out; echo err >&2"


@pytest.fixture
def glibc(glibc_rexec, tmp_path):
    """Runs glibc_rexec; HOME has no .netrc for glibc to read."""
    def run(server, user, password, command, fd2=False, stdin=b""):
        argv = [str(glibc_rexec)] + (["-e"] if fd2 else []) + [
            server.host, str(server.port), user, password, command]
        return subprocess.run(argv, input=stdin, capture_output=True,
                              timeout=30, env={"HOME": str(tmp_path),
                                               "PATH": "/usr/bin:/bin"})
    return run


def test_without_fd2p_stderr_comes_with_stdout(server, user, glibc):
    p = glibc(server, user.name, user.password, OUT_ERR)
    assert (p.returncode, p.stdout, p.stderr) == (0, b"out\nerr\n", b"")


def test_with_fd2p_stderr_is_separate(server, user, glibc):
    p = glibc(server, user.name, user.password, OUT_ERR, fd2=True)
    assert (p.returncode, p.stdout, p.stderr) == (0, b"out\n", b"err\n")


@pytest.mark.parametrize("fd2", [False, True], ids=["plain", "fd2p"])
def test_refusal_is_printed_by_glibc(server, user, glibc, fd2):
    p = glibc(server, user.name, user.password + "x", "echo ran", fd2=fd2)
    assert (p.returncode, p.stdout, p.stderr) == \
        (1, b"", b"Login incorrect.\n")


def test_missing_home_is_printed_by_glibc(server, users, glibc):
    u = users.make(home=False)
    p = glibc(server, u.name, u.password, "echo ran", fd2=True)
    assert (p.returncode, p.stdout, p.stderr) == \
        (1, b"", b"No remote directory.\n")


def test_stdin_through_glibc(server, user, glibc):
    data = bytes(range(256)) * 64
    p = glibc(server, user.name, user.password, "cat; echo end >&2",
              fd2=True, stdin=data)
    assert (p.returncode, p.stdout, p.stderr) == (0, data, b"end\n")


def test_binary_output_through_glibc(server, user, glibc):
    p = glibc(server, user.name, user.password, r"printf '\000\001x'")
    assert (p.returncode, p.stdout) == (0, b"\x00\x01x")
