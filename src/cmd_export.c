/* cmd_export.c - `xwtrace export --format F [--call CALL]... LOG...`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "export.h"

enum { OPT_ROLE = 256, OPT_XCONFIG, OPT_CALL, OPT_FORMAT, OPT_ALL };

static const struct option export_opts[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"call", required_argument, NULL, OPT_CALL},
	{"all", no_argument, NULL, OPT_ALL},
	{"output", required_argument, NULL, 'o'},
	{"role", required_argument, NULL, OPT_ROLE},
	{"xconfig", required_argument, NULL, OPT_XCONFIG},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

/* What the command line asked for; the arrays point into argv. */
struct export_args {
	struct cmd_common co;
	const struct export_format *format;
	const char **specs;   /* --call values */
	size_t nspecs, speccap;
	bool all;
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

/* Returns 0 after filling a from argv (optind left at the first LOG), or 2
 * after printing why the command line is wrong. */
static int
parse_args(int argc, char **argv, struct export_args *a)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:q", export_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if ((a->format = export_format_find(optarg)) == NULL)
				return bad_format(optarg);
			break;
		case OPT_CALL: VEC_PUSH(a->specs, a->nspecs, a->speccap, optarg); break;
		case OPT_ALL: a->all = true; break;
		case 'o': a->out = optarg; break;
		case 'q': a->co.quiet = true; break;
		case OPT_ROLE: VEC_PUSH(a->co.roles, a->co.nroles, a->co.rolecap, optarg); break;
		case OPT_XCONFIG:
			VEC_PUSH(a->co.xconfigs, a->co.nxconfigs, a->co.xconfigcap, optarg);
			break;
		default: return 2;
		}
	}
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
		if (a->all || !m->calls[i].options_only)
			v[(*n)++] = i;
	return v;
}

/* Returns 0 after writing the export to a->out or stdout, or 1 with a message. */
static int
emit(const struct model *m, const struct export_args *a, const struct sbuf *b)
{
	char err[512];
	if (a->out != NULL && strcmp(a->out, "-") != 0) {
		if (export_write_file(m, a->out, b->s, b->len, err, sizeof err) < 0) {
			cmd_error(err);
			return 1;
		}
		return 0;
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

int
cmd_export(int argc, char **argv)
{
	struct export_args a = {0};
	int rc = parse_args(argc, argv, &a);
	struct model *m = rc == 0 ? cmd_load(argv + optind, argc - optind, &a.co) : NULL;
	size_t n = 0, *calls = m != NULL ? pick_calls(m, &a, &n) : NULL;
	if (rc == 0)
		rc = calls == NULL ? 2 : 0;
	if (rc == 0 && n == 0) {
		fprintf(stderr, "xwtrace: no call to export%s\n",
		    a.all ? "" : " (calls with only OPTIONS need --all)");
		rc = 1;
	}
	if (rc == 0) {
		struct sbuf b = {0};
		if (export_calls(&b, m, &a.co.diag, calls, n, a.format) < 0) {
			fprintf(stderr, "xwtrace: the export failed\n");
			rc = 1;
		} else {
			rc = emit(m, &a, &b);
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
