# SPDX-License-Identifier: BSD-2-Clause
"""Scripted rexec servers for the client tests.

A Fake listens on a loopback port and runs a script (a function of the
Fake and the accepted socket) in a thread, for one connection.  The
script speaks the wire protocol by hand, so a test can check the exact
bytes the client sends and answer with exactly the bytes it wants,
including the misbehaviour of broken or hostile servers.
"""
import socket
import threading

IO_TIMEOUT = 20


class Fake:
    def __init__(self, script, host="127.0.0.1", backlog=5, accept=True):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.host = host
        self.sock = socket.socket(family)
        self.sock.bind((host, 0))
        self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.script = script
        self.error = None
        self.seen = {}
        self.connections = 0
        self.thread = None
        if accept:
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()

    def _run(self):
        self.sock.settimeout(IO_TIMEOUT)
        try:
            conn, peer = self.sock.accept()
        except OSError as e:
            self.error = e
            return
        self.connections += 1
        conn.settimeout(IO_TIMEOUT)
        self.peer = peer
        try:
            self.script(self, conn)
        except BaseException as e:  # reported by finish()
            self.error = e
        finally:
            conn.close()

    def finish(self):
        """Waits for the script and re-raises what went wrong in it."""
        if self.thread is not None:
            self.thread.join(IO_TIMEOUT + 10)
            assert not self.thread.is_alive(), "fake server script hung"
        self.sock.close()
        if self.error is not None:
            raise self.error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.finish()
        else:
            self.sock.close()


def read_field(conn):
    """One NUL-terminated field, without the NUL."""
    data = b""
    while True:
        b = conn.recv(1)
        if not b:
            raise EOFError(f"EOF inside a field after {data!r}")
        if b == b"\0":
            return data
        data += b


def connect_back(fake, port, source=None):
    """Connects to the client's stderr listener at the client's address,
    from the address the client connected to (as this project's server
    does), or from source if given."""
    family = socket.AF_INET6 if ":" in fake.host else socket.AF_INET
    s = socket.socket(family)
    s.settimeout(IO_TIMEOUT)
    s.bind((source or fake.host, 0))
    s.connect((fake.peer[0], port))
    return s


def read_all(conn):
    data = b""
    while True:
        b = conn.recv(65536)
        if not b:
            return data
        data += b


def handshake(fake, conn, status=b"\0"):
    """The usual server side: port, connect-back, credentials, status.

    Returns the stderr channel socket (or None) and records the fields
    in fake.seen.
    """
    port = read_field(conn)
    fake.seen["port"] = port
    err = None
    if port not in (b"", b"0"):
        err = connect_back(fake, int(port))
    fake.seen["user"] = read_field(conn)
    fake.seen["password"] = read_field(conn)
    fake.seen["command"] = read_field(conn)
    conn.sendall(status)
    return err
