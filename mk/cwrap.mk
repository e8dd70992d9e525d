# SPDX-License-Identifier: BSD-2-Clause
# The cwrap lane: the built server without root, under uid_wrapper,
# nss_wrapper and pam_wrapper (pam_matrix), in both modes.  As root,
# tests/cwrap/run.sh drops to an unprivileged user (CWRAP_UID, 65534)
# before any test runs; as anyone else it runs the tests in place.
CWRAP_DEPS = libuid-wrapper libnss-wrapper libpam-wrapper

CHECK_TARGETS += check-cwrap

TEST_DEPS += $(CWRAP_DEPS)

check-cwrap: all
	@dpkg -s $(CWRAP_DEPS) >/dev/null 2>&1 || \
		{ echo "check-cwrap: needs $(CWRAP_DEPS) (make deps-test)" >&2; exit 1; }
	PYTEST='$(PYTEST)' tests/cwrap/run.sh $(B)/in.rexecd

