/* cmd_xconf.c - the check-pattern and locate commands: a search rule
 * pattern against an alias, and the search rules of a dump run for one;
 * two entries sharing their messages and the loading of a dump. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "srule.h"
#include "text.h"
#include "xconf.h"
#include "xmem.h"

/* Exit codes shared by both commands. */
enum { EXIT_HIT = 0, EXIT_MISS = 1, EXIT_USAGE = 2 };

static const char check_usage[] =
    "usage: xwtrace check-pattern --alias ALIAS --type exact|prefix|suffix|regex\n"
    "           --pattern STRING [--behavior leave|strip|replace] [--replace STRING]\n"
    "           [--xconfig FILE]\n"
    "Tests a search rule pattern against an alias, like Maintenance > Tools > Check\n"
    "pattern on the Expressway. Regex patterns must match the whole alias; matching\n"
    "ignores case. --xconfig supplies the SIP domains for %localdomains%.\n"
    "Exit status: 0 matched, 1 did not match, 2 bad usage or a pattern error.\n";

static const char locate_usage[] =
    "usage: xwtrace locate --xconfig FILE --alias ALIAS [--source ZONE]\n"
    "Runs the search rules of an xConfiguration dump for ALIAS, like Maintenance >\n"
    "Tools > Locate: prints every rule in priority order and what it did, then the\n"
    "zone the call would go to. ZONE is a zone name (or number), DefaultZone or\n"
    "LocalZone; the default is DefaultZone, as on the Expressway.\n"
    "Exit status: 0 a target zone was found, 1 none, 2 bad usage.\n";

/* Returns EXIT_USAGE after printing one line: "xwtrace CMD: MSG[: ARG]". */
static int
usage_error(const char *cmd, const char *msg, const char *arg)
{
	struct sbuf b = {0};
	sbuf_printf(&b, "xwtrace %s: %s", cmd, msg);
	if (arg != NULL) {
		sbuf_puts(&b, ": ");
		text_safe(&b, arg, strlen(arg));
	}
	fprintf(stderr, "%s (try --help)\n", b.s);
	sbuf_free(&b);
	return EXIT_USAGE;
}

/* Returns nothing; appends s made terminal-safe ("(none)" for NULL). */
static void
put(struct sbuf *b, const char *s)
{
	if (s == NULL)
		s = "(none)";
	text_safe(b, s, strlen(s));
}

/* Returns nothing; appends label, then s made safe and quoted, and a
 * newline. */
static void
put_field(struct sbuf *b, const char *label, const char *s)
{
	sbuf_printf(b, "  %-9s '", label);
	put(b, s);
	sbuf_puts(b, "'\n");
}

/* What check-pattern was asked. */
struct check_args {
	const char *alias, *type, *pattern, *behavior, *replace, *xconfig;
	bool help;
};

