#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs the cwrap lane (tests/cwrap) against a built server.
#
#   tests/cwrap/run.sh SERVER [pytest arguments...]
#
# $PYTEST is the pytest command (make passes its own); pytest.ini holds
# the options every suite shares, tests/lib the shared test library.
# As a normal user the tests run in place.  As root they run as an
# unprivileged user (uid and gid $CWRAP_UID, default 65534), from a
# private copy of the server and the tests in a fresh directory that user
# owns: the checkout may sit below a directory only root can enter.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 SERVER [pytest arguments...]" >&2
	exit 2
fi
server=$(realpath "$1")
pytest=${PYTEST:-/usr/bin/python3 -m pytest}	# make passes mk/deps.mk's
shift
top=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" != 0 ]; then
	REXECD_BIN=$server PYTHONDONTWRITEBYTECODE=1 \
	    $pytest "$top/tests/cwrap" "$@"
	exit
fi

uid=${CWRAP_UID:-65534}
tmp=$(mktemp -d /tmp/rexecd-cwrap.XXXXXX)	# /tmp: reachable by anyone
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/tree/build" "$tmp/tree/tests/cwrap" "$tmp/home"
cp "$server" "$tmp/tree/build/in.rexecd"
cp "$top/pytest.ini" "$top/VERSION" "$tmp/tree/"
cp "$top/tests/conftest.py" "$tmp/tree/tests/"
cp -R "$top/tests/lib" "$tmp/tree/tests/"
cp "$top"/tests/cwrap/*.py "$tmp/tree/tests/cwrap/"
chmod -R a+rX "$tmp/tree"
chown "$uid:$uid" "$tmp" "$tmp/home"
chmod 755 "$tmp"

# Everything after this line runs without root, in a directory it owns.
cd "$tmp"
setpriv --reuid="$uid" --regid="$uid" --clear-groups -- \
    env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    HOME="$tmp/home" TMPDIR="$tmp" PYTHONDONTWRITEBYTECODE=1 \
    REXECD_BIN="$tmp/tree/build/in.rexecd" \
    $pytest --basetemp="$tmp/pytest" "$tmp/tree/tests/cwrap" "$@"
