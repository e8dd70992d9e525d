/*
 * refuse.c: how the standalone listener (root) refuses a connection
 * without a process of its own and without blocking: "\x01text\n" is
 * sent without waiting (a new socket's buffer always has room for it),
 * the write side is shut, and the socket is kept for a moment in a small
 * table, registered with the listener's epoll set, which drains whatever
 * the client still sends until it closes or the time is up (a wake-up
 * costs what is ready, not what is still closing).  Closing with unread input
 * would send a reset that may destroy the refusal on its way.  When the
 * table is full the socket is drained once and closed at once.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "netio.h"
#include "proto.h"
#include "refuse.h"

#define CLOSE_MS 200	/* how long a refused client may talk on */
#define DRAIN_MAX 65536 /* and how much of it is read */

struct refused {
	int fd;
	int64_t until;
	size_t budget; /* bytes still to be read at most */
};

static struct refused tab[REFUSE_MAX];
static int ntab;
static int epfd = -1; /* the listener's epoll set */

/* Where refused sockets are watched from now on. */
void
refuse_init(int ep)
{
	epfd = ep;
}

/* Sends "\x01" text "\n" on fd and starts closing it gently. */
void
refuse_send(int fd, const char *text, int64_t now)
{
	char buf[PROTO_MSG_MAX + 2];
	size_t n = proto_format_refusal(buf, sizeof(buf), text);
	struct refused l = { .fd = fd,
		.until = now + CLOSE_MS,
		.budget = DRAIN_MAX };

	/* MSG_MORE holds the text back: the FIN goes out in its segment */
	(void)send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE);
	(void)shutdown(fd, SHUT_WR);
	if (netio_discard(fd, &l.budget) == 1 || ntab == REFUSE_MAX ||
	    epfd == -1 ||
	    listener_watch(epfd, EPOLL_CTL_ADD, fd, EPOLLIN,
		LISTENER_EV_REFUSED | (uint32_t)fd) == -1) {
		close(fd);
		return;
	}
	tab[ntab++] = l;
}

/* Closes entry i: out of the epoll set first, then the descriptor. */
static void
drop(int i)
{
	(void)epoll_ctl(epfd, EPOLL_CTL_DEL, tab[i].fd, NULL);
	close(tab[i].fd);
	tab[i] = tab[--ntab];
}

/* After epoll_wait(): drains the socket an event named; closes it when done. */
void
refuse_ready(uint64_t data)
{
	int fd = (int)(uint32_t)data, i;

	for (i = 0; i < ntab; i++)
		if (tab[i].fd == fd) {
			if (netio_discard(fd, &tab[i].budget) == 1)
				drop(i);
			return;
		}
}

/* Closes the sockets whose time is up. */
void
refuse_expire(int64_t now)
{
	int i;

	for (i = ntab - 1; i >= 0; i--)
		if (now >= tab[i].until)
			drop(i);
}

/* When refuse_expire() must run next (INT64_MAX: nothing is closing). */
int64_t
refuse_next(void)
{
	int64_t next = INT64_MAX;
	int i;

	for (i = 0; i < ntab; i++)
		if (tab[i].until < next)
			next = tab[i].until;
	return next;
}

/*
 * In a new connection process: lets go of the listener's sockets
 * (without touching the epoll set, which is the listener's).
 */
void
refuse_drop_all(void)
{
	int i;

	for (i = 0; i < ntab; i++)
		close(tab[i].fd);
	ntab = 0;
}
