/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netio.h: the I/O layer of both programs: deadlines (milliseconds on
 * the monotonic clock), waiting on descriptors, complete writes,
 * connecting with a deadline, handshake field reads, the connect-back,
 * closing without losing output, and descriptors 0-2.
 */
#ifndef NETIO_H
#define NETIO_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "proto.h"

#define NETIO_ADDRSTRLEN 64	  /* numeric IPv6 with a scope id fits */
#define NETIO_NEVER INT64_MAX	  /* a deadline that never comes */
#define NETIO_KEEPALIVE_MAX 32767 /* seconds: the kernel's TCP_KEEPIDLE cap */

struct netio_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char host[NETIO_ADDRSTRLEN]; /* numeric, v4-mapped shown as IPv4 */
	unsigned int port;
};

enum netio_result {
	NETIO_OK,      /* a field is complete, or the parser refused it */
	NETIO_EOF,     /* the peer closed before the field ended */
	NETIO_TIMEOUT, /* the deadline passed */
	NETIO_ERROR    /* a socket error; errno says which */
};

/* Time: a deadline is a netio_now() value, or NETIO_NEVER. */
int64_t netio_now(void);
int64_t netio_deadline(long);
int netio_left(int64_t);
void netio_sleep_until(int64_t);

/* Waiting and writing. */
int netio_poll(struct pollfd *, nfds_t, int64_t);
int netio_wait(int, short, int64_t);
int netio_write_all(int, const void *, size_t);
int netio_send_all(int, const void *, size_t, int64_t);

/* Addresses and connections. */
int netio_addr_fill(struct netio_addr *, const struct sockaddr *, socklen_t);
int netio_endpoints(int, struct netio_addr *, struct netio_addr *);
int netio_connect(int, const struct sockaddr *, socklen_t, long);
int netio_connect_back_start(const struct netio_addr *,
    const struct netio_addr *, unsigned int);
int netio_connect_back(const struct netio_addr *, const struct netio_addr *,
    unsigned int, long);
int netio_keepalive(int, unsigned int);
enum netio_result
netio_recv_field(int, struct proto_handshake *, int64_t, enum proto_status *);

/* Ends of connections, and the descriptors under them. */
int netio_discard(int, size_t *);
void netio_close_gently(int, int, long);
int netio_std_fds(void);

#endif
