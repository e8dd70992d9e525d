/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options.h: the server's options, and the one table that defines them:
 * name, letter, unit and the field each one sets.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stddef.h>

#include "acl.h"
#include "connlimit.h"
#include "penalty.h"

#define OPTIONS_MAX_LISTEN 16

struct config;

/*
 * The settings of the whole server.  Each row of options_table is also a
 * keyword of the configuration file (rexecd.c's file_option()) and a
 * line of -T (settings.c).
 */
struct options {
	const char *pam_service;	   /* --pam-service, default "rexec" */
	int allow_root;			   /* --allow-root */
	int check_shell;		   /* --check-shell: /etc/shells */
	int allow_low_ports;		   /* --allow-low-ports */
	int debug;			   /* -d: log to stderr */
	long grace_ms;			   /* --login-grace-time */
	long connect_ms;		   /* --connect-timeout */
	long fail_delay_ms;		   /* --fail-delay */
	unsigned int keepalive_s;	   /* --keepalive, 0: off */
	unsigned int max_pass;		   /* --max-password-length */
	unsigned int source_v4, source_v6; /* --source-prefix V4:V6 */
	int nlisten;			   /* -l given: standalone mode */
	const char *listen[OPTIONS_MAX_LISTEN];
	struct acl allow, deny;	      /* --allow, --deny */
	struct connlimit_opts limits; /* --max-startups, --per-source-max... */
	struct penalty_opts penalty;  /* --penalty, --penalty-exempt */
	const char *config_path;      /* -f, or the default */
	const struct config *config;  /* the file: per-session keywords */
};

/* What an option's value is, and how it is read. */
enum options_unit {
	OPTIONS_FLAG,	  /* no value: the int field becomes 1 */
	OPTIONS_STRING,	  /* kept as given (const char *) */
	OPTIONS_SECONDS,  /* seconds with decimals, stored as long ms */
	OPTIONS_COUNT,	  /* plain digits, stored as unsigned int */
	OPTIONS_CIDR,	  /* an address rule appended to a struct acl */
	OPTIONS_LISTEN,	  /* ADDR:PORT appended to listen[] */
	OPTIONS_STARTUPS, /* START:RATE:FULL or N (connlimit.c) */
	OPTIONS_PENALTY,  /* KEY:SECONDS,... or off (penalty.c) */
	OPTIONS_PREFIX	  /* V4:V6 into source_v4 and source_v6 (acl.c) */
};

/*
 * One option.  A row is all there is to an option apart from its line in
 * --help: the command line is built from the table, and so can any
 * other source of options (a keyword per row).
 */
struct options_def {
	const char *name; /* the long option, without "--" */
	int letter;	  /* the short option, or 0 */
	enum options_unit unit;
	size_t field;		/* offsetof(struct options, ...) */
	unsigned long min, max; /* COUNT: range; SECONDS: least ms, most s */
};

enum options_error {
	OPTIONS_OK,
	OPTIONS_EVALUE,	  /* not a value of the option's unit */
	OPTIONS_ESECONDS, /* not a number of seconds in range */
	OPTIONS_ETOOMANY, /* more -l than OPTIONS_MAX_LISTEN */
	OPTIONS_ERULES,	  /* more address rules than ACL_MAX_RULES */
	OPTIONS_ENOMEM
};

extern const struct options_def options_table[];
extern const size_t options_count;

void options_defaults(struct options *);
enum options_error
options_set(struct options *, const struct options_def *, const char *);

#endif
