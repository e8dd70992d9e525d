# SPDX-License-Identifier: BSD-2-Clause
"""What `make install` writes, and that `make uninstall` takes exactly that
away again."""
import hashlib
import os
import pathlib
import re
import shutil
import stat
import subprocess

import pytest

from rexectest.installed import PREFIX, make, unit_value
from rexectest.paths import ROOT

UNITS = ["rexec.socket", "rexec@.service", "rexecd.service",
         "rexecd.socket", "rexecd-activated.service"]
CLIENT = (ROOT / "mk" / "client.mk").exists()
CLIENT_MAN = (ROOT / "man" / "rexec.1").exists()

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def tree(root):
    """Every path under root with its type, mode and content hash."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = pathlib.Path(dirpath, name)
            st = p.lstat()
            digest = (hashlib.sha256(p.read_bytes()).hexdigest()
                      if stat.S_ISREG(st.st_mode) else None)
            out[str(p.relative_to(root))] = (stat.S_IFMT(st.st_mode),
                                             stat.S_IMODE(st.st_mode), digest)
    return out


def expected_files():
    files = {
        "usr/local/sbin/in.rexecd": 0o755,
        "usr/local/share/man/man8/in.rexecd.8": 0o644,
        "usr/local/share/man/man5/rexecd.conf.5": 0o644,
        "usr/local/share/rexecd/rexecd.conf": 0o644,
        "usr/local/share/rexecd/inetd.conf": 0o644,
        "usr/local/share/rexecd/xinetd.d/rexec": 0o644,
        "usr/local/share/rexecd/pam.d/rexec": 0o644,
        "usr/local/share/rexecd/default/rexecd": 0o644,
        "usr/local/share/rexecd/fail2ban/filter.d/rexecd.conf": 0o644,
        "usr/local/share/rexecd/fail2ban/jail.d/rexecd.conf": 0o644,
        "usr/local/share/rexecd/fail2ban/jail.d/rexecd-logfile.conf": 0o644,
        "usr/local/share/rexecd/install-manifest": 0o644,
        "etc/pam.d/rexec": 0o644,
        "etc/default/rexecd": 0o644,
        "etc/rexecd.conf": 0o644,
    }
    for u in UNITS:
        files["usr/local/lib/systemd/system/" + u] = 0o644
    if CLIENT:
        files["usr/local/bin/rexec"] = 0o755
    if CLIENT_MAN:
        files["usr/local/share/man/man1/rexec.1"] = 0o644
    return files


def test_files_and_modes(installed):
    """Exactly the expected files, with their modes; directories 0755."""
    t = tree(installed.root)
    files = {p: mode for p, (kind, mode, _) in t.items()
             if kind == stat.S_IFREG}
    assert files == expected_files()
    for p, (kind, mode, _) in t.items():
        if kind == stat.S_IFDIR:
            assert mode == 0o755, p


def test_paths_substituted(installed):
    """No @PLACEHOLDER@ is left; the units and samples name the real paths."""
    binaries = {installed.sbin, installed.path(PREFIX + "/bin/rexec")}
    texts = [p for p in installed.root.rglob("*")
             if p.is_file() and p not in binaries]
    assert len(texts) >= 12
    for p in texts:
        assert re.search(r"@[A-Z]+@", p.read_text()) is None, p
    for u in ["rexec@.service", "rexecd.service", "rexecd-activated.service"]:
        unit = installed.unit(u)
        assert unit_value(unit, "Service", "ExecStart").lstrip("-") \
            .startswith(PREFIX + "/sbin/in.rexecd ")
        assert unit_value(unit, "Service", "EnvironmentFile") == \
            "-/etc/default/rexecd"
    xinetd = installed.path(PREFIX + "/share/rexecd/xinetd.d/rexec")
    assert f"server\t\t= {PREFIX}/sbin/in.rexecd\n" in xinetd.read_text()


def test_config_files_as_shipped(installed):
    """The PAM file and /etc/default/rexecd are the shipped ones, and their
    samples are installed next to the other shared files."""
    pam = (ROOT / "contrib" / "pam.d" / "rexec").read_bytes()
    assert installed.path("/etc/pam.d/rexec").read_bytes() == pam
    assert installed.path(PREFIX + "/share/rexecd/pam.d/rexec") \
        .read_bytes() == pam
    default = installed.path("/etc/default/rexecd").read_text()
    assert 'REXECD_OPTS=""' in default.splitlines()


def test_installed_binary_version(installed):
    version = (ROOT / "VERSION").read_text().strip()
    r = subprocess.run([str(installed.sbin), "--version"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0
    assert r.stdout == f"in.rexecd (rexecd) {version}\n"


@pytest.mark.parametrize("page", ["man8/in.rexecd.8", "man5/rexecd.conf.5"])
def test_man_page_lint(installed, page):
    """The installed pages are clean under mandoc -Tlint, but for
    references to pages this machine may not have."""
    if shutil.which("mandoc") is None:
        pytest.skip("mandoc not installed")
    page = installed.path(PREFIX + "/share/man/" + page)
    r = subprocess.run(["mandoc", "-Tlint", str(page)], capture_output=True,
                       text=True, timeout=30)
    problems = [l for l in (r.stdout + r.stderr).splitlines()
                if "referenced manual not found" not in l
                and "mandoc.db" not in l]
    assert problems == []
    r = subprocess.run(["mandoc", "-Tlint", "-W", "warning", str(page)],
                       capture_output=True, text=True, timeout=30)
    assert (r.returncode, r.stdout) == (0, "")


def test_installed_config_is_all_comments(installed):
    """The configuration file as installed changes nothing: every line a
    comment, and the installed server accepts it."""
    conf = installed.path("/etc/rexecd.conf")
    assert all(l == "" or l.startswith("#")
               for l in conf.read_text().splitlines())
    r = subprocess.run([str(installed.sbin), "-f", str(conf), "-t"],
                       capture_output=True, text=True, timeout=10)
    assert (r.returncode, r.stderr) == (0, "")


@needs_root
def test_systemd_analyze_verify(tmp_path):
    """Installed with a PREFIX whose paths exist, the units pass
    systemd-analyze verify (no running systemd needed)."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    prefix = tmp_path / "prefix"
    make("install", f"PREFIX={prefix}", f"SYSCONFDIR={tmp_path}/etc")
    unitdir = prefix / "lib" / "systemd" / "system"
    env = dict(os.environ, SYSTEMD_UNIT_PATH=f"{unitdir}:")
    r = subprocess.run(["systemd-analyze", "verify", "--man=no",
                        *[str(unitdir / u) for u in UNITS]],
                       capture_output=True, text=True, env=env, timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    make("uninstall", f"PREFIX={prefix}", f"SYSCONFDIR={tmp_path}/etc")
    assert tree(tmp_path) == {}


def test_units_choose_one_port_owner(installed):
    """The three ways to serve port 512 under systemd exclude each other."""
    conflicts = {u: set(unit_value(installed.unit(u), "Unit", "Conflicts")
                        .split())
                 for u in ["rexec.socket", "rexecd.service", "rexecd.socket"]}
    assert conflicts == {
        "rexec.socket": {"rexecd.service", "rexecd.socket"},
        "rexecd.service": {"rexec.socket", "rexecd.socket"},
        "rexecd.socket": {"rexec.socket", "rexecd.service"},
    }


@needs_root
def test_uninstall_leaves_nothing(tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert tree(dest) != {}
    make("uninstall", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert tree(dest) == {}


@needs_root
def test_reinstall_then_uninstall_leaves_nothing(tmp_path):
    """A second install over the first keeps the first one's record of
    the directories and configuration files it made."""
    dest = tmp_path / "dest"
    dest.mkdir()
    make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    first = tree(dest)
    r = make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert f"kept {dest}/etc/pam.d/rexec (it exists)" in r.stdout
    assert tree(dest) == first
    make("uninstall", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert tree(dest) == {}


@needs_root
def test_existing_config_files_are_kept(tmp_path):
    """A PAM file and /etc/default/rexecd that were there before install
    are neither replaced nor removed."""
    dest = tmp_path / "dest"
    (dest / "etc" / "pam.d").mkdir(parents=True)
    (dest / "etc" / "default").mkdir()
    (dest / "etc" / "pam.d" / "rexec").write_text("auth required pam_deny.so\n")
    (dest / "etc" / "default" / "rexecd").write_text('REXECD_OPTS="-d"\n')
    before = tree(dest)
    r = make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert (f"kept {dest}/etc/pam.d/rexec (it exists); ours is "
            f"{dest}{PREFIX}/share/rexecd/pam.d/rexec") in r.stdout
    after = tree(dest)
    for p in before:
        assert after[p] == before[p], p
    make("uninstall", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert tree(dest) == before


@needs_root
def test_changed_config_file_is_kept(tmp_path):
    """uninstall keeps a configuration file the administrator changed
    (and the directories it needs), and says so."""
    dest = tmp_path / "dest"
    dest.mkdir()
    make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    default = dest / "etc" / "default" / "rexecd"
    default.write_text('REXECD_OPTS="--login-grace-time 10"\n')
    r = make("uninstall", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert f"kept {default}: changed since install" in r.stdout
    assert set(tree(dest)) == {"etc", "etc/default", "etc/default/rexecd"}


@needs_root
def test_uninstall_without_manifest_removes_nothing(tmp_path):
    dest = tmp_path / "dest"
    (dest / "usr" / "local" / "sbin").mkdir(parents=True)
    (dest / "usr" / "local" / "sbin" / "in.rexecd").write_text("not ours\n")
    before = tree(dest)
    r = make("uninstall", f"DESTDIR={dest}", f"PREFIX={PREFIX}", check=False)
    assert r.returncode != 0
    assert "nothing removed" in r.stderr
    assert tree(dest) == before
