# SPDX-License-Identifier: BSD-2-Clause
"""Nmap's rexec-brute against the server (Debian package nmap).

rexec-brute calls a login valid unless the answer contains "incorrect",
"failed", "denied", "invalid" or "bad": every refusal of the server, the
ones from the limits and penalties included, must contain such a word.
"""
import re
import shutil
import subprocess

import pytest

NMAP = shutil.which("nmap")
pytestmark = pytest.mark.skipif(NMAP is None, reason="nmap not installed")


def brute(port, users, passwords, tmp_path):
    """Runs rexec-brute with these lists; returns (valid accounts,
    guesses nmap says it made)."""
    (tmp_path / "users").write_text("".join(u + "\n" for u in users))
    (tmp_path / "passwords").write_text("".join(p + "\n" for p in passwords))
    r = subprocess.run(
        [NMAP, "-n", "-Pn", "-sT", "-p", str(port),
         "--script", "+rexec-brute", "--script-args",
         f"userdb={tmp_path / 'users'},passdb={tmp_path / 'passwords'},"
         "unpwdb.timelimit=0,brute.delay=0", "127.0.0.1"],
        capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "rexec-brute:" in out, out
    valid = re.findall(r"\|\s+(\S+:\S*) - Valid credentials", out)
    m = re.search(r"Performed (\d+) guesses", out)
    return valid, int(m.group(1)), out


def test_finds_exactly_the_real_account_and_nothing_else(server_with, users,
                                                         tmp_path):
    real = users.make()
    other = users.make()
    s = server_with("--penalty-exempt", "127.0.0.1", "--fail-delay", "0.1")
    names = ["root", "admin", other.name, real.name, "rxtnosuchuser"]
    passwords = ["", "password", "123456", "admin", real.password[:-1],
                 real.password, other.password + "x"]
    valid, guesses, out = brute(s.port, names, passwords, tmp_path)
    assert valid == [f"{real.name}:{real.password}"], out
    assert guesses >= len(names) * len(passwords) - 1


def test_penalties_waste_the_guesses_without_false_credentials(
        server_with, users, tmp_path):
    # The real password comes late in the list: by then the penalty turns
    # every guess away ("access denied", not counted as valid), so the
    # scanner finds nothing although the right password is in its list.
    real = users.make()
    s = server_with("--fail-delay", "0.1")
    names = ["root", "admin", real.name]
    passwords = [f"guess{i:03d}" for i in range(40)] + [real.password]
    valid, guesses, out = brute(s.port, names, passwords, tmp_path)
    assert valid == [], out
    checked = len(s.lines("login refused")) + len(s.lines("login accepted"))
    print(f"nmap made {guesses} guesses, the server checked {checked}")
    assert guesses >= len(names) * len(passwords) - 1
    assert checked * 5 < guesses
    assert s.lines("source 127.0.0.1 enters penalty")
    assert s.lines("refused connection from 127.0.0.1 port ")


@pytest.mark.xfail(strict=True, reason="the historical texts 'username too "
                   "long' and 'password too long' (proto.h) hold none of the "
                   "scanners' failure words")
def test_over_long_fields_are_not_taken_for_valid_credentials(server_with,
                                                              tmp_path):
    s = server_with("--penalty", "off")
    valid, guesses, out = brute(s.port, ["root", "u" * 257],
                                ["password", "P" * 17], tmp_path)
    assert valid == [], out
