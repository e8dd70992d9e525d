/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * refuse.c: how the standalone listener (root) refuses a connection
 * without a process of its own and without ever blocking.
 *
 * A client that asked for a stderr channel (glibc's rexec_af(), the
 * clients built on it, inetutils' rexec) waits in accept() for the
 * connect-back before it reads any answer, so a refusal it is to read
 * must come after one.  Each refused connection therefore goes through
 * up to three steps, driven by the listener's epoll set:
 *
 *   port     read the port field (digits and a NUL), within PORT_MS;
 *   connect  if it names a port of 1024 or more, connect to it at the
 *            client's own address, from the local address it used,
 *            within CONNECT_MS, at most CONNECT_MAX at once;
 *   close    "\x01text\n" on the connection, the write side shut, and
 *            what the client still sends drained until it closes or
 *            CLOSE_MS have passed (closing over unread input would send
 *            a reset that may destroy the refusal on its way).
 *
 * A step that fails or runs out of time goes on to the close: the text
 * is always sent.  At most REFUSE_MAX connections are being refused at
 * once; past that the text is sent and the socket closed at once.
 * Entries are found from epoll events by their slot and expire through a
 * heap: nothing is scanned.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "netio.h"
#include "proto.h"
#include "refuse.h"
#include "timeheap.h"

#define PORT_MS 1000		   /* for the port field to arrive */
#define CONNECT_MS 2000		   /* for the connect-back */
#define CONNECT_MAX 64		   /* connect-backs under way at once */
#define CLOSE_MS 200		   /* how long a refused client may talk on */
#define DRAIN_MAX 65536		   /* and how much of it is read */
#define EV_ERR ((uint64_t)1 << 31) /* the event is the connect-back's */

enum step { FREE, PORT, CONNECT, CLOSE };

struct refused {
	const char *text;
	size_t plen;   /* bytes of the port field so far */
	size_t budget; /* bytes still to be read at most */
	enum step step;
	int fd, errfd;
	uint32_t next_free;
	char port[8]; /* the port field so far */
};

static struct refused tab[REFUSE_MAX];
static struct timeheap due;
static uint32_t free_head, nconnect;
static int epfd = -1; /* the listener's epoll set */

/* Where refused sockets are watched from now on. */
void
refuse_init(int ep)
{
	uint32_t i;

	epfd = ep;
	for (i = 0; i < REFUSE_MAX; i++) {
		tab[i].step = FREE;
		tab[i].next_free = i + 1 < REFUSE_MAX ? i + 1 : TIMEHEAP_NONE;
	}
	free_head = 0;
	if (timeheap_init(&due, REFUSE_MAX) == -1)
		epfd = -1; /* no table: every refusal is sent at once */
}

/* "\x01" text "\n" on fd, then the write side shut: the FIN in its segment. */
static void
send_text(int fd, const char *text)
{
	char buf[PROTO_MSG_MAX + 2];
	size_t n = proto_format_refusal(buf, sizeof(buf), text);

	(void)send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE);
	(void)shutdown(fd, SHUT_WR);
}

/* epoll_ctl() for entry k's socket (or its connect-back's). */
static int
watch(int op, uint32_t k, int err, uint32_t events)
{
	return listener_watch(epfd, op, err ? tab[k].errfd : tab[k].fd, events,
	    LISTENER_EV_REFUSED | (err ? EV_ERR : 0) | k);
}

/* Lets entry k go: out of the epoll set, closed, its slot free. */
static void
drop(uint32_t k)
{
	struct refused *r = &tab[k];

	if (r->errfd != -1) {
		(void)epoll_ctl(epfd, EPOLL_CTL_DEL, r->errfd, NULL);
		close(r->errfd);
		nconnect--;
	}
	(void)epoll_ctl(epfd, EPOLL_CTL_DEL, r->fd, NULL);
	close(r->fd);
	timeheap_remove(&due, k);
	r->step = FREE;
	r->next_free = free_head;
	free_head = k;
}

/* The last step of entry k: the text, then the drain until CLOSE_MS. */
static void
to_close(uint32_t k, int64_t now)
{
	struct refused *r = &tab[k];

	if (r->errfd != -1) { /* the client has accepted it, or never will */
		(void)epoll_ctl(epfd, EPOLL_CTL_DEL, r->errfd, NULL);
		close(r->errfd);
		r->errfd = -1;
		nconnect--;
	}
	send_text(r->fd, r->text);
	r->step = CLOSE;
	if (netio_discard(r->fd, &r->budget) == 1) {
		drop(k);
		return;
	}
	timeheap_set(&due, k, now + CLOSE_MS);
}

