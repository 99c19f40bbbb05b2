/* cmd_common.c - what the commands share: the common options, loading the
 * logs, and reporting what was skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "text.h"

#define MAX_REPORTED 10 /* problems printed per file before a summary */

/* getopt_long's values of the common options that have no letter. */
enum { OPT_ROLE = 256, OPT_XCONFIG, OPT_NO_COLOR, OPT_WIDTH, OPT_WIDE, OPT_COLOR };

/* The common options: each command takes those its entry's .common names. */
static const struct {
	unsigned bit;
	struct option opt;
} common_opts[] = {
	{CMD_JSON, {"json", no_argument, NULL, 'j'}},
	{CMD_ALL, {"all", no_argument, NULL, 'a'}},
	{CMD_ROLE, {"role", required_argument, NULL, OPT_ROLE}},
	{CMD_XCONFIG, {"xconfig", required_argument, NULL, OPT_XCONFIG}},
	{CMD_NO_COLOR, {"no-color", no_argument, NULL, OPT_NO_COLOR}},
	{CMD_QUIET, {"quiet", no_argument, NULL, 'q'}},
	{CMD_WIDTH, {"width", required_argument, NULL, OPT_WIDTH}},
	{CMD_WIDTH, {"wide", no_argument, NULL, OPT_WIDE}},
	{CMD_COLOR, {"color", required_argument, NULL, OPT_COLOR}},
};

#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

/* Returns a new getopt_long table (the caller frees it): e's own rows, then
 * the common rows it takes, then the end row. */
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
		if (e->common & common_opts[i].bit)
			v[n++] = common_opts[i].opt;
	return v;
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

/* Returns 0 after parsing the command line by e's rows (see cmd.h). */
int
cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_common *co,
    cmd_own_fn own, void *arg)
{
	struct option *opts = options_of(e);
	int c, rc = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, e->shortopts, opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			rc = 2; /* getopt_long said why */
		else if (!common_set(co, c, optarg))
			rc = own != NULL ? own(arg, c, optarg) : 2;
		if (co->bad_value)
			rc = 2;
	}
	free(opts);
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

/* Prints err on stderr, terminal-safe. */
void
cmd_error(const char *err)
{
	fputs("xwtrace: ", stderr);
	text_fputs(stderr, err);
	fputc('\n', stderr);
}

/* Orders indices into the paths (arg) by path, then by place. */
static int
path_cmp(const void *a, const void *b, void *arg)
{
	char **paths = arg;
	int x = *(const int *)a, y = *(const int *)b, c = strcmp(paths[x], paths[y]);
	return c != 0 ? c : x - y;
}

/* Returns 0 after loading, correlating and diagnosing (see cmd.h). The logs
 * are read in path order, as a directory's are: whatever order they were
 * named in, the model and every output are the same. */
int
cmd_load_steps(struct model *m, char **paths, int npaths, struct cmd_common *o,
    cmd_step_fn step, void *arg, char *err, size_t errlen)
{
	int *ord = xcalloc((size_t)npaths + 1, sizeof *ord);
	for (int i = 0; i < npaths; i++)
		ord[i] = i;
	qsort_r(ord, (size_t)npaths, sizeof *ord, path_cmp, paths);
	for (int k = 0; k < npaths; k++) {
		int i = ord[k];
		int rc = step != NULL && !step(arg, 0, i) ? 1
		    : log_load(m, paths[i], err, errlen) < 0 ? -1 : 0;
		if (rc != 0) {
			free(ord);
			return rc;
		}
	}
	free(ord);
	if (step != NULL && !step(arg, 1, npaths))
		return 1;
	struct corr_opts co = {o->roles, o->nroles};
	if (corr_build(m, &co, err, errlen) < 0)
		return -1;
	if (step != NULL && !step(arg, 2, npaths))
		return 1;
	if (diag_run(m, o->xconfigs, o->nxconfigs, &o->diag, err, errlen) < 0)
		return -1;
	log_note_shrunk(m); /* a file cut while correlation or diagnosis read it */
	return 0;
}

/* Returns the loaded model, or NULL after one line on stderr. */
struct model *
cmd_load(char **paths, int npaths, struct cmd_common *o)
{
	char err[1024];
	if (npaths <= 0) {
		fprintf(stderr, "xwtrace: no log given (see xwtrace --help)\n");
		return NULL;
	}
	struct model *m = model_new();
	if (cmd_load_steps(m, paths, npaths, o, NULL, NULL, err, sizeof err) != 0) {
		cmd_error(err);
		model_free(m);
		return NULL;
	}
	if (!o->quiet)
		cmd_report_problems(m, stderr);
	return m;
}

/* Prints the problems of every file, at most MAX_REPORTED each. */
void
cmd_report_problems(const struct model *m, FILE *fp)
{
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
	}
}

/* Frees the option arrays and the findings. */
void
cmd_common_free(struct cmd_common *o)
{
	free(o->roles);
	free(o->xconfigs);
	diag_result_free(&o->diag);
}
