# SPDX-License-Identifier: BSD-2-Clause
"""What the command really got: ids, groups, directory, argv, environment,
descriptors, and no way back to root.

Where the shell itself could add to what it got (bash exports PWD, SHLVL
and _), the tests read what the kernel recorded at execve() instead:
/proc/<shell>/environ, /proc/<shell>/cmdline, /proc/<shell>/fd.  A
trailing "; true" keeps bash from replacing itself with the last command,
so $$ stays the shell the server started.
"""
import grp
import re
import resource

import pytest

from rexectest.wire import rexec


def run_as(server, user, command, **kw):
    r = rexec(server.host, server.port, user.name, user.password, command,
              **kw)
    assert r.status == b"\x00", r.primary
    return r.output


def test_uid_gid_and_groups(server, users):
    extra = users.group()
    u = users.make(groups=[extra])
    extra_gid = grp.getgrnam(extra).gr_gid
    out = run_as(server, u, "id -u; id -g; id -G").decode().split("\n")
    assert out[0] == str(u.uid)
    assert out[1] == str(u.gid)
    assert sorted(out[2].split()) == sorted([str(u.gid), str(extra_gid)])
    assert out[3:] == [""]


def test_all_ids_are_the_users_and_no_capability_is_left(server, user):
    out = run_as(server, user, "grep -E '^(Uid|Gid|CapPrm|CapEff|CapAmb):' "
                 "/proc/self/status").decode()
    u, g = user.uid, user.gid
    assert out == (f"Uid:\t{u}\t{u}\t{u}\t{u}\n"
                   f"Gid:\t{g}\t{g}\t{g}\t{g}\n"
                   "CapPrm:\t0000000000000000\n"
                   "CapEff:\t0000000000000000\n"
                   "CapAmb:\t0000000000000000\n")


SETID = """python3 -c '
import errno, os
for name, call in [("setuid", lambda: os.setuid(0)),
                   ("seteuid", lambda: os.seteuid(0)),
                   ("setresuid", lambda: os.setresuid(0, 0, 0)),
                   ("setgid", lambda: os.setgid(0)),
                   ("setgroups", lambda: os.setgroups([0]))]:
    try:
        call()
        print(name, "WORKED")
    except OSError as e:
        print(name, errno.errorcode[e.errno])
'"""


def test_command_cannot_regain_root(server, user):
    assert run_as(server, user, SETID) == (b"setuid EPERM\nseteuid EPERM\n"
                                           b"setresuid EPERM\nsetgid EPERM\n"
                                           b"setgroups EPERM\n")


def test_working_directory_is_home(server, user):
    assert run_as(server, user, "pwd -P") == user.home.encode() + b"\n"


@pytest.mark.parametrize("shell,argv0", [("/bin/bash", b"bash"),
                                         ("/bin/sh", b"sh"),
                                         ("/usr/bin/dash", b"dash")])
def test_argv_is_basename_of_shell_dash_c_command(server, users, shell,
                                                  argv0):
    u = users.make(shell=shell)
    cmd = "cat /proc/$$/cmdline; true"
    assert run_as(server, u, cmd) == argv0 + b"\0-c\0" + cmd.encode() + b"\0"


def test_dollar_zero_is_the_shell_name(server, user):
    assert run_as(server, user, "echo $0") == b"bash\n"


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_environment_is_exactly_the_account_and_pam(server, user, errchan):
    raw = run_as(server, user, "cat /proc/$$/environ; true", errchan=errchan)
    env = dict(v.split(b"=", 1) for v in raw.split(b"\0")[:-1])
    assert env == {
        b"HOME": user.home.encode(),
        b"SHELL": b"/bin/bash",
        b"USER": user.name.encode(),
        b"LOGNAME": user.name.encode(),
        b"PATH": b"/usr/local/bin:/usr/bin:/bin",
        b"REXECD_TEST_PAMENV": b"from-pam",   # pam_env, from the stack
    }   # and no LD_PRELOAD, no BASH_ENV although pam_env set them too


def test_environment_as_the_command_sees_it(server, user):
    # Through env -0, with what bash itself adds taken out.
    raw = run_as(server, user, "env -0")
    names = sorted(v.split(b"=", 1)[0] for v in raw.split(b"\0")[:-1])
    shell_own = {b"PWD", b"SHLVL", b"_"}
    assert [n for n in names if n not in shell_own] == [
        b"HOME", b"LOGNAME", b"PATH", b"REXECD_TEST_PAMENV", b"SHELL",
        b"USER"]


def fd_table(listing):
    """{fd: target} from `ls -l /proc/.../fd` output."""
    return {int(m[1]): m[2] for m in
            re.finditer(r" (\d+) -> (.*)$", listing.decode(), re.M)}


@pytest.mark.parametrize("errchan", [False, True], ids=["merged", "errchan"])
def test_only_descriptors_0_1_2_reach_the_shell(server, user, errchan):
    fds = fd_table(run_as(server, user, "ls -l /proc/$$/fd; true",
                          errchan=errchan))
    assert sorted(fds) == [0, 1, 2]
    assert all(t.startswith("socket:[") for t in fds.values())
    assert fds[0] == fds[1]
    if errchan:
        assert fds[2] != fds[0]     # stderr is the channel
    else:
        assert fds[2] == fds[0]     # stderr is the primary socket


def test_only_descriptors_0_1_2_reach_an_exec(server, user):
    # ls itself opens one more, the directory it lists.
    fds = fd_table(run_as(server, user, "exec ls -l /proc/self/fd"))
    assert sorted(fds) == [0, 1, 2, 3]
    assert re.fullmatch(r"/proc/\d+/fd", fds[3])


def test_descriptor_limit_is_the_one_the_daemon_started_with(
        make_server, user):
    # The standalone daemon raises its own RLIMIT_NOFILE; the command
    # must get the limit the daemon was started with.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = min(512, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    try:
        server = make_server("standalone")
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert run_as(server, user, "ulimit -Sn") == b"%d\n" % low
