#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# glibc-check.sh MAX LIBC BINARY...: fails when a binary needs a glibc
# newer than MAX (e.g. 2.28).  Reads the GLIBC_ versions of the symbols
# each binary imports (objdump -T).  A version above MAX is accepted only
# for a symbol that glibc re-versioned after MAX without it being new:
# LIBC (this machine's libc.so.6) still exports it at a version up to
# MAX (__libc_start_main, 2.34 here and 2.2.5 before), or it is one of
# the stat functions that were inline wrappers around __xstat and
# friends before 2.33.  A build on glibc MAX links those at their old
# versions; anything else above MAX is a function MAX does not have.
set -eu
max=$1 libc=$2
shift 2

# Prints "name version" for every versioned GLIBC_ import of $1.
imports() {
	objdump -T "$1" | awk '$0 ~ /\*UND\*/ && $0 ~ /GLIBC_[0-9]/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /GLIBC_[0-9]/) {
				v = $i; gsub(/[()]/, "", v); sub(/GLIBC_/, "", v)
			}
		print $NF, v }'
}

# Whether version $1 <= version $2.
le() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]
}

# Oldest version at which $LIBC exports symbol $1, or nothing.
oldest() {
	objdump -T "$libc" | awk -v s="$1" '$NF == s {
		for (i = 1; i <= NF; i++)
			if ($i ~ /GLIBC_[0-9]/) {
				v = $i; gsub(/[()]/, "", v); sub(/GLIBC_/, "", v)
				print v
			}
		}' | sort -V | head -n1
}

rc=0
for bin in "$@"; do
	newest=0 needed=0
	for pair in $(imports "$bin" | tr ' ' ':'); do
		sym=${pair%%:*} ver=${pair#*:}
		le "$ver" "$newest" || newest=$ver
		if le "$ver" "$max"; then
			le "$ver" "$needed" || needed=$ver
			continue
		fi
		case $sym in
		stat|stat64) old=$(oldest __x"$sym") ;;
		fstat|fstat64|fstatat|fstatat64) old=$(oldest __fx"${sym#f}") ;;
		lstat|lstat64) old=$(oldest __lx"${sym#l}") ;;
		*) old=$(oldest "$sym") ;;
		esac
		if [ -n "$old" ] && le "$old" "$max"; then
			le "$old" "$needed" || needed=$old
		else
			echo "$bin: $sym needs glibc $ver (newer than $max)" >&2
			le "$ver" "$needed" || needed=$ver
			rc=1
		fi
	done
	echo "$bin: newest GLIBC_ version $newest as built here;" \
	    "needs glibc $needed where re-versioned symbols keep their old" \
	    "version (limit $max)"
done
exit $rc
