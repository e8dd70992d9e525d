# SPDX-License-Identifier: BSD-2-Clause
"""The daemon units check the configuration before they start it
(ExecStartPre=in.rexecd -t) and do not restart a daemon whose
configuration cannot work (exit 2, RestartPreventExitStatus=2).  The
commands are run as systemd would run them: EnvironmentFile= read,
$REXECD_OPTS split into words, the program inside DESTDIR."""
import os
import subprocess

import pytest

from rexectest.installed import (PREFIX, expand_exec, parse_envfile,
                                 unit_value)

DAEMONS = ["rexecd.service", "rexecd-activated.service"]

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def command(installed, unit, key, opts):
    """The unit's key (ExecStart, ExecStartPre) as argv, with
    REXECD_OPTS=opts as an administrator would set it."""
    envfile = unit_value(unit, "Service", "EnvironmentFile").lstrip("-")
    env = parse_envfile(installed.path(envfile))
    env["REXECD_OPTS"] = opts
    words, _ = expand_exec(unit_value(unit, "Service", key), env)
    assert words[0] == PREFIX + "/sbin/in.rexecd"
    return [str(installed.path(words[0]))] + words[1:]


@pytest.mark.parametrize("name", DAEMONS)
def test_check_before_start(installed, name):
    """ExecStartPre is ExecStart with -t; exit 2 is not restarted."""
    unit = installed.unit(name)
    pre = unit_value(unit, "Service", "ExecStartPre").split()
    start = unit_value(unit, "Service", "ExecStart").split()
    assert pre == start[:1] + ["-t"] + start[1:]
    assert unit_value(unit, "Service", "Restart") == "on-failure"
    assert unit_value(unit, "Service", "RestartPreventExitStatus") == "2"


def run(argv, timeout=30):
    return subprocess.run(argv, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


@needs_root
@pytest.mark.parametrize("name", DAEMONS)
def test_check_passes_good_options(installed, pam_service, name):
    """Good options pass the check silently."""
    unit = installed.unit(name)
    r = run(command(installed, unit, "ExecStartPre",
                    f"--pam-service {pam_service.name} --fail-delay 0"))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@needs_root
@pytest.mark.parametrize("name", DAEMONS)
@pytest.mark.parametrize("opts, named", [
    ("--login-grace-tme 20", "--login-grace-tme"),
    ("--fail-delay soon", "soon"),
    ("--pam-service rxt-no-such-service", "rxt-no-such-service"),
])
def test_check_refuses_bad_options(installed, name, opts, named):
    """A bad REXECD_OPTS fails the check with exit 2, the culprit named on
    stderr (which systemd puts in the journal); nothing on stdout."""
    unit = installed.unit(name)
    r = run(command(installed, unit, "ExecStartPre", opts))
    assert r.returncode == 2
    assert r.stdout == ""
    assert named in r.stderr


@needs_root
def test_daemon_exits_2_on_bad_options(installed):
    """Without the check (a drop-in that empties ExecStartPre=), the daemon
    itself exits 2 on a bad option, before it binds: the exit status that
    RestartPreventExitStatus=2 keeps from being restarted."""
    unit = installed.unit("rexecd.service")
    r = run(command(installed, unit, "ExecStart", "--login-grace-tme 20"))
    assert r.returncode == 2
    assert "--login-grace-tme" in r.stderr
