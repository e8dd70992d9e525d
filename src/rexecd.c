/*
 * rexecd.c: in.rexecd's main(), as root: the command line (read through
 * options.c's table), descriptors 0-2, then one of two modes.  Without
 * -l the connection is on descriptor 0 (inetd, xinetd, systemd
 * Accept=yes) and this process serves it (session.c); with -l, or with
 * sockets from the service manager, it is the standalone daemon
 * (listener.c).
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "options.h"
#include "listen.h"
#include "listener.h"
#include "log.h"
#include "netio.h"
#include "session.h"

static void
usage(FILE *f)
{
	/* the text as it is printed */
	/* clang-format off */
	(void)fprintf(f,
"usage: in.rexecd [-d] [-l ADDR:PORT]... [--pam-service NAME] [--allow-root]\n"
"                 [--login-grace-time S] [--connect-timeout S]\n"
"                 [--fail-delay S] [--allow-low-ports] [--allow CIDR]...\n"
"                 [--deny CIDR]... [--max-startups START:RATE:FULL]\n"
"                 [--per-source-max N] [--max-sessions N]\n"
"                 [--penalty SPEC|off] [--penalty-exempt CIDR]...\n"
"                 [--max-untrusted-auths N]\n"
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
"                            N alone is a hard cap (default: 256:30:512)\n"
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
"      --max-untrusted-auths N\n"
"                            password checks at once for sources that have\n"
"                            not logged in in the last day (default: half\n"
"                            the CPUs, at least 1; 0: no bound)\n"
"\n"
"  -h, --help                this text\n"
"  -V, --version             the version\n");
	/* clang-format on */
}

/* Exits with the message for a value that option d does not take. */
static _Noreturn void
bad_option(const struct options_def *d, const char *arg, enum options_error e)
{
	if (e == OPTIONS_ETOOMANY)
		(void)fprintf(stderr, "in.rexecd: too many -%c\n", d->letter);
	else if (e == OPTIONS_ESECONDS)
		(void)fprintf(stderr,
		    "in.rexecd: --%s: bad number of seconds "
		    "\"%s\"\n",
		    d->name, arg);
	else if (e == OPTIONS_ERULES)
		(void)fprintf(stderr, "in.rexecd: --%s: at most %d rules\n",
		    d->name, ACL_MAX_RULES);
	else if (e == OPTIONS_ENOMEM)
		(void)fprintf(stderr, "in.rexecd: --%s: out of memory\n",
		    d->name);
	else
		(void)fprintf(stderr,
		    "in.rexecd: --%s: bad value \"%s\" "
		    "(see --help)\n",
		    d->name, arg);
	exit(2);
}

/*
 * getopt_long()'s view of the option table: a long option's value is
 * its row plus 256, a short option's its letter; then --help and
 * --version.  Fills optstring with the letters.
 */
static const struct option *
getopt_table(char *optstring, size_t size)
{
	static struct option lo[64];
	size_t i, n = 0;

	if (options_count + 3 > sizeof(lo) / sizeof(lo[0]))
		abort();
	for (i = 0; i < options_count; i++) {
		lo[i].name = options_table[i].name;
		lo[i].has_arg = options_table[i].unit == OPTIONS_FLAG ?
		    no_argument :
		    required_argument;
		lo[i].flag = NULL;
		lo[i].val = options_table[i].letter != 0 ?
		    options_table[i].letter :
		    256 + (int)i;
		if (options_table[i].letter != 0 && n + 3 < size) {
			optstring[n++] = (char)options_table[i].letter;
			if (lo[i].has_arg == required_argument)
				optstring[n++] = ':';
		}
	}
	lo[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[i++] = (struct option){ "version", no_argument, NULL, 'V' };
	lo[i] = (struct option){ NULL, 0, NULL, 0 };
	(void)snprintf(optstring + n, size - n, "hV");
	return lo;
}

/* The table row getopt_long() returned ch for, or NULL. */
static const struct options_def *
option_row(int ch)
{
	size_t i;

	if (ch >= 256 && (size_t)(ch - 256) < options_count)
		return &options_table[ch - 256];
	for (i = 0; i < options_count; i++)
		if (ch != 0 && options_table[i].letter == ch)
			return &options_table[i];
	return NULL;
}

/* Reads the command line into o; exits on --help, --version and errors. */
static void
parse_args(int argc, char **argv, struct options *o)
{
	const struct option *lo;
	const struct options_def *d;
	enum options_error e;
	char optstring[32];
	int ch;

	lo = getopt_table(optstring, sizeof(optstring));
	while ((ch = getopt_long(argc, argv, optstring, lo, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			exit(0);
		}
		if (ch == 'V') {
			printf("in.rexecd (rexecd) %s\n", REXECD_VERSION);
			exit(0);
		}
		if ((d = option_row(ch)) == NULL) {
			usage(stderr);
			exit(2);
		}
		if ((e = options_set(o, d, optarg)) != OPTIONS_OK)
			bad_option(d, optarg, e);
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
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
	static struct options opts;
	struct listen_set ls = { .n = 0 };
	int i, sock, listening;

	options_defaults(&opts);
	parse_args(argc, argv, &opts);
	if (netio_std_fds() == -1)
		return 1;
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
			session_run(sock, &opts, -1, 0);
		if (fcntl(sock, F_SETFL, O_NONBLOCK) == -1)
			fatal("O_NONBLOCK");
		ls.fd[ls.n++] = sock;
	}
	listener_run(&ls, &opts);
}
