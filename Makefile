# SPDX-License-Identifier: BSD-2-Clause
# rexecd: `make` builds build/in.rexecd and build/rexec.
# `make run` starts the server on 127.0.0.1:5120; `make check` runs every test.

VERSION != cat VERSION
B ?= build
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wcast-qual \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wnull-dereference
HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
	-fPIE -fcf-protection
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DREXECD_VERSION='"$(VERSION)"' \
	-DREXECD_CONFIG='"$(SYSCONFDIR)/rexecd.conf"' \
	$(WARN) $(HARDEN) $(CFLAGS) $(if $(CI),-Werror) $(EXTRA_CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS) $(EXTRA_LDFLAGS)

# Modules that the server and the client share.
COMMON = proto netio num escape
SERVER = rexecd options listen listener connproc connlimit penalty acl \
	refuse notify session authpam privdrop memtrim command cloexec relay \
	rnd preflight proctitle state account log \
	admission hashtab timeheap trust authgate tarpit config config_match \
	pattern policy settings record journal userslot startup holders \
	$(COMMON)

CHECK_TARGETS = check-unit check-e2e

all: $(B)/in.rexecd

$(B)/%.o: src/%.c src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/in.rexecd: $(SERVER:%=$(B)/%.o)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lpam

$(B):
	mkdir -p $@

# The server needs the PAM headers: without them, say what to install
# rather than let the compiler stop at security/pam_appl.h.
$(SERVER:%=$(B)/%.o): | $(B)/pam-headers
$(B)/pam-headers: | $(B)
	@printf '#include <security/pam_appl.h>\n' | \
		$(CC) $(ALL_CFLAGS) -E -o /dev/null - 2>/dev/null || { \
		echo "make: the PAM headers (security/pam_appl.h) are missing:" \
			"run make deps as root, or install libpam0g-dev (Debian," \
			"Ubuntu) or pam-devel (RHEL, Fedora, SUSE)" >&2; exit 1; }
	@touch $@

include mk/*.mk

check: deps-test all
	$(MAKE) --no-print-directory $(CHECK_TARGETS)

clean:
	rm -rf $(B)

.PHONY: all clean deps run check $(CHECK_TARGETS)