/*
 * Entry k's port field is complete in r->port: connects back if it names
 * a port the client may be waiting on, otherwise goes on to the close.
 */
static void
to_connect(uint32_t k, int64_t now)
{
	struct refused *r = &tab[k];
	struct netio_addr peer, local;
	unsigned long port = 0;
	size_t i;

	for (i = 0; r->port[i] != '\0'; i++) {
		if (r->port[i] < '0' || r->port[i] > '9' || i >= 5)
			goto close;
		port = port * 10 + (unsigned long)(r->port[i] - '0');
	}
	/* none, a reserved port (never connected to), or no room */
	if (i == 0 || port < 1024 || port > 65535 || nconnect >= CONNECT_MAX ||
	    netio_endpoints(r->fd, &peer, &local) == -1 ||
	    (r->errfd = netio_connect_back_start(&peer, &local,
		 (unsigned int)port)) == -1)
		goto close;
	nconnect++;
	if (watch(EPOLL_CTL_ADD, k, 1, EPOLLOUT) == -1)
		goto close;
	r->step = CONNECT;
	timeheap_set(&due, k, now + CONNECT_MS);
	return;
close:
	to_close(k, now);
}

/* Reads what there is of entry k's port field, without waiting. */
static void
read_port(uint32_t k, int64_t now)
{
	struct refused *r = &tab[k];
	ssize_t n;

	n = recv(r->fd, r->port + r->plen, sizeof(r->port) - 1 - r->plen,
	    MSG_DONTWAIT);
	if (n == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) { /* the client left: nobody to tell */
		drop(k);
		return;
	}
	r->plen += (size_t)n;
	r->port[r->plen] = '\0';
	if (strlen(r->port) < r->plen) /* the NUL has come */
		to_connect(k, now);
	else if (r->plen == sizeof(r->port) - 1)
		to_close(k, now); /* no port field: "text" at once */
}

/*
 * Refuses fd with "\x01" text "\n" (text must outlive the refusal: a
 * constant): after a connect-back when the client asked for a stderr
 * channel, then a gentle close.
 */
void
refuse_send(int fd, const char *text, int64_t now)
{
	struct refused *r;
	size_t budget = DRAIN_MAX;
	uint32_t k = free_head;

	if (epfd == -1 || k == TIMEHEAP_NONE) {
		send_text(fd, text);
		(void)netio_discard(fd, &budget);
		close(fd);
		return;
	}
	r = &tab[k];
	free_head = r->next_free;
	r->step = PORT;
	r->fd = fd;
	r->errfd = -1;
	r->text = text;
	r->plen = 0;
	r->budget = DRAIN_MAX;
	if (watch(EPOLL_CTL_ADD, k, 0, EPOLLIN) == -1) {
		send_text(fd, text);
		r->step = FREE;
		r->next_free = free_head;
		free_head = k;
		close(fd);
		return;
	}
	timeheap_set(&due, k, now + PORT_MS);
	read_port(k, now);
}

/* After epoll_wait(): moves on the refusal an event is about. */
void
refuse_ready(uint64_t data, int64_t now)
{
	uint32_t k = (uint32_t)data & 0xffff;
	struct refused *r;

	if (k >= REFUSE_MAX || (r = &tab[k])->step == FREE)
		return; /* dropped earlier in this round */
	if (data & EV_ERR) {
		if (r->step == CONNECT)
			to_close(k, now); /* connected or failed: say it now */
		return;
	}
	if (r->step == PORT)
		read_port(k, now);
	else if (netio_discard(r->fd, &r->budget) == 1)
		drop(k);
}

/* Moves on the refusals whose step has run out of time. */
void
refuse_expire(int64_t now)
{
	uint32_t k;

	while (timeheap_next(&due) <= now) {
		k = timeheap_top(&due);
		if (tab[k].step == CLOSE)
			drop(k);
		else
			to_close(k, now);
	}
}

/* When refuse_expire() must run next (INT64_MAX: nothing is pending). */
int64_t
refuse_next(void)
{
	return timeheap_next(&due);
}

/*
 * In a new connection process: lets go of the listener's sockets
 * (without touching the epoll set, which is the listener's).
 */
void
refuse_drop_all(void)
{
	uint32_t k;

	for (k = 0; k < REFUSE_MAX; k++) {
		if (tab[k].step == FREE)
			continue;
		close(tab[k].fd);
		if (tab[k].errfd != -1)
			close(tab[k].errfd);
	}
}
