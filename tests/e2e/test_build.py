# SPDX-License-Identifier: BSD-2-Clause
"""Building without the PAM headers says what to install.

The build runs in a mount namespace where /usr/include/security is an
empty directory, so the machine's headers stay where they are.
"""
import shutil
import subprocess

import pytest

from rexectest.paths import ROOT


def test_make_without_pam_headers_names_the_package(tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare not installed")
    empty = tmp_path / "empty"
    empty.mkdir()
    p = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         'mount --bind "$1" /usr/include/security && exec make -s -C "$2" '
         'B="$3"', "sh", str(empty), str(ROOT), str(tmp_path / "b")],
        capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert ("make: the PAM headers (security/pam_appl.h) are missing: run "
            "make deps as root, or install libpam0g-dev (Debian, Ubuntu) "
            "or pam-devel (RHEL, Fedora, SUSE)\n") in p.stderr
    assert "No such file or directory" not in p.stderr
    assert not (tmp_path / "b" / "in.rexecd").exists()
