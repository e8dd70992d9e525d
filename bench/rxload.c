/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxload: the benchmark's load generator.  Threads act as rexec clients
 * over loopback and the results come out as one "key=value ..." line on
 * standard output, for bench/run.py to read.
 *
 *   sessions  closed loop: each client runs sessions back to back;
 *             rate and latency over a window after a warm-up
 *   stdout    the command writes SIZE bytes to the primary socket
 *   stdin     the client pushes SIZE bytes to the command's stdin
 *   stderr    the command writes SIZE bytes to the stderr channel
 *   idle      opens K sessions running cat and holds them until a line
 *             (or EOF) arrives on standard input, then ends them
 *   attack    brute force: every client sends wrong passwords, one
 *             fresh connection per guess, from several source addresses
 *
 * The password comes from the environment (RXLOAD_PASSWORD).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "proto.h"
#include "rxload.h"

#define MAX_CLIENTS 256
#define MAX_IDLE 20000
#define ERROR_PAUSE_US 100000	/* after a guess with no answer; a tenth */
				/* of it after a failed session */

struct opts {
	const char *mode;
	struct rx_target target;
	int clients;
	double warm, dur, timeout;
	int per_client;
	size_t size;
	int idle;
	int errchan;
	const char *cmd;
	struct in_addr src0;
	int nsrc;
};

/* What one client thread saw. */
struct worker {
	pthread_t tid;
	int id;
	const struct opts *o;
	double t0;		/* common start (monotonic) */
	double *lat;		/* latencies (s) of sessions in the window */
	size_t nlat, cap;
	double *gbps;		/* throughput of each session */
	size_t ngbps;
	long total, window, errors, refused, answered, late;
	char first_error[RX_MSG_MAX];
};

static struct rx_conn idle_conns[MAX_IDLE];

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
"usage: rxload sessions|stdout|stdin|stderr|idle|attack -p PORT -u USER\n"
"              [-a ADDR] [-c CLIENTS] [-w WARMUP] [-d SECONDS] [-n COUNT]\n"
"              [-s BYTES] [-k SESSIONS] [-e] [-x COMMAND] [-S SRCADDR]\n"
"              [-N NSRC] [-t TIMEOUT]   (password in $RXLOAD_PASSWORD)\n");
	exit(2);
}

static void
add_latency(struct worker *w, double v)
{
	double *p;

	if (w->nlat == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		if ((p = realloc(w->lat, w->cap * sizeof(*p))) == NULL) {
			perror("realloc");
			exit(1);
		}
		w->lat = p;
	}
	w->lat[w->nlat++] = v;
}

static void
note_error(struct worker *w, const char *msg)
{
	if (w->errors++ == 0)
		snprintf(w->first_error, sizeof(w->first_error), "%s", msg);
}

/* The command of a mode, unless -x gave one. */
static const char *
mode_command(const struct opts *o, char *buf, size_t size)
{
	if (o->cmd != NULL)
		return o->cmd;
	if (strcmp(o->mode, "stdout") == 0)
		snprintf(buf, size, "head -c %zu /dev/zero", o->size);
	else if (strcmp(o->mode, "stderr") == 0)
		snprintf(buf, size, "head -c %zu /dev/zero >&2", o->size);
	else if (strcmp(o->mode, "stdin") == 0)
		snprintf(buf, size, "cat > /dev/null");
	else if (strcmp(o->mode, "idle") == 0)
		snprintf(buf, size, "cat");
	else
		snprintf(buf, size, "true");
	return buf;
}

/* Closed loop: sessions back to back until the window ends. */
static void *
run_sessions(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	double wstart = w->t0 + o->warm, wend = wstart + o->dur;
	struct rx_conn c;
	char cmdbuf[128];
	const char *cmd = mode_command(o, cmdbuf, sizeof(cmdbuf));
	size_t out, err;

	while (rx_now() < wend) {
		if (rxsess_open(&o->target, NULL, NULL, cmd, o->errchan, &c,
		    rx_now() + o->timeout) != RX_OK) {
			note_error(w, c.msg);
			usleep(ERROR_PAUSE_US / 10);
			continue;
		}
		if (rxsess_drain(&c, c.t_start + o->timeout, &out, &err) ==
		    -1) {
			note_error(w, strerror(errno));
			rxsess_close(&c);
			continue;
		}
		rxsess_close(&c);
		w->total++;
		if (c.t_end >= wstart && c.t_end <= wend) {
			w->window++;
			add_latency(w, c.t_end - c.t_start);
		}
	}
	return NULL;
}

