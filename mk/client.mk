# SPDX-License-Identifier: BSD-2-Clause
# rexec(1), the client: build/rexec, and `make check-client`.
REXEC_OBJS = $(B)/rexec.o $(patsubst src/%.c,$(B)/%.o,$(wildcard src/cli_*.c)) \
	$(COMMON:%=$(B)/%.o)

all: $(B)/rexec

$(B)/rexec: $(REXEC_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(REXEC_OBJS)

CHECK_TARGETS += check-client

# The client against Debian's netkit in.rexecd, this project's server and
# scripted fake servers (needs root: it creates a test user).
check-client: all
	$(TEST_ENV) $(PYTEST) tests/client
	@echo "check-client: all client tests passed"
