# SPDX-License-Identifier: BSD-2-Clause
"""Where the user name and password come from, and the refusals."""
import os
import pty
import pwd
import select
import signal
import termios

import pytest

from rexectest.client import client_env
from rexectest.fake import Fake, handshake
from rexectest.paths import REXEC


def creds_script(fake, conn):
    handshake(fake, conn).close()


def sent_creds(rexec, *args, **kw):
    """Runs the client against a fake; returns (result, user, password)."""
    with Fake(creds_script) as f:
        r = rexec("-p", f.port, *args, f.host, "true", **kw)
    return r, f.seen["user"], f.seen["password"]


def assert_no_connection(fake):
    fake.sock.setblocking(False)
    with pytest.raises(BlockingIOError):
        fake.sock.accept()
    fake.sock.close()


def write_netrc(home, text, mode=0o600):
    path = home / ".netrc"
    path.write_text(text)
    os.chmod(path, mode)
    return path


# --- real servers ---------------------------------------------------------

def test_netrc_gives_user_and_password(server, user, rexec, home):
    write_netrc(home, f"machine 127.0.0.1 login {user.name} "
                      f"password {user.password}\n")
    r = rexec("-p", server.port, server.host, "id -un")
    assert (r.rc, r.out, r.err) == (0, f"{user.name}\n".encode(), b"")


def test_password_file(server, user, rexec, tmp_path):
    pf = tmp_path / "pw"
    pf.write_text(user.password + "\n")
    os.chmod(pf, 0o600)
    r = rexec("-p", server.port, "-l", user.name, "--password-file", pf,
              server.host, "id -un")
    assert (r.rc, r.out, r.err) == (0, f"{user.name}\n".encode(), b"")


def test_rexec_password_variable(server, user, rexec):
    r = rexec("-p", server.port, "-l", user.name, server.host, "id -un",
              password=user.password)
    assert (r.rc, r.out, r.err) == (0, f"{user.name}\n".encode(), b"")


def test_wrong_password_is_refused(server, user, rexec):
    r = rexec("-p", server.port, "-l", user.name, server.host, "echo no",
              password="wrong-" + user.password[:8])
    if server.kind == "netkit":
        # netkit hangs up without a word when PAM says no.
        msg = b"rexec: 127.0.0.1: connection closed by the server " \
              b"without a reply\n"
    else:
        msg = b"rexec: 127.0.0.1: Login incorrect.\n"
    assert (r.rc, r.out, r.err) == (1, b"", msg)


def test_server_refusal_text(server, user, rexec):
    # netkit takes user names of at most 15 characters; this project's
    # server refuses unknown users with the same text as bad passwords.
    r = rexec("-p", server.port, "-l", "rxtnosuchuser000", server.host,
              "echo no", password="whatever")
    text = b"username too long" if server.kind == "netkit" \
        else b"Login incorrect."
    assert (r.rc, r.out, r.err) == (1, b"", b"rexec: 127.0.0.1: " + text +
                                    b"\n")


# --- ~/.netrc ---------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o700 | 0o001])
def test_netrc_open_to_others_is_refused(rexec, home, mode):
    path = write_netrc(home, "machine 127.0.0.1 login u password pw\n",
                       mode)
    f = Fake(creds_script, accept=False)
    r = rexec("-p", f.port, f.host, "true")
    assert_no_connection(f)
    assert (r.rc, r.out, r.err) == (2, b"", (
        f"rexec: {path}: readable or writable by group or others "
        f"(chmod 600 it), refusing its password\n").encode())


def test_netrc_of_another_user_is_refused(rexec, home, user):
    path = write_netrc(home, "machine 127.0.0.1 login u password pw\n")
    os.chown(path, user.uid, -1)
    f = Fake(creds_script, accept=False)
    r = rexec("-p", f.port, f.host, "true")
    assert_no_connection(f)
    assert (r.rc, r.err) == (2, (
        f"rexec: {path}: not owned by you, refusing its password\n"
    ).encode())


def test_open_netrc_without_password_still_gives_login(rexec, home):
    write_netrc(home, "machine 127.0.0.1 login netrcuser\n", 0o644)
    r, u, p = sent_creds(rexec, password="envpw")
    assert (r.rc, u, p) == (0, b"netrcuser", b"envpw")


