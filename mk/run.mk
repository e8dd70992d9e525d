# SPDX-License-Identifier: BSD-2-Clause
# `make run`: the server in the foreground on 127.0.0.1:5120, logging to stderr.
RUN_ADDR ?= 127.0.0.1:5120

run: deps all
	@echo "in.rexecd on $(RUN_ADDR), PAM service 'rexec' (Ctrl-C stops it)."
	@echo 'Try:  $(B)/rexec -p $(lastword $(subst :, ,$(RUN_ADDR))) -l "$$(id -un)" $(firstword $(subst :, ,$(RUN_ADDR))) id'
	$(B)/in.rexecd -d -l $(RUN_ADDR) $(RUN_FLAGS)
