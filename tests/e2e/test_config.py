# SPDX-License-Identifier: BSD-2-Clause
"""rexecd.conf(5) end to end: a real file, real PAM, real users.

Each test writes a configuration file and starts the server with -f, in
inetd mode (the file read per connection) and as the standalone daemon
where it matters, and asserts the bytes the client gets, what the
command saw, and the log.
"""
import os
import re
import subprocess
import time

import pytest

from rexectest import procs
from rexectest.paths import SERVER
from rexectest.wire import LOGIN_INCORRECT, Conn, rexec

NOT_PERMITTED = b"\x01Command not permitted: access denied.\n"
TRY_AGAIN = b"\x01Try again.\n"


@pytest.fixture
def conf_server(make_server, tmp_path):
    """conf_server(text, mode=, host=, extra=): the server reading a
    configuration file with text."""
    def make(text, mode="standalone", host="127.0.0.1", extra=()):
        path = tmp_path / f"rexecd-{len(list(tmp_path.iterdir()))}.conf"
        path.write_text(text)
        return make_server(mode, host=host, extra=["-f", str(path), *extra])
    return make


def rexec_from(source, server, user, command):
    """One session from the address source (127.x), without a stderr
    channel."""
    with Conn(server.host, server.port, source=source) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, command)
        return c.read_all()


def ok(server, user, command, **kw):
    r = rexec(server.host, server.port, user.name, user.password, command,
              **kw)
    assert r.status == b"\x00", r.primary
    return r


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_force_command_gets_the_original(conf_server, user, mode):
    s = conf_server(
        f"Match User {user.name}\n"
        "    ForceCommand echo forced; printenv REXEC_ORIGINAL_COMMAND\n",
        mode=mode)
    r = ok(s, user, "echo 'the client''s'; id")
    assert r.output == b"forced\necho 'the client''s'; id\n"


def test_force_command_only_where_matched(conf_server, users):
    a, b = users.make(), users.make()
    s = conf_server(f"Match User {a.name}\n  ForceCommand echo forced\n")
    assert ok(s, a, "echo mine").output == b"forced\n"
    assert ok(s, b, "echo mine; printenv REXEC_ORIGINAL_COMMAND || "
              "echo unset").output == b"mine\nunset\n"


PERMIT = 'PermitCommand uptime "echo ok *" true\n'


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_permit_command(conf_server, user, mode):
    s = conf_server(PERMIT, mode=mode)
    assert ok(s, user, "echo ok from here").output == b"ok from here\n"
    r = rexec(s.host, s.port, user.name, user.password, "echo not ok")
    assert r.primary == NOT_PERMITTED
    # The pattern is matched against the whole command: ";" is not a
    # way out of it.
    r = rexec(s.host, s.port, user.name, user.password, "true; id")
    assert r.primary == NOT_PERMITTED
    assert s.wait_log(f'command refused for user "{user.name}" from '
                      '127.0.0.1 port ')
    assert 'not permitted: "true; id"' in s.log


@pytest.mark.parametrize("suffix", [";echo XXRETCODE:$?",      # pdsh
                                    " ; echo XXRETCODE: $?"])  # clush
def test_permit_command_with_exit_status_echo(conf_server, user, suffix):
    s = conf_server(PERMIT)
    r = ok(s, user, "echo ok there" + suffix)
    assert r.output == b"ok there\n" + suffix.split("echo ")[1].replace(
        "$?", "0").encode() + b"\n"
    # The echo alone, or after a command outside the list, is refused.
    for cmd in [suffix.lstrip(" ;"), "echo no" + suffix]:
        r = rexec(s.host, s.port, user.name, user.password, cmd)
        assert r.primary == NOT_PERMITTED, cmd


def test_deny_users_and_allow_groups(conf_server, users):
    g = users.group()
    member, other, denied = users.make(groups=[g]), users.make(), \
        users.make(groups=[g])
    s = conf_server(f"DenyUsers {denied.name}\nAllowGroups {g} rxtnone\n")
    assert ok(s, member, "echo in").output == b"in\n"
    for u, why in [(other, "no group listed in AllowGroups"),
                   (denied, "user listed in DenyUsers")]:
        r = rexec(s.host, s.port, u.name, u.password, "echo in")
        assert r.primary == LOGIN_INCORRECT
        assert s.wait_log(f'login refused for user "{u.name}" from '
                          f'127.0.0.1 port ')
        assert re.search(f'login refused for user "{u.name}" from '
                         rf'127\.0\.0\.1 port \d+: {why}\n', s.log)