static const struct option check_opts[] = {
	{"alias", required_argument, NULL, 'a'},
	{"type", required_argument, NULL, 't'},
	{"pattern", required_argument, NULL, 'p'},
	{"behavior", required_argument, NULL, 'b'},
	{"behaviour", required_argument, NULL, 'b'},
	{"replace", required_argument, NULL, 'r'},
	{"xconfig", required_argument, NULL, 'x'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Returns 0 after filling *a from the command line by e's options, or
 * EXIT_USAGE after printing why not. */
static int
check_parse(const struct cmd_entry *e, int argc, char **argv, struct check_args *a)
{
	int c;
	memset(a, 0, sizeof *a);
	optind = 0; /* the caller may have run getopt already */
	opterr = 0;
	while ((c = getopt_long(argc, argv, e->shortopts, e->options, NULL)) != -1) {
		switch (c) {
		case 'a': a->alias = optarg; break;
		case 't': a->type = optarg; break;
		case 'p': a->pattern = optarg; break;
		case 'b': a->behavior = optarg; break;
		case 'r': a->replace = optarg; break;
		case 'x': a->xconfig = optarg; break;
		case 'h': a->help = true; break;
		default:
			return usage_error("check-pattern", "unknown option or missing value",
			    argv[optind - 1]);
		}
	}
	if (a->help)
		return 0;
	if (optind < argc)
		return usage_error("check-pattern", "unexpected argument", argv[optind]);
	if (a->alias == NULL || a->type == NULL || a->pattern == NULL)
		return usage_error("check-pattern", "--alias, --type and --pattern are required", NULL);
	return 0;
}

/* Returns 0 after decoding type and behavior of a, or EXIT_USAGE. */
static int
check_decode(const struct check_args *a, enum srule_ptype *t, enum srule_behavior *b)
{
	if (srule_ptype_parse(a->type, t) != 0)
		return usage_error("check-pattern", "--type must be exact, prefix, suffix or regex",
		    a->type);
	*b = a->replace != NULL ? SRULE_REPLACE : SRULE_LEAVE;
	if (a->behavior != NULL && srule_behavior_parse(a->behavior, b) != 0)
		return usage_error("check-pattern", "--behavior must be leave, strip or replace",
		    a->behavior);
	if (a->replace != NULL && *b != SRULE_REPLACE)
		return usage_error("check-pattern", "--replace needs --behavior replace", NULL);
	return 0;
}

/* Returns the exit code after printing the check of a (decoded as t, b)
 * with the variables of x (may be NULL). */
static int
check_run(const struct check_args *a, enum srule_ptype t, enum srule_behavior b,
    const struct xconf *x)
{
	struct srule_vars v = {0};
	struct srule_err err = {.offset = -1};
	struct sbuf o = {0};
	if (x != NULL)
		xconf_vars(x, &v);
	struct srule_pattern *p = srule_compile(t, a->pattern, &v, &err);
	if (p == NULL) {
		sbuf_printf(&o, "xwtrace check-pattern: bad pattern: %s", err.msg);
		if (err.offset >= 0)
			sbuf_printf(&o, " at offset %ld%s", err.offset, err.expanded ? " of the expanded pattern" : "");
		fprintf(stderr, "%s\n", o.s);
		sbuf_free(&o);
		return EXIT_USAGE;
	}
	sbuf_puts(&o, "check pattern\n");
	put_field(&o, "alias:", a->alias);
	sbuf_printf(&o, "  %-9s %s\n", "type:", srule_ptype_name(t));
	put_field(&o, "pattern:", a->pattern);
	if (srule_has_vars(p))
		put_field(&o, "expanded:", srule_regex(p));
	if (srule_has_vars(p) && x == NULL)
		sbuf_puts(&o, "  note:     without --xconfig, %localdomains% and %ip% match nothing\n");
	sbuf_printf(&o, "  %-9s %s\n", "behavior:", srule_behavior_name(b));
	if (b == SRULE_REPLACE)
		put_field(&o, "replace:", a->replace != NULL ? a->replace : "");
	char *out = NULL;
	int m = srule_apply(p, a->alias, b, a->replace != NULL ? a->replace : "", &out, &err);
	int rc = m > 0 ? EXIT_HIT : m == 0 ? EXIT_MISS : EXIT_USAGE;
	if (m > 0) {
		sbuf_puts(&o, "result: succeeded, the alias matches\n");
		put_field(&o, "alias out:", out);
	} else if (m == 0) {
		sbuf_puts(&o, "result: failed, the alias does not match\n");
	} else {
		sbuf_puts(&o, "result: error, ");
		put(&o, err.msg);
		sbuf_puts(&o, "\n");
	}
	fputs(o.s, stdout);
	free(out);
	sbuf_free(&o);
	srule_free(p);
	return rc;
}

/* Returns 0 when an xconfig dump, if any, is loaded into *x, else
 * EXIT_USAGE after a message. */
static int
load_xconfig(const char *cmd, const char *path, struct xconf **x)
{
	char err[512];
	*x = NULL;
	if (path == NULL)
		return 0;
	*x = xconf_load(path, err, sizeof err);
	if (*x == NULL)
		return usage_error(cmd, "cannot read xconfig", err);
	return 0;
}

/* Returns the exit status of check-pattern: 0 matched, 1 not, 2 bad usage. */
static int
check_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct check_args a;
	enum srule_ptype t;
	enum srule_behavior b;
	struct xconf *x;
	if (check_parse(self, argc, argv, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		fputs(check_usage, stdout);
		return 0;
	}
	if (check_decode(&a, &t, &b) != 0 || load_xconfig("check-pattern", a.xconfig, &x) != 0)
		return EXIT_USAGE;
	int rc = check_run(&a, t, b, x);
	xconf_free(x);
	return rc;
}

/* What locate was asked. */
struct locate_args {
	const char *xconfig, *alias, *source;
	bool help;
};

static const struct option locate_opts[] = {
	{"xconfig", required_argument, NULL, 'x'},
	{"alias", required_argument, NULL, 'a'},
	{"source", required_argument, NULL, 's'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Returns 0 after filling *a from the command line by e's options, or
 * EXIT_USAGE. */
static int
locate_parse(const struct cmd_entry *e, int argc, char **argv, struct locate_args *a)
{
	int c;
	memset(a, 0, sizeof *a);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, e->shortopts, e->options, NULL)) != -1) {
		switch (c) {
		case 'x': a->xconfig = optarg; break;
		case 'a': a->alias = optarg; break;
		case 's': a->source = optarg; break;
		case 'h': a->help = true; break;
		default:
			return usage_error("locate", "unknown option or missing value", argv[optind - 1]);
		}
	}
	if (a->help)
		return 0;
	if (optind < argc)
		return usage_error("locate", "unexpected argument", argv[optind]);
	if (a->xconfig == NULL || a->alias == NULL)
		return usage_error("locate", "--xconfig and --alias are required", NULL);
	return 0;
}

/* Returns the canonical source name for s (pooled in x or static), or
 * NULL when no zone has that name or number. */
static const char *
resolve_source(const struct xconf *x, const char *s, const struct xconf_zone **zone)
{
	*zone = NULL;
	if (s == NULL || strcasecmp(s, "DefaultZone") == 0 || strcasecmp(s, "Default Zone") == 0)
		return "DefaultZone";
	if (strcasecmp(s, "LocalZone") == 0 || strcasecmp(s, "Local Zone") == 0)
		return "LocalZone";
	*zone = xconf_zone_by_name(x, s);
	if (*zone == NULL && s[0] != '\0' && strspn(s, "0123456789") == strlen(s) && strlen(s) < 9)
		*zone = xconf_zone_by_num(x, (unsigned)strtoul(s, NULL, 10));
	return *zone != NULL ? (*zone)->name.s : NULL;
}

/* Returns nothing; appends the header of a locate report. */
static void
locate_header(struct sbuf *o, const struct xconf *x, const struct srule_result *r,
    const struct xconf_zone *z)
{
	sbuf_puts(o, "locate '");
	put(o, r->alias);
	sbuf_puts(o, "' from '");
	put(o, r->source);
	if (z != NULL)
		sbuf_printf(o, "' (zone %u, %s)", z->num, xconf_zone_type_name(z->type));
	else
		sbuf_puts(o, "'");
	sbuf_puts(o, " over SIP in ");
	put(o, x->file);
	if (xconf_is_expressway_e(x) || xconf_is_expressway_c(x))
		sbuf_printf(o, " (%s)", model_role(xconf_is_expressway_e(x) ? ROLE_EXPRESSWAY_E
		    : ROLE_EXPRESSWAY_C)->label);
	sbuf_printf(o, ", %zu search rule%s\n", x->nrules, x->nrules == 1 ? "" : "s");
}

/* Returns nothing; appends one line per rule the search went through. */
static void
locate_steps(struct sbuf *o, const struct xconf *x, const struct srule_result *r)
{
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct srule_step *st = &r->steps[i];
		const struct xconf_rule *ru = &x->rules[st->index];
		sbuf_printf(o, "  priority %-5ld rule %-3u '", ru->sr.prio, ru->sr.num);
		put(o, ru->name.s);
		sbuf_puts(o, "': ");
		put(o, st->why);
		sbuf_puts(o, " [");
		put(o, x->file);
		sbuf_printf(o, ":%u]\n", ru->name.line ? ru->name.line : ru->first_line);
	}
}

