/* cmd_common.c - what the commands share: the common options, loading the
 * logs, and reporting what was skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "log_format.h"
#include "text.h"

#define MAX_REPORTED 10 /* problems printed per file before a summary */

/* getopt_long's values of the common options that have no letter. */
enum { OPT_ROLE = 256, OPT_XCONFIG, OPT_NO_COLOR, OPT_WIDTH, OPT_WIDE, OPT_COLOR };

/* The common options: each command takes those its entry's .common names
 * (help: every command); the others are known, to be refused by name.
 * More options are rows here: a bit in cmd.h, a case in common_set. */
static const struct {
	unsigned bit;           /* 0: every command takes it */
	struct option opt;
	const char *arg;        /* the value's name in --help, or NULL */
	const char *what;       /* its line of --help */
} common_opts[] = {
	{CMD_JSON, {"json", no_argument, NULL, 'j'}, NULL, "write JSON instead of text"},
	{CMD_ALL, {"all", no_argument, NULL, 'a'}, NULL,
	    "include the calls that are only OPTIONS keepalives"},
	{CMD_ROLE, {"role", required_argument, NULL, OPT_ROLE}, "HOST=c|e|cucm|capture",
	    "take HOST (as its log names it) for that role; repeatable"},
	{CMD_XCONFIG, {"xconfig", required_argument, NULL, OPT_XCONFIG}, "FILE",
	    "an xConfiguration dump to lint and to check calls against; repeatable"},
	{CMD_NO_COLOR, {"no-color", no_argument, NULL, OPT_NO_COLOR}, NULL,
	    "no colours (as with NO_COLOR set)"},
	{CMD_QUIET, {"quiet", no_argument, NULL, 'q'}, NULL,
	    "do not report skipped, repaired or ignored input on stderr"},
	{CMD_WIDTH, {"width", required_argument, NULL, OPT_WIDTH}, "N",
	    "fit the output to N columns (default: the terminal's, else COLUMNS, else 80)"},
	{CMD_WIDTH, {"wide", no_argument, NULL, OPT_WIDE}, NULL,
	    "the full layout, whatever the width"},
	{CMD_COLOR, {"color", required_argument, NULL, OPT_COLOR}, "WHEN",
	    "colour the output: auto (a terminal, NO_COLOR unset), always or never"},
	{0, {"help", no_argument, NULL, 'h'}, NULL, "print this help and exit"},
};

#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

/* Returns a new getopt_long table (the caller frees it): e's own rows, then
 * every common row (those e does not take are refused by cmd_parse), then
 * the end row. */
static struct option *
options_of(const struct cmd_entry *e)
{
	size_t nown = 0, n = 0;
	while (e->options != NULL && e->options[nown].name != NULL)
		nown++;
	struct option *v = xcalloc(nown + NCOMMON + 1, sizeof *v);
	for (size_t i = 0; i < nown; i++)
		v[n++] = e->options[i];
	for (size_t i = 0; i < NCOMMON; i++)
		v[n++] = common_opts[i].opt;
	return v;
}

/* Returns e's getopt letters with every common row's letter added (the
 * caller frees it). */
static char *
letters_of(const struct cmd_entry *e)
{
	struct sbuf b = {0};
	sbuf_puts(&b, e->shortopts != NULL ? e->shortopts : "");
	for (size_t i = 0; i < NCOMMON; i++) {
		int c = common_opts[i].opt.val;
		if (c < 256 && strchr(b.s, c) == NULL) {
			char l[3] = {(char)c, common_opts[i].opt.has_arg ? ':' : '\0', '\0'};
			sbuf_puts(&b, l);
		}
	}
	return sbuf_take(&b);
}

/* Returns the common row whose getopt value is c, or NULL. */
static int
common_row(int c)
{
	for (size_t i = 0; i < NCOMMON; i++)
		if (common_opts[i].opt.val == c)
			return (int)i;
	return -1;
}

