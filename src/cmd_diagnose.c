/* cmd_diagnose.c - `xwtrace diagnose`: every finding with its evidence and fix. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "jsonout.h"
#include "text.h"
#include "view.h"

/* Returns 0 for call findings, 1 for connections, 2 for configuration. */
static int
kind_rank(const struct diag_finding *f)
{
	return f->call >= 0 ? 0 : f->config == NULL ? 1 : 2;
}

/* The findings in the order shown: errors first, then by call number. */
struct order {
	const struct diag_result *r;
};

/* Orders finding indices: severity, kind, call, then table order. */
static int
finding_cmp(const void *a, const void *b, void *arg)
{
	const struct order *o = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct diag_finding *x = &o->r->f[i], *y = &o->r->f[j];
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (kind_rank(x) != kind_rank(y))
		return kind_rank(x) - kind_rank(y);
	if (x->call != y->call)
		return x->call < y->call ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Returns a new array of the indices of r's findings in display order. */
static size_t *
display_order(const struct diag_result *r)
{
	size_t *v = xcalloc(r->n + 1, sizeof *v);
	for (size_t i = 0; i < r->n; i++)
		v[i] = i;
	struct order o = {r};
	qsort_r(v, r->n, sizeof *v, finding_cmp, &o);
	return v;
}

/* Prints the head line of a finding: severity, id, and what it concerns. */
static void
print_head(FILE *fp, const struct model *m, const struct diag_finding *f)
{
	fprintf(fp, "%s %s  ", diag_severity_name(f->severity), f->id);
	if (f->call >= 0 && (size_t)f->call < m->ncalls) {
		const struct call *c = &m->calls[f->call];
		struct sbuf ref = {0};
		view_call_title(&ref, m, c, VT_REF);
		fprintf(fp, "%s (", ref.s);
		text_fputs(fp, c->ncall_ids ? c->call_ids[0] : "?");
		fputc(')', fp);
		sbuf_free(&ref);
	} else if (f->config != NULL) {
		fputs("configuration ", fp);
		text_fputs(fp, f->config);
	} else {
		fputs("connection ", fp);
		text_fputs(fp, f->host >= 0 ? m->hosts[f->host].name : "?");
		fputc(' ', fp);
		text_fputs(fp, f->peer ? f->peer : "?");
	}
	fputc('\n', fp);
}

/* Prints one block per finding and the total line. */
static void
print_text(FILE *fp, const struct model *m, const struct diag_result *r)
{
	size_t *ord = display_order(r), count[3] = {0, 0, 0};
	for (size_t k = 0; k < r->n; k++) {
		const struct diag_finding *f = &r->f[ord[k]];
		count[f->severity]++;
		print_head(fp, m, f);
		if (f->host >= 0 && (size_t)f->host < m->nhosts) {
			char who[128];
			model_machine_label(m, m->hosts[f->host].machine, who, sizeof who);
			fputs("  host: ", fp);
			text_fputs(fp, who);
			fputc('\n', fp);
		}
		fputs("  ", fp);
		text_fputs(fp, f->summary);
		fputc('\n', fp);
		for (size_t e = 0; e < f->nev; e++) {
			char where[1024];
			const char *q = view_evidence_quote(&f->ev[e]);
			fputs("  evidence: ", fp);
			text_fputs(fp, view_evidence_where(&f->ev[e], where, sizeof where));
			if (q != NULL) {
				fputs(": ", fp);
				text_fputs(fp, q);
			}
			fputc('\n', fp);
		}
		fputs("  fix: ", fp);
		text_fputs(fp, f->fix);
		fputs("\n\n", fp);
	}
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
	size_t *ord = display_order(r);
	struct sbuf b = {0};
	sbuf_puts(&b, "{\"findings\":[");
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
	if (cmd_parse(self, argc, argv, &co, NULL, NULL) != 0)
		fprintf(stderr, "usage: xwtrace diagnose [--json] [--xconfig FILE]... "
		    "[--role HOST=c|e] [-q] LOG...\n");
	else
		m = cmd_load(argv + optind, argc - optind, &co);
	if (m == NULL) {
		cmd_common_free(&co);
		return 2;
	}
	if (co.json)
		print_json(stdout, m, &co.diag);
	else
		print_text(stdout, m, &co.diag);
	int rc = exit_status(&co.diag);
	model_free(m);
	cmd_common_free(&co);
	return rc;
}

const struct cmd_entry cmd_diagnose_entry = {
	.name = "diagnose",
	.usage = "diagnose [--json] [--xconfig FILE]... LOG...        findings and fixes",
	.shortopts = "jq",
	.common = CMD_JSON | CMD_ROLE | CMD_XCONFIG | CMD_QUIET,
	.exec = diagnose_exec,
};
