# SPDX-License-Identifier: BSD-2-Clause
"""-l ADDR:PORT takes a port of plain decimal digits in 1..65535 (0:
any free port, announced on stdout); anything else is refused at start,
with exit code 2 and a message that names the -l and its port."""
import subprocess

import pytest

from rexectest.paths import SERVER


@pytest.mark.parametrize("spec,port", [
    ("127.0.0.1:99999", "99999"),
    ("127.0.0.1:65536", "65536"),
    ("127.0.0.1:-1", "-1"),
    ("127.0.0.1:+512", "+512"),
    ("127.0.0.1:0x200", "0x200"),
    ("127.0.0.1:5 12", "5 12"),
    ("127.0.0.1: 512", " 512"),
    ("[::1]:512x", "512x"),
    (":rexec", "rexec"),
    ("127.0.0.1:4294967808", "4294967808"),
])
def test_bad_port_is_refused(spec, port):
    r = subprocess.run([str(SERVER), "-l", spec], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 2
    assert f"-l {spec}: " in r.stderr and port in r.stderr
    assert "listening on" not in r.stdout


@pytest.mark.parametrize("spec", ["127.0.0.1:", "127.0.0.1"])
def test_missing_port_is_refused(spec):
    r = subprocess.run([str(SERVER), "-l", spec], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 2
    assert spec in r.stderr
