# SPDX-License-Identifier: BSD-2-Clause
"""No user enumeration by timing: every refused login is answered
--fail-delay after the credentials arrived, whether the user does not
exist, the password is wrong, the password is empty or the user is root.

This runs the stock pam_unix (WITHOUT nodelay), which asks libpam for its
own 2 s randomised failure delay; the server replaces that delay with its
own, so a refusal decided by PAM takes as long as one decided before PAM.
The check is a ratio between medians measured in the same run, samples of
each kind interleaved: every median within 10 % of every other.
"""
import statistics
import time

from rexectest.wire import LOGIN_INCORRECT, login

SAMPLES = 15
DELAY = 0.3


def refusal_medians(s, kinds):
    """Logs in as each kind (name, password) SAMPLES times, interleaved;
    every answer must be "Login incorrect."; returns each kind's median
    time and the server's log, and stops the server."""
    times = {k: [] for k in kinds}
    try:
        for _ in range(SAMPLES):
            for kind, (name, password) in kinds.items():
                t0 = time.monotonic()
                r = login(s.host, s.port, name, password, "true")
                times[kind].append(time.monotonic() - t0)
                assert r == LOGIN_INCORRECT, kind
        log = s.log
    finally:
        s.stop()
    med = {k: statistics.median(v) for k, v in times.items()}
    print("refusal medians (s):",
          {k: round(v, 3) for k, v in med.items()})
    return med, log


def test_refusal_times_do_not_tell_users_apart(server_with,
                                               pam_delay_service, user):
    s = server_with("--penalty", "off", pam=pam_delay_service,
                    fail_delay=str(DELAY))
    med, log = refusal_medians(s, {
        "unknown user": ("rxtnosuchuser", user.password),
        "wrong password": (user.name, "Pw-wrong-12345"),
        "empty password": (user.name, ""),
        "root": ("root", user.password),
    })
    lo, hi = min(med.values()), max(med.values())
    assert hi / lo < 1.10, med
    # pam_unix did refuse the PAM cases (its log lines are there).
    assert "User not known to the underlying authentication module" in log
    assert "Authentication failure" in log
    assert "empty password" in log and "root login refused" in log


def test_policy_refusals_take_as_long_as_a_wrong_password(
        server_with, pam_delay_service, users, tmp_path):
    """A user DenyUsers or AllowGroups refuses (rexecd.conf) after PAM
    accepted the password gets the same answer at the same time as a
    wrong password: ratio of medians in the same run, interleaved."""
    group = users.group()
    ok_user, denied = users.make(groups=[group]), users.make(groups=[group])
    outsider = users.make()
    conf = tmp_path / "policy.conf"
    conf.write_text(f"DenyUsers {denied.name}\nAllowGroups {group}\n")
    s = server_with("--penalty", "off", "-f", str(conf),
                    pam=pam_delay_service, fail_delay=str(DELAY))
    assert login(s.host, s.port, ok_user.name, ok_user.password,
                 "echo in") == b"\x00in\n"
    med, log = refusal_medians(s, {
        "wrong password": (ok_user.name, "Pw-wrong-12345"),
        "DenyUsers": (denied.name, denied.password),
        "AllowGroups": (outsider.name, outsider.password),
    })
    lo, hi = min(med.values()), max(med.values())
    assert hi / lo < 1.10, med
    assert "user listed in DenyUsers" in log
    assert "no group listed in AllowGroups" in log