NETRC = """\
# entries for other hosts come first
machine other.example login nobody password nope
macdef init
machine 127.0.0.1 login fake password fake

machine 127.0.0.1 login alice password "pass word\\"1"
machine 127.0.0.1
    login bob
    password bobpw
default login dflt password dfltpw
"""


@pytest.mark.parametrize("args,user,password", [
    ([], b"alice", b'pass word"1'),
    (["-l", "alice"], b"alice", b'pass word"1'),
    (["-l", "bob"], b"bob", b"bobpw"),
    (["-l", "dflt"], b"dflt", b"dfltpw"),
])
def test_netrc_entry_selection(rexec, home, args, user, password):
    write_netrc(home, NETRC)
    r, u, p = sent_creds(rexec, *args)
    assert (r.rc, u, p) == (0, user, password)


def test_netrc_host_match_ignores_case(rexec, home):
    write_netrc(home, "machine LOCALHOST login up password uppw\n")
    with Fake(creds_script) as f:
        r = rexec("-4", "-p", f.port, "localhost", "true")
    assert (r.rc, f.seen["user"], f.seen["password"]) == (0, b"up", b"uppw")


def test_netrc_default_entry(rexec, home):
    write_netrc(home, "machine elsewhere login x password y\n"
                      "default login d password dp\n")
    r, u, p = sent_creds(rexec)
    assert (r.rc, u, p) == (0, b"d", b"dp")


def test_netrc_login_for_another_user_is_not_used(rexec, home):
    write_netrc(home, "machine 127.0.0.1 login alice password apw\n")
    f = Fake(creds_script, accept=False)
    r = rexec("-p", f.port, "-l", "carol", f.host, "true")
    assert_no_connection(f)
    assert (r.rc, r.err) == (2, b"rexec: 127.0.0.1: no password for carol "
                             b"and stdin is not a terminal: use ~/.netrc, "
                             b"--password-file or REXEC_PASSWORD\n")


# --- other sources and their order ------------------------------------------

def test_sources_in_order(rexec, home, tmp_path):
    write_netrc(home, "machine 127.0.0.1 login u password netrcpw\n")
    pf = tmp_path / "pw"
    pf.write_bytes(b"filepw\r\nsecond line\n")
    os.chmod(pf, 0o400)
    assert sent_creds(rexec, "--password-file", pf, password="envpw")[2] \
        == b"filepw"
    assert sent_creds(rexec, password="envpw")[2] == b"envpw"
    assert sent_creds(rexec, password="")[2] == b"netrcpw"
    assert sent_creds(rexec)[2] == b"netrcpw"


def test_rexec_user_and_rexec_pass(rexec, home):
    # The variables of RHEL's rexec client.
    r, u, p = sent_creds(rexec, env={"REXEC_USER": "envu",
                                     "REXEC_PASS": "envpass"})
    assert (r.rc, u, p) == (0, b"envu", b"envpass")


def test_rexec_user_ranks_below_l_and_above_netrc(rexec, home):
    write_netrc(home, "machine 127.0.0.1 login netrcu password np\n"
                      "machine 127.0.0.1 login envu password ep\n")
    env = {"REXEC_USER": "envu"}
    # -l wins; REXEC_USER picks the .netrc entry of its login
    assert sent_creds(rexec, "-l", "netrcu", env=env)[1:] == (b"netrcu",
                                                             b"np")
    assert sent_creds(rexec, env=env)[1:] == (b"envu", b"ep")
    assert sent_creds(rexec, env={"REXEC_USER": ""})[1:] == (b"netrcu",
                                                            b"np")


def test_rexec_pass_ranks_below_rexec_password_and_above_netrc(
        rexec, home, tmp_path):
    write_netrc(home, "machine 127.0.0.1 login u password netrcpw\n")
    pf = tmp_path / "pw"
    pf.write_text("filepw\n")
    os.chmod(pf, 0o600)
    env = {"REXEC_PASS": "passpw"}
    assert sent_creds(rexec, "--password-file", pf, env=env)[2] == b"filepw"
    assert sent_creds(rexec, password="envpw", env=env)[2] == b"envpw"
    assert sent_creds(rexec, env=env)[2] == b"passpw"
    assert sent_creds(rexec, env={"REXEC_PASS": ""})[2] == b"netrcpw"


