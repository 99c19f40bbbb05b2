/* ladder_text.c - a call drawn as a plain-text ladder from its layout, two
 * lines per arrow, annotated with its findings: a marker by each flagged
 * arrow and the finding under it, then the call's findings with their
 * evidence and fix. ASCII only, so that it pastes into any ticket; ANSI
 * colour only when asked (a terminal).
 *
 * Two layouts: the full one (the time and delta on the shaft line, columns
 * as wide as the labels want), and, when that does not fit the width, a
 * narrow one (the time alone on the shaft line, the delta beside the
 * markers, columns as narrow as the width needs, labels shortened with a
 * "~" and told in full under the arrow when what was cut matters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "text.h"
#include "view.h"

#define WIDE_MIN 22
#define WIDE_MAX 40
#define WIDE_MARGIN 22   /* "18:01:48.140   +0.012 " on the shaft line */
#define NARROW_MARGIN 13 /* "18:01:48.140 " on the shaft line, "A S   +0.012 " above */
#define NARROW_MIN 10
#define NOTE_MIN 80      /* the full layout's notes wrap at its width, at least this */
#define SEV_DIM 3        /* a cell's "severity" for connection rows: dim in colour */

/* A ladder being drawn: its layout, the options, and the geometry. */
struct lad {
	struct ladder_layout lay;
	const struct model *m;
	const struct ladder_opts *o;
	size_t ci;           /* the call's index */
	bool narrow;
	int margin;          /* cells left of the first column */
	int width;           /* of one column */
	size_t total;        /* cells of a ladder line */
	int wrap;            /* cells notes and findings wrap to */
};

/* A line being drawn: its cells, and each cell's severity plus one (0: none). */
struct row {
	char *s;
	uint8_t *a;
};

/* Returns the x of the line of column col. */
static int
center(const struct lad *l, int col)
{
	return l->margin + col * l->width + l->width / 2;
}

/* Returns a line of spaces with the column bars drawn (row_free frees it). */
static struct row
row_new(const struct lad *l)
{
	struct row r = {xmalloc(l->total + 1), xcalloc(l->total + 1, 1)};
	memset(r.s, ' ', l->total);
	r.s[l->total] = '\0';
	for (size_t i = 0; i < l->lay.ncols; i++)
		r.s[center(l, (int)i)] = '|';
	return r;
}

/* Frees a line. */
static void
row_free(struct row *r)
{
	free(r->s);
	free(r->a);
}

/* Copies at most max bytes of text (ASCII) into r at x, in severity sev
 * (-1: none), never past the end of the line. */
static void
put(const struct lad *l, struct row *r, int x, const char *text, int max, int sev)
{
	int n = (int)strlen(text);
	if (n > max)
		n = max;
	for (int i = 0; i < n && x + i < (int)l->total; i++)
		if (x + i >= 0) {
			r->s[x + i] = text[i];
			r->a[x + i] = (uint8_t)(sev + 1);
		}
}

/* Appends a line with trailing spaces trimmed, coloured by its cells'
 * severities when colour is on. */
static void
emit(struct sbuf *b, const struct lad *l, const struct row *r)
{
	size_t n = strlen(r->s);
	while (n > 0 && r->s[n - 1] == ' ')
		n--;
	bool color = l->o->color;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && r->a[j] == r->a[i])
			j++;
		if (color && r->a[i] == SEV_DIM + 1)
			sbuf_puts(b, "\033[2m");
		else if (color && r->a[i])
			view_sgr(b, true, r->a[i] - 1);
		sbuf_add(b, r->s + i, j - i);
		if (color && r->a[i])
			view_sgr(b, true, -1);
		i = j;
	}
	sbuf_add(b, "\n", 1);
}

/* Appends the two header lines: machine names, then their roles. */
static void
header(struct sbuf *b, const struct lad *l)
{
	struct row names = row_new(l), roles = row_new(l);
	for (size_t i = 0; i < l->lay.ncols; i++) {
		struct sbuf nm = {0}, cut = {0};
		view_ascii(&nm, l->lay.cols[i].name);
		int w = l->width - (l->narrow ? 1 : 2);
		text_cut(&cut, nm.s, nm.len, (size_t)w, "~");
		const char *role = l->lay.cols[i].role;
		int n1 = (int)cut.len, n2 = (int)strlen(role) < w ? (int)strlen(role) : w;
		put(l, &names, center(l, (int)i) - n1 / 2, cut.s, w, -1);
		put(l, &roles, center(l, (int)i) - n2 / 2, role, w, -1);
		sbuf_free(&nm);
		sbuf_free(&cut);
	}
	emit(b, l, &names);
	emit(b, l, &roles);
	row_free(&names);
	row_free(&roles);
}

