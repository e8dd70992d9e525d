/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * journal.c: one journal entry as one datagram to the journal's native
 * socket: each field "KEY=value\n", or, for a value holding a newline,
 * "KEY\n", its length as 64-bit little-endian, the value and "\n".  Used
 * by the per-connection process (root) for the session record.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"

/* Appends n bytes at buf+*o if they fit; -1 if not. */
static int
put(char *buf, size_t size, size_t *o, const void *p, size_t n)
{
	if (n > size - *o)
		return -1;
	memcpy(buf + *o, p, n);
	*o += n;
	return 0;
}

/*
 * Encodes the fields into buf; returns the length, or 0 if they do not
 * fit.  Pure: the unit tests check it byte for byte.
 */
size_t
journal_encode(char *buf, size_t size, const struct journal_field *f, size_t n)
{
	size_t o = 0, i, vlen;
	uint8_t le[8];
	int k, bin;

	for (i = 0; i < n; i++) {
		vlen = strlen(f[i].value);
		bin = memchr(f[i].value, '\n', vlen) != NULL;
		for (k = 0; k < 8; k++)
			le[k] = (uint8_t)((uint64_t)vlen >> (8 * k));
		if (put(buf, size, &o, f[i].key, strlen(f[i].key)) == -1 ||
		    put(buf, size, &o, bin ? "\n" : "=", 1) == -1 ||
		    (bin && put(buf, size, &o, le, 8) == -1) ||
		    put(buf, size, &o, f[i].value, vlen) == -1 ||
		    put(buf, size, &o, "\n", 1) == -1)
			return 0;
	}
	return o;
}

/*
 * Sends one entry to the journal socket at path.  Returns 0, or -1
 * (errno set) when there is no journal or it did not take the entry.
 */
int
journal_send(const char *path, const struct journal_field *f, size_t n)
{
	static char buf[JOURNAL_DGRAM_MAX];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len;
	ssize_t w;
	int fd, saved;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((len = journal_encode(buf, sizeof(buf), f, n)) == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	do
		w = sendto(fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&sun,
		    sizeof(sun));
	while (w == -1 && errno == EINTR);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return w == (ssize_t)len ? 0 : -1;
}
