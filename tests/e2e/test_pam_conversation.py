# SPDX-License-Identifier: BSD-2-Clause
"""The PAM conversation: the password answers one PAM_PROMPT_ECHO_OFF
prompt; any other prompt fails the login with the usual text; messages
are only logged.  A test module (pam_ask.c) asks what each stack says."""
import pathlib

import pytest

from rexectest.accounts import build_pam_module
from rexectest.wire import rexec

HERE = pathlib.Path(__file__).parent


@pytest.fixture(scope="session")
def pam_ask(tmp_path_factory):
    return build_pam_module(HERE / "pam_ask.c",
                            tmp_path_factory.mktemp("pamask"))


def serve(make_server, make_pam, ask, *rest):
    service = make_pam(f"auth required {ask}", *rest,
                       "account required pam_unix.so",
                       "session required pam_unix.so")
    return make_server("standalone", extra=["--pam-service", service])


def login(server, user):
    return rexec(server.host, server.port, user.name, user.password,
                 "echo in").primary


CASES = [
    # (what pam_ask asks, the rest of the auth stack, expected reply)
    ("echo_on", ["auth required pam_unix.so nodelay"],
     b"\x01Login incorrect.\n"),
    ("info,echo_on", ["auth required pam_unix.so nodelay"],
     b"\x01Login incorrect.\n"),
    ("info", ["auth required pam_unix.so nodelay"], b"\x00in\n"),
    ("error", ["auth required pam_unix.so nodelay"], b"\x00in\n"),
    # the password itself, asked by the module, then checked by pam_unix
    ("info,echo_off", ["auth required pam_unix.so nodelay use_first_pass"],
     b"\x00in\n"),
    # a second secret (a token code) after the password: nothing to give
    ("echo_off", [], None),
]


@pytest.mark.parametrize("ask,rest,expected", CASES,
                         ids=[c[0] + ("+unix" if c[1] else "") for c in CASES])
def test_conversation(make_server, make_pam, pam_ask, user, ask, rest,
                      expected):
    if expected is None:
        # pam_unix takes the password first; pam_ask asks again
        service = make_pam("auth required pam_unix.so nodelay",
                           f"auth required {pam_ask} {ask}",
                           "account required pam_unix.so",
                           "session required pam_unix.so")
        server = make_server("standalone",
                             extra=["--pam-service", service])
        assert login(server, user) == b"\x01Login incorrect.\n"
        return
    server = serve(make_server, make_pam, f"{pam_ask} {ask}", *rest)
    assert login(server, user) == expected


def test_pam_messages_are_logged_escaped(make_server, make_pam, pam_ask,
                                         user):
    server = serve(make_server, make_pam, f"{pam_ask} info",
                   "auth required pam_unix.so nodelay")
    assert login(server, user) == b"\x00in\n"
    assert server.wait_log("PAM says: info")