/* Returns true after storing --width N; a bad N sets co->bad_value. */
static bool
set_width(struct cmd_common *co, const char *arg)
{
	char *end;
	long w = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || w < 20 || w > 100000) {
		fprintf(stderr, "xwtrace: --width wants a number of columns from 20 up, not '");
		text_fputs(stderr, arg);
		fputs("'\n", stderr);
		co->bad_value = true;
	}
	co->width = (int)w;
	return true;
}

/* Returns true after storing --color WHEN; a bad WHEN sets co->bad_value. */
static bool
set_color(struct cmd_common *co, const char *arg)
{
	static const char *const when[] = {[CMD_COLOR_AUTO] = "auto",
	    [CMD_COLOR_ALWAYS] = "always", [CMD_COLOR_NEVER] = "never"};
	for (size_t i = 0; i < sizeof when / sizeof when[0]; i++)
		if (strcmp(arg, when[i]) == 0) {
			co->color = (enum cmd_color)i;
			return true;
		}
	fprintf(stderr, "xwtrace: --color wants auto, always or never, not '");
	text_fputs(stderr, arg);
	fputs("'\n", stderr);
	co->bad_value = true;
	return true;
}

/* Returns true after storing common option c (a getopt_long value) in co;
 * false when c is none of them. */
static bool
common_set(struct cmd_common *co, int c, char *arg)
{
	switch (c) {
	case 'j': co->json = true; return true;
	case 'a': co->all = true; return true;
	case 'q': co->quiet = true; return true;
	case OPT_ROLE: VEC_PUSH(co->roles, co->nroles, co->rolecap, arg); return true;
	case OPT_XCONFIG: VEC_PUSH(co->xconfigs, co->nxconfigs, co->xconfigcap, arg); return true;
	case OPT_NO_COLOR: co->no_color = true; return true;
	case OPT_WIDTH: return set_width(co, arg);
	case OPT_WIDE: co->wide = true; return true;
	case OPT_COLOR: return set_color(co, arg);
	default: return false;
	}
}

/* Returns true when one of e's own rows has getopt value c. */
static bool
own_takes(const struct cmd_entry *e, int c)
{
	for (size_t i = 0; e->options != NULL && e->options[i].name != NULL; i++)
		if (e->options[i].val == c)
			return true;
	return false;
}

/* Returns 2 after saying that common row i does not apply to e. */
static int
not_for(const struct cmd_entry *e, int i)
{
	const struct option *o = &common_opts[i].opt;
	char name[64];
	if (o->val < 256)
		snprintf(name, sizeof name, "-%c/--%s", o->val, o->name);
	else
		snprintf(name, sizeof name, "--%s", o->name);
	if (e->name != NULL)
		fprintf(stderr, "xwtrace %s: %s does not apply to %s (see xwtrace %s --help)\n",
		    e->name, name, e->name, e->name);
	else
		fprintf(stderr, "xwtrace: %s does not apply to browsing (see xwtrace --help)\n", name);
	return 2;
}

/* Returns 0 after parsing the command line by e's rows (see cmd.h). */
int
cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_common *co,
    cmd_own_fn own, void *arg)
{
	struct option *opts = options_of(e);
	char *letters = letters_of(e);
	int c, rc = 0, row;
	optind = 1;
	opterr = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, letters, opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			fprintf(stderr, "(see xwtrace %s --help)\n", e->name != NULL ? e->name : "");
			rc = 2; /* getopt_long said why */
		} else if ((row = common_row(c)) >= 0 && common_opts[row].bit != 0 &&
		    !(e->common & common_opts[row].bit) && !own_takes(e, c)) {
			rc = not_for(e, row);
		} else if (c == 'h') {
			continue; /* answered before the command ran (cmd_help_asked) */
		} else if (!common_set(co, c, optarg)) {
			rc = own != NULL ? own(arg, c, optarg) : 2;
		}
		if (co->bad_value)
			rc = 2;
	}
	free(opts);
	free(letters);
	return rc;
}

/* Returns the width the output fits (see cmd.h). */
int
cmd_width(const struct cmd_common *co)
{
	struct winsize ws;
	if (co->wide)
		return 0;
	if (co->width > 0)
		return co->width;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < 20 ? 20 : ws.ws_col;
	const char *c = getenv("COLUMNS");
	long n = c != NULL ? strtol(c, NULL, 10) : 0;
	return n >= 20 && n <= 100000 ? (int)n : 80;
}

