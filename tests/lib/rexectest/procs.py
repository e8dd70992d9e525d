# SPDX-License-Identifier: BSD-2-Clause
"""Looking at processes from the outside, through /proc, for the tests.

Zombies count as gone: the machine's PID 1 reaps orphans late, so a
killed command may linger as a zombie for a while without holding
anything.
"""
import os
import signal
import time


def wait_until(pred, timeout=10.0, interval=0.02):
    """Polls pred() until it returns something true (returned) or the
    timeout passes (returns the last false value)."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(interval)


def status(pid):
    """/proc/PID/status as a dict of strings; {} if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f
                        if ":\t" in line)
    except (FileNotFoundError, ProcessLookupError):
        return {}


def ids(pid, key="Uid"):
    """Real, effective, saved and filesystem ids (Uid or Gid) of pid."""
    return tuple(int(x) for x in status(pid)[key].split())


def ppid(pid):
    return int(status(pid)["PPid"])


def alive(pid):
    st = status(pid)
    return bool(st) and not st["State"].startswith("Z")


def pids_of_uid(uid):
    """Live (non-zombie) processes whose real uid is uid."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        st = status(name)
        if st and not st["State"].startswith("Z") and \
                int(st["Uid"].split()[0]) == uid:
            found.append(int(name))
    return found


def fd_targets(pid):
    """{fd: readlink target} of pid's open descriptors."""
    d = f"/proc/{pid}/fd"
    out = {}
    for name in os.listdir(d):
        try:
            out[int(name)] = os.readlink(f"{d}/{name}")
        except FileNotFoundError:
            pass
    return out


def cmdline(pid):
    """argv of pid as a list of bytes; [] if it is gone (or a zombie)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:-1]
    except (FileNotFoundError, ProcessLookupError):
        return []


def pids_of_parent(parent):
    """Processes (zombies included) whose parent is parent."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and status(name).get("PPid") == str(parent):
            found.append(int(name))
    return found


def tcp_socket_fds(pid):
    """The descriptors of pid that are TCP sockets (IPv4 or IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            inodes.update(line.split()[9] for line in f)
    return [fd for fd, t in fd_targets(pid).items()
            if t.startswith("socket:[") and t[8:-1] in inodes]


def ancestors(pid, limit=10):
    """pid's parent, grandparent, ... (at most limit of them)."""
    chain = []
    while len(chain) < limit:
        pid = ppid(pid)
        if pid <= 1:
            break
        chain.append(pid)
    return chain


def children(pid):
    """Pids of pid's children (a listener's connection processes)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return []


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def idle_children_settled(pid, n, timeout=10.0):
    """Waits until the listener has exactly n children."""
    return wait_until(lambda: len(children(pid)) == n, timeout)


def kill_uid(uid, rounds=50):
    """SIGKILLs every live process of uid (never root's), again until
    none is left or rounds have passed: a test user's leftovers (a remote
    sleep, a command a test did not wait for)."""
    if uid == 0:
        return
    for _ in range(rounds):
        pids = pids_of_uid(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
