# SPDX-License-Identifier: BSD-2-Clause
# End-to-end tests: the built server, real PAM, real users (needs root).
# glibc_rexec drives the server with glibc's own client, rexec_af().
$(B)/glibc_rexec: tests/e2e/glibc_rexec.c | $(B)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

check-e2e: all $(B)/glibc_rexec
	$(TEST_ENV) $(PYTEST) tests/e2e