/* Writes the marker of the finding that cites connection row k (if any)
 * into the margin of r, ending before cell end; returns nothing. */
static void
conn_marks(const struct lad *l, struct row *r, size_t k, int end)
{
	int32_t fi = l->lay.conns[k].finding;
	if (fi >= 0 && l->o->d != NULL && end > 2) {
		char mk[2] = {diag_marker(l->o->d->f[fi].id), '\0'};
		put(l, r, 2, mk, 1, (int)l->o->d->f[fi].severity);
	}
}

/* Writes the leg letter and the markers of the findings on row st (an
 * arrow's, or a connection row's) into the margin of r, markers ending
 * before cell end; returns nothing. */
static void
marks(const struct lad *l, struct row *r, const struct ladder_step *st, int end)
{
	size_t ai = st->ai;
	if (st->conn) {
		conn_marks(l, r, ai, end);
		return;
	}
	if (l->lay.nlegs > 1) {
		char leg[2] = {ladder_leg_letter(l->lay.legs[ai]), '\0'};
		put(l, r, 0, leg, 1, -1);
	}
	const size_t *idx;
	size_t n = l->o->d != NULL ? diag_call_findings(l->o->d, (long)l->ci, &idx) : 0;
	char seen[32] = "";
	int x = 2;
	for (size_t k = 0; k < n && x < end; k++) {
		const struct diag_finding *f = &l->o->d->f[idx[k]];
		char mk[2] = {diag_marker(f->id), '\0'};
		if (f->arrow != (int)ai || strchr(seen, mk[0]) != NULL || strlen(seen) >= 30)
			continue;
		strcat(seen, mk);
		put(l, r, x, x + 1 < end ? mk : "+", 1, (int)f->severity);
		x++;
	}
}

/* Writes the time and delta of step st into the margins of top and low. */
static void
times(const struct lad *l, struct row *top, struct row *low, const struct ladder_step *st)
{
	char t[24], d[24], margin[48];
	double dt = (double)st->dt / 1000;
	model_time_short(st->t, t, sizeof t);
	if (!l->narrow) {
		snprintf(d, sizeof d, "%+.3f", dt);
		snprintf(margin, sizeof margin, "%12s %8s", t, d);
		put(l, low, 0, margin, WIDE_MARGIN, -1);
		marks(l, top, st, WIDE_MARGIN - 1);
		return;
	}
	snprintf(d, sizeof d, dt < 100 && dt > -100 ? "%+.3f" : "%+.0fs", dt);
	int dx = NARROW_MARGIN - 1 - (int)strlen(d);
	put(l, top, dx, d, (int)strlen(d), -1);
	put(l, low, 0, t, NARROW_MARGIN - 1, -1);
	marks(l, top, st, dx - 1);
}

/* Returns the finding that colours row st (the worst on its arrow, or the
 * worst citing its connection row's packets), or NULL. */
static const struct diag_finding *
worst(const struct lad *l, const struct ladder_step *st)
{
	if (l->o->d == NULL)
		return NULL;
	if (!st->conn)
		return diag_arrow_worst(l->o->d, l->ci, st->ai);
	int32_t fi = l->lay.conns[st->ai].finding;
	return fi >= 0 ? &l->o->d->f[fi] : NULL;
}

/* Draws one row (two lines: label, then shaft: dots for a connection row,
 * dim in colour unless a finding cites it); returns how its label fitted. */
