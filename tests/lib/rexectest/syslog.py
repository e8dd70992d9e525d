# SPDX-License-Identifier: BSD-2-Clause
"""The server's syslog, caught by the test.

The server runs in a mount namespace of its own (unshare -m) whose /dev
is a fresh tmpfs holding the usual device nodes and a /dev/log that
leads to a datagram socket of the test (a Sink), so nothing changes for
the rest of the machine.
"""
import re
import socket
import threading
import time

PRIVATE_DEV = r"""
set -e
d=$1; shift
mkdir -p "$d/dev"
mount --bind /dev "$d/dev"
mount -t tmpfs -o mode=755 rxtdev /dev
for n in null zero full random urandom tty; do
    [ -e "$d/dev/$n" ] || continue
    touch "/dev/$n"
    mount --bind "$d/dev/$n" "/dev/$n"
done
ln -s "$d/log" /dev/log
exec "$@"
"""


def with_private_dev_log(d, argv):
    """argv, run so that its /dev/log is d/log (a Sink's socket)."""
    return ["unshare", "-m", "--propagation", "private", "sh", "-c",
            PRIVATE_DEV, "sh", str(d), *argv]


class Sink:
    """The test's end of /dev/log (d/log): every datagram, as (priority,
    text), read as it comes by a thread of its own, so that the sender
    never waits on the socket's short queue."""

    def __init__(self, d):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(d / "log"))
        self.sock.settimeout(0.1)
        self.got = []
        self.done = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _take(self, d):
        m = re.match(r"<(\d+)>(.*)$", d.decode(errors="replace"), re.S)
        self.got.append((int(m[1]), m[2]))

    def _read(self):
        while not self.done:
            try:
                self._take(self.sock.recv(65536))
            except socket.timeout:
                continue

    def wait_for(self, text, timeout=10.0):
        """The first (priority, text) holding text, waiting if need be."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for pri, msg in list(self.got):
                if text in msg:
                    return pri, msg
            time.sleep(0.02)
        raise AssertionError(f"{text!r} not logged: {self.got}")

    def close(self):
        """Stops reading, once what was sent so far has been taken."""
        self.done = True
        self.thread.join()
        self.sock.setblocking(False)
        while True:
            try:
                self._take(self.sock.recv(65536))
            except BlockingIOError:
                break
        self.sock.close()

    def write_log(self, path):
        """As a syslog daemon stores them: "Mmm dd hh:mm:ss host tag: msg"."""
        with open(path, "w") as f:
            for _, text in self.got:
                stamp, rest = text[:15], text[16:]
                f.write(f"{stamp} testhost {rest.rstrip()}\n")
