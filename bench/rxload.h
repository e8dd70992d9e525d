/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxload.h: the benchmark's rexec client side.  rxsess.c runs one
 * session over loopback (connect, optional stderr channel, handshake,
 * status byte, then the data of the workload); rxload.c runs many of
 * them from threads and reports what they measured.
 */
#ifndef RXLOAD_H
#define RXLOAD_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#define RX_MSG_MAX 128

enum rx_result {
	RX_OK,		/* status byte 0 received */
	RX_REFUSED,	/* "\x01" text "\n" received; msg holds the text */
	RX_CLOSED,	/* the server closed without a status byte */
	RX_ERROR	/* connect/read/write failed or timed out; msg says */
};

/* Where sessions go and as whom. */
struct rx_target {
	struct sockaddr_in addr;	/* the server */
	const char *user;
	const char *pass;
};

/* One session on the client side. */
struct rx_conn {
	int sock;		/* primary connection, -1 when closed */
	int errfd;		/* stderr channel, -1 without one */
	double t_start;		/* monotonic seconds: before connect() */
	double t_status;	/* status byte (or refusal) read */
	double t_end;		/* end of output seen */
	size_t early;		/* output bytes read with the status byte */
	char msg[RX_MSG_MAX];	/* refusal text or error description */
};

double rx_now(void);
double rx_realtime(void);
int rx_wait(int, short, double);
enum rx_result rxsess_open(const struct rx_target *, const struct in_addr *,
    const char *, const char *, int, struct rx_conn *, double);
int rxsess_drain(struct rx_conn *, double, size_t *, size_t *);
int rxsess_push(struct rx_conn *, size_t, double);
void rxsess_close(struct rx_conn *);

#endif