/* Returns nothing; appends "zone 'T' (rule N 'name', priority P, stop)". */
static void
put_target(struct sbuf *o, const struct srule_step *st)
{
	sbuf_puts(o, "'");
	put(o, st->rule->target);
	sbuf_printf(o, "' (rule %u '", st->rule->num);
	put(o, st->rule->name);
	sbuf_printf(o, "', priority %ld, %s), alias '", st->rule->prio, st->stop ? "stop" : "continue");
	put(o, st->alias);
	sbuf_puts(o, "'\n");
}

/* Returns EXIT_HIT or EXIT_MISS after appending the result lines: the
 * first target, then the ones tried if a Continue target does not find
 * the alias. */
static int
locate_result(struct sbuf *o, const struct srule_result *r)
{
	if (r->first_match < 0) {
		sbuf_puts(o, "result: not found, no search rule matched\n");
		return EXIT_MISS;
	}
	sbuf_puts(o, "result: found, target zone ");
	put_target(o, &r->steps[r->first_match]);
	for (size_t i = (size_t)r->first_match + 1; i < r->nsteps; i++) {
		if (r->steps[i].verdict != SRULE_MATCHED)
			continue;
		sbuf_puts(o, "  then, if not found there: ");
		put_target(o, &r->steps[i]);
	}
	return EXIT_HIT;
}

