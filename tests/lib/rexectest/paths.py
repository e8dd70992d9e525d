# SPDX-License-Identifier: BSD-2-Clause
"""Where the programs under test are.

The Makefile passes the built binaries in the environment; a relative
path is taken from the top of the source tree, and without the variable
the default build directory is used, so a single test file can be run
by hand after `make`.
"""
import os
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[3]


def built(var, default):
    """The program named by environment variable var, else ROOT/default."""
    return ROOT / os.environ.get(var, default)


SERVER = built("REXECD_BIN", "build/in.rexecd")         # in.rexecd
REXEC = built("REXEC_BIN", "build/rexec")               # rexec(1)
GLIBC_REXEC = built("REXECD_GLIBC_REXEC", "build/glibc_rexec")
NETKIT = pathlib.Path("/usr/sbin/in.rexecd")            # Debian's rsh-server
SSA = shutil.which("systemd-socket-activate")
VERSION = (ROOT / "VERSION").read_text().strip()
