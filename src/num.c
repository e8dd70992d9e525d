/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * num.c: the one place where decimal numbers are read, in the server
 * (options, LISTEN_FDS, address prefixes) and in the client (-p, -t).
 * Counts are plain ASCII digits, nothing else: no sign, no blank, no
 * base prefix; leading zeros are allowed.  Seconds may have decimals.
 * Every function returns 0 with the value stored, or -1 and stores
 * nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

/*
 * The digits from s up to end (not included) as a number in min..max.
 * Refuses an empty span, any other character, and overflow.
 */
int
num_span(const char *s, const char *end, unsigned long min, unsigned long max,
    unsigned long *v)
{
	unsigned long n = 0, d;

	if (s >= end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned long)(*s - '0');
		if (d > max || n > (max - d) / 10)
			return -1; /* over max: stop before any overflow */
		n = n * 10 + d;
	}
	if (n < min)
		return -1;
	*v = n;
	return 0;
}

/* A whole string of digits as a count in min..max. */
int
num_count(const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	return num_span(s, s + strlen(s), min, max, v);
}

/* A TCP port number, 1 to 65535. */
int
num_port(const char *s, unsigned int *port)
{
	unsigned long v;

	if (num_count(s, 1, 65535, &v) == -1)
		return -1;
	*port = (unsigned int)v;
	return 0;
}

/*
 * Seconds, 0 to max_s, as strtod() reads them (so "1.5" and "2e1"),
 * rounded to milliseconds.  NaN and negative values are refused.
 */
int
num_seconds(const char *s, long max_s, long *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' ||
	    !(v >= 0 && v <= (double)max_s))
		return -1;
	*ms = (long)(v * 1000 + 0.5);
	return 0;
}
