/* cmd_diagnose.c - `xwtrace diagnose`: every finding with its evidence and fix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "jsonout.h"
#include "text.h"
#include "view.h"

/* Appends the head line of a finding: severity, id, and what it concerns,
 * wrapped to width (0: one line). */
static void
print_head(struct sbuf *b, const struct model *m, const struct diag_finding *f, int width,
    bool color)
{
	struct sbuf about = {0};
	view_finding_about(&about, m, f);
	struct sbuf h = {0};
	sbuf_printf(&h, "%s  %s", f->id, about.s);
	view_sgr(b, color, (int)f->severity);
	sbuf_puts(b, diag_severity_name(f->severity));
	view_sgr(b, color, -1);
	sbuf_puts(b, " ");
	if (width > 0) {
		text_wrap(b, h.s, strlen(diag_severity_name(f->severity)) + 1, (size_t)width, 2);
	} else {
		text_safe(b, h.s, h.len);
		sbuf_puts(b, "\n");
	}
	sbuf_free(&h);
	sbuf_free(&about);
}

/* Prints one block per finding and the total line. */
static void
print_text(FILE *fp, const struct model *m, const struct diag_result *r, int width, bool color)
{
	size_t *ord = view_finding_order(r), count[3] = {0, 0, 0};
	struct sbuf b = {0};
	for (size_t k = 0; k < r->n; k++) {
		const struct diag_finding *f = &r->f[ord[k]];
		count[f->severity]++;
		print_head(&b, m, f, width, color);
		view_finding_text(&b, m, f, 2, width);
		sbuf_puts(&b, "\n");
		fwrite(b.s, 1, b.len, fp);
		b.len = 0;
	}
	sbuf_free(&b);
	fprintf(fp, "%zu finding%s: %zu error%s, %zu warning%s, %zu info\n", r->n,
	    r->n == 1 ? "" : "s", count[DIAG_ERROR], count[DIAG_ERROR] == 1 ? "" : "s",
	    count[DIAG_WARNING], count[DIAG_WARNING] == 1 ? "" : "s", count[DIAG_INFO]);
	free(ord);
}

/* Appends one finding as a JSON object. */
static void
json_finding(struct sbuf *b, const struct model *m, const struct diag_finding *f)
{
	const struct call *c = f->call >= 0 && (size_t)f->call < m->ncalls ? &m->calls[f->call]
	    : NULL;
	sbuf_puts(b, "{\"id\":");
	text_json_str(b, f->id);
	sbuf_puts(b, ",\"severity\":");
	text_json_str(b, diag_severity_name(f->severity));
	if (c != NULL)
		sbuf_printf(b, ",\"call\":%u", c->number);
	else
		sbuf_puts(b, ",\"call\":null");
	sbuf_puts(b, ",\"call_id\":");
	text_json_str(b, c != NULL && c->ncall_ids ? c->call_ids[0] : NULL);
	sbuf_puts(b, ",\"host\":");
	text_json_str(b, f->host >= 0 && (size_t)f->host < m->nhosts ? m->hosts[f->host].name
	    : NULL);
	jsonout_finding_text(b, f);
	sbuf_puts(b, "}");
}

/* Prints the findings as one JSON object. */
static void
print_json(FILE *fp, const struct model *m, const struct diag_result *r)
{
	size_t *ord = view_finding_order(r);
	struct sbuf b = {0};
	sbuf_add(&b, "{", 1);
	jsonout_files(&b, m);
	sbuf_puts(&b, ",\"findings\":[");
	for (size_t k = 0; k < r->n; k++) {
		if (k)
			sbuf_add(&b, ",", 1);
		json_finding(&b, m, &r->f[ord[k]]);
	}
	sbuf_puts(&b, "]}\n");
	fwrite(b.s, 1, b.len, fp);
	sbuf_free(&b);
	free(ord);
}

/* Returns 1 when any finding is an error, else 0. */
static int
exit_status(const struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].severity == DIAG_ERROR)
			return 1;
	return 0;
}

/* Returns 1 when a finding is an error, 0 otherwise, 2 on bad usage. */
static int
diagnose_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct cmd_common co = {0};
	struct model *m = NULL;
	co.dumps_suffice = true; /* an xConfiguration dump alone is linted */
	if (cmd_parse(self, argc, argv, &co, NULL, NULL) == 0)
		m = cmd_load(argv + optind, argc - optind, &co);
	if (m == NULL) {
		cmd_common_free(&co);
		return 2;
	}
	if (co.json)
		print_json(stdout, m, &co.diag);
	else
		print_text(stdout, m, &co.diag, cmd_width(&co), cmd_color(&co));
	int rc = exit_status(&co.diag);
	model_free(m);
	cmd_common_free(&co);
	return rc;
}

const struct cmd_entry cmd_diagnose_entry = {
	.name = "diagnose",
	.usage = "diagnose [--json] [--xconfig FILE]... LOG...        findings and fixes",
	.shortopts = "jq",
	.common = CMD_JSON | CMD_ROLE | CMD_XCONFIG | CMD_QUIET | CMD_WIDTH | CMD_COLOR,
	.help = "Every failure signature found, with its evidence (file:line) and its fix; an\n"
	    "xConfiguration dump, given as LOG or with --xconfig, is linted. Exits 1 when a\n"
	    "finding is an error. --json adds the account of every input file.\n",
	.exec = diagnose_exec,
};
