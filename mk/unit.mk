# SPDX-License-Identifier: BSD-2-Clause
# Unit tests (cmocka): tests/unit/test_<mod>.c is linked with $(B)/<mod>.o.
# Add a module with one line:  UNIT_TESTS += <mod>
# and, if its test needs more objects:  $(B)/test_<mod>: $(B)/<other>.o
UNIT_TESTS += proto acl penalty connlimit memtrim num options escape \
	cli_status cli_netrc command hashtab timeheap trust authgate tarpit \
	pattern config policy record rnd cloexec
.SECONDARY: $(UNIT_TESTS:%=$(B)/%.o)

$(B)/test_%: tests/unit/test_%.c $(B)/%.o src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ \
		$(filter %.c %.o,$^) -lcmocka

$(B)/test_acl: $(B)/num.o
$(B)/test_penalty: $(B)/acl.o $(B)/log.o $(B)/num.o $(B)/hashtab.o $(B)/rnd.o \
	$(B)/timeheap.o
$(B)/test_connlimit: $(B)/acl.o $(B)/num.o $(B)/hashtab.o $(B)/rnd.o
$(B)/test_cli_netrc: $(B)/cli_msg.o
$(B)/test_command: $(B)/netio.o $(B)/proto.o $(B)/cloexec.o
$(B)/test_options: $(B)/acl.o $(B)/connlimit.o $(B)/penalty.o $(B)/log.o \
	$(B)/num.o $(B)/hashtab.o $(B)/rnd.o $(B)/timeheap.o
$(B)/test_trust: $(B)/hashtab.o $(B)/rnd.o
$(B)/test_hashtab: $(B)/rnd.o
$(B)/test_tarpit: $(B)/hashtab.o $(B)/rnd.o $(B)/timeheap.o
$(B)/test_pattern: $(B)/acl.o $(B)/num.o
$(B)/test_config: $(B)/config_match.o $(B)/pattern.o $(B)/acl.o $(B)/num.o
$(B)/test_policy: $(addprefix $(B)/,config.o config_match.o pattern.o acl.o \
	command.o cloexec.o userslot.o netio.o proto.o log.o num.o)
$(B)/test_record: $(B)/journal.o $(B)/log.o $(B)/escape.o

# cloexec.c once more without close_range(), as on kernels before 5.11.
$(B)/cloexec_noclr.o: src/cloexec.c src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) -DCLOEXEC_NO_CLOSE_RANGE -c -o $@ $<

$(B)/test_cloexec_noclr: tests/unit/test_cloexec.c $(B)/cloexec_noclr.o | $(B)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lcmocka

# Runs every unit test binary, even after a failure; fails if any failed.
check-unit: $(UNIT_TESTS:%=$(B)/test_%) $(B)/test_cloexec_noclr
	@rc=0; for t in $^; do $$t || rc=1; done; exit $$rc