/* One throughput session; returns GB/s or -1. */
static double
one_transfer(struct worker *w, const char *cmd)
{
	const struct opts *o = w->o;
	int in = strcmp(o->mode, "stdin") == 0;
	int errchan = strcmp(o->mode, "stderr") == 0;
	struct rx_conn c;
	size_t out = 0, err = 0, got;
	double dl;

	if (rxsess_open(&o->target, NULL, NULL, cmd, errchan, &c,
	    rx_now() + o->timeout) != RX_OK) {
		note_error(w, c.msg);
		return -1;
	}
	dl = rx_now() + o->timeout;
	if ((in && rxsess_push(&c, o->size, dl) == -1) ||
	    rxsess_drain(&c, dl, &out, &err) == -1) {
		note_error(w, strerror(errno));
		rxsess_close(&c);
		return -1;
	}
	rxsess_close(&c);
	got = errchan ? err : out;
	if (!in && got != o->size) {
		note_error(w, "short output");
		return -1;
	}
	w->total++;
	return (double)o->size / (c.t_end - c.t_status) / 1e9;
}

/* Throughput: per_client sessions one after the other. */
static void *
run_transfer(void *arg)
{
	struct worker *w = arg;
	char cmdbuf[128];
	const char *cmd = mode_command(w->o, cmdbuf, sizeof(cmdbuf));
	double g;
	int i;

	if ((w->gbps = calloc((size_t)w->o->per_client, sizeof(double))) ==
	    NULL)
		return NULL;
	for (i = 0; i < w->o->per_client; i++)
		if ((g = one_transfer(w, cmd)) > 0)
			w->gbps[w->ngbps++] = g;
	return NULL;
}

/*
 * Brute force: wrong passwords, one connection per guess, each after
 * the answer to the previous one.  Guess k of client id comes from
 * source src0 + (id + k * clients) % nsrc: with more sources than
 * clients, every client goes round all of them.
 */
static void *
run_attack(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	double end = w->t0 + o->dur, dl;
	struct in_addr src;
	struct rx_conn c;
	char pass[PROTO_PASS_MAX + 1];
	enum rx_result r;
	size_t out, err;
	long n = 0;

	while (rx_now() < end) {
		src.s_addr = htonl(ntohl(o->src0.s_addr) + (uint32_t)((w->id +
		    n * o->clients) % o->nsrc));
		snprintf(pass, sizeof(pass), "rxg%03d-%06ld", w->id % 1000,
		    n++ % 1000000);
		dl = rx_now() + o->timeout;
		if (dl > end + 3)
			dl = end + 3;
		r = rxsess_open(&o->target, &src, pass, "true", 0, &c, dl);
		w->total++;
		if (r == RX_REFUSED || r == RX_CLOSED) {
			w->answered++;
			w->refused += r == RX_REFUSED;
			if (c.t_status > w->t0 + o->warm)
				w->late++;
		} else if (r == RX_OK) {
			note_error(w, "a wrong password was accepted");
			(void)rxsess_drain(&c, dl, &out, &err);
			rxsess_close(&c);
		} else {
			note_error(w, c.msg);
			usleep(ERROR_PAUSE_US);
		}
	}
	return NULL;
}

static int idle_next, idle_stop;
static pthread_mutex_t idle_mu = PTHREAD_MUTEX_INITIALIZER;

/* Takes the next idle slot to fill, or -1 when done or stopped. */
static int
idle_take(const struct opts *o)
{
	int i = -1;

	pthread_mutex_lock(&idle_mu);
	if (!idle_stop && idle_next < o->idle)
		i = idle_next++;
	pthread_mutex_unlock(&idle_mu);
	return i;
}

/* Opens idle sessions until K are open or one fails. */
static void *
run_idle_open(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	char cmdbuf[128];
	const char *cmd = mode_command(o, cmdbuf, sizeof(cmdbuf));
	int i;

	while ((i = idle_take(o)) != -1) {
		if (rxsess_open(&o->target, NULL, NULL, cmd, o->errchan,
		    &idle_conns[i], rx_now() + o->timeout) == RX_OK) {
			w->total++;
			continue;
		}
		note_error(w, idle_conns[i].msg);
		pthread_mutex_lock(&idle_mu);
		idle_stop = 1;
		pthread_mutex_unlock(&idle_mu);
	}
	return NULL;
}

