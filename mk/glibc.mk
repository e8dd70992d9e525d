# SPDX-License-Identifier: BSD-2-Clause
# `make check-glibc`: both binaries run on glibc 2.28 (RHEL 8, Debian 10)
# and later: no symbol they import is newer than GLIBC_MAX, apart from
# those glibc only re-versioned since (mk/glibc-check.sh says which).
GLIBC_MAX = 2.28

check-glibc: all
	@sh mk/glibc-check.sh $(GLIBC_MAX) "$$($(CC) -print-file-name=libc.so.6)" \
		$(B)/in.rexecd $(B)/rexec

CHECK_TARGETS += check-glibc

.PHONY: check-glibc
