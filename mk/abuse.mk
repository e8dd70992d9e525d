# SPDX-License-Identifier: BSD-2-Clause
# Abuse tests (root): hostile handshakes, connection limits, penalties,
# address rules, the fail2ban filter, Nmap's rexec-brute, refusal timing,
# 5,000 connections in a row (tests/abuse).  They need nmap and fail2ban
# (Debian packages of those names) and skip what they cannot run.
check-abuse: all $(B)/glibc_rexec
	$(TEST_ENV) $(PYTEST) tests/abuse

CHECK_TARGETS += check-abuse