/* How many held sessions are still quiet (no EOF, reset or output). */
static int
idle_alive(int n)
{
	int i, alive = 0;

	for (i = 0; i < n; i++)
		if (idle_conns[i].sock != -1 &&
		    rx_wait(idle_conns[i].sock, POLLIN, rx_now() + 0.001) == -1)
			alive++;
	return alive;
}

/* Ends every held session: EOF on stdin, then the command's EOF. */
static int
idle_release(int n, double timeout)
{
	size_t out, err;
	int i, ok = 0;

	for (i = 0; i < n; i++)
		if (idle_conns[i].sock != -1)
			(void)shutdown(idle_conns[i].sock, SHUT_WR);
	for (i = 0; i < n; i++) {
		if (idle_conns[i].sock == -1)
			continue;
		if (rxsess_drain(&idle_conns[i], rx_now() + timeout, &out,
		    &err) == 0 && out == 0)
			ok++;
		rxsess_close(&idle_conns[i]);
	}
	return ok;
}

/*
 * Idle mode's second half, in the main thread: says how many sessions
 * are held, waits for a line on stdin, then ends them.
 */
static void
idle_hold(const struct worker *w, int n, double timeout)
{
	char line[64];
	long held = 0;
	int alive, released, i;

	for (i = 0; i < n; i++)
		held += w[i].total;
	printf("held=%ld\n", held);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		line[0] = '\0'; /* EOF ends the hold too */
	alive = idle_alive(idle_next);
	released = idle_release(idle_next, timeout);
	printf("alive=%d released=%d\n", alive, released);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of a sorted array, nearest rank. */
static double
quantile(const double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return -1;
	i = (size_t)(q * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return v[i - 1];
}

/* Gathers every worker's values into one sorted array. */
static double *
merge(struct worker *w, int n, int gbps, size_t *count)
{
	double *all;
	size_t total = 0, k = 0, i;
	int j;

	for (j = 0; j < n; j++)
		total += gbps ? w[j].ngbps : w[j].nlat;
	if ((all = calloc(total + 1, sizeof(*all))) == NULL) {
		perror("calloc");
		exit(1);
	}
	for (j = 0; j < n; j++)
		for (i = 0; i < (gbps ? w[j].ngbps : w[j].nlat); i++)
			all[k++] = gbps ? w[j].gbps[i] : w[j].lat[i];
	qsort(all, total, sizeof(*all), cmp_double);
	*count = total;
	return all;
}

/*
 * " lat_ms=a,b,..." on the result line: every latency of the window, so
 * that the driver can take quantiles over several runs together.
 */
static void
print_latencies(const double *lat, size_t n)
{
	size_t i;

	printf(" lat_ms=");
	for (i = 0; i < n; i++)
		printf("%s%.1f", i ? "," : "", lat[i] * 1e3);
}

/* Prints the result line of every mode. */
static void
report(const struct opts *o, struct worker *w, int n, double t0r)
{
	long total = 0, window = 0, errors = 0, answered = 0, late = 0;
	long refused = 0;
	const char *first = "";
	size_t nl, ng;
	double *lat = merge(w, n, 0, &nl), *g = merge(w, n, 1, &ng);
	int j;

	for (j = 0; j < n; j++) {
		total += w[j].total;
		window += w[j].window;
		answered += w[j].answered;
		refused += w[j].refused;
		late += w[j].late;
		if (w[j].errors > 0 && errors == 0)
			first = w[j].first_error;
		errors += w[j].errors;
	}
	printf("mode=%s clients=%d start=%.6f total=%ld errors=%ld", o->mode,
	    n, t0r, total, errors);
	if (strcmp(o->mode, "sessions") == 0)
		printf(" window=%ld rate=%.3f p50_ms=%.1f p90_ms=%.1f "
		    "p99_ms=%.1f max_ms=%.1f", window, (double)window / o->dur,
		    quantile(lat, nl, 0.5) * 1e3, quantile(lat, nl, 0.9) * 1e3,
		    quantile(lat, nl, 0.99) * 1e3, quantile(lat, nl, 1) * 1e3);
	if (strcmp(o->mode, "sessions") == 0)
		print_latencies(lat, nl);
	if (ng > 0)
		printf(" gbps=%.3f gbps_max=%.3f", quantile(g, ng, 0.5),
		    quantile(g, ng, 1));
	if (strcmp(o->mode, "attack") == 0)
		printf(" answered=%ld refused=%ld closed=%ld late_answered=%ld "
		    "late_rate=%.3f", answered, refused, answered - refused,
		    late, o->dur > o->warm ?
		    (double)late / (o->dur - o->warm) : 0.0);
	printf(" first_error=\"%s\"\n", first);
	free(lat);
	free(g);
}

static double
num_arg(const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int ch;

	while ((ch = getopt(argc, argv, "a:c:d:ek:n:N:p:s:S:t:u:w:x:")) != -1) {
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg,
			    &o->target.addr.sin_addr) != 1)
				usage();
			break;
		case 'c':
			o->clients = (int)num_arg(optarg, 1, MAX_CLIENTS);
			break;
		case 'd':
			o->dur = num_arg(optarg, 0.1, 3600);
			break;
		case 'e':
			o->errchan = 1;
			break;
		case 'k':
			o->idle = (int)num_arg(optarg, 1, MAX_IDLE);
			break;
		case 'n':
			o->per_client = (int)num_arg(optarg, 1, 100000);
			break;
		case 'N':
			o->nsrc = (int)num_arg(optarg, 1, 4096);
			break;
		case 'p':
			o->target.addr.sin_port =
			    htons((uint16_t)num_arg(optarg, 1, 65535));
			break;
		case 's':
			o->size = (size_t)num_arg(optarg, 1, 1e12);
			break;
		case 'S':
			if (inet_pton(AF_INET, optarg, &o->src0) != 1)
				usage();
			break;
		case 't':
			o->timeout = num_arg(optarg, 0.1, 3600);
			break;
		case 'u':
			o->target.user = optarg;
			break;
		case 'w':
			o->warm = num_arg(optarg, 0, 3600);
			break;
		case 'x':
			o->cmd = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || o->target.user == NULL ||
	    o->target.addr.sin_port == 0)
		usage();
	o->mode = argv[optind];
}

