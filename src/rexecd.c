/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rexecd.c: in.rexecd's main(), as root: a clean start whatever the
 * launcher left (startup.c), the command line (read through options.c's
 * table), the configuration file (config.c, whose keywords that are not
 * its own are options of the same table; the command line wins), -t and
 * -T, then one of two modes.  Without -l the connection is on descriptor
 * 0 (inetd, xinetd, systemd Accept=yes; or the one connected socket of
 * LISTEN_FDS) and this process serves it (session.c); with -l, or with
 * listening sockets from the service manager, it is the standalone
 * daemon (listener.c).
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl.h"
#include "config.h"
#include "journal.h"
#include "listen.h"
#include "listener.h"
#include "log.h"
#include "netio.h"
#include "options.h"
#include "preflight.h"
#include "proctitle.h"
#include "proto.h"
#include "record.h"
#include "session.h"
#include "settings.h"
#include "startup.h"

#ifndef REXECD_CONFIG /* the Makefile sets it from SYSCONFDIR */
#define REXECD_CONFIG "/etc/rexecd.conf"
#endif

static void
usage(FILE *f)
{
	/* the text as it is printed */
	/* clang-format off */
	(void)fprintf(f,
"usage: in.rexecd [-dtT] [-f FILE] [-C user=NAME,addr=ADDR] [-l ADDR:PORT]...\n"
"                 [--pam-service NAME] [--allow-root]\n"
"                 [--login-grace-time S] [--connect-timeout S]\n"
"                 [--fail-delay S] [--allow-low-ports] [--allow CIDR]...\n"
"                 [--deny CIDR]... [--max-startups START:RATE:FULL]\n"
"                 [--per-source-max N] [--max-sessions N]\n"
"                 [--penalty SPEC|off] [--penalty-exempt CIDR]...\n"
"                 [--max-untrusted-auths N] [--source-prefix V4:V6]\n"
"                 [--keepalive S] [--max-password-length N]\n"
"\n"
"Serves rexec (TCP port 512).  Without -l the connection is on standard\n"
"input (inetd, xinetd, systemd Accept=yes).\n"
"\n"
"  -d, --debug               log to stderr instead of syslog, with debug lines\n"
"  -f FILE                   configuration file (default: " REXECD_CONFIG ");\n"
"                            every long option is also a keyword there\n"
"                            (rexecd.conf(5)); the command line wins\n"
"  -t                        check the options, the file, the -l addresses\n"
"                            and the PAM service, then exit: 0 or 2\n"
"  -T                        print the effective settings, then exit\n"
"  -C user=NAME,addr=ADDR    with -T: as they apply to this user and address\n"
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
"      --keepalive S         probe a connection idle for S seconds, drop it\n"
"                            when 3 probes S/3 apart go unanswered; 0: off\n"
"                            (default: 60)\n"
"      --max-password-length N\n"
"                            longest password taken, up to 511 (default:\n"
"                            16, the protocol's)\n"
"\n"
"Address rules (CIDR: ADDR or ADDR/BITS, IPv4 or IPv6, v4-mapped is IPv4;\n"
"a link-local ADDR may name its link: fe80::1%%eth0, fe80::%%eth0/64),\n"
"checked before anything is read, in both modes:\n"
"      --allow CIDR          serve only addresses some --allow covers\n"
"                            (repeatable; default: every address)\n"
"      --deny CIDR           never serve these; wins over --allow\n"
"                            (repeatable; default: none)\n"
"\n"
"Standalone daemon only (a source is an address cut to --source-prefix):\n"
"      --source-prefix V4:V6 leading bits of an IPv4 and of an IPv6 address\n"
"                            that make one source (default: 32:128)\n"
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

/*
 * Where an option's value came from, for its error messages: "" for the
 * command line, "FILE:LINE: " for the configuration file, whose keyword
 * then names the option.
 */
static char where[CONFIG_ERR_MAX];
static const char *where_kw;

/* Standard input is a socket: inetd mode, where Listen does not apply. */
static int stdin_socket;
static const struct options *file_opts; /* while the file is read */

/*
 * Exits with status 2 and a message about an option: logged, and on
 * stderr unless stderr is the client's connection (inetd), where the
 * client gets one refusal line instead (startup_streams()).
 */
static _Noreturn void __attribute__((format(printf, 1, 2)))
option_exit(const char *fmt, ...)
{
	char msg[CONFIG_ERR_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fatal_conf("%s", msg);
}

/* Exits with the message for a value that option d does not take. */
static _Noreturn void
bad_option(const struct options_def *d, const char *arg, enum options_error e)
{
	char name[64];

	if (where_kw != NULL)
		(void)snprintf(name, sizeof(name), "%s", where_kw);
	else
		(void)snprintf(name, sizeof(name), "--%s", d->name);
	if (e == OPTIONS_ETOOMANY && where_kw == NULL)
		option_exit("too many -%c", d->letter);
	if (e == OPTIONS_ETOOMANY)
		option_exit("%stoo many %s", where, name);
	if (e == OPTIONS_ESECONDS)
		option_exit("%s%s: bad number of seconds \"%s\"", where, name,
		    arg);
	if (e == OPTIONS_ERULES)
		option_exit("%s%s: at most %d rules", where, name,
		    ACL_MAX_RULES);
	if (e == OPTIONS_ENOMEM)
		option_exit("%s%s: out of memory", where, name);
	option_exit("%s%s: bad value \"%s\" (see %s)", where, name, arg,
	    where_kw != NULL ? "rexecd.conf(5)" : "--help");
}

/*
 * An unknown option or one without its value, named (getopt's own
 * messages are off: under inetd, stderr is the client's connection).
 * A long option is shown without what follows its '='.
 */
static _Noreturn void
unknown_option(int ch, int argc, char **argv)
{
	const char *word = argv[optind > 1 && optind <= argc ? optind - 1 : 0];
	char opt[3] = { '-', (char)optopt, '\0' };
	int n;

	if (strncmp(word, "--", 2) != 0 && optopt > 0 && optopt < 128)
		word = opt;
	n = (int)strcspn(word, "=");
	if (ch == ':')
		option_exit("option %.*s needs a value (see --help)", n, word);
	option_exit("unknown option %.*s (see --help)", n, word);
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
	size_t i, n = 1;

	if (options_count + 3 > sizeof(lo) / sizeof(lo[0]))
		abort();
	optstring[0] = ':'; /* a missing value is told apart (getopt) */
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

/* Options given on the command line, by row of options_table: they win. */
static unsigned char cmdline_set[64];

/* What the command line asks for besides options. */
struct request {
	const char *file; /* -f, or NULL: the default, if it exists */
	int check, show;  /* -t, -T */
	const char *who;  /* -C */
};

/* Reads the command line into o and rq; exits on --help, --version and
 * errors. */
static void
parse_args(int argc, char **argv, struct options *o, struct request *rq)
{
	const struct option *lo;
	const struct options_def *d;
	enum options_error e;
	char optstring[48];
	int ch;

	lo = getopt_table(optstring, sizeof(optstring) - 8);
	(void)strncat(optstring, "f:tTC:", 7);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, lo, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			exit(0);
		}
		if (ch == 'V') {
			printf("in.rexecd (rexecd) %s\n", REXECD_VERSION);
			exit(0);
		}
		if (ch == 'f' || ch == 'C') {
			*(ch == 'f' ? &rq->file : &rq->who) = optarg;
			continue;
		}
		if (ch == 't' || ch == 'T') {
			*(ch == 't' ? &rq->check : &rq->show) = 1;
			continue;
		}
		if ((d = option_row(ch)) == NULL)
			unknown_option(ch, argc, argv);
		cmdline_set[d - options_table] = 1;
		if ((e = options_set(o, d, optarg)) != OPTIONS_OK)
			bad_option(d, optarg, e);
	}
	if (optind != argc)
		option_exit("unexpected argument \"%s\": in.rexecd takes only "
			    "options (see --help)",
		    argv[optind]);
}

/* Whether a file keyword names the long option name: case and '-' aside. */
static int
keyword_is(const char *kw, const char *name)
{
	for (;; kw++, name++) {
		while (*name == '-')
			name++;
		while (*kw == '-')
			kw++;
		if ((*kw | 0x20) != (*name | 0x20) || *kw == '\0' ||
		    *name == '\0')
			return *kw == '\0' && *name == '\0';
	}
}

/*
 * A keyword of the configuration file that is a command-line option
 * (config_load() calls it, in this process, while reading the file):
 * applied unless the command line gave the option.  A flag takes yes or
 * no.  Listen is ignored in inetd mode.
 */
static int
file_option(void *arg, const char *kw, const char *val, unsigned int lineno,
    char *err, size_t errlen)
{
	struct options *o = arg;
	const struct options_def *d = NULL;
	enum options_error e = OPTIONS_OK;
	size_t i;

	for (i = 0; i < options_count && d == NULL; i++)
		if (keyword_is(kw, options_table[i].name))
			d = &options_table[i];
	if (d == NULL)
		return -2;
	if (d->unit == OPTIONS_FLAG && strcmp(val, "yes") != 0 &&
	    strcmp(val, "no") != 0) {
		(void)snprintf(err, errlen, "%s: expected yes or no", kw);
		return -1;
	}
	if (cmdline_set[d - options_table] ||
	    (d->unit == OPTIONS_LISTEN && stdin_socket))
		return 0;
	(void)snprintf(where, sizeof(where), "%s:%u: ", o->config_path, lineno);
	where_kw = kw;
	if (d->unit == OPTIONS_FLAG)
		*(int *)(void *)((char *)o + d->field) =
		    strcmp(val, "yes") == 0;
	else if ((e = options_set(o, d, val)) != OPTIONS_OK)
		bad_option(d, val, e);
	where[0] = '\0';
	where_kw = NULL;
	return 0;
}

/*
 * Reads the configuration file (cheaply: inetd mode does it per
 * connection).  A missing default file is no error; a bad file ends the
 * program with "FILE:LINE: message" (option_exit()).
 */
static void
read_config(struct options *o, struct config *conf, const struct request *rq)
{
	char err[CONFIG_ERR_MAX];
	int type;
	socklen_t len = sizeof(type);

	stdin_socket = getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
	o->config_path = rq->file != NULL ? rq->file : REXECD_CONFIG;
	file_opts = o;
	if (config_load(conf, o->config_path, rq->file != NULL, file_option, o,
		err, sizeof(err)) == -1) {
		(void)snprintf(where, sizeof(where), "%s", o->config_path);
		option_exit("%s", err);
	}
	o->config = conf;
}

static int client_fd = -1; /* inetd mode: the connection, until served */

/*
 * Whether descriptor 2 is the socket on descriptor 0 (inetd and xinetd
 * give the connection as 0, 1 and 2): then nothing may be printed on it.
 */
static int
stderr_is_socket(void)
{
	struct stat s0, s2;

	return fstat(0, &s0) == 0 && fstat(2, &s2) == 0 &&
	    S_ISSOCK(s2.st_mode) && s0.st_dev == s2.st_dev &&
	    s0.st_ino == s2.st_ino;
}

/* Whether fd is a connected stream socket (inetd's connection). */
static int
is_connection(int fd)
{
	int type = 0, acc = 1;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return 0;
	len = sizeof(acc);
	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 &&
	    acc == 0;
}

/*
 * In inetd mode, when the server cannot start: the client gets one
 * refusal line instead of the reason (that is logged) or a usage text.
 */
static void
tell_client(void)
{
	char buf[PROTO_MSG_MAX + 2];
	size_t n;

	if (client_fd == -1)
		return;
	n = proto_format_refusal(buf, sizeof(buf), PROTO_TXT_UNAVAILABLE);
	(void)netio_write_all(client_fd, buf, n);
	netio_close_gently(client_fd, -1, 1000);
	client_fd = -1;
}

/*
 * Before the options are read: where a startup error can be told.  It
 * is always logged; it is printed on stderr too unless stderr is the
 * client's connection; an inetd client gets one refusal line.
 */
static void
startup_streams(void)
{
	if (netio_std_fds() == -1)
		exit(1);
	log_init("in.rexecd", 0);
	log_startup(!stderr_is_socket());
	if (is_connection(0)) {
		client_fd = 0;
		log_on_fatal(tell_client);
	}
}

/* From here on the connection (inetd) or the listener reports its own. */
static void
startup_done(void)
{
	log_on_fatal(NULL);
	log_startup(0);
	client_fd = -1;
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
		fatal_conf("no -l ADDR:PORT given and standard input is not a "
			   "socket: run me from inetd or systemd, or give -l "
			   "(see --help)");
	len = sizeof(acc);
	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == -1)
		fatal("SO_ACCEPTCONN");
	*listening = acc;
	if ((sock = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("descriptors");
	if (client_fd == 0)
		client_fd = sock;
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
	static struct config conf;
	struct request rq = { NULL, 0, 0, NULL };
	struct listen_set ls = { .n = 0 };
	int i, sock, listening, conn;

	argv = proctitle_init(argc, argv);
	startup_clean(listen_passed());
	startup_streams();
	options_defaults(&opts);
	parse_args(argc, argv, &opts, &rq);
	read_config(&opts, &conf, &rq);
	if (acl_source_prefix(opts.source_v4, opts.source_v6) == -1)
		fatalx("--source-prefix");
	if (rq.show)
		exit(settings_show(stdout, &opts, rq.who));
	if (rq.check)
		exit(preflight_run(&opts));
	if (rq.who != NULL) {
		(void)fprintf(stderr, "in.rexecd: -C needs -T\n");
		exit(2);
	}
	startup_rootdir();
	if (opts.debug && stderr_is_socket())
		opts.debug = 0; /* inetd: stderr is the client's connection */
	if (opts.debug)
		log_init("in.rexecd", 1);
	record_journal(getenv("REXECD_JOURNAL_SOCKET") != NULL ?
		getenv("REXECD_JOURNAL_SOCKET") :
		opts.debug ? NULL :
			     JOURNAL_SOCKET);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	if (listen_inherit(&ls, &conn) == -1)
		fatal("LISTEN_FDS");
	if (conn != -1) /* Accept=yes, the connection on descriptor 3 */
		session_run(conn, &opts, -1, 0);
	for (i = 0; i < opts.nlisten; i++)
		listen_open(&ls, opts.listen[i]);
	if (ls.n == 0) {
		sock = take_inetd_socket(&opts, &listening);
		if (!listening) {
			startup_done();
			session_run(sock, &opts, -1, 0);
		}
		if (fcntl(sock, F_SETFL, O_NONBLOCK) == -1)
			fatal("O_NONBLOCK");
		ls.fd[ls.n++] = sock;
	}
	listener_run(&ls, &opts); /* it ends the startup messages once ready */
}
