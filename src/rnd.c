/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rnd.c: random numbers below a bound, without modulo bias, from the
 * kernel's getrandom() (glibc 2.25; arc4random_uniform() needs 2.36).
 * Words are drawn 64 at a time, so the standalone listener's early drop
 * costs one system call per 64 decisions at most.  rnd_bytes() gives
 * keys (getrandom; arc4random_buf() needs 2.36 too).  Should the kernel
 * have no entropy yet (early boot), a weaker generator seeded from the
 * clock and the pid stands in: these numbers decide which connection a
 * full listener drops, not a secret.
 */
#include <errno.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "rnd.h"

#define POOL 64

static uint32_t pool[POOL];
static unsigned int left;
static uint32_t weak;

/* xorshift32, for when getrandom() has nothing to give. */
static uint32_t
weak_next(void)
{
	struct timespec ts;

	if (weak == 0) {
		(void)clock_gettime(CLOCK_MONOTONIC, &ts);
		weak = (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16) ^ 1;
	}
	weak ^= weak << 13;
	weak ^= weak >> 17;
	weak ^= weak << 5;
	return weak;
}

/* The next random word. */
static uint32_t
next_word(void)
{
	ssize_t n;

	if (left == 0) {
		do
			n = getrandom(pool, sizeof(pool), GRND_NONBLOCK);
		while (n == -1 && errno == EINTR);
		if (n != (ssize_t)sizeof(pool))
			return weak_next();
		left = POOL;
	}
	return pool[--left];
}

/*
 * A number in [0, bound), every value equally likely: words below
 * 2^32 mod bound are drawn again, so the rest is a whole number of
 * copies of [0, bound).  bound 0 or 1 gives 0.
 */
uint32_t
rnd_uniform(uint32_t bound)
{
	uint32_t r, min;

	if (bound < 2)
		return 0;
	min = (uint32_t)-bound % bound;
	do
		r = next_word();
	while (r < min);
	return r % bound;
}

/*
 * Fills buf with n random bytes from the kernel, for keys (the hash
 * tables' seeds): getrandom() without GRND_NONBLOCK waits, at early boot
 * only, until the kernel has entropy.  Should getrandom() fail (no such
 * system call), the weaker generator fills what is left.
 */
void
rnd_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	uint32_t w;
	ssize_t r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		p += r;
		n -= (size_t)r;
	}
	for (; n > 0; n--, p++) {
		w = weak_next();
		*p = (unsigned char)w;
	}
}
