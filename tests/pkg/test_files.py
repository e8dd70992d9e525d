# SPDX-License-Identifier: BSD-2-Clause
"""The packages hold exactly what `make install` writes for their layout,
with the differences each packaging system wants and nothing else; their
relations, configuration files and RPM scriptlets."""
import os
import re
import subprocess

import pytest

from pkglib import (BINARIES, CONFFILES, EXAMPLES, MANPAGES, ROOT, VERSION,
                    built, deb_field, deb_tree, gunzip_digest, make_install,
                    rpm_dump, run, sha256)

FILTER = "/etc/fail2ban/filter.d/rexecd.conf"


def read(rel):
    return (ROOT / rel).read_bytes()


def test_versions_agree():
    """VERSION, debian/changelog and the spec name the same version."""
    top = read("debian/changelog").decode().splitlines()[0]
    assert top.startswith(f"rexecd ({VERSION}) ")
    spec = read("rpm/rexecd.spec").decode()
    assert re.search(rf"^Version:\s+{re.escape(VERSION)}$", spec, re.M)


def test_deb_files_are_make_install(tmp_path):
    """The .deb: make install with PREFIX=/usr, units in
    /lib/systemd/system, samples in the examples directory; stripped
    binaries, compressed manual pages, the fail2ban filter as a conffile,
    Debian's own documents and the lintian overrides added; nothing
    else."""
    deb = built(f"rexecd_{VERSION}_*.deb")
    want = make_install(tmp_path / "inst",
                        SYSTEMDUNITDIR="/lib/systemd/system")
    got = deb_tree(deb, tmp_path / "deb")
    for man in MANPAGES:
        mode, _ = got.pop(man + ".gz")
        unpacked = gunzip_digest(f"{tmp_path}/deb{man}.gz")
        assert (mode, unpacked) == want.pop(man)
    for b in BINARIES:
        assert got.pop(b)[0] == want.pop(b)[0] == 0o755
    assert got.pop(FILTER) == (0o644, sha256(
        read("contrib/fail2ban/filter.d/rexecd.conf")))
    assert got.pop("/usr/share/doc/rexecd/README.Debian") == (0o644, sha256(
        read("debian/README.Debian")))
    assert got.pop("/usr/share/doc/rexecd/copyright") == (0o644, sha256(
        read("debian/copyright")))
    assert got.pop("/usr/share/doc/rexecd/changelog.gz")[0] == 0o644
    assert got.pop("/usr/share/lintian/overrides/rexecd") == (0o644, sha256(
        read("debian/rexecd.lintian-overrides")))
    assert got == want


def test_deb_control():
    """Conflicts with and replaces rsh-server; library dependencies from
    the binaries (shlibs); the three configuration files."""
    deb = built(f"rexecd_{VERSION}_*.deb")
    assert deb_field(deb, "Package") == "rexecd"
    assert deb_field(deb, "Version") == VERSION
    assert deb_field(deb, "Conflicts") == "rsh-server"
    assert deb_field(deb, "Replaces") == "rsh-server"
    depends = [d.split()[0] for d in deb_field(deb, "Depends").split(", ")]
    assert sorted(depends) == ["libc6", "libpam0g"]
    r = subprocess.run(f"dpkg-deb --ctrl-tarfile {deb} | tar -xOf - "
                       "./conffiles", shell=True, capture_output=True,
                       text=True)
    assert set(r.stdout.split()) == CONFFILES


def test_rpm_files_are_make_install(tmp_path):
    """The RPM: make install with PREFIX=/usr, units in
    /usr/lib/systemd/system, samples in the examples directory; the RHEL
    PAM file (rpm/rexec.pam) for the Debian one, the fail2ban filter and
    the licence added; configuration files marked; nothing else."""
    rpm = built(f"rexecd-{VERSION}-*.rpm")
    want = make_install(tmp_path / "inst",
                        SYSTEMDUNITDIR="/usr/lib/systemd/system")
    got = rpm_dump(rpm)
    assert {p for p, (_, _, conf) in got.items() if conf} == CONFFILES
    got = {p: v[:2] for p, v in got.items()
           if not p.startswith("/usr/lib/.build-id/")}
    pam = (0o644, sha256(read("rpm/rexec.pam")))
    for p in ("/etc/pam.d/rexec", EXAMPLES + "/pam.d/rexec"):
        assert want.pop(p)[0] == 0o644
        assert got.pop(p) == pam
    for man in MANPAGES:
        w = want.pop(man)
        if man in got:
            assert got.pop(man) == w
        else:
            # rpmbuild's brp-compress, where it runs, gzips the pages.
            assert got.pop(man + ".gz")[0] == w[0]
    for b in BINARIES:
        assert got.pop(b)[0] == want.pop(b)[0] == 0o755
    assert got.pop(FILTER) == (0o644, sha256(
        read("contrib/fail2ban/filter.d/rexecd.conf")))
    lic = [p for p in got if p.startswith("/usr/share/licenses/rexecd")]
    assert len(lic) == 1 and lic[0].endswith("/LICENSE")
    assert got.pop(lic[0]) == (0o644, sha256(read("LICENSE")))
    assert got == want


def test_rpm_relations():
    rpm = built(f"rexecd-{VERSION}-*.rpm")
    r = run("rpm", "-qp", "--conflicts", str(rpm))
    assert r.stdout.split() == ["rsh-server"]
    r = run("rpm", "-qp", "--requires", str(rpm))
    assert "libpam.so.0()(64bit)" in r.stdout or "libpam.so.0" in r.stdout


def rpm_scripts(rpm):
    """{"post": text, "preun": text, "postun": text} from --scripts."""
    r = run("rpm", "-qp", "--scripts", str(rpm))
    assert r.returncode == 0, r.stderr
    scripts, cur = {}, None
    for line in r.stdout.splitlines():
        m = re.match(r"^(\w+) scriptlet \(using /bin/sh\):$", line)
        if m:
            cur = m.group(1)
            scripts[cur] = ""
        elif cur:
            scripts[cur] += line + "\n"
    return scripts


UNITS = "rexec.socket rexecd.service rexecd.socket rexecd-activated.service"


def test_rpm_scriptlets_run(tmp_path):
    """Each scriptlet (the spec's fallback macros: Debian's rpm has no
    systemd-rpm-macros) run with rpm's $1 under a systemctl that records its
    arguments: install applies presets (no enable), upgrade restarts what
    runs, erase stops and disables, and nothing happens otherwise."""
    rpm = built(f"rexecd-{VERSION}-*.rpm")
    scripts = rpm_scripts(rpm)
    if "systemd-update-helper" in scripts.get("postinstall", ""):
        pytest.skip("built with the distribution's systemd-rpm-macros")
    assert set(scripts) == {"postinstall", "preuninstall", "postuninstall"}
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "systemctl.log"
    fake = bindir / "systemctl"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}:/usr/bin:/bin"}

    def calls(name, arg):
        log.write_text("")
        r = subprocess.run(["/bin/sh", "-e", "-c", scripts[name], "sh",
                            str(arg)], env=env, capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stderr
        return log.read_text().splitlines()

    assert calls("postinstall", 1) == [f"--no-reload preset {UNITS}"]
    assert calls("postinstall", 2) == []
    assert calls("preuninstall", 0) == [f"--no-reload disable --now {UNITS}"]
    assert calls("preuninstall", 1) == []
    assert calls("postuninstall", 1) == ["daemon-reload",
                                         f"try-restart {UNITS}"]
    assert calls("postuninstall", 0) == []
    assert not any(" enable" in s for s in scripts.values())
