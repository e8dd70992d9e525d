/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxlimit: the machine's own limits for the benchmark, measured the
 * way a server would pay them, one operation at a time:
 *
 *   pam SERVICE USER COUNT   one PAM login (start, authenticate, account,
 *                            end) in a freshly forked process; password
 *                            in $RXLOAD_PASSWORD
 *   forkexec SHELL COUNT     fork, exec SHELL -c true, wait
 *   tcp BYTES COUNT          a loopback TCP connection, one process
 *                            writing BYTES (on CPU 1) and one reading
 *                            them (on CPU 0), as bench/run.py places the
 *                            servers and the client for their transfers
 *   loop SERVICE USER SHELL WORKERS WARMUP SECONDS
 *                            the ideal server under load: WORKERS
 *                            processes each doing a PAM login in a forked
 *                            child then a fork/exec of SHELL -c true, back
 *                            to back; rate and latency over the window
 *                            after the warm-up, like rxload's sessions
 *
 * Prints one "key=value ..." line: the median wall time, the mean CPU
 * time (user + system of the children) and, for tcp, GB/s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT 10000
#define MAX_WORKERS 256
#define MAX_SAMPLES 100000
#define IOBUF (128 * 1024)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User plus system time of the reaped children, in seconds. */
static double
children_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) == -1)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Answers the password prompt; any other prompt fails. */
static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response *r;
	int i;

	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = strdup(data);
		else if (msg[i]->msg_style != PAM_TEXT_INFO &&
		    msg[i]->msg_style != PAM_ERROR_MSG) {
			free(r);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* In a forked child: one PAM login; the exit code says whether it passed. */
static void __attribute__((noreturn))
pam_once(const char *service, const char *user, char *pass)
{
	struct pam_conv pc = { conv, pass };
	pam_handle_t *ph;
	int rc;

	if (pam_start(service, user, &pc, &ph) != PAM_SUCCESS)
		_exit(2);
	rc = pam_authenticate(ph, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(ph, PAM_SILENT);
	pam_end(ph, rc);
	_exit(rc == PAM_SUCCESS ? 0 : 1);
}

/* In a forked child: becomes shell -c true. */
static void __attribute__((noreturn))
exec_true(const char *shell)
{
	execl(shell, "sh", "-c", "true", (char *)NULL);
	_exit(127);
}

/* Forks, runs one operation in the child, waits: 0 if it succeeded. */
static int
fork_one(const char *service, const char *user, char *pass, const char *shell)
{
	int status;
	pid_t pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (pass != NULL)
			pam_once(service, user, pass);
		exec_true(shell);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Forks count times, runs one operation, waits; prints the figures. */
static int
run_forks(const char *what, int count, const char *a, const char *b,
    char *pass)
{
	static double wall[MAX_COUNT];
	double t, cpu0 = children_cpu();
	int i, fails = 0;

	for (i = 0; i < count; i++) {
		t = now();
		if ((pass != NULL ? fork_one(a, b, pass, NULL) :
		    fork_one(NULL, NULL, NULL, a)) == -1)
			fails++;
		wall[i] = now() - t;
	}
	printf("mode=%s count=%d failures=%d cpu_ms=%.3f wall_ms=%.3f\n",
	    what, count, fails, (children_cpu() - cpu0) / count * 1e3,
	    median(wall, count) * 1e3);
	return fails > 0;
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static double
quantile(const double *v, int n, double q)
{
	int i = (int)(q * n + 0.999999);

	if (n == 0)
		return -1;
	if (i < 1)
		i = 1;
	return v[(i > n ? n : i) - 1];
}

/*
 * One worker of loop mode, in its own process: logins and fork/execs back
 * to back until the window ends; one line per one done, "w" (ended in
 * the window) or "o" and its latency in seconds, written whole to fd (a
 * pipe: lines never mix).
 */
static void __attribute__((noreturn))
loop_worker(char **argv, char *pass, double wstart, double wend, int fd)
{
	char line[64];
	double t, e;
	int n, fails = 0;

	while ((t = now()) < wend) {
		if (fork_one(argv[2], argv[3], pass, NULL) == -1 ||
		    fork_one(NULL, NULL, NULL, argv[4]) == -1) {
			fails++;
			continue;
		}
		e = now();
		n = snprintf(line, sizeof(line), "%c %.6f\n",
		    e >= wstart && e <= wend ? 'w' : 'o', e - t);
		if (write(fd, line, (size_t)n) != n)
			_exit(1);
	}
	_exit(fails > 0);
}

/* Loop mode: WORKERS ideal sessions at a time; prints rate and latency. */
static int
run_loop(char **argv, char *pass)
{
	static double lat[MAX_SAMPLES];
	int workers = atoi(argv[5]), i, n = 0, p[2], fails = 0, status;
	long total = 0;
	double warm = atof(argv[6]), dur = atof(argv[7]), t0, cpu0;
	char buf[64];
	FILE *f;

	if (workers < 1 || workers > MAX_WORKERS || warm < 0 || dur <= 0 ||
	    pipe2(p, O_CLOEXEC) == -1)
		return 2;
	t0 = now();
	cpu0 = children_cpu();
	for (i = 0; i < workers; i++) {
		switch (fork()) {
		case -1:
			perror("fork");
			return 1;
		case 0:
			close(p[0]);
			loop_worker(argv, pass, t0 + warm, t0 + warm + dur, p[1]);
		}
	}
	close(p[1]);
	if ((f = fdopen(p[0], "r")) == NULL)
		return 1;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		total++;
		if (buf[0] == 'w' && n < MAX_SAMPLES)
			lat[n++] = atof(buf + 2);
	}
	fclose(f);
	while (wait(&status) != -1 || errno == EINTR)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fails++;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("mode=loop clients=%d total=%ld window=%d rate=%.3f "
	    "p50_ms=%.1f p99_ms=%.1f cpu_ms=%.3f failures=%d lat_ms=", workers,
	    total, n, n / dur, quantile(lat, n, 0.5) * 1e3,
	    quantile(lat, n, 0.99) * 1e3,
	    total ? (children_cpu() - cpu0) / (double)total * 1e3 : -1.0,
	    fails);
	for (i = 0; i < n; i++) /* every latency, for pooled quantiles */
		printf("%s%.1f", i ? "," : "", lat[i] * 1e3);
	printf("\n");
	return fails > 0;
}

/* Runs the calling process on one CPU, if there are two or more. */
static void
pin_cpu(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);
}

/* A connected loopback TCP pair: *a and *b. */
static int
tcp_pair(int *a, int *b)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1 ||
	    (*a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(*a, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (*b = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return -1;
	close(l);
	return 0;
}

/* One transfer of size bytes over loopback TCP; returns GB/s or -1. */
static double
tcp_once(size_t size)
{
	static char buf[IOBUF];
	size_t got = 0, left;
	double t;
	ssize_t n;
	pid_t pid;
	int a, b, status;

	if (tcp_pair(&a, &b) == -1)
		return -1;
	t = now();
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(b);
		pin_cpu(1);
		for (left = size; left > 0; left -= (size_t)n)
			if ((n = write(a, buf, left < sizeof(buf) ? left :
			    sizeof(buf))) <= 0)
				_exit(1);
		_exit(0);
	}
	close(a);
	while ((n = read(b, buf, sizeof(buf))) > 0 ||
	    (n == -1 && errno == EINTR))
		got += n > 0 ? (size_t)n : 0;
	t = now() - t;
	close(b);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return got == size ? (double)size / t / 1e9 : -1;
}

static int
run_tcp(size_t size, int count)
{
	static double g[MAX_COUNT];
	int i;

	pin_cpu(0);
	for (i = 0; i < count; i++)
		if ((g[i] = tcp_once(size)) < 0) {
			fprintf(stderr, "rxlimit: tcp transfer failed\n");
			return 1;
		}
	printf("mode=tcp count=%d gbps=%.3f\n", count, median(g, count));
	return 0;
}

int
main(int argc, char **argv)
{
	char *pass = getenv("RXLOAD_PASSWORD");
	int count;

	if (argc == 5 && strcmp(argv[1], "pam") == 0 && pass != NULL &&
	    (count = atoi(argv[4])) > 0 && count <= MAX_COUNT)
		return run_forks("pam", count, argv[2], argv[3], pass);
	if (argc == 4 && strcmp(argv[1], "forkexec") == 0 &&
	    (count = atoi(argv[3])) > 0 && count <= MAX_COUNT)
		return run_forks("forkexec", count, argv[2], NULL, NULL);
	if (argc == 8 && strcmp(argv[1], "loop") == 0 && pass != NULL)
		return run_loop(argv, pass);
	if (argc == 4 && strcmp(argv[1], "tcp") == 0 &&
	    (count = atoi(argv[3])) > 0 && count <= MAX_COUNT)
		return run_tcp(strtoull(argv[2], NULL, 10), count);
	fprintf(stderr, "usage: rxlimit pam SERVICE USER COUNT | "
	    "forkexec SHELL COUNT | tcp BYTES COUNT |\n"
	    "       loop SERVICE USER SHELL WORKERS WARMUP SECONDS\n");
	return 2;
}
