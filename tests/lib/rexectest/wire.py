# SPDX-License-Identifier: BSD-2-Clause
"""A minimal rexec client for tests: exact bytes in, exact bytes out.

Nothing here interprets the protocol beyond what a test asks for, so a
test can assert on the status byte, the refusal text and the output as
they came off the wire.  rexec() runs a whole session in one call, the
way glibc's rexec_af() does; login() and raw() are the abuse tests'
short forms; Conn drives one connection step by step, for tests about
the order of events.  Any source address in 127.0.0.0/8 can be chosen,
to stand for many hosts.

Every read waits for EOF and raises TimeoutError when it does not come:
a server that leaves a connection open fails the test instead of
passing it on whatever arrived so far.
"""
import select
import socket
import struct
import time
from dataclasses import dataclass, field

# The refusals the server sends, byte for byte.
LOGIN_INCORRECT = b"\x01Login incorrect.\n"
BUSY = b"\x01Too many connections: access denied.\n"
PENALISED = b"\x01Too many failures: access denied.\n"
NOT_ALLOWED = b"\x01Address not allowed: access denied.\n"
TIMED_OUT = b"\x01Login timed out: access denied.\n"
BAD_PORT = b"\x01Invalid port number.\n"
LOW_PORT = b"\x01Stderr port below 1024 refused: access denied.\n"


@dataclass
class Reply:
    primary: bytes            # everything read on the primary socket
    stderr: bytes = b""       # everything read on the stderr channel
    extra: dict = field(default_factory=dict)

    @property
    def status(self):
        return self.primary[:1]

    @property
    def output(self):
        return self.primary[1:]


def as_bytes(v):
    return v.encode() if isinstance(v, str) else v


def creds(user, password, command):
    """User, password and command as they go on the wire, NULs included."""
    return (as_bytes(user) + b"\0" + as_bytes(password) + b"\0" +
            as_bytes(command) + b"\0")


def recv_some(sock, timeout):
    """One recv() within timeout: bytes, b"" at EOF (or reset)."""
    r, _, _ = select.select([sock], [], [], timeout)
    if not r:
        raise TimeoutError("no data and no EOF")
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""


def read_all(sock, timeout=15.0, limit=64 << 20):
    """Reads until EOF (or a reset); TimeoutError if EOF does not come."""
    out = bytearray()
    end = time.monotonic() + timeout
    while len(out) < limit:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no EOF after {bytes(out[:200])!r}")
        d = recv_some(sock, left)
        if not d:
            return bytes(out)
        out += d
    raise AssertionError("more output than the limit")


def read_until(sock, marker, timeout=15.0):
    """Reads until marker has arrived; returns everything read."""
    out = bytearray()
    end = time.monotonic() + timeout
    while marker not in out:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{marker!r} not in {bytes(out[:200])!r}")
        d = recv_some(sock, left)
        if not d:
            raise EOFError(f"EOF before {marker!r}: {bytes(out[:200])!r}")
        out += d
    return bytes(out)


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host="127.0.0.1"):
    """A TCP port nobody uses on host right now (it may be taken by the
    time it is used: callers that can retry, do)."""
    with socket.socket(family_of(host)) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def connect(host, port, source=None, timeout=10.0, rcvbuf=None):
    """A connected socket, from source (an address) if given."""
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source is not None:
        s.bind((source, 0))
    if rcvbuf is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect((host, port))
    return s


def reset(s):
    """Closes s with a TCP reset (SO_LINGER 0)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 struct.pack("ii", 1, 0))
    s.close()


def stderr_listener(primary, host=None):
    """A listening socket for the stderr channel, on the primary
    connection's local address unless host says otherwise."""
    local = primary.getsockname()
    addr = host if host is not None else local[0]
    l = socket.socket(primary.family, socket.SOCK_STREAM)
    l.bind((addr, 0) if primary.family == socket.AF_INET
           else (addr, 0, 0, local[3]))
    l.listen(1)
    l.settimeout(10.0)
    return l


