# SPDX-License-Identifier: BSD-2-Clause
# Packages (docs/INSTALL.md, "Packages"):
#   make deb        the Debian package, from debian/ (debhelper), checked
#                   with lintian: $(PKG_B)/rexecd_$(VERSION)_ARCH.deb
#   make rpm        the RPM, from rpm/rexecd.spec (rpmbuild, which Debian
#                   packages as rpm): $(PKG_B)/rexecd-$(VERSION)-1.ARCH.rpm
#   make check-pkg  both built, the .deb installed, run and purged, the
#                   RPM inspected, both file lists compared with make
#                   install (root; it removes rsh-server, which the .deb
#                   replaces, and reinstalls it afterwards)
# Both build from a copy of the source tree (the files git knows, or all
# but $(B) outside git), so what is lying in the tree does not leak in.
PKG_B = $(B)/pkg
PKG_DEPS = debhelper lintian rpm fakeroot dpkg-dev
TEST_DEPS += $(PKG_DEPS)
LINTIAN_FLAGS = --fail-on error,warning --display-info
# The package builds run make again: without this make's variables
# (B=... on the command line travels in MAKEFLAGS).
PKG_ENV = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES

# $(call pkg_copy,DIR): copies the source tree into DIR.
pkg_copy = rm -rf $(1) && mkdir -p $(1) && \
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -co --exclude-standard -z | \
			xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
			xargs -0 cp --parents -t $(1); \
	else \
		tar -cf - --exclude=./$(B) --exclude=./.git . | tar -xf - -C $(1); \
	fi

# Through apt-get on Debian; elsewhere (building the RPM on an RPM
# system) the build tools are the administrator's to install.
pkg-deps:
	@if command -v dpkg >/dev/null; then $(call apt_install,$(DEPS) $(PKG_DEPS)); fi

deb: pkg-deps
	@$(call pkg_copy,$(PKG_B)/deb/rexecd-$(VERSION))
	cd $(PKG_B)/deb/rexecd-$(VERSION) && $(PKG_ENV) dpkg-buildpackage -b -us -uc
	lintian $(LINTIAN_FLAGS) $(PKG_B)/deb/rexecd_$(VERSION)_*.changes
	cp $(PKG_B)/deb/rexecd_$(VERSION)_*.deb $(PKG_B)/
	@ls $(PKG_B)/rexecd_$(VERSION)_*.deb

rpm: pkg-deps
	@$(call pkg_copy,$(PKG_B)/rpm/rexecd-$(VERSION))
	mkdir -p $(PKG_B)/rpm/SOURCES
	tar -czf $(PKG_B)/rpm/SOURCES/rexecd-$(VERSION).tar.gz \
		-C $(PKG_B)/rpm rexecd-$(VERSION)
	$(PKG_ENV) rpmbuild -bb --nodeps --define '_topdir $(abspath $(PKG_B))/rpm' \
		rpm/rexecd.spec
	cp $(PKG_B)/rpm/RPMS/*/rexecd-$(VERSION)-*.rpm $(PKG_B)/
	@ls $(PKG_B)/rexecd-$(VERSION)-*.rpm

check-pkg: deb rpm
	$(TEST_ENV) REXECD_PKG_B='$(PKG_B)' $(PYTEST) tests/pkg

.PHONY: pkg-deps deb rpm check-pkg
