/*
 * main.c: in.rexecd's command line.  Without -l the connection is on
 * descriptor 0 (inetd, xinetd, systemd Accept=yes) and this process
 * serves it; with -l, or with sockets from the service manager, it is
 * the standalone daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "acl.h"
#include "options.h"
#include "connlimit.h"
#include "listen.h"
#include "log.h"
#include "penalty.h"
#include "session.h"

enum {
	OPT_PAM_SERVICE = 256,
	OPT_ALLOW_ROOT,
	OPT_GRACE,
	OPT_CONNECT_TIMEOUT,
	OPT_FAIL_DELAY,
	OPT_ALLOW,
	OPT_DENY,
	OPT_ALLOW_LOW_PORTS,
	OPT_MAX_STARTUPS,
	OPT_PER_SOURCE_MAX,
	OPT_MAX_SESSIONS,
	OPT_PENALTY,
	OPT_PENALTY_EXEMPT
};

static const struct option longopts[] = {
	{ "debug", no_argument, NULL, 'd' },
	{ "listen", required_argument, NULL, 'l' },
	{ "pam-service", required_argument, NULL, OPT_PAM_SERVICE },
	{ "allow-root", no_argument, NULL, OPT_ALLOW_ROOT },
	{ "login-grace-time", required_argument, NULL, OPT_GRACE },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "fail-delay", required_argument, NULL, OPT_FAIL_DELAY },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "deny", required_argument, NULL, OPT_DENY },
	{ "allow-low-ports", no_argument, NULL, OPT_ALLOW_LOW_PORTS },
	{ "max-startups", required_argument, NULL, OPT_MAX_STARTUPS },
	{ "per-source-max", required_argument, NULL, OPT_PER_SOURCE_MAX },
	{ "max-sessions", required_argument, NULL, OPT_MAX_SESSIONS },
	{ "penalty", required_argument, NULL, OPT_PENALTY },
	{ "penalty-exempt", required_argument, NULL, OPT_PENALTY_EXEMPT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	(void)fprintf(f,
"usage: in.rexecd [-d] [-l ADDR:PORT]... [--pam-service NAME] [--allow-root]\n"
"                 [--login-grace-time S] [--connect-timeout S]\n"
"                 [--fail-delay S] [--allow-low-ports] [--allow CIDR]...\n"
"                 [--deny CIDR]... [--max-startups START:RATE:FULL]\n"
"                 [--per-source-max N] [--max-sessions N]\n"
"                 [--penalty SPEC|off] [--penalty-exempt CIDR]...\n"
"\n"
"Serves rexec (TCP port 512).  Without -l the connection is on standard\n"
"input (inetd, xinetd, systemd Accept=yes).\n"
"\n"
"  -d, --debug               log to stderr instead of syslog, with debug lines\n"
"  -l, --listen ADDR:PORT    standalone daemon on ADDR:PORT, [ADDR6]:PORT or\n"
"                            :PORT (every address); repeatable\n"
"      --pam-service NAME    PAM service (default: rexec)\n"
"      --allow-root          let uid 0 log in (default: refused)\n"
"      --login-grace-time S  time to send the handshake and authenticate\n"
"                            (default: 30)\n"
"      --connect-timeout S   time to connect the stderr channel (default: 5)\n"
"      --fail-delay S        answer every refused login S seconds (+-10%%)\n"
"                            after the credentials arrived (default: 2)\n"
"      --allow-low-ports     allow a stderr port below 1024 (default: no)\n"
"\n"
"Address rules (CIDR: ADDR or ADDR/BITS, IPv4 or IPv6; v4-mapped is IPv4),\n"
"checked before anything is read, in both modes:\n"
"      --allow CIDR          serve only addresses some --allow covers\n"
"                            (repeatable; default: every address)\n"
"      --deny CIDR           never serve these; wins over --allow\n"
"                            (repeatable; default: none)\n"
"\n"
"Standalone daemon only (a source is an IPv4 address or an IPv6 /64):\n"
"      --max-startups START:RATE:FULL\n"
"                            connections not yet logged in: from START on,\n"
"                            drop RATE%% of new ones, rising to all at FULL;\n"
"                            N alone is a hard cap (default: 64:30:256)\n"
"      --per-source-max N    connections not yet logged in from one source\n"
"                            (default: 32; 0: no cap)\n"
"      --max-sessions N      connections served at once, logged in or not\n"
"                            (default: 1024)\n"
"      --penalty SPEC        seconds a source earns per failure, as\n"
"                            KEY:VALUE,...: authfail (refused login),\n"
"                            noauth (left or refused before login), grace\n"
"                            (grace time out), crash; refused while more\n"
"                            than min is due; never more than max due;\n"
"                            table:N sources remembered; \"off\" disables\n"
"                            (default: authfail:5,noauth:1,grace:10,\n"
"                            crash:90,min:15,max:600,table:4096)\n"
"      --penalty-exempt CIDR never penalise these (repeatable; default: none)\n"
"\n"
"  -h, --help                this text\n"
"  -V, --version             the version\n");
}

/* Parses seconds with up to three decimals into milliseconds, or -1. */
static long
parse_seconds(const char *s, long max_s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > (double)max_s)
		return -1;
	return (long)(v * 1000 + 0.5);
}

/* Exits with a message about a bad option value. */
static void __attribute__((noreturn))
bad_value(const char *opt, const char *s)
{
	(void)fprintf(stderr, "in.rexecd: %s: bad value \"%s\" (see --help)\n", opt,
	    s);
	exit(2);
}