def test_deny_users_at_address(conf_server, user):
    """user@CIDR: refused from 127.0.0.2/31 only."""
    s = conf_server(f"DenyUsers {user.name}@127.0.0.2/31\n")
    for h in ["127.0.0.2", "127.0.0.3"]:
        assert rexec_from(h, s, user, "true") == LOGIN_INCORRECT
    assert rexec_from("127.0.0.4", s, user, "echo four") == b"\x00four\n"


def test_match_address(conf_server, user):
    """A Match Address block applies to one source and not another."""
    s = conf_server("Match Address 127.0.0.5,127.0.0.6\n"
                    "  SetEnv WHERE=matched\n")
    got = {h: rexec_from(h, s, user, "printenv WHERE || echo none")
           for h in ["127.0.0.5", "127.0.0.7"]}
    assert got == {"127.0.0.5": b"\x00matched\n",
                   "127.0.0.7": b"\x00none\n"}


def test_setenv_and_path(conf_server, user):
    s = conf_server("SetEnv ONE=1 \"TWO=two words\" LD_PRELOAD=/x.so "
                    "HOME=/tmp\nPath /opt/rxt/bin:/usr/bin:/bin\n")
    r = ok(s, user, "printenv ONE TWO PATH HOME; "
                    "printenv LD_PRELOAD || echo no-preload; true")
    assert r.output == (b"1\ntwo words\n/opt/rxt/bin:/usr/bin:/bin\n" +
                        user.home.encode() + b"\nno-preload\n")
    assert "SetEnv LD_PRELOAD: not allowed" in s.log
    assert "SetEnv HOME: not allowed" in s.log


def test_max_session_time(conf_server, user):
    """MaxSessionTime 2 ends `sleep 30` and what it started, and says so
    on the client's stderr."""
    s = conf_server("MaxSessionTime 2\n")
    # the read gives up after 25 s: sleep 30 cannot have run out its time
    r = rexec(s.host, s.port, user.name, user.password,
              "sleep 30 & echo $!; sleep 30", errchan=True, timeout=25)
    assert r.status == b"\x00"
    assert r.stderr == (b"in.rexecd: session time limit (2 s) reached: "
                        b"command ended\n")
    bg = int(r.output)
    assert not os.path.exists(f"/proc/{bg}") or \
        open(f"/proc/{bg}/stat").read().split()[2] == "Z"
    assert s.wait_log("session-record event=end")
    assert re.search(r"session-record event=end .* signal=15 in=\d+ "
                     r"out=\d+ channels=2 err_in=0 err_out=\d+\n", s.log)


@pytest.mark.parametrize("mode", ["standalone", "inetd"])
def test_max_sessions_per_user(conf_server, user, mode):
    s = conf_server("MaxSessionsPerUser 1\n", mode=mode)
    with Conn(s.host, s.port) as c:
        c.send(b"\0")
        c.send_creds(user.name, user.password, "echo one; cat")
        assert c.read_until(b"one\n") == b"\x00one\n"
        r = rexec(s.host, s.port, user.name, user.password, "echo two")
        assert r.primary == TRY_AGAIN
        assert "MaxSessionsPerUser reached" in s.log
    # The slot is free again once the first session has ended.
    for _ in range(100):
        r = rexec(s.host, s.port, user.name, user.password, "echo three")
        if r.primary != TRY_AGAIN:
            break
        time.sleep(0.1)
    assert r.primary == b"\x00three\n"


def record_of(server, user):
    """The session-record line of user's session, as key: value."""
    assert server.wait_log("session-record event=")
    line = [ln for ln in server.log.splitlines()
            if "session-record" in ln and f'user="{user.name}"' in ln][-1]
    return dict(re.findall(r' (\w+)=("[^"]*"|\S+)', line))


