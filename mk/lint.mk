# SPDX-License-Identifier: BSD-2-Clause
# `make lint`: cppcheck, clang-tidy (.clang-tidy), the clang static
# analyzer (scan-build) and clang-format (.clang-format); any finding
# fails.  All four run, even after a failure; `make lint-cppcheck`,
# `lint-tidy`, `lint-scan` and `lint-format` run one.
#
# What is linted:
# - cppcheck and clang-tidy: src/, the code that ships.  Their rules are
#   about that code's discipline (O_CLOEXEC, every result checked, no
#   atoi); the tests and the fuzz harness break them on purpose (cmocka
#   asserts, ignored results) and would only be silenced line by line.
# - clang-format: src/ and tests/unit/, the C that people read and
#   change; `make format` rewrites them in place.
# - scan-build: everything the build compiles with $(CC) (server, client,
#   unit tests, the end-to-end helper, the benchmark tools) and the fuzz
#   harness: it looks for real bugs (leaks, NULL, use after free), which
#   matter wherever they are.
#
# clang-tidy and scan-build see the build's own flags ($(WARN) included):
# a warning that clang gives and gcc does not is a finding too.
CPPCHECK ?= cppcheck
CLANG_TIDY ?= $(firstword $(shell command -v clang-tidy-14 clang-tidy \
	2>/dev/null) clang-tidy)
SCAN_BUILD ?= $(firstword $(shell command -v scan-build-14 scan-build \
	2>/dev/null) scan-build)
CLANG_FORMAT ?= $(firstword $(shell command -v clang-format-14 clang-format \
	2>/dev/null) clang-format)
FORMAT_SRC = $(wildcard src/*.[ch] tests/unit/*.c)
SCAN_CC ?= clang
LINT_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
LINT_B = $(B)/lint
LINT_SRC = $(wildcard src/*.c)
LINT_DEFS = -D_GNU_SOURCE -DREXECD_VERSION=\"lint\"

# The programs are single-threaded (the server forks, the client is one
# thread), so the "not reentrant" portability warnings of cppcheck's
# POSIX library (getpwnam, getpwuid, getservbyname ...) do not apply:
# what getpwnam() returns is copied before PAM runs (session.c).
CPPCHECK_FLAGS = --enable=warning,portability,performance --std=c11 \
	--library=posix --inline-suppr --error-exitcode=1 --quiet \
	-j$(LINT_JOBS) $(LINT_DEFS) -D__linux__ \
	--suppress=getpwnamCalled --suppress=getpwuidCalled \
	--suppress=getgrnamCalled --suppress=getgrgidCalled \
	--suppress=getservbynameCalled

TIDY_FLAGS = -std=c11 $(LINT_DEFS) $(WARN)

# scan-build's default checkers, plus optin.portability.UnixAPI (open()
# without a mode, malloc(0) ...), minus valist.Uninitialized (the clang 14
# false positive noted in .clang-tidy).
SCAN_FLAGS = --status-bugs --use-cc=$(SCAN_CC) -o $(LINT_B)/scan-report \
	-enable-checker optin.portability.UnixAPI \
	-disable-checker valist.Uninitialized
SCAN_TARGETS = all $(UNIT_TESTS:%=$(LINT_B)/scan/test_%) \
	$(LINT_B)/scan/glibc_rexec \
	$(if $(BENCH_BIN),$(subst $(B)/,$(LINT_B)/scan/,$(BENCH_BIN))) \
	$(if $(FUZZ_TARGETS),$(FUZZ_TARGETS:%=$(LINT_B)/scan/fuzz/fuzz_%))

lint:
	@rc=0; for t in lint-cppcheck lint-tidy lint-scan lint-format; do \
		$(MAKE) --no-print-directory $$t || rc=1; \
	done; \
	if [ $$rc -ne 0 ]; then echo "lint: findings (see above)" >&2; exit 1; fi; \
	echo "lint: no findings"

# $(call lint_need,TOOL,PACKAGE): fails early when TOOL is missing.
lint_need = command -v $(1) >/dev/null || { echo "lint: $(1) not found" \
	"(apt-get install $(2))" >&2; exit 1; }

lint-cppcheck:
	@$(call lint_need,$(CPPCHECK),cppcheck)
	@echo "lint: cppcheck"
	@$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_SRC)

# One clang-tidy per file, $(LINT_JOBS) at a time; each file's findings
# are printed in one piece.
lint-tidy:
	@$(call lint_need,$(CLANG_TIDY),clang-tidy)
	@echo "lint: $(CLANG_TIDY)"
	@rm -rf $(LINT_B)/tidy && mkdir -p $(LINT_B)/tidy
	@printf '%s\n' $(LINT_SRC) | xargs -P$(LINT_JOBS) -I{} sh -c \
		'out=$(LINT_B)/tidy/$$(basename {}).txt; \
		$(CLANG_TIDY) --quiet {} -- $(TIDY_FLAGS) >$$out 2>&1; \
		rc=$$?; grep -v " warnings\? generated\.$$" $$out; exit $$rc'

# A build from scratch in its own directory, every compiler call
# analysed; the HTML report stays in $(LINT_B)/scan-report.
lint-scan:
	@$(call lint_need,$(SCAN_BUILD),clang-tools)
	@$(call lint_need,$(SCAN_CC),clang)
	@echo "lint: $(SCAN_BUILD)"
	@rm -rf $(LINT_B)/scan $(LINT_B)/scan-report
	@$(SCAN_BUILD) $(SCAN_FLAGS) sh -c 'exec $(MAKE) --no-print-directory \
		-j$(LINT_JOBS) B=$(LINT_B)/scan CC="$$CC" FUZZ_CC="$$CC" CI= \
		$(SCAN_TARGETS)'
	@# A file the analyzer could not analyse is a failure too.
	@if ls -d $(LINT_B)/scan-report/*/failures >/dev/null 2>&1; then \
		echo "lint-scan: the analyzer failed on:" >&2; \
		ls $(LINT_B)/scan-report/*/failures/*.i >&2; exit 1; \
	fi

# Every file as clang-format would write it; the differences are printed.
lint-format:
	@$(call lint_need,$(CLANG_FORMAT),clang-format)
	@echo "lint: $(CLANG_FORMAT)"
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRC)

format:
	$(CLANG_FORMAT) -i $(FORMAT_SRC)

.PHONY: lint lint-cppcheck lint-tidy lint-scan lint-format format