/* A count in min..max, plain decimal digits. */
static unsigned int
count_arg(const char *opt, const char *s, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || errno != 0 || *end != '\0' ||
	    v < min || v > max)
		bad_value(opt, s);
	return (unsigned int)v;
}

/* Appends an address rule to l. */
static void
cidr_arg(const char *opt, const char *s, struct acl *l)
{
	if (acl_add(l, s) == -1) {
		if (errno == EINVAL)
			bad_value(opt, s);
		(void)fprintf(stderr, "in.rexecd: %s: out of memory\n", opt);
		exit(2);
	}
}

static long
seconds_arg(const char *opt, const char *s, long min_ms, long max_s)
{
	long ms = parse_seconds(s, max_s);

	if (ms < min_ms) {
		(void)fprintf(stderr, "in.rexecd: %s: bad number of seconds \"%s\"\n",
		    opt, s);
		exit(2);
	}
	return ms;
}

/* The options of the defences against abuse (addresses, limits, penalties). */
static void
parse_defence(int ch, const char *arg, struct options *c)
{
	switch (ch) {
	case OPT_ALLOW:
		cidr_arg("--allow", arg, &c->allow);
		break;
	case OPT_DENY:
		cidr_arg("--deny", arg, &c->deny);
		break;
	case OPT_ALLOW_LOW_PORTS:
		c->allow_low_ports = 1;
		break;
	case OPT_MAX_STARTUPS:
		if (connlimit_parse_startups(&c->limits, arg) == -1)
			bad_value("--max-startups", arg);
		break;
	case OPT_PER_SOURCE_MAX:
		c->limits.per_source = count_arg("--per-source-max", arg, 0,
		    1000000);
		break;
	case OPT_MAX_SESSIONS:
		c->limits.sessions = count_arg("--max-sessions", arg, 1,
		    100000);
		break;
	case OPT_PENALTY:
		if (penalty_parse(&c->penalty, arg) == -1)
			bad_value("--penalty", arg);
		break;
	case OPT_PENALTY_EXEMPT:
		cidr_arg("--penalty-exempt", arg, &c->penalty.exempt);
		break;
	default:
		usage(stderr);
		exit(2);
	}
}

static void
parse_args(int argc, char **argv, struct options *c)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "dl:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c->debug = 1;
			break;
		case 'l':
			if (c->nlisten == OPTIONS_MAX_LISTEN) {
				(void)fprintf(stderr, "in.rexecd: too many -l\n");
				exit(2);
			}
			c->listen[c->nlisten++] = optarg;
			break;
		case OPT_PAM_SERVICE:
			c->pam_service = optarg;
			break;
		case OPT_ALLOW_ROOT:
			c->allow_root = 1;
			break;
		case OPT_GRACE:
			c->grace_ms = seconds_arg("--login-grace-time", optarg,
			    1000, 3600);
			break;
		case OPT_CONNECT_TIMEOUT:
			c->connect_ms = seconds_arg("--connect-timeout", optarg,
			    1, 600);
			break;
		case OPT_FAIL_DELAY:
			c->fail_delay_ms = seconds_arg("--fail-delay", optarg,
			    0, 60);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("in.rexecd (rexecd) %s\n", REXECD_VERSION);
			exit(0);
		default:
			parse_defence(ch, optarg, c);
			break;
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
}

/* Makes sure 0, 1 and 2 are open, so no socket can land on them. */
static void
sanitize_fds(void)
{
	int fd;

	/* NOLINTNEXTLINE(android-cloexec-open): 0, 1, 2 must survive exec */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

/*
 * inetd mode: moves the connection off descriptor 0 and points 0 and 1
 * (and 2, unless -d logs there) at /dev/null, so nothing this process
 * prints can reach the client by accident.  A listening socket on 0
 * (inetd "wait", systemd Accept=no with StandardInput=socket) is
 * reported through *listening: the caller serves it as a daemon.
 */
static int
take_inetd_socket(const struct options *c, int *listening)
{
	int sock, type, acc = 0, null;
	socklen_t len = sizeof(type);

	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		fatalx("standard input is not a stream socket: run me from "
		    "inetd or systemd, or use -l ADDR:PORT");
	len = sizeof(acc);
	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == -1)
		fatal("SO_ACCEPTCONN");
	*listening = acc;
	if ((sock = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("descriptors");
	if (dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    (!c->debug && dup2(null, 2) == -1))
		fatal("dup2");
	close(null);
	return sock;
}

int
main(int argc, char **argv)
{
	static struct options opts = {
		.pam_service = "rexec",
		.grace_ms = 30000,
		.connect_ms = 5000,
		.fail_delay_ms = 2000,
	};
	struct listen_set ls = { .n = 0 };
	int i, sock, listening;

	connlimit_defaults(&opts.limits);
	penalty_defaults(&opts.penalty);
	parse_args(argc, argv, &opts);
	sanitize_fds();
	log_init("in.rexecd", opts.debug);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	if (listen_inherit(&ls) == -1)
		fatal("LISTEN_FDS");
	for (i = 0; i < opts.nlisten; i++)
		if (listen_open(&ls, opts.listen[i]) == -1)
			fatal("listen %s", opts.listen[i]);
	if (ls.n == 0) {
		sock = take_inetd_socket(&opts, &listening);
		if (!listening)
			session_run(sock, &opts, -1);
		if (fcntl(sock, F_SETFL, O_NONBLOCK) == -1)
			fatal("O_NONBLOCK");
		ls.fd[ls.n++] = sock;
	}
	listen_loop(&ls, &opts);
}
