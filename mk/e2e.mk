# End-to-end tests: the built server, real PAM, real users (needs root).
PYTEST = /usr/bin/python3 -m pytest
PYTEST_FLAGS ?= -q -p no:cacheprovider

check-e2e: all
	$(PYTEST) $(PYTEST_FLAGS) tests/e2e
