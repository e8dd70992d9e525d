# End-to-end tests: the built server, real PAM, real users (needs root).
# glibc_rexec drives the server with glibc's own client, rexec_af().
PYTEST = /usr/bin/python3 -m pytest
PYTEST_FLAGS ?= -q -p no:cacheprovider

$(B)/glibc_rexec: tests/e2e/glibc_rexec.c | $(B)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

check-e2e: all $(B)/glibc_rexec
	REXECD_BIN=$(B)/in.rexecd REXECD_GLIBC_REXEC=$(B)/glibc_rexec \
		$(PYTEST) $(PYTEST_FLAGS) tests/e2e
