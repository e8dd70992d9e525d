# SPDX-License-Identifier: BSD-2-Clause
# Fuzzing with clang's libFuzzer, ASan and UBSan; binaries in $(B)/fuzz/.
# `make fuzz` fuzzes for FUZZ_SECONDS; `make fuzz-smoke` (CI) runs every
# seed once, then fuzzes for FUZZ_SMOKE_SECONDS.  Inputs found go to
# $(FUZZ_WORK)/<target>, crashes to $(B)/fuzz/crash-*; reproduce one with
# `$(B)/fuzz/fuzz_<target> <file>`.
# Add a target with one line:  FUZZ_TARGETS += <mod>  (fuzz/fuzz_<mod>.c
# tests src/<mod>.c, seeds in fuzz/corpus/<mod>/).  Seeds named long-* are
# slow: they are replayed but not fuzzed.
FUZZ_TARGETS = proto config
$(B)/fuzz/fuzz_config: $(addprefix $(B)/fuzz/,config_match.o pattern.o acl.o num.o)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 60
FUZZ_WORK ?= fuzz/corpus-run
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	$(if $(CI),-Werror) $(EXTRA_CFLAGS)
FUZZ_OPTS = -timeout=10 -artifact_prefix=$(B)/fuzz/ -print_final_stats=1
FUZZ_BINS = $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
.SECONDARY: $(FUZZ_TARGETS:%=$(B)/fuzz/%.o) \
	$(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%.harness.o)

$(B)/fuzz:
	mkdir -p $@

# The code under test, instrumented for coverage.
$(B)/fuzz/%.o: src/%.c src/*.h | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# The harness is not instrumented: only the code under test steers the
# fuzzer, and the harness's own checks stay fast.
$(B)/fuzz/fuzz_%.harness.o: fuzz/fuzz_%.c src/*.h | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(B)/fuzz/fuzz_%: $(B)/fuzz/fuzz_%.harness.o $(B)/fuzz/%.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

# $(call fuzz_run,SECONDS): fuzz every target, starting from its seeds.
fuzz_run = for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_WORK)/$$t && \
		for f in fuzz/corpus/$$t/*; do \
			case $${f\#\#*/} in long-*) ;; *) cp $$f $(FUZZ_WORK)/$$t/ ;; esac; \
		done && \
		$(B)/fuzz/fuzz_$$t $(FUZZ_OPTS) -max_total_time=$(1) \
			$(FUZZ_WORK)/$$t || exit 1; \
	done

fuzz: $(FUZZ_BINS)
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-smoke: $(FUZZ_BINS)
	for t in $(FUZZ_TARGETS); do \
		$(B)/fuzz/fuzz_$$t $(FUZZ_OPTS) fuzz/corpus/$$t/* || exit 1; \
	done
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))

.PHONY: fuzz fuzz-smoke
