"""Clients and /proc views for the abuse tests.

A raw client sends exact bytes from a chosen source address (any of
127.0.0.0/8 works on loopback) and reads the exact reply; the listener is
watched through /proc (descriptors, memory, children).
"""
import os
import select
import socket
import struct
import time

from procs import wait_until  # noqa: F401 (the tests take it from here)
from rexeclib import Conn, exchange

LOGIN_INCORRECT = b"\x01Login incorrect.\n"
BUSY = b"\x01Too many connections: access denied.\n"
PENALISED = b"\x01Too many failures: access denied.\n"
NOT_ALLOWED = b"\x01Address not allowed: access denied.\n"
TIMED_OUT = b"\x01Login timed out: access denied.\n"
BAD_PORT = b"\x01Invalid port number.\n"


def open_conn(host, port, source=None, timeout=10.0):
    """A connected socket, from source if given."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source is not None:
        s.bind((source, 0))
    s.connect((host, port))
    return s


def read_reply(s, timeout=15.0):
    """Everything until EOF or a reset; TimeoutError if neither comes."""
    out = bytearray()
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no EOF after {bytes(out[:200])!r}")
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            return bytes(out)
        if not d:
            return bytes(out)
        out += d


def raw(host, port, data, source=None, shut=True, timeout=15.0):
    """Sends data, half-closes (if shut), returns the whole reply."""
    with open_conn(host, port, source) as s:
        if data:
            s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        return read_reply(s, timeout)


def login(host, port, user, password, command="echo ok", source=None,
          errchan=False, timeout=15.0):
    """One whole session from source; returns the primary socket's bytes
    (and the stderr channel's, with errchan, as a Reply)."""
    with Conn(host, port, bind=source) as c:
        if errchan:
            c.open_stderr()
        else:
            c.send(b"\0")
        c.send_creds(user, password, command)
        r = exchange(c.sock, c.err, b"", True, timeout)
    return r if errchan else r.primary


def reset(s):
    """Closes s with a TCP reset (SO_LINGER 0)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 struct.pack("ii", 1, 0))
    s.close()


def children(pid):
    """Pids of pid's children (its per-connection processes)."""
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