/* Returns nothing; warns once on stderr when the dump had bad lines. */
static void
warn_problems(const struct xconf *x)
{
	if (x->nproblems == 0)
		return;
	struct sbuf b = {0};
	sbuf_puts(&b, "xwtrace locate: ");
	put(&b, x->file);
	sbuf_printf(&b, ":%u: %s (%zu line%s with problems)\n", x->problems[0].line,
	    x->problems[0].reason, x->nproblems, x->nproblems == 1 ? "" : "s");
	fputs(b.s, stderr);
	sbuf_free(&b);
}

/* Returns the exit status of locate: 0 a zone found, 1 none, 2 bad usage. */
static int
locate_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct locate_args a;
	struct xconf *x;
	const struct xconf_zone *z;
	if (locate_parse(self, argc, argv, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		fputs(locate_usage, stdout);
		return 0;
	}
	if (load_xconfig("locate", a.xconfig, &x) != 0)
		return EXIT_USAGE;
	const char *src = resolve_source(x, a.source, &z);
	if (src == NULL) {
		xconf_free(x);
		return usage_error("locate", "no zone of that name or number in the xconfig", a.source);
	}
	warn_problems(x);
	struct srule_result r;
	struct sbuf o = {0};
	xconf_search(x, a.alias, src, SRULE_PROTO_SIP, &r);
	locate_header(&o, x, &r, z);
	locate_steps(&o, x, &r);
	int rc = locate_result(&o, &r);
	fputs(o.s, stdout);
	sbuf_free(&o);
	srule_result_free(&r);
	xconf_free(x);
	return rc;
}

const struct cmd_entry cmd_check_pattern_entry = {
	.name = "check-pattern",
	.usage = "check-pattern --alias A --type regex|prefix|suffix|exact --pattern P\n"
	    "                      [--behavior leave|strip|replace --replace R]",
	.shortopts = "+h",
	.options = check_opts,
	.exec = check_exec,
};

const struct cmd_entry cmd_locate_entry = {
	.name = "locate",
	.usage = "locate --xconfig FILE --alias ALIAS [--source ZONE]",
	.shortopts = "+h",
	.options = locate_opts,
	.exec = locate_exec,
};
