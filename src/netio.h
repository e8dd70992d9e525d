/* netio.h: socket I/O with deadlines, complete writes, connect-back. */
#ifndef NETIO_H
#define NETIO_H

#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "proto.h"

#define NETIO_ADDRSTRLEN 64 /* numeric IPv6 with a scope id fits */
#define NETIO_FOREVER_MS (400L * 24 * 3600 * 1000) /* "no deadline" */

struct netio_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char host[NETIO_ADDRSTRLEN]; /* numeric, v4-mapped shown as IPv4 */
	unsigned int port;
};

void netio_deadline(struct timespec *, long);
long netio_remaining_ms(const struct timespec *);
int netio_addr_fill(struct netio_addr *, const struct sockaddr *, socklen_t);
int netio_endpoints(int, struct netio_addr *, struct netio_addr *);
int netio_write_all(int, const void *, size_t);
enum netio_result {
	NETIO_OK,	/* a field is complete, or the parser refused it */
	NETIO_EOF,	/* the peer closed before the field ended */
	NETIO_TIMEOUT,	/* the deadline passed */
	NETIO_ERROR	/* a socket error; errno says which */
};

enum netio_result netio_recv_field(int, struct proto_handshake *,
    const struct timespec *, enum proto_status *);
int netio_connect_back(const struct netio_addr *, const struct netio_addr *,
    unsigned int, long);
int netio_connect(int, const struct sockaddr *, socklen_t, long);
void netio_close_gently(int, long);
void netio_release(int, long);

#endif