static enum ladder_fitting
arrow(struct sbuf *b, const struct lad *l, const struct ladder_step *st)
{
	struct row top = row_new(l), low = row_new(l);
	const struct diag_finding *w = worst(l, st);
	int sev = w != NULL ? (int)w->severity : st->conn ? SEV_DIM : -1;
	const char *shaft = st->conn ? "." : "-";
	int x1 = center(l, st->from), x2 = center(l, st->to), room;
	struct sbuf lab = {0};
	enum ladder_fitting fit;
	if (x1 == x2) { /* a hop inside one Expressway */
		put(l, &low, x1 + 1, "<-+", 3, sev);
		room = l->width - 3;
		fit = ladder_fit_step(&lab, &l->lay, st, room, "~", w != NULL);
		put(l, &top, x1 + 2, lab.s, room, sev);
	} else {
		int lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
		for (int x = lo + 1; x < hi; x++)
			put(l, &low, x, shaft, 1, sev);
		put(l, &low, x1 < x2 ? hi - 1 : lo + 1, x1 < x2 ? ">" : "<", 1, sev);
		room = hi - lo - 3;
		fit = ladder_fit_step(&lab, &l->lay, st, room, "~", w != NULL);
		int n = (int)lab.len;
		put(l, &top, lo + 2 + (room - n) / 2, lab.s, room, sev);
	}
	times(l, &top, &low, st);
	emit(b, l, &top);
	emit(b, l, &low);
	row_free(&top);
	row_free(&low);
	sbuf_free(&lab);
	return fit;
}

/* Appends the notes under row st: its full label when a cut hid what
 * matters, then each finding on its arrow, wrapped. */
static void
notes(struct sbuf *b, const struct lad *l, const struct ladder_step *st,
    enum ladder_fitting fit)
{
	size_t at = (size_t)l->margin, ai = st->ai;
	if (fit == LF_CUT_TELL) {
		sbuf_printf(b, "%*s> ", l->margin, "");
		text_wrap(b, ladder_step_label(&l->lay, st), at + 2, (size_t)l->wrap, at + 2);
	}
	if (st->conn)
		return; /* its findings are the call's, told after the ladder */
	const size_t *idx;
	size_t n = l->o->d != NULL ? diag_call_findings(l->o->d, (long)l->ci, &idx) : 0;
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &l->o->d->f[idx[k]];
		if (f->arrow != (int)ai)
			continue;
		struct sbuf t = {0};
		sbuf_printf(&t, "%s %s: %s", diag_severity_name(f->severity), f->id, f->summary);
		sbuf_printf(b, "%*s^ %c ", l->margin, "", diag_marker(f->id));
		text_wrap(b, t.s, at + 4, (size_t)l->wrap, at + 4);
		sbuf_free(&t);
	}
}

/* Appends a line of program text and untrusted text wrapped to l->wrap. */
static void
line(struct sbuf *b, const struct lad *l, const char *label, const char *text, size_t indent)
{
	sbuf_puts(b, label);
	text_wrap(b, text, strlen(label), (size_t)l->wrap, indent);
}

/* Appends the title: number, first request, final status, Call-IDs (each
 * with its leg letter and the rule that joined it when there are several),
 * and the clock the times are on. */
static void
title(struct sbuf *b, const struct lad *l, const struct call *c)
{
	struct sbuf t = {0};
	view_call_title(&t, l->m, c, VT_LADDER);
	line(b, l, "", t.s, 2);
	for (size_t k = 0; k < c->ncall_ids || k == 0; k++) {
		t.len = 0;
		if (l->lay.nlegs > 1)
			sbuf_printf(&t, "%c ", ladder_leg_letter(k));
		view_ascii(&t, c->ncall_ids ? c->call_ids[k] : "?");
		if (k > 0)
			sbuf_printf(&t, " (linked by %s)", ladder_leg_rule(c, k));
		line(b, l, k == 0 ? "Call-ID: " : "         ", t.s, 11);
	}
	t.len = 0;
	view_clock(&t, l->m, c);
	line(b, l, "Clock:   ", t.s, 9);
	sbuf_puts(b, "\n");
	sbuf_free(&t);
}