/* Returns true when the output gets colour (see cmd.h). */
bool
cmd_color(const struct cmd_common *co)
{
	if (co->color == CMD_COLOR_ALWAYS)
		return true;
	if (co->color == CMD_COLOR_NEVER || co->no_color)
		return false;
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0') &&
	    (term == NULL || strcmp(term, "dumb") != 0);
}

/* Returns true when the argument arg is a common option whose value is the
 * next argument ("--role HOST=e"; "--role=HOST=e" holds its own). */
bool
cmd_common_takes_value(const char *arg)
{
	for (size_t i = 0; i < NCOMMON; i++) {
		const struct option *o = &common_opts[i].opt;
		if (o->has_arg == no_argument)
			continue;
		if (arg[1] == '-' && strcmp(arg + 2, o->name) == 0)
			return true; /* "--role HOST=e"; "--role=HOST=e" holds its value */
		if (arg[1] != '-' && o->val < 256 && arg[1] == o->val && arg[2] == '\0')
			return true;
	}
	return false;
}

bool
cmd_help_asked(const struct cmd_entry *e, int argc, char **argv)
{
	for (size_t i = 0; e->options != NULL && e->options[i].name != NULL; i++)
		if (strcmp(e->options[i].name, "help") == 0)
			return false;
	struct option *opts = options_of(e);
	char *letters = letters_of(e);
	bool help = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, letters, opts, NULL)) != -1)
		help = help || c == 'h';
	optind = 1;
	opterr = 1;
	free(opts);
	free(letters);
	return help;
}

/* Returns nothing; appends the lines of --help for the common options e takes. */
void
cmd_common_help(const struct cmd_entry *e, struct sbuf *b)
{
	for (size_t i = 0; i < NCOMMON; i++) {
		const struct option *o = &common_opts[i].opt;
		if (common_opts[i].bit != 0 && !(e->common & common_opts[i].bit))
			continue;
		char head[64];
		const char *arg = common_opts[i].arg;
		if (o->val < 256)
			snprintf(head, sizeof head, "-%c, --%s%s%s", o->val, o->name, arg ? " " : "",
			    arg ? arg : "");
		else
			snprintf(head, sizeof head, "    --%s%s%s", o->name, arg ? " " : "", arg ? arg : "");
		sbuf_printf(b, "  %-30s %s\n", head, common_opts[i].what);
	}
}

/* Prints err on stderr, terminal-safe. */
void
cmd_error(const char *err)
{
	fputs("xwtrace: ", stderr);
	text_fputs(stderr, err);
	fputc('\n', stderr);
}

/* Returns 0 after loading each --xconfig FILE of o as an xConfiguration
 * dump into m (m->xconfigs, with the dumps its logs hold); -1 with err
 * saying what a file that is no dump looks like. */
static int
load_dumps(struct model *m, const struct cmd_common *o, char *err, size_t errlen)
{
	char why[1024];
	for (size_t i = 0; i < o->nxconfigs; i++)
		if (log_load_as(m, o->xconfigs[i], "xconfig", why, sizeof why) < 0) {
			snprintf(err, errlen, "--xconfig %s", why);
			return -1;
		}
	return 0;
}

/* Returns 0 when the HOST of every --role HOST=ROLE is a host the inputs
 * name; -1 with err listing those they do (a misspelt host would be taken
 * for a new one and the override would do nothing). */
static int
check_roles(const struct model *m, const struct cmd_common *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < o->nroles; i++) {
		const char *r = o->roles[i], *eq = strrchr(r, '=');
		if (eq == NULL || eq == r)
			continue; /* malformed: correlation says how */
		size_t n = (size_t)(eq - r), h;
		for (h = 0; h < m->nhosts; h++)
			if (strlen(m->hosts[h].name) == n && memcmp(m->hosts[h].name, r, n) == 0)
				break;
		if (h < m->nhosts)
			continue;
		struct sbuf b = {0};
		for (h = 0; h < m->nhosts && h < 8; h++)
			sbuf_printf(&b, "%s%s", h ? ", " : "", m->hosts[h].name);
		snprintf(err, errlen, "--role %s: no host '%.*s' in the input (%s%s)", r, (int)n, r,
		    m->nhosts ? "its hosts: " : "it names no host", b.s ? b.s : "");
		sbuf_free(&b);
		return -1;
	}
	return 0;
}

