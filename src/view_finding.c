/* view_finding.c - a finding as terminal text, the same in diagnose, show
 * and the text export: its summary and fix word-wrapped to the width, each
 * piece of evidence with the line that proves it quoted. All of it is log
 * text or holds some: it is made terminal-safe on the way (text_wrap,
 * text_cut). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "view.h"

#define QUOTE_INDENT 4 /* a quote stands under its file:line, this much further in */

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

/* Returns r's findings in the order views show them (see view.h). */
size_t *
view_finding_order(const struct diag_result *r)
{
	size_t *v = xcalloc(r->n + 1, sizeof *v);
	for (size_t i = 0; i < r->n; i++)
		v[i] = i;
	struct order o = {r};
	qsort_r(v, r->n, sizeof *v, finding_cmp, &o);
	return v;
}

/* Appends the colour escape of a severity, or the reset (see view.h). */
void
view_sgr(struct sbuf *b, bool color, int sev)
{
	static const char *const sgr[] = {[DIAG_INFO] = "\033[36m",
	    [DIAG_WARNING] = "\033[1;33m", [DIAG_ERROR] = "\033[1;31m"};
	if (color)
		sbuf_puts(b, sev >= DIAG_INFO && sev <= DIAG_ERROR ? sgr[sev] : "\033[0m");
}

/* Appends what f concerns (see view.h). */
void
view_finding_about(struct sbuf *b, const struct model *m, const struct diag_finding *f)
{
	sbuf_add(b, "", 0);
	if (f->call >= 0 && (size_t)f->call < m->ncalls) {
		const struct call *c = &m->calls[f->call];
		view_call_title(b, m, c, VT_REF);
		sbuf_printf(b, " (%s)", c->ncall_ids ? c->call_ids[0] : "?");
	} else if (f->config != NULL) {
		sbuf_printf(b, "configuration %s", f->config);
	} else {
		const char *host = f->host >= 0 && (size_t)f->host < m->nhosts ?
		    m->hosts[f->host].name : "?";
		if (f->peer != NULL)
			sbuf_printf(b, "connection %s %s", host, f->peer);
		else
			sbuf_printf(b, "host %s", host);
	}
}

/* Appends label then text (untrusted) wrapped to width (or on one line when
 * width is 0), continuation lines indented to stand under the text. */
static void
labelled(struct sbuf *b, int indent, const char *label, const char *text, int width)
{
	size_t at = (size_t)indent + strlen(label);
	sbuf_printf(b, "%*s%s", indent, "", label);
	if (width <= 0) {
		struct sbuf t = {0};
		text_safe(&t, text, strlen(text));
		sbuf_printf(b, "%s\n", t.s);
		sbuf_free(&t);
		return;
	}
	text_wrap(b, text, at, (size_t)width, at > (size_t)width / 2 ? (size_t)indent : at);
}

/* Appends one piece of evidence: where, then the line quoted. */
static void
evidence(struct sbuf *b, const struct diag_evidence *e, int indent, int width)
{
	char where[1024];
	labelled(b, indent, "evidence: ", view_evidence_where(e, where, sizeof where), width);
	if (e->text == NULL || e->text[0] == '\0')
		return;
	int at = indent + QUOTE_INDENT;
	sbuf_printf(b, "%*s", at, "");
	text_cut(b, e->text, strlen(e->text), width > 0 && width > at ? (size_t)(width - at)
	    : DIAG_QUOTE_MAX + 8, "~");
	sbuf_puts(b, "\n");
}

/* Appends host, summary, evidence and fix of f (see view.h). */
void
view_finding_text(struct sbuf *b, const struct model *m, const struct diag_finding *f,
    int indent, int width)
{
	if (f->host >= 0 && (size_t)f->host < m->nhosts) {
		char who[128];
		model_machine_label(m, m->hosts[f->host].machine, who, sizeof who);
		labelled(b, indent, "host: ", who, width);
	}
	labelled(b, indent, "", f->summary != NULL ? f->summary : "", width);
	if (f->link != NULL)
		labelled(b, indent, "tied by: ", f->link, width);
	if (f->ncand > 0) {
		struct sbuf c = {0};
		for (size_t k = 0; k < f->ncand; k++)
			sbuf_printf(&c, "%s%u", k ? ", " : "", f->cand[k]);
		labelled(b, indent, "candidate calls: ", c.s, width);
		sbuf_free(&c);
	}
	for (size_t e = 0; e < f->nev; e++)
		evidence(b, &f->ev[e], indent, width);
	labelled(b, indent, "fix: ", f->fix != NULL ? f->fix : "", width);
}