def test_password_file_from_a_pipe(rexec):
    r, u, p = sent_creds(rexec, "-l", "u", "--password-file", "/dev/stdin",
                         "-n", input=b"pipepw")
    assert (r.rc, u, p) == (0, b"u", b"pipepw")


def test_password_file_open_to_others_is_refused(rexec, tmp_path):
    pf = tmp_path / "pw"
    pf.write_text("pw\n")
    os.chmod(pf, 0o644)
    f = Fake(creds_script, accept=False)
    r = rexec("-p", f.port, "-l", "u", "--password-file", pf, f.host, "true")
    assert_no_connection(f)
    assert (r.rc, r.err) == (2, (
        f"rexec: {pf}: readable or writable by group or others "
        f"(chmod 600 it), refusing its password\n").encode())


def test_missing_password_file(rexec, tmp_path):
    r = rexec("-l", "u", "--password-file", tmp_path / "none", "127.0.0.1",
              "true")
    assert (r.rc, r.err) == (2, (
        f"rexec: {tmp_path / 'none'}: No such file or directory\n").encode())


def test_default_user_is_the_login_name(rexec):
    r, u, p = sent_creds(rexec, password="pw")
    assert (r.rc, u) == (0, pwd.getpwuid(os.getuid()).pw_name.encode())


def test_no_password_source_and_no_terminal(rexec):
    f = Fake(creds_script, accept=False)
    r = rexec("-p", f.port, "-l", "u", f.host, "true")
    assert_no_connection(f)
    assert (r.rc, r.out, r.err) == (
        2, b"", b"rexec: 127.0.0.1: no password for u and stdin is not a "
        b"terminal: use ~/.netrc, --password-file or REXEC_PASSWORD\n")


@pytest.mark.parametrize("args,password,msg", [
    (["-l", "u" * 257], "pw", b"user name too long (at most 256 characters)"),
    (["-l", "u"], "p" * 512,
     b"REXEC_PASSWORD too long (at most 511 characters)"),
])
def test_local_limits(rexec, args, password, msg):
    r = rexec(*args, "127.0.0.1", "true", password=password)
    assert (r.rc, r.out, r.err) == (2, b"", b"rexec: " + msg + b"\n")


# --- the terminal prompt ------------------------------------------------------

def spawn_on_pty(args, env):
    """Starts the client with a new pseudo-terminal as its terminal."""
    pid, master = pty.fork()
    if pid == 0:
        os.execve(str(REXEC), [str(REXEC), *map(str, args)], env)
    return pid, master


def wait_pid(pid):
    """waitpid with a bound: a client that hangs is killed and reported."""
    for _ in range(2000):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        select.select([], [], [], 0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the client hung")


def read_until(master, want):
    data = b""
    for _ in range(200):
        if want in data:
            return data
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def test_prompt_on_the_terminal_with_echo_off(rexec, home):
    def script(fake, conn):
        err = handshake(fake, conn)
        conn.sendall(b"remote says hi\n")
        err.close()

    with Fake(script) as f:
        pid, master = spawn_on_pty(["-n", "-p", f.port, "-l", "tty-user",
                                    f.host, "true"], client_env(home))
        before = read_until(master, b": ")
        os.write(master, b"typedpw\n")
        after = read_until(master, b"remote says hi\n")
        status = wait_pid(pid)
        os.close(master)
    assert before == b"Password for tty-user@127.0.0.1: "
    assert b"typedpw" not in after
    assert after.endswith(b"remote says hi\r\n")
    assert os.waitstatus_to_exitcode(status) == 0
    assert (f.seen["user"], f.seen["password"]) == (b"tty-user", b"typedpw")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM] * 3)
def test_interrupted_prompt_restores_echo(rexec, home, sig):
    f = Fake(creds_script, accept=False)
    pid, master = spawn_on_pty(["-p", f.port, "-l", "u", f.host, "true"],
                               client_env(home))
    before = read_until(master, b": ")
    echo_during = termios.tcgetattr(master)[3] & termios.ECHO
    os.kill(pid, sig)
    status = wait_pid(pid)
    echo_after = termios.tcgetattr(master)[3] & termios.ECHO
    os.close(master)
    assert_no_connection(f)
    assert before == b"Password for u@127.0.0.1: "
    assert (echo_during, echo_after) == (0, termios.ECHO)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == sig