/* Returns true when the model holds something the command can use: a SIP
 * message, a log event or a captured connection on a SIP port, or, for
 * diagnose, an xConfiguration dump or a certificate. */
static bool
usable(const struct model *m, const struct cmd_common *o)
{
	return m->nmsgs > 0 || m->nevents > 0 || m->wire.nconns > 0 ||
	    (o->dumps_suffice && (m->nxconfigs > 0 || m->wire.ncerts > 0));
}

/* Returns nothing; appends what file f looked like, when nothing of it
 * could be used. */
static void
describe(const struct log_file *f, const struct cmd_common *o, struct sbuf *b)
{
	const char *what = f->fmt != NULL ? f->fmt->what : "file";
	if (f->ignored != NULL)
		sbuf_puts(b, f->ignored);
	else if (f->fmt != NULL && f->fmt->scan == NULL)
		sbuf_printf(b, "%s%s", what, o->dumps_suffice ? "" : ", which holds no calls "
		    "(xwtrace diagnose lints it)");
	else if (f->blocks_seen > f->blocks_read)
		sbuf_printf(b, "%s whose %u %s%s could not be read (see above)", what,
		    f->blocks_seen, log_file_block(f), f->blocks_seen == 1 ? "" : "s");
	else
		sbuf_printf(b, "%s with no SIP message, INFO summary, diagnostic event or connection "
		    "on a SIP port in it", what);
}

/* Returns -1 with err saying that nothing in m is usable and what each
 * input looked like (a few of them, on one line). */
static int
nothing_usable(const struct model *m, const struct cmd_common *o, char *err, size_t errlen)
{
	struct sbuf b = {0};
	sbuf_puts(&b, "nothing usable in the input");
	if (m->nfiles == 0)
		sbuf_puts(&b, ": no file in it");
	for (size_t i = 0; i < m->nfiles && i < 6; i++) {
		sbuf_printf(&b, "%s%s: ", i ? "; " : ": ", m->files[i].path);
		describe(&m->files[i], o, &b);
	}
	if (m->nfiles > 6)
		sbuf_printf(&b, "; and %zu more files", m->nfiles - 6);
	snprintf(err, errlen, "%s", b.s);
	sbuf_free(&b);
	return -1;
}

/* Orders indices into the paths (arg) by path, then by place. */
static int
path_cmp(const void *a, const void *b, void *arg)
{
	char **paths = arg;
	int x = *(const int *)a, y = *(const int *)b, c = strcmp(paths[x], paths[y]);
	return c != 0 ? c : x - y;
}

/* Returns 0 after reading the paths in path order, as a directory's are:
 * whatever order they were named in, the model and every output are the
 * same; -1 with err, or 1 when step cancelled. */
static int
load_paths(struct model *m, char **paths, int npaths, cmd_step_fn step, void *arg,
    char *err, size_t errlen)
{
	int *ord = xcalloc((size_t)npaths + 1, sizeof *ord), rc = 0;
	for (int i = 0; i < npaths; i++)
		ord[i] = i;
	qsort_r(ord, (size_t)npaths, sizeof *ord, path_cmp, paths);
	for (int k = 0; k < npaths && rc == 0; k++) {
		int i = ord[k];
		rc = step != NULL && !step(arg, 0, i) ? 1
		    : log_load(m, paths[i], err, errlen) < 0 ? -1 : 0;
	}
	free(ord);
	return rc;
}

