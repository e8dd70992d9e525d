# SPDX-License-Identifier: BSD-2-Clause
# `make bench`: this server (standalone and inetd mode) side by side with
# Debian's netkit in.rexecd and the machine's own limits (root only; about
# 11 minutes on 2 cores; see docs/PERFORMANCE.md).  `make bench BENCH_QUICK=1`
# runs a short version (about 1.5 minutes).  Results:
# bench/results/latest.{txt,csv,json} and docs/bench.png.
# `make bench-profile` records where a session's CPU goes (perf), into
# bench/results/profile*.txt.
BENCH_DEPS = gnuplot-nox rsh-server systemd passwd linux-perf
BENCH_BIN = $(B)/bench/rxload $(B)/bench/rxlimit $(B)/bench/rxcount
BENCH_FLAGS ?=

$(B)/bench:
	mkdir -p $@

$(B)/bench/rxload: bench/rxload.c bench/rxsess.c bench/rxload.h \
    $(B)/proto.o | $(B)/bench
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ \
		bench/rxload.c bench/rxsess.c $(B)/proto.o -pthread

$(B)/bench/rxlimit: bench/rxlimit.c | $(B)/bench
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ bench/rxlimit.c -lpam

$(B)/bench/rxcount: bench/rxcount.c | $(B)/bench
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ bench/rxcount.c

# Installs what the benchmark runs that the build does not need.
bench-deps:
	@missing=$$(for p in $(BENCH_DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "make bench: as root, apt-get install $$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

bench: deps bench-deps all $(BENCH_BIN)
	/usr/bin/python3 bench/run.py --build $(B) $(if $(BENCH_QUICK),--quick) $(BENCH_FLAGS)

bench-profile: deps bench-deps all $(BENCH_BIN)
	/usr/bin/python3 bench/run.py --build $(B) --profile $(BENCH_FLAGS)

.PHONY: bench bench-deps bench-profile