@pytest.mark.parametrize("errchan", [False, True])
def test_record_exit_status_and_bytes(conf_server, user, errchan):
    s = conf_server("# an empty policy\n")
    r = rexec(s.host, s.port, user.name, user.password,
              "head -c 5 >/dev/null; printf 1234567; printf ab >&2; exit 3",
              stdin=b"hello", errchan=errchan)
    assert r.status == b"\x00"
    rec = record_of(s, user)
    assert rec["event"] == "end"
    assert rec["exit"] == "3" and "signal" not in rec
    assert rec["uid"] == str(user.uid)
    assert rec["from"] == "127.0.0.1"
    assert rec["command"] == ('"head -c 5 >/dev/null; printf 1234567; '
                              'printf ab >&2; exit 3"')
    assert re.fullmatch(r"\d+\.\d{3}", rec["duration"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                        rec["start"])
    creds = len(user.name) + len(user.password) + len(
        "head -c 5 >/dev/null; printf 1234567; printf ab >&2; exit 3") + 3
    if errchan:
        # port field "NNNNN\0" on the primary; "ab" on the channel
        assert rec["channels"] == "2"
        assert rec["err_out"] == "2" and rec["err_in"] == "0"
        assert rec["out"] == str(1 + 7)
    else:
        assert rec["channels"] == "1" and "err_out" not in rec
        assert rec["out"] == str(1 + 7 + 2)
        assert rec["in"] == str(1 + creds + 5)
    assert "password" not in s.log.split("session-record")[-1].lower() \
        and user.password not in s.log


def test_record_killed_command(conf_server, user):
    s = conf_server("")
    r = rexec(s.host, s.port, user.name, user.password, "kill -9 $$")
    assert r.status == b"\x00"
    rec = record_of(s, user)
    assert rec["signal"] == "9" and "exit" not in rec


def test_record_refused_login(conf_server, user):
    s = conf_server(f"DenyUsers {user.name}\n")
    r = rexec(s.host, s.port, user.name, user.password, "echo \x01\"x")
    assert r.primary == LOGIN_INCORRECT
    rec = record_of(s, user)
    assert rec["event"] == "refused"
    assert rec["reason"] == '"user listed in DenyUsers"'
    assert rec["command"] == '"echo \\x01\\x22x"'
    assert "uid" not in rec and "exit" not in rec


def test_record_to_the_journal(conf_server, user, tmp_path, make_server):
    """With a journal socket the record is one datagram of KEY=value
    lines, the same pairs as the text, and MESSAGE the text itself."""
    import socket
    path = tmp_path / "journal.sock"
    j = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    j.bind(str(path))
    j.settimeout(10)
    conf = tmp_path / "j.conf"
    conf.write_text("")
    s = make_server("standalone", extra=["-f", str(conf)],
                    env=dict(os.environ, REXECD_JOURNAL_SOCKET=str(path)))
    ok(s, user, "exit 4")
    dgram = j.recv(65536).decode()
    j.close()
    fields = dict(line.split("=", 1) for line in dgram.splitlines())
    assert fields["REXECD_EVENT"] == "end"
    assert fields["REXECD_USER"] == user.name
    assert fields["REXECD_EXIT"] == "4"
    assert fields["REXECD_COMMAND"] == "exit 4"
    assert fields["SYSLOG_IDENTIFIER"] == "in.rexecd"
    assert fields["PRIORITY"] == "5" and fields["SYSLOG_FACILITY"] == "10"
    assert fields["MESSAGE"].startswith("session-record event=end ")
    text = record_of(s, user)
    for k, v in text.items():
        assert fields["REXECD_" + k.upper()] == v.strip('"'), k


def test_end_with_shell(conf_server, user):
    """EndWithShell yes: the session ends with the shell although a
    background job still holds the connections; the job is still running
    when the client has its end."""
    s = conf_server("EndWithShell yes\nMaxSessionTime 20\n")
    r = rexec(s.host, s.port, user.name, user.password,
              "sleep 15 & echo $!", errchan=True, timeout=12)
    assert r.status == b"\x00"
    job = int(r.output)

    def fields():
        with open(f"/proc/{job}/stat") as f:
            return f.read().split()
    # the job may not have exec'd sleep yet when the session ends
    assert procs.wait_until(lambda: fields()[1] == "(sleep)")
    assert fields()[2] in "SR"
def server_cmd(*args):
    return subprocess.run([str(SERVER), *args], capture_output=True,
                          text=True, timeout=30)


FULL = """\
# a full file
PamService rxt-none
fail-delay 0.5
ALLOWROOT=yes
Allow 10.0.0.0/8
Allow 127.0.0.0/8
MaxSessionTime 60
PermitCommand uptime "ls *"
Match User alice,!bob Address 127.0.0.0/8
\tForceCommand /usr/bin/menu --safe
\tMaxSessionTime 5
Match Address ::1
\tEndWithShell yes
"""


def test_show_settings(tmp_path):
    """-T: every setting, the command line winning over the file; with
    -C the Match blocks for that user and address."""
    f = tmp_path / "full.conf"
    f.write_text(FULL)
    r = server_cmd("-f", str(f), "--fail-delay", "3", "-T")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for want in ["pamservice rxt-none", "allowroot yes", "faildelay 3",
                 "allow 10.0.0.0/8", "allow 127.0.0.0/8",
                 "maxsessiontime 60", 'permitcommand uptime "ls *"',
                 "forcecommand none", "endwithshell no", "path default",
                 "allowusers none", "setenv none", "maxsessionsperuser 0",
                 "logingracetime 30"]:
        assert want in lines, want
    # every option of the table has its line, defaults included
    for kw in ["debug", "maxstartups", "persourcemax", "maxsessions",
               "penalty", "connecttimeout", "allowlowports"]:
        assert [ln for ln in lines if ln.startswith(kw + " ")], kw
    r = server_cmd("-f", str(f), "-T", "-C", "user=alice,addr=127.0.0.9")
    lines = r.stdout.splitlines()
    assert "forcecommand /usr/bin/menu --safe" in lines
    assert "maxsessiontime 5" in lines and "endwithshell no" in lines
    r = server_cmd("-f", str(f), "-T", "-C", "user=bob,addr=::1")
    lines = r.stdout.splitlines()
    assert "forcecommand none" in lines
    assert "maxsessiontime 60" in lines and "endwithshell yes" in lines
    r = server_cmd("-f", str(f), "-T", "-C", "who=me")
    assert r.returncode == 2
    assert r.stderr == ("in.rexecd: -C who=me: expected "
                        "user=NAME,addr=ADDR\n")


@pytest.mark.parametrize("text,err", [
    ("PamService rexec\nBogus 1\n", ":2: unknown keyword \"Bogus\""),
    ("\n\nFailDelay 99\n", ":3: FailDelay: bad number of seconds "
     "\"99\""),
    ("Allow 10.0.0.1/8\n", ":1: Allow: bad value \"10.0.0.1/8\" (see "
     "rexecd.conf(5))"),
    ("AllowRoot maybe\n", ":1: AllowRoot: expected yes or no"),
    ("Match User a\nPamService x\n", ":2: PamService: not allowed in a "
     "Match block"),
    ("MaxSessionTime soon\n", ":1: MaxSessionTime: bad number"),
    ("SetEnv A\n", ":1: SetEnv: not NAME=VALUE"),
])
def test_check_refuses_with_file_and_line(tmp_path, text, err):
    f = tmp_path / "bad.conf"
    f.write_text(text)
    for args in (["-t"], ["-T"], ["-d", "-l", "127.0.0.1:0"]):
        r = server_cmd("-f", str(f), *args)
        assert (r.returncode, r.stdout) == (2, ""), args
        assert r.stderr == f"in.rexecd: {f}{err}\n", args


def test_check_accepts(tmp_path, pam_service):
    f = tmp_path / "good.conf"
    # -t also starts the PAM service: one that exists here
    f.write_text(FULL.replace("rxt-none", pam_service.name))
    r = server_cmd("-f", str(f), "-t")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    f.write_text(FULL)
    r = server_cmd("-f", str(f), "-t")
    assert (r.returncode, r.stdout, r.stderr) == (2, "", (
        "in.rexecd: --pam-service rxt-none: no such PAM service (no "
        "/etc/pam.d/rxt-none)\n"))
    f.write_text(FULL.replace("rxt-none", pam_service.name))
    # -f names a file that must exist; the default file may be absent.
    r = server_cmd("-f", str(tmp_path / "missing.conf"), "-t")
    assert r.returncode == 2
    assert r.stderr == (f"in.rexecd: {tmp_path}/missing.conf: No such "
                        "file or directory\n")
    f.chmod(0o666)
    r = server_cmd("-f", str(f), "-t")
    assert r.returncode == 2 and "writable by anyone: refused" in r.stderr


def test_bad_file_in_inetd_mode_serves_nothing(conf_server, user):
    """A file that turns bad after the daemon started: each inetd-mode
    connection reads it, so the next one is refused (one line, logged)."""
    s = conf_server("MaxSessionTime 60\n", mode="inetd")
    assert ok(s, user, "echo one").output == b"one\n"
    conf = [a for a in s.proc.args if str(a).endswith(".conf")][0]
    with open(conf, "a") as f:
        f.write("Bogus\n")
    r = rexec(s.host, s.port, user.name, user.password, "echo two")
    # one refusal line, never the reason (that is logged)
    assert r.primary == b"\x01Service not available: access denied.\n"
    assert s.wait_log(f"in.rexecd: {conf}:2: Bogus: missing value")