class Conn:
    """One rexec connection, driven step by step by a test."""

    def __init__(self, host, port, source=None, rcvbuf=None):
        self.sock = connect(host, port, source=source, rcvbuf=rcvbuf)
        self.err = None
        self.listener = None

    def send(self, data):
        self.sock.sendall(as_bytes(data))

    def send_creds(self, user, password, command):
        self.send(creds(user, password, command))

    def listen_stderr(self, host=None):
        """Opens the stderr listener; returns its port."""
        self.listener = stderr_listener(self.sock, host)
        return self.listener.getsockname()[1]

    def accept_stderr(self, timeout=10.0):
        """Waits for the server's connect-back; returns the channel."""
        self.listener.settimeout(timeout)
        self.err, _ = self.listener.accept()
        self.listener.close()
        self.listener = None
        return self.err

    def open_stderr(self):
        """Sends the port field and accepts the connect-back, as glibc."""
        port = self.listen_stderr()
        self.send(str(port).encode() + b"\0")
        return self.accept_stderr()

    def handshake(self, user, password, command, errchan=False,
                  port_field=None):
        """The client's side of the handshake, as glibc's rexec_af():
        with errchan the stderr channel first, else an empty port field
        (or port_field, without its NUL); then the credentials."""
        if errchan:
            self.open_stderr()
        else:
            self.send((port_field if port_field is not None else b"") +
                      b"\0")
        self.send_creds(user, password, command)

    def read_until(self, marker, timeout=15.0):
        return read_until(self.sock, as_bytes(marker), timeout)

    def read_all(self, timeout=15.0):
        return read_all(self.sock, timeout)

    def read_both(self, timeout=15.0):
        return read_both(self.sock, self.err, timeout)

    def close(self):
        for s in (self.sock, self.err, self.listener):
            if s is not None:
                s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exchange(s, e, stdin, half_close, timeout):
    """Sends stdin on s while reading s (and e) to EOF, so neither side
    can block the other however much flows both ways."""
    socks = [s] + ([e] if e is not None else [])
    bufs = {x: bytearray() for x in socks}
    open_, todo = list(socks), memoryview(stdin)
    shut = False
    end = time.monotonic() + timeout
    s.setblocking(False)
    while open_:
        if not todo and half_close and not shut:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass    # the server has refused and gone: read its reply
            shut = True
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError("no EOF: " + repr({k.fileno(): bytes(v[:200])
                                                for k, v in bufs.items()}))
        r, w, _ = select.select(open_, [s] if todo else [], [], left)
        if w:
            try:
                todo = todo[s.send(todo[:65536]):]
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                todo = todo[:0]     # the server stopped reading: fine
        for sock in r:
            try:
                d = sock.recv(65536)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                d = b""
            if not d:
                open_.remove(sock)
            else:
                bufs[sock] += d
    return Reply(bytes(bufs[s]), bytes(bufs[e]) if e is not None else b"")


def rexec(host, port, user, password, command, stdin=b"", errchan=False,
          half_close=True, timeout=15.0, port_field=None):
    """Runs one session the way glibc's rexec_af does.

    user, password and command are bytes or str.  With errchan the client
    listens, sends the port, accepts the connect-back, then sends the
    credentials.  stdin is sent after the credentials (while the output
    is read), then (with half_close) the write side is shut.  port_field
    overrides the port field bytes (without the NUL) for protocol tests.
    """
    with Conn(host, port) as c:
        c.handshake(user, password, command, errchan, port_field)
        return exchange(c.sock, c.err, as_bytes(stdin), half_close, timeout)


def read_both(s, e, timeout=15.0):
    """Reads the primary socket and the stderr channel to EOF together."""
    return exchange(s, e, b"", False, timeout)


def raw(host, port, data, source=None, shut=True, timeout=15.0):
    """Sends data, half-closes (if shut), returns the whole reply."""
    with connect(host, port, source) as s:
        if data:
            s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        return read_all(s, timeout)


def login(host, port, user, password, command="echo ok", source=None,
          errchan=False, timeout=15.0):
    """One whole session from source; returns the primary socket's bytes
    (and the stderr channel's, with errchan, as a Reply)."""
    with Conn(host, port, source=source) as c:
        c.handshake(user, password, command, errchan)
        r = exchange(c.sock, c.err, b"", True, timeout)
    return r if errchan else r.primary
