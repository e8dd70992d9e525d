# `make deps`: the Debian packages the build and the tests need (root only).
DEPS = build-essential libpam0g-dev libcmocka-dev python3-pytest \
	systemd rsh-server tini iproute2 passwd
deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: as root, apt-get install $$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
