#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# install.sh: `make install` and `make uninstall` (mk/install.mk sets the
# variables below in the environment).
#
#   sh mk/install.sh install | uninstall
#
# install writes every file with its mode, substitutes @SBINDIR@, @BINDIR@
# and @SYSCONFDIR@ in the units and samples, and never replaces an
# existing PAM file, /etc/default/rexecd or /etc/rexecd.conf.  It records what it created
# (files, configuration files with their checksum, directories) in a
# manifest; uninstall removes exactly that: configuration files only if
# they are unchanged, directories only if they are empty.

set -eu

: "${DESTDIR=}" "${PREFIX:?}" "${SBINDIR:?}" "${BINDIR:?}" "${MANDIR:?}"
: "${SYSCONFDIR:?}" "${SYSTEMDUNITDIR:?}" "${DATADIR:?}" "${B:?}"
: "${REXEC_BIN=}" "${REXEC_MAN=}"

MANIFEST="$DATADIR/install-manifest"
TAB=$(printf '\t')
NEW=""

# Adds a manifest line: TYPE, checksum or "-", path (without DESTDIR).
record() {
	NEW="$NEW$1$TAB$2$TAB$3
"
}

# Creates directory $1 (without DESTDIR) and its parents, recording each
# one that did not exist.
makedirs() {
	case "$1" in
	/*) ;;
	*) echo "install.sh: $1: not an absolute path" >&2; exit 1 ;;
	esac
	parent=$(dirname "$1")
	if [ "$parent" != "$1" ] && [ ! -d "$DESTDIR$parent" ]; then
		makedirs "$parent"
	fi
	if [ ! -d "$DESTDIR$1" ]; then
		echo "mkdir $DESTDIR$1"
		mkdir -m 0755 "$DESTDIR$1"
		record dir - "$1"
	fi
}

# Writes $2 from $1 with the paths substituted.
substitute() {
	sed -e "s|@SBINDIR@|$SBINDIR|g" -e "s|@BINDIR@|$BINDIR|g" \
	    -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" "$1" > "$2"
}

# Installs source $2 as $3 with mode $1; "subst" as $4 substitutes paths.
put() {
	makedirs "$(dirname "$3")"
	src="$2"
	if [ "${4-}" = subst ]; then
		src="$TMP/subst"
		substitute "$2" "$src"
	fi
	echo "install -m $1 $2 $DESTDIR$3"
	install -m "$1" "$src" "$DESTDIR$3"
	record file - "$3"
}

# Installs a configuration file the way put() does, unless one exists.
put_conf() {
	if [ -e "$DESTDIR$3" ] || [ -L "$DESTDIR$3" ]; then
		echo "kept $DESTDIR$3 (it exists); ours is" \
		    "$DESTDIR$DATADIR/${3#"$SYSCONFDIR"/}"
		return 0
	fi
	makedirs "$(dirname "$3")"
	src="$2"
	if [ "${4-}" = subst ]; then
		src="$TMP/subst"
		substitute "$2" "$src"
	fi
	echo "install -m $1 $2 $DESTDIR$3"
	install -m "$1" "$src" "$DESTDIR$3"
	record conf "$(sha256sum < "$DESTDIR$3" | cut -d' ' -f1)" "$3"
}

do_install() {
	u="$SYSTEMDUNITDIR"

	put 0755 "$B/in.rexecd" "$SBINDIR/in.rexecd"
	if [ -n "$REXEC_BIN" ]; then
		put 0755 "$REXEC_BIN" "$BINDIR/rexec"
	fi
	put 0644 man/in.rexecd.8 "$MANDIR/man8/in.rexecd.8"
	put 0644 man/rexecd.conf.5 "$MANDIR/man5/rexecd.conf.5"
	if [ -n "$REXEC_MAN" ]; then
		put 0644 "$REXEC_MAN" "$MANDIR/man1/rexec.1"
	fi
	for unit in rexec.socket rexec@.service rexecd.service \
	    rexecd.socket rexecd-activated.service; do
		put 0644 "contrib/systemd/$unit" "$u/$unit" subst
	done
	put 0644 contrib/inetd.conf "$DATADIR/inetd.conf" subst
	put 0644 contrib/xinetd.d/rexec "$DATADIR/xinetd.d/rexec" subst
	put 0644 contrib/pam.d/rexec "$DATADIR/pam.d/rexec"
	put 0644 contrib/default/rexecd "$DATADIR/default/rexecd" subst
	put 0644 contrib/rexecd.conf "$DATADIR/rexecd.conf"
	put 0644 contrib/fail2ban/filter.d/rexecd.conf \
	    "$DATADIR/fail2ban/filter.d/rexecd.conf"
	for jail in rexecd.conf rexecd-logfile.conf; do
		put 0644 "contrib/fail2ban/jail.d/$jail" \
		    "$DATADIR/fail2ban/jail.d/$jail"
	done
	put_conf 0644 contrib/pam.d/rexec "$SYSCONFDIR/pam.d/rexec"
	put_conf 0644 contrib/default/rexecd "$SYSCONFDIR/default/rexecd" subst
	put_conf 0644 contrib/rexecd.conf "$SYSCONFDIR/rexecd.conf"

	# Merge with an earlier install's manifest: the first record of a
	# path wins, so a directory or file made then is still ours.
	if [ -f "$DESTDIR$MANIFEST" ]; then
		cat "$DESTDIR$MANIFEST" > "$TMP/manifest"
	fi
	printf '%s' "$NEW" >> "$TMP/manifest"
	awk -F '\t' '!seen[$3]++' "$TMP/manifest" > "$TMP/merged"
	install -m 0644 "$TMP/merged" "$DESTDIR$MANIFEST"
	echo "manifest: $DESTDIR$MANIFEST"
	if [ -z "$DESTDIR" ]; then
		echo "next: turn the service on as docs/INSTALL.md says" \
		    "(inetd, xinetd, or systemctl daemon-reload and enable" \
		    "one of rexec.socket, rexecd.service, rexecd.socket)"
	fi
}

# Warns about units that are still enabled: their links would dangle.
warn_enabled() {
	for unit in rexec.socket rexecd.service rexecd.socket; do
		for link in "$DESTDIR$SYSCONFDIR"/systemd/system/*/"$unit"; do
			if [ -L "$link" ]; then
				echo "warning: $unit is still enabled" \
				    "($link): systemctl disable $unit" >&2
			fi
		done
	done
}

