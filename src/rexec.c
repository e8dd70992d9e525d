/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rexec.c: rexec(1), run one command on a host through its rexec
 * service.  This file reads the command line and runs the steps in
 * order; see cli.h for where each step lives.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "num.h"

#ifndef REXECD_VERSION
#define REXECD_VERSION "unknown"
#endif

enum { OPT_HELP = 256, OPT_VERSION, OPT_PASSFILE, OPT_OLD };

static const char usage_text[] =
    "usage: rexec [-nNS] [-4 | -6] [-l user] [-p port] [-t seconds]\n"
    "             [--password-file file] host command [arg ...]\n";

static const char help_text[] =
    "Run a command on host through its rexec service (TCP port 512).\n"
    "\n"
    "  -4, -6          use IPv4 only, or IPv6 only\n"
    "  -l user         remote user name (default: the ~/.netrc login for\n"
    "                  host, else the local login name)\n"
    "  -n              send no stdin: the command reads end of file\n"
    "  -N              no stderr channel: the remote stderr comes with\n"
    "                  stdout, and signals are not forwarded\n"
    "  -p port         port number or service name (default 512)\n"
    "  -S              exit with the remote command's exit status\n"
    "  -t seconds      time limit for connecting, for the connect-back and\n"
    "                  for the server's reply; 0 for none (default 30)\n"
    "  --password-file file\n"
    "                  take the password from the first line of file\n"
    "  --help, --version\n"
    "\n"
    "User: -l, $REXEC_USER, the ~/.netrc login, the local login name.\n"
    "Password sources, first found: --password-file, $REXEC_PASSWORD,\n"
    "$REXEC_PASS, ~/.netrc (mode 0600 only), a prompt when stdin is a\n"
    "terminal.  -p is the port, never the password.\n"
    "\n"
    "Exit status: 0 success (with -S: the remote status), 1 refused by\n"
    "the server, 2 usage error or no usable credentials, 3 connection,\n"
    "timeout or protocol failure, 4 with -S: the status did not arrive.\n";

static _Noreturn void
usage(const char *why)
{
	if (why != NULL)
		cli_msg_warnx("%s", why);
	(void)fputs(usage_text, stderr);
	exit(CLI_EXIT_USAGE);
}

/*
 * What the options of the two historical Linux clients are here: the
 * rexec of RHEL's rsh package and GNU inetutils' rexec (see the table in
 * rexec(1)).  Their -l, -4 and -6 are the same here; -n and -p are not.
 */
static const struct {
	const char *opt, *hint;
} old_options[] = {
	{ "-a", "no stderr channel (RHEL) is -N here" },
	{ "-c", "not available here: stdin's end is always passed on" },
	{ "-d", "not available here" },
	{ "-h", "is --help here; the host is the first operand" },
	{ "-s", "no signal forwarding (RHEL): -N, or -n" },
	{ "-e", "not available here: the system picks the stderr port" },
	{ "-P", "the port (inetutils) is -p here" },
	{ "-u", "the user (inetutils) is -l here" },
	{ "--user", "is -l here" },
	{ "--password", "see --password-file, REXEC_PASS and ~/.netrc" },
	{ "--host", "the host is the first operand here" },
	{ "--port", "is -p here" },
	{ "--noerr", "is -N here" },
	{ "--error", "not available here: the system picks the stderr port" },
	{ "--ipany", "the default here" },
	{ "--ipv4", "is -4 here" },
	{ "--ipv6", "is -6 here" },
};

/* For an option of a historical client: what to use here, or NULL. */
static const char *
old_option_hint(const char *opt)
{
	size_t i, n = strcspn(opt, "=");

	for (i = 0; i < sizeof(old_options) / sizeof(old_options[0]); i++)
		if (strlen(old_options[i].opt) == n &&
		    strncmp(old_options[i].opt, opt, n) == 0)
			return old_options[i].hint;
	return NULL;
}

