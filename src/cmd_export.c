/* cmd_export.c - `xwtrace export --format F [--call CALL]... LOG...`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "export.h"

enum { OPT_FORMAT = CMD_OPT_OWN, OPT_CALL };

static const struct option export_opts[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"call", required_argument, NULL, OPT_CALL},
	{"output", required_argument, NULL, 'o'},
	{NULL, 0, NULL, 0},
};

/* What the command line asked for; the arrays point into argv. */
struct export_args {
	struct cmd_common co;
	const struct export_format *format;
	const char **specs;   /* --call values */
	size_t nspecs, speccap;
	const char *out;      /* -o FILE, or NULL for stdout */
};

/* Appends the usage of export after "xwtrace ", its second line indented by
 * indent spaces: the formats are the rows of the export table. */
static void
export_usage(struct sbuf *b, int indent)
{
	sbuf_puts(b, "export --format ");
	export_format_names(b, "|");
	sbuf_printf(b, "\n%*s[--call CALL]... [--all] [-o FILE] LOG...", indent, "");
}

/* Appends the usage of export as --help shows it. */
static void
export_help(struct sbuf *b)
{
	export_usage(b, 22);
	sbuf_puts(b, "        annotated flows");
}

/* Returns 2 after saying that name is no export format, and which are. */
static int
bad_format(const char *name)
{
	struct sbuf b = {0};
	export_format_names(&b, ", ");
	fprintf(stderr, "xwtrace: unknown export format '%s' (%s)\n", name, b.s);
	sbuf_free(&b);
	return 2;
}

/* Returns 0 after storing one of export's own options in the export_args,
 * or 2 after saying that a format is unknown. */
static int
export_opt(void *arg, int val, const char *value)
{
	struct export_args *a = arg;
	if (val == OPT_FORMAT && (a->format = export_format_find(value)) == NULL)
		return bad_format(value);
	if (val == OPT_CALL)
		VEC_PUSH(a->specs, a->nspecs, a->speccap, value);
	if (val == 'o')
		a->out = value;
	return 0;
}

/* Returns 0 after filling a from argv (optind left at the first LOG), or 2
 * after printing why the command line is wrong. */
static int
parse_args(const struct cmd_entry *e, int argc, char **argv, struct export_args *a)
{
	if (cmd_parse(e, argc, argv, &a->co, export_opt, a) != 0)
		return 2;
	if (a->format == NULL || optind >= argc) {
		struct sbuf b = {0};
		sbuf_puts(&b, "xwtrace: usage: xwtrace ");
		export_usage(&b, 16);
		fprintf(stderr, "%s\n", b.s);
		sbuf_free(&b);
		return 2;
	}
	if (a->format->binary && a->out == NULL) {
		fprintf(stderr, "xwtrace: the %s export needs -o FILE\n", a->format->name);
		return 2;
	}
	return 0;
}

/* Returns the indices of the calls to export (caller frees; count in *n), or
 * NULL after printing why (a --call that names no call or several). */
static size_t *
pick_calls(struct model *m, const struct export_args *a, size_t *n)
{
	size_t *v = xcalloc(m->ncalls + 1, sizeof *v);
	char err[256];
	*n = 0;
	for (size_t i = 0; i < a->nspecs; i++) {
		struct call *c = model_find_call(m, a->specs[i], err, sizeof err);
		if (c == NULL) {
			cmd_error(err);
			free(v);
			return NULL;
		}
		size_t idx = (size_t)(c - m->calls), k;
		for (k = 0; k < *n && v[k] != idx; k++)
			;
		if (k == *n) /* the same call named twice is exported once */
			v[(*n)++] = idx;
	}
	for (size_t i = 0; a->nspecs == 0 && i < m->ncalls; i++)
		if (a->co.all || !m->calls[i].options_only)
			v[(*n)++] = i;
	return v;
}

/* Returns the file -o names (the caller frees it): out itself, or in the
 * directory out names (an existing one, or any ending in '/') a file named
 * after the calls, "call-N" for one and "calls" for more, with the format's
 * suffix. */
static char *
out_path(const struct model *m, const struct export_args *a, const size_t *calls, size_t n)
{
	struct stat st;
	size_t len = strlen(a->out);
	bool dir = (len > 0 && a->out[len - 1] == '/') || (stat(a->out, &st) == 0 && S_ISDIR(st.st_mode));
	if (!dir)
		return xstrdup(a->out);
	while (len > 1 && a->out[len - 1] == '/')
		len--;
	if (n == 1)
		return xasprintf("%.*s/call-%u%s", (int)len, a->out, m->calls[calls[0]].number,
		    a->format->suffix);
	return xasprintf("%.*s/calls%s", (int)len, a->out, a->format->suffix);
}

/* Returns 0 after writing the export to a->out or stdout, or 1 with a message. */
static int
emit(const struct model *m, const struct export_args *a, const size_t *calls, size_t n,
    const struct sbuf *b)
{
	char err[512];
	if (a->out != NULL && strcmp(a->out, "-") != 0) {
		char *path = out_path(m, a, calls, n);
		int rc = export_write_file(m, path, b->s, b->len, err, sizeof err);
		if (rc < 0)
			cmd_error(err);
		else if (strcmp(path, a->out) != 0 && !a->co.quiet)
			fprintf(stderr, "xwtrace: wrote %s\n", path);
		free(path);
		return rc < 0 ? 1 : 0;
	}
	if (a->format->binary && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "xwtrace: not writing a %s to a terminal\n", a->format->name);
		return 1;
	}
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		perror("xwtrace: stdout");
		return 1;
	}
	return 0;
}

/* Returns the exit status of `xwtrace export`. */
static int
export_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct export_args a = {0};
	int rc = parse_args(self, argc, argv, &a);
	struct model *m = rc == 0 ? cmd_load(argv + optind, argc - optind, &a.co) : NULL;
	size_t n = 0, *calls = m != NULL ? pick_calls(m, &a, &n) : NULL;
	if (rc == 0)
		rc = calls == NULL ? 2 : 0;
	if (rc == 0 && n == 0 && (a.co.diag.n == 0 || !a.format->findings_alone)) {
		fprintf(stderr, "xwtrace: no call to export%s%s\n",
		    a.co.all ? "" : " (calls with only OPTIONS need --all)", a.co.diag.n == 0 ? ""
		    : "; the findings of these logs export as text, html or json");
		rc = 1;
	}
	if (rc == 0) {
		struct sbuf b = {0};
		if (export_calls(&b, m, &a.co.diag, calls, n, a.format) < 0) {
			fprintf(stderr, "xwtrace: the export failed\n");
			rc = 1;
		} else {
			rc = emit(m, &a, calls, n, &b);
		}
		sbuf_free(&b);
	}
	free(calls);
	free(a.specs);
	cmd_common_free(&a.co);
	if (m != NULL)
		model_free(m);
	return rc;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage_fn = export_help,
	.shortopts = "o:q",
	.common = CMD_ALL | CMD_ROLE | CMD_XCONFIG | CMD_QUIET,
	.options = export_opts,
	.help = "Annotated flows of the calls (all of them, or those --call names) in one file.\n"
	    "      --format FORMAT            the export format (the list is in the usage)\n"
	    "      --call CALL                a call: its number, Call-ID or unique Call-ID\n"
	    "                                 prefix (6+ characters); repeatable\n"
	    "  -o, --output FILE|DIR          write there (in DIR: call-N or calls, with the\n"
	    "                                 format's suffix) instead of standard output\n",
	.exec = export_exec,
};