do_uninstall() {
	if [ ! -f "$DESTDIR$MANIFEST" ]; then
		echo "make uninstall: no $DESTDIR$MANIFEST: nothing removed" \
		    "(installed with other PREFIX, DATADIR or DESTDIR?)" >&2
		exit 1
	fi
	while IFS="$TAB" read -r type sum path; do
		case "$type" in
		file)
			echo "rm -f $DESTDIR$path"
			rm -f "$DESTDIR$path"
			;;
		conf)
			if [ ! -f "$DESTDIR$path" ]; then
				continue
			fi
			now=$(sha256sum < "$DESTDIR$path" | cut -d' ' -f1)
			if [ "$now" = "$sum" ]; then
				echo "rm -f $DESTDIR$path"
				rm -f "$DESTDIR$path"
			else
				echo "kept $DESTDIR$path: changed since install"
			fi
			;;
		esac
	done < "$DESTDIR$MANIFEST"
	# Directories, deepest first, each only if nothing else is in it.
	awk -F '\t' '$1 == "dir" { print length($3) "\t" $3 }' \
	    "$DESTDIR$MANIFEST" | sort -rn | cut -f2- > "$TMP/dirs"
	rm -f "$DESTDIR$MANIFEST"
	while IFS= read -r path; do
		if rmdir "$DESTDIR$path" 2>/dev/null; then
			echo "rmdir $DESTDIR$path"
		fi
	done < "$TMP/dirs"
	warn_enabled
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
umask 022
case "${1-}" in
install) do_install ;;
uninstall) do_uninstall ;;
*) echo "usage: install.sh install | uninstall" >&2; exit 2 ;;
esac