/* Reports an unknown option or a missing argument, then exits. */
static _Noreturn void
bad_option(int ch, const char *word)
{
	char opt[3] = { '-', (char)optopt, '\0' };
	int is_long = ch == OPT_OLD || optopt == 0 || optopt >= OPT_HELP;
	const char *hint;

	if (ch == ':')
		cli_msg_warnx("%s: needs an argument", is_long ? word : opt);
	else if (!is_long)
		cli_msg_warnx("%s: unknown option", opt);
	else if (optopt != 0 && ch != OPT_OLD)
		cli_msg_warnx("%s: takes no argument", word);
	else
		cli_msg_warnx("%.*s: unknown option", (int)strcspn(word, "="),
		    word);
	if (ch != ':' && (hint = old_option_hint(is_long ? word : opt)) != NULL)
		cli_msg_warnx("%.*s of the older rexec clients: %s",
		    (int)strcspn(is_long ? word : opt, "="),
		    is_long ? word : opt, hint);
	usage(NULL);
}

/* Scripts for the older clients give the password with -p. */
#define NOT_A_PORT                                                             \
	"-p: not a port number (1-65535) or TCP service name.  -p is the "     \
	"port here, not the password (as in older rexec clients): give the "   \
	"password with --password-file FILE, REXEC_PASS in the environment, "  \
	"~/.netrc, or at the prompt"

/* Turns -p's argument (a number or a TCP service name) into digits. */
static const char *
port_arg(const char *s)
{
	static char buf[8];
	struct servent *se;
	unsigned int v;

	if (*s >= '0' && *s <= '9') {
		if (num_port(s, &v) == -1)
			usage(NOT_A_PORT);
	} else {
		if ((se = getservbyname(s, "tcp")) == NULL)
			usage(NOT_A_PORT);
		v = ntohs((unsigned short)se->s_port);
	}
	(void)snprintf(buf, sizeof(buf), "%u", v);
	return buf;
}