/* Returns 0 after loading, correlating and diagnosing (see cmd.h). */
int
cmd_load_steps(struct model *m, char **paths, int npaths, struct cmd_common *o,
    cmd_step_fn step, void *arg, char *err, size_t errlen)
{
	if (load_dumps(m, o, err, errlen) < 0)
		return -1;
	int rc = load_paths(m, paths, npaths, step, arg, err, errlen);
	if (rc != 0)
		return rc;
	if (!usable(m, o))
		return nothing_usable(m, o, err, errlen);
	if (check_roles(m, o, err, errlen) < 0)
		return -1;
	if (step != NULL && !step(arg, 1, npaths))
		return 1;
	struct corr_opts co = {o->roles, o->nroles};
	if (corr_build(m, &co, err, errlen) < 0)
		return -1;
	if (step != NULL && !step(arg, 2, npaths))
		return 1;
	if (diag_run(m, NULL, 0, &o->diag, err, errlen) < 0)
		return -1;
	log_note_shrunk(m); /* a file cut while correlation or diagnosis read it */
	return 0;
}

static void report(const struct model *m, FILE *fp, bool account);

/* Returns the loaded model, or NULL after one line on stderr (and the
 * report of what was read, when something was). */
struct model *
cmd_load(char **paths, int npaths, struct cmd_common *o)
{
	char err[2048];
	if (npaths <= 0) {
		fprintf(stderr, "xwtrace: no log given (see xwtrace --help)\n");
		return NULL;
	}
	struct model *m = model_new();
	if (cmd_load_steps(m, paths, npaths, o, NULL, NULL, err, sizeof err) != 0) {
		if (!o->quiet) /* what was read before: the error says what each file was */
			report(m, stderr, false);
		cmd_error(err);
		model_free(m);
		return NULL;
	}
	if (!o->quiet)
		cmd_report_problems(m, stderr);
	return m;
}

/* Prints the account lines of file f when it was ignored or some of its
 * blocks were not read; *ignored counts the ignored files printed. */
static void
report_account(const struct log_file *f, FILE *fp, size_t *ignored)
{
	if (f->ignored != NULL) {
		if ((*ignored)++ >= MAX_REPORTED)
			return;
		fputs("xwtrace: ", fp);
		text_fputs(fp, f->path);
		fputs(": ignored: ", fp);
		text_fputs(fp, f->ignored);
		fputc('\n', fp);
		return;
	}
	if (f->blocks_reported == 0 && f->info_reported == 0)
		return;
	fputs("xwtrace: ", fp);
	text_fputs(fp, f->path);
	fprintf(fp, ": read %u of %u %ss", f->blocks_read, f->blocks_seen, log_file_block(f));
	if (f->info_seen > 0 || f->fmt == NULL || !f->fmt->counts_packets)
		fprintf(fp, " and %u of %u INFO summaries", f->info_read, f->info_seen);
	fputs("; the rest are reported above\n", fp);
}

/* Prints the problems of every file, at most MAX_REPORTED each, and with
 * account the account of the files not read in full. */
static void
report(const struct model *m, FILE *fp, bool account)
{
	size_t ignored = 0;
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct log_file *f = &m->files[i];
		size_t skipped = 0, repaired = 0;
		for (size_t k = 0; k < f->nproblems; k++) {
			const struct log_problem *p = &f->problems[k];
			p->recovered ? repaired++ : skipped++;
			if (k < MAX_REPORTED) {
				fprintf(fp, "xwtrace: ");
				text_fputs(fp, f->path);
				fprintf(fp, ":%u: %s", p->line, p->recovered ? "note: " : "");
				text_fputs(fp, p->reason);
				fputc('\n', fp);
			}
		}
		if (f->nproblems > MAX_REPORTED) {
			fprintf(fp, "xwtrace: ");
			text_fputs(fp, f->path);
			fprintf(fp, ": %zu blocks skipped, %zu repaired in all\n", skipped, repaired);
		}
		if (account)
			report_account(f, fp, &ignored);
	}
	if (ignored > MAX_REPORTED)
		fprintf(fp, "xwtrace: %zu more files ignored (--json lists every file)\n",
		    ignored - MAX_REPORTED);
}

/* Prints the problems and the account of every file (see cmd.h). */
void
cmd_report_problems(const struct model *m, FILE *fp)
{
	report(m, fp, true);
}

/* Frees the option arrays and the findings. */
void
cmd_common_free(struct cmd_common *o)
{
	free(o->roles);
	free(o->xconfigs);
	diag_result_free(&o->diag);
}
