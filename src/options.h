/* options.h: the server's options, filled by main() from the command line. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include "acl.h"
#include "connlimit.h"
#include "penalty.h"

#define OPTIONS_MAX_LISTEN 16

struct options {
	const char *pam_service;   /* --pam-service, default "rexec" */
	int allow_root;		   /* --allow-root */
	int allow_low_ports;	   /* --allow-low-ports */
	int debug;		   /* -d: log to stderr */
	long grace_ms;		   /* --login-grace-time */
	long connect_ms;	   /* --connect-timeout */
	long fail_delay_ms;	   /* --fail-delay */
	int nlisten;		   /* -l given: standalone mode */
	const char *listen[OPTIONS_MAX_LISTEN];
	struct acl allow, deny;	   /* --allow, --deny */
	struct connlimit_opts limits; /* --max-startups, --per-source-max... */
	struct penalty_opts penalty; /* --penalty, --penalty-exempt */
};

#endif