/* Joins the words after the host with single spaces, as rsh(1) does. */
static char *
join_words(int argc, char **argv)
{
	size_t size = 1, off = 0, n;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		size += strlen(argv[i]) + 1;
	if ((s = malloc(size)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			s[off++] = ' ';
		n = strlen(argv[i]);
		memcpy(s + off, argv[i], n);
		off += n;
	}
	s[off] = '\0';
	return s;
}

/* Applies one option from getopt_long to o; exits on the ones that end. */
static void
set_option(int ch, struct cli_opts *o, char **argv)
{
	unsigned long secs;

	switch (ch) {
	case '4':
	case '6':
		if (o->family != AF_UNSPEC)
			usage("-4 and -6 exclude each other");
		o->family = ch == '4' ? AF_INET : AF_INET6;
		break;
	case 'l':
		if (*optarg == '\0')
			usage("-l: empty user name");
		o->user = optarg;
		break;
	case 'n':
		o->nostdin = 1;
		break;
	case 'N':
		o->nostderr = 1;
		break;
	case 'p':
		o->port = port_arg(optarg);
		break;
	case 'S':
		o->status = 1;
		break;
	case 't':
		if (num_count(optarg, 0, 86400, &secs) == -1)
			usage("-t: not a number of seconds (0-86400)");
		o->timeout = (int)secs;
		break;
	case OPT_PASSFILE:
		o->passfile = optarg;
		break;
	case OPT_HELP:
		(void)fputs(usage_text, stdout);
		(void)fputs(help_text, stdout);
		exit(CLI_EXIT_OK);
	case OPT_VERSION:
		printf("rexec (rexecd) %s\n", REXECD_VERSION);
		exit(CLI_EXIT_OK);
	default:
		bad_option(ch, argv[optind - 1]);
	}
}

/* Reads the command line into o; exits on --help, --version and errors. */
static void
parse_args(int argc, char **argv, struct cli_opts *o)
{
	static const struct option longopts[] = { { "help", no_argument, NULL,
						      OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "password-file", required_argument, NULL, OPT_PASSFILE },
		/* GNU inetutils' options: named, so that no abbreviation
		 * of ours (--password for --password-file) takes them */
		{ "password", optional_argument, NULL, OPT_OLD },
		{ "user", optional_argument, NULL, OPT_OLD },
		{ "host", optional_argument, NULL, OPT_OLD },
		{ "port", optional_argument, NULL, OPT_OLD },
		{ "noerr", optional_argument, NULL, OPT_OLD },
		{ "error", optional_argument, NULL, OPT_OLD },
		{ "ipany", optional_argument, NULL, OPT_OLD },
		{ "ipv4", optional_argument, NULL, OPT_OLD },
		{ "ipv6", optional_argument, NULL, OPT_OLD },
		{ NULL, 0, NULL, 0 } };
	int ch;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	o->family = AF_UNSPEC;
	o->port = PROTO_DEFAULT_PORT;
	o->timeout = CLI_DEFAULT_TIMEOUT;
	while ((ch = getopt_long(argc, argv, "+:46l:nNp:St:", longopts,
		    NULL)) != -1)
		set_option(ch, o, argv);
	o->timeout_ms = o->timeout > 0 ? o->timeout * 1000L : -1;
	if (argc - optind < 2)
		usage(argc - optind < 1 ? "no host" : "no command");
	o->host = argv[optind];
	if (*o->host == '\0')
		usage("empty host name");
	o->command = join_words(argc - optind - 1, argv + optind + 1);
	if (o->command == NULL) {
		cli_msg_warn("malloc");
		exit(CLI_EXIT_USAGE);
	}
	if (o->command[0] == '\0')
		usage("empty command");
}

/* With -S, replaces the command by its wrapped form. */
static void
wrap_command(struct cli_opts *o, struct cli_status *st)
{
	char *wrapped;

	if (cli_status_init(st) == -1) {
		cli_msg_warn("getrandom");
		exit(CLI_EXIT_USAGE);
	}
	if ((wrapped = cli_status_wrap(st, o->command)) == NULL) {
		cli_msg_warn("malloc");
		exit(CLI_EXIT_USAGE);
	}
	free(o->command);
	o->command = wrapped;
}

/* The exit status once the pump is over (see rexec(1), EXIT STATUS). */
static int
final_status(const struct cli_opts *o, const struct cli_status *st,
    const struct cli_io_result *res, int pump_rv)
{
	if (res->ended_by != 0) {
		cli_sig_restore();
		(void)raise(res->ended_by);
		return CLI_EXIT_SIGNAL + res->ended_by;
	}
	if (pump_rv == -1 || res->lost)
		return CLI_EXIT_CONN;
	if (!o->status)
		return CLI_EXIT_OK;
	if (st->code >= 0)
		return st->code;
	if (res->forwarded != 0)
		return CLI_EXIT_SIGNAL + res->forwarded;
	cli_msg_warnx("%s: the remote command's exit status did not arrive",
	    o->host);
	return CLI_EXIT_NOSTATUS;
}

/* Runs the steps in order; returns the exit status. */
static int
run(struct cli_opts *o)
{
	static struct cli_creds creds;
	static struct cli_status st;
	struct cli_conn c;
	struct cli_early early;
	struct cli_io_result res;
	int code, rv;

	if (o->status)
		wrap_command(o, &st);
	if (strlen(o->command) > PROTO_CMD_MAX) {
		cli_msg_warnx("command too long (at most %d bytes%s)",
		    PROTO_CMD_MAX, o->status ? ", with the -S wrapper" : "");
		return CLI_EXIT_USAGE;
	}
	if (cli_creds_get(o, &creds) == -1)
		return CLI_EXIT_USAGE;
	if (cli_conn_open(o, &c) == -1) {
		cli_creds_wipe(&creds);
		return CLI_EXIT_CONN;
	}
	code = cli_handshake(o, &c, &creds, &early);
	if (code == CLI_EXIT_OK) {
		rv = cli_io_pump(o, &c, &early, o->status ? &st : NULL, &res);
		code = final_status(o, &st, &res, rv);
	}
	close(c.fd);
	if (c.errfd != -1)
		close(c.errfd);
	return code;
}

int
main(int argc, char **argv)
{
	struct cli_opts o;
	int code;

	if (netio_std_fds() == -1)
		return CLI_EXIT_USAGE;
	(void)signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv, &o);
	code = run(&o);
	free(o.command);
	return code;
}