/* The thread body of a mode, or NULL for an unknown mode. */
static void *(*mode_body(const char *mode))(void *)
{
	if (strcmp(mode, "sessions") == 0)
		return run_sessions;
	if (strcmp(mode, "stdout") == 0 || strcmp(mode, "stdin") == 0 ||
	    strcmp(mode, "stderr") == 0)
		return run_transfer;
	if (strcmp(mode, "attack") == 0)
		return run_attack;
	if (strcmp(mode, "idle") == 0)
		return run_idle_open;
	return NULL;
}

/* Room for every descriptor idle mode may hold. */
static void
raise_fd_limit(void)
{
	struct rlimit rl = { 65536, 65536 };

	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	static struct worker w[MAX_CLIENTS];
	struct opts o = { .clients = 1, .warm = 1, .dur = 5, .timeout = 30,
		.per_client = 1, .size = 64 << 20, .idle = 100, .nsrc = 1 };
	void *(*body)(void *);
	double t0, t0r;
	int i;

	o.target.addr.sin_family = AF_INET;
	o.target.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o.src0.s_addr = htonl(INADDR_LOOPBACK);
	parse_args(argc, argv, &o);
	if ((o.target.pass = getenv("RXLOAD_PASSWORD")) == NULL ||
	    (body = mode_body(o.mode)) == NULL)
		usage();
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;
	raise_fd_limit();
	t0 = rx_now();
	t0r = rx_realtime();
	for (i = 0; i < o.clients; i++) {
		w[i].id = i;
		w[i].o = &o;
		w[i].t0 = t0;
		if ((errno = pthread_create(&w[i].tid, NULL, body, &w[i])) !=
		    0) {
			perror("pthread_create");
			return 1;
		}
	}
	for (i = 0; i < o.clients; i++)
		pthread_join(w[i].tid, NULL);
	if (strcmp(o.mode, "idle") == 0)
		idle_hold(w, o.clients, o.timeout);
	report(&o, w, o.clients, t0r);
	return 0;
}
