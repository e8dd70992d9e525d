# SPDX-License-Identifier: BSD-2-Clause
# `make deps`: the Debian packages the build needs; `make deps-test`: those
# the tests need too.  Fragments add theirs with DEPS += / TEST_DEPS +=.
# Both install through apt-get what is missing, and need root for that.
DEPS += build-essential libpam0g-dev
TEST_DEPS += libcmocka-dev python3-pytest systemd passwd procps iproute2 \
	util-linux tini rsh-server openbsd-inetd mandoc pdsh clustershell \
	nmap fail2ban libuid-wrapper libnss-wrapper libpam-wrapper \
	clang llvm libclang-rt-14-dev clang-tidy clang-tools clang-format \
	cppcheck

# Every pytest suite runs as $(TEST_ENV) $(PYTEST) tests/SUITE.  TEST_ENV
# tells the tests where the build is (tests/lib/rexectest/paths.py reads
# it); the options all suites share are in pytest.ini; PYTEST_FLAGS adds
# more, e.g. make check-e2e PYTEST_FLAGS='-k ipv6'.
PYTEST = /usr/bin/python3 -m pytest $(PYTEST_FLAGS)
TEST_ENV = REXECD_BIN=$(B)/in.rexecd REXEC_BIN=$(B)/rexec \
	REXECD_GLIBC_REXEC=$(B)/glibc_rexec REXECD_B=$(B)

apt_install = missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "make: as root, apt-get install $$missing" >&2; exit 1; fi; \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

deps:
	@$(call apt_install,$(DEPS))

deps-test: deps
	@$(call apt_install,$(TEST_DEPS))

.PHONY: deps deps-test
