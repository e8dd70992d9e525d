/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_config.c: libFuzzer target for the configuration file parser
 * (src/config.c) and the Match evaluation (src/config_match.c).  The
 * input is a file; options are accepted when their value is "ok".  A
 * file that parses is then resolved for a few users and addresses and
 * every list walked to its end.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
option(void *arg, const char *kw, const char *val, unsigned int lineno,
    char *err, size_t len)
{
	(void)arg;
	(void)lineno;
	(void)kw;
	(void)err;
	(void)len;
	return strcmp(val, "ok") == 0 ? 0 : -2;
}

/* Resolves the parsed file for one user and address; walks the lists. */
static void
view(const struct config *c, const char *user, const char *addr)
{
	static const char *const groups[] = { "wheel", "users" };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct config_session s;
	struct config_iter it;
	struct config_who w;
	struct acl_addr a;
	int kw;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
	    acl_addr_from(&a, (struct sockaddr *)&sin) != 0)
		abort();
	w = (struct config_who){ user, groups, 2, &a, addr };
	config_resolve(c, &w, &s);
	for (kw = CONFIG_KW_OPTION + 1; kw < CONFIG_KW_COUNT; kw++) {
		memset(&it, 0, sizeof(it));
		while (config_next(c, &s, (enum config_kw)kw, &it) != NULL)
			;
		(void)config_num(&s, (enum config_kw)kw, 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONFIG_ERR_MAX];
	struct config c;

	if (size > 65536 || memchr(data, '\0', size) != NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.path = "fuzz";
	if ((c.buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(c.buf, data, size);
	c.buf[size] = '\0';
	if (config_parse(&c, option, NULL, err, sizeof(err)) == 0) {
		view(&c, "alice", "10.1.2.3");
		view(&c, "root", "127.0.0.1");
	} else if (strncmp(err, "fuzz", 4) != 0)
		abort(); /* every error names the file */
	config_free(&c);
	return 0;
}
