# SPDX-License-Identifier: BSD-2-Clause
# `make install` and `make uninstall` (docs/INSTALL.md); `make check-install`
# tests what was installed (root: real users, PAM, inetd).
#
#   make install [DESTDIR=/pkg] [PREFIX=/usr/local] [SBINDIR=...] ...
#   make uninstall            (the same variables as for install)
#
# The units go where systemd looks for them: $(PREFIX)/lib/systemd/system
# is on its path for the prefixes /usr and /usr/local; with any other
# prefix pass SYSTEMDUNITDIR=/etc/systemd/system.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/rexecd
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=

# The client and its page, once their rules exist (mk/client.mk, man/).
INSTALL_REXEC = $(if $(wildcard mk/client.mk),$(B)/rexec)
INSTALL_REXEC_MAN = $(wildcard man/rexec.1)

INSTALL_ENV = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SBINDIR='$(SBINDIR)' \
	BINDIR='$(BINDIR)' MANDIR='$(MANDIR)' DATADIR='$(DATADIR)' \
	SYSCONFDIR='$(SYSCONFDIR)' SYSTEMDUNITDIR='$(SYSTEMDUNITDIR)' \
	B='$(B)' REXEC_BIN='$(INSTALL_REXEC)' REXEC_MAN='$(INSTALL_REXEC_MAN)'

install: all $(INSTALL_REXEC)
	@$(INSTALL_ENV) sh mk/install.sh install

uninstall:
	@$(INSTALL_ENV) sh mk/install.sh uninstall

# Debian's xinetd conflicts with openbsd-inetd, so for its test the binary
# is unpacked from the package into the build tree, not installed.
XINETD_BIN = $(B)/xinetd/usr/sbin/xinetd
$(XINETD_BIN):
	@mkdir -p $(B)/xinetd
	@cd $(B)/xinetd && { apt-get download xinetd >/dev/null 2>&1 && \
		dpkg-deb -x xinetd_*.deb . ; } || \
		echo "check-install: no xinetd package; its test is skipped"

check-install: all $(INSTALL_REXEC) $(XINETD_BIN)
	XINETD="$$(test -x $(XINETD_BIN) && realpath $(XINETD_BIN))" \
		$(TEST_ENV) $(PYTEST) tests/install

CHECK_TARGETS += check-install

.PHONY: install uninstall check-install
