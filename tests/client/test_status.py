# SPDX-License-Identifier: BSD-2-Clause
"""-S: the remote exit status, carried by a trailer the client strips."""
import re

import pytest

from rexectest.fake import Fake, handshake

TRAILER_CMD = re.compile(
    rb"^\( (.*)\n\) ; printf '\\036rexec-exit:%s %d\\n' ([0-9a-f]{32}) "
    rb'"\$\?" >&2$', re.S)


def remote(server, user, *args):
    return ["-p", server.port, "-l", user.name, *args]


@pytest.mark.parametrize("merge", [False, True], ids=["channel", "N"])
@pytest.mark.parametrize("code", [0, 1, 2, 3, 42, 127, 255])
def test_exit_status(server, user, rexec, code, merge):
    flags = ["-S", "-N"] if merge else ["-S"]
    r = rexec(*remote(server, user, *flags, server.host,
                      f"echo out; echo err >&2; exit {code}"),
              password=user.password)
    if merge:
        assert (r.rc, r.out, r.err) == (code, b"out\nerr\n", b"")
    else:
        assert (r.rc, r.out, r.err) == (code, b"out\n", b"err\n")


@pytest.mark.parametrize("command,code,out,err", [
    ("false", 1, b"", b""),
    ("true", 0, b"", b""),
    ("nosuchcommand-rxt 2>/dev/null", 127, b"", b""),
    # The test user's shell is dash, which reports the killed child.
    ("sh -c 'kill -9 $$'", 137, b"", b"Killed\n"),
    ("echo a # a comment closes the line", 0, b"a\n", b""),
    ("cat <<EOF\nhere doc\nEOF", 0, b"here doc\n", b""),
    ("echo one\necho two; exit 6", 6, b"one\ntwo\n", b""),
    ("(exit 4)", 4, b"", b""),
])
def test_status_of_shell_constructs(server, user, rexec, command, code, out,
                                    err):
    r = rexec(*remote(server, user, "-S", server.host, command),
              password=user.password)
    assert (r.rc, r.out, r.err) == (code, out, err)


@pytest.mark.parametrize("merge", [False, True], ids=["channel", "N"])
def test_output_that_looks_like_a_trailer_is_untouched(server, user, rexec,
                                                       merge):
    # A trailer with the wrong token, a bare marker byte, no final
    # newline: every byte must come through, and the real status too.
    fake = b"\036rexec-exit:0123456789abcdef0123456789abcdef 9\n\036\036x"
    fmt = "".join(f"\\{b:03o}" for b in fake)
    flags = ["-S", "-N"] if merge else ["-S"]
    r = rexec(*remote(server, user, *flags, server.host,
                      f"printf '{fmt}' >&2; printf '{fmt}'; exit 5"),
              password=user.password)
    if merge:
        assert (r.rc, r.out, r.err) == (5, fake + fake, b"")
    else:
        assert (r.rc, r.out, r.err) == (5, fake, fake)


def test_without_S_nothing_is_wrapped_and_status_is_zero(server, user,
                                                         rexec):
    r = rexec(*remote(server, user, server.host, "echo $0 >/dev/null; exit 3"),
              password=user.password)
    assert (r.rc, r.out, r.err) == (0, b"", b"")


def test_wrapped_command_on_the_wire(rexec):
    def script(fake, conn):
        err = handshake(fake, conn)
        err.close()

    with Fake(script) as f:
        r = rexec("-S", "-p", f.port, "-l", "u", f.host, "echo", "a",
                  password="pw")
    m = TRAILER_CMD.match(f.seen["command"])
    assert m, f.seen["command"]
    assert m.group(1) == b"echo a"
    # The token is never next to the marker text in the command itself.
    assert b"rexec-exit:" + m.group(2) not in f.seen["command"]
    assert (r.rc, r.out) == (4, b"")


def token_of(fake):
    return TRAILER_CMD.match(fake.seen["command"]).group(2)


def trailer_script(pieces_of, on_primary=False):
    """A fake that sends the pieces pieces_of(token) one send each."""
    def script(fake, conn):
        err = handshake(fake, conn)
        out = conn if on_primary else err
        for piece in pieces_of(token_of(fake)):
            out.sendall(piece)
        if err is not None:
            err.close()
    return script


NO_STATUS = b"rexec: 127.0.0.1: the remote command's exit status did not " \
    b"arrive\n"

# case: (what the fake sends, one send() each; the exit code; what the
# client must pass on).  t is the whole marker, "\036rexec-exit:TOKEN ".
TRAILER_CASES = {
    "whole": (lambda t, tok: [b"data\n", t + b"7\n"],
              7, lambda t, tok: b"data\n"),
    "bytewise": (lambda t, tok: [bytes([c]) for c in b"ab\036\036" + t +
                                 b"42\n"],
                 42, lambda t, tok: b"ab\036\036"),
    "near-misses": (lambda t, tok: [b"\036rexec-exit:", tok[:5], b"\n",
                                    t[:-1], b"x", t + b"12x\n", t + b"\n",
                                    t, b"200\n"],
                    200, lambda t, tok: b"\036rexec-exit:" + tok[:5] +
                    b"\n" + t[:-1] + b"x" + t + b"12x\n" + t + b"\n"),
    "no-newline-before": (lambda t, tok: [b"no newline", t + b"0\n"],
                          0, lambda t, tok: b"no newline"),
    "output-after": (lambda t, tok: [t + b"3\n", b"late\n", t + b"9\n"],
                     3, lambda t, tok: b"late\n" + t + b"9\n"),
    "over-255": (lambda t, tok: [t + b"256\n"],
                 4, lambda t, tok: t + b"256\n"),
    "four-digits": (lambda t, tok: [t + b"0001\n"],
                    4, lambda t, tok: t + b"0001\n"),
    "cut-at-eof": (lambda t, tok: [b"x", t + b"12"],
                   4, lambda t, tok: b"x" + t + b"12"),
}


@pytest.mark.parametrize("on_primary", [False, True], ids=["channel", "N"])
@pytest.mark.parametrize("case", sorted(TRAILER_CASES))
def test_trailer_stripping(rexec, case, on_primary):
    send, code, passed_on = TRAILER_CASES[case]
    sent = {}

    def pieces(tok):
        sent["t"], sent["tok"] = b"\036rexec-exit:" + tok + b" ", tok
        return send(sent["t"], tok)

    flags = ["-S", "-N"] if on_primary else ["-S"]
    with Fake(trailer_script(pieces, on_primary)) as f:
        r = rexec(*flags, "-p", f.port, "-l", "u", f.host, "x",
                  password="pw")
    want = passed_on(sent["t"], sent["tok"])
    note = NO_STATUS if code == 4 else b""
    assert r.rc == code
    if on_primary:
        assert (r.out, r.err) == (want, note)
    else:
        assert (r.out, r.err) == (b"", want + note)