/* Appends the footer: folded hops and clock skew. */
static void
footer(struct sbuf *b, const struct lad *l, const struct call *c)
{
	const struct model *m = l->m;
	struct sbuf t = {0};
	if (l->lay.folded) {
		sbuf_printf(&t, "%zu same-host hop%s (Expressway B2BUA) folded; --all-hops shows them.",
		    l->lay.folded, l->lay.folded == 1 ? "" : "s");
		sbuf_puts(b, "\n");
		line(b, l, "", t.s, 0);
	}
	for (size_t h = 0; h < m->nhosts && m->skew != NULL && m->ref_host >= 0; h++)
		if ((int)h != m->ref_host && model_call_has_host(c, h) && m->skew_pairs[h] > 0) {
			t.len = 0;
			sbuf_puts(&t, "Clock skew: ");
			view_ascii(&t, m->hosts[h].name);
			sbuf_printf(&t, " %+lld ms against ", (long long)m->skew[h]);
			view_ascii(&t, m->hosts[m->ref_host].name);
			sbuf_printf(&t, " (from %u paired messages); times are corrected.",
			    m->skew_pairs[h]);
			line(b, l, "", t.s, 0);
		}
	sbuf_free(&t);
}

/* Appends the call's findings in full, and the ids of those of no call. */
static void
findings(struct sbuf *b, const struct lad *l, const struct call *c)
{
	const struct diag_result *d = l->o->d;
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, (long)l->ci, &idx) : 0;
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		char t[24];
		sbuf_puts(b, k == 0 ? "\nFindings:\n" : "\n");
		sbuf_printf(b, "  %c ", diag_marker(f->id));
		view_sgr(b, l->o->color, (int)f->severity);
		sbuf_puts(b, diag_severity_name(f->severity));
		view_sgr(b, l->o->color, -1);
		struct sbuf h = {0};
		sbuf_puts(&h, f->id);
		if (f->arrow >= 0 && (size_t)f->arrow < c->narrows)
			sbuf_printf(&h, "  at %s", model_time_short(c->arrows[f->arrow].t, t, sizeof t));
		sbuf_puts(b, " ");
		text_wrap(b, h.s, 5 + strlen(diag_severity_name(f->severity)), (size_t)l->wrap, 4);
		sbuf_free(&h);
		view_finding_text(b, l->m, f, 4, l->wrap);
	}
	size_t no = d != NULL && l->o->others ? diag_call_findings(d, -1, &idx) : 0;
	struct sbuf o = {0};
	for (size_t k = 0; k < no; k++)
		sbuf_printf(&o, "%s%c %s (%s)", k ? ", " : "", diag_marker(d->f[idx[k]].id),
		    d->f[idx[k]].id, diag_severity_name(d->f[idx[k]].severity));
	if (no > 0) {
		sbuf_puts(&o, "; xwtrace diagnose shows them");
		sbuf_puts(b, "\n");
		line(b, l, "Not tied to a call: ", o.s, 2);
	}
	sbuf_free(&o);
}

/* Sets the geometry: the full layout when it fits the width (or no width
 * is set), else the narrow one. */
static void
geometry(struct lad *l)
{
	int width = l->o->width;
	l->margin = WIDE_MARGIN;
	l->width = ladder_fit(&l->lay, WIDE_MIN, WIDE_MAX);
	l->total = (size_t)l->margin + l->lay.ncols * (size_t)l->width;
	if (width > 0 && l->total > (size_t)width) {
		l->narrow = true;
		l->margin = NARROW_MARGIN;
		l->width = ladder_squeeze(&l->lay, width - NARROW_MARGIN, NARROW_MIN, WIDE_MAX);
		l->total = (size_t)l->margin + l->lay.ncols * (size_t)l->width;
	}
	l->wrap = width > 0 ? width : l->total > NOTE_MIN ? (int)l->total : NOTE_MIN;
}

/* Appends the ladder of c from its layout (see ladder.h). */
void
ladder_text(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_opts *o)
{
	static const struct ladder_opts none = {0};
	struct lad l = {.m = m, .o = o != NULL ? o : &none, .ci = (size_t)(c - m->calls)};
	ladder_layout(&l.lay, m, l.o->d, c, (l.o->all_hops ? LADDER_ALL
	    : l.o->d != NULL ? LADDER_FLAGGED : LADDER_FOLD) | (l.o->no_conns ? 0 : LADDER_CONNS));
	geometry(&l);
	title(b, &l, c);
	header(b, &l);
	for (size_t i = 0; i < l.lay.nsteps; i++)
		notes(b, &l, &l.lay.steps[i], arrow(b, &l, &l.lay.steps[i]));
	footer(b, &l, c);
	findings(b, &l, c);
	ladder_layout_free(&l.lay);
}
