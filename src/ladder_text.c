/* ladder_text.c - a call drawn as a plain-text ladder from its layout:
 * time and delta on the left, two lines per arrow. ASCII only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "view.h"

#define COL_MIN 22
#define COL_MAX 40
#define MARGIN 22 /* "18:01:48.140  +0.012  " */

/* A ladder being drawn: its layout and the width of its columns. */
struct lad {
	struct ladder_layout lay;
	size_t ncols;
	int width;    /* of one column */
	size_t total; /* of a line */
};

/* Returns the x of the line of column col. */
static int
center(const struct lad *l, int col)
{
	return MARGIN + col * l->width + l->width / 2;
}

/* Returns a line of spaces with the column bars drawn (caller frees). */
static char *
bars(const struct lad *l)
{
	char *s = xmalloc(l->total + 1);
	memset(s, ' ', l->total);
	s[l->total] = '\0';
	for (size_t i = 0; i < l->ncols; i++)
		s[center(l, (int)i)] = '|';
	return s;
}

/* Copies at most max bytes of text into line at x (never past the end). */
static void
put(const struct lad *l, char *line, int x, const char *text, int max)
{
	int n = (int)strlen(text);
	if (n > max)
		n = max;
	for (int i = 0; i < n && x + i < (int)l->total; i++)
		if (x + i >= 0)
			line[x + i] = text[i];
}

/* Appends a line with trailing spaces trimmed. */
static void
emit(struct sbuf *b, const char *line)
{
	size_t n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	sbuf_add(b, line, n);
	sbuf_add(b, "\n", 1);
}

/* Appends the two header lines: machine names, then their roles. */
static void
header(struct sbuf *b, const struct lad *l)
{
	char *names = bars(l), *roles = bars(l);
	for (size_t i = 0; i < l->ncols; i++) {
		struct sbuf nm = {0};
		view_ascii(&nm, l->lay.cols[i].name);
		const char *role = l->lay.cols[i].role;
		int w = l->width - 2;
		if ((int)nm.len > w && w > 1)
			nm.s[w - 1] = '~'; /* a cut name says so */
		int n1 = (int)nm.len < w ? (int)nm.len : w, n2 = (int)strlen(role);
		put(l, names, center(l, (int)i) - n1 / 2, nm.s, w);
		put(l, roles, center(l, (int)i) - n2 / 2, role, w);
		sbuf_free(&nm);
	}
	emit(b, names);
	emit(b, roles);
	free(names);
	free(roles);
}

/* Draws one arrow (two lines: label, then time and shaft). */
static void
arrow(struct sbuf *b, const struct lad *l, const struct ladder_step *st)
{
	char *top = bars(l), *low = bars(l), t[24], d[24], margin[48];
	const char *lab = l->lay.labels[st->ai];
	int x1 = center(l, st->from), x2 = center(l, st->to), len = (int)strlen(lab);
	if (x1 == x2) { /* a hop inside one Expressway */
		put(l, low, x1 + 1, "<-+", 3);
		put(l, top, x1 + 2, lab, l->width - 3);
	} else {
		int lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
		for (int x = lo + 1; x < hi; x++)
			low[x] = '-';
		low[x1 < x2 ? hi - 1 : lo + 1] = x1 < x2 ? '>' : '<';
		int room = hi - lo - 3, n = len < room ? len : room;
		put(l, top, lo + 2 + (room - n) / 2, lab, room);
	}
	snprintf(d, sizeof d, "%+.3f", (double)st->dt / 1000);
	snprintf(margin, sizeof margin, "%12s %8s", model_time_short(st->t, t, sizeof t), d);
	memcpy(low, margin, strlen(margin) < MARGIN ? strlen(margin) : MARGIN);
	emit(b, top);
	emit(b, low);
	free(top);
	free(low);
}

/* Appends the title: number, first request, final status, Call-IDs. */
static void
title(struct sbuf *b, const struct model *m, const struct call *c)
{
	view_call_title(b, m, c, VT_LADDER);
	sbuf_puts(b, "\nCall-ID: ");
	view_ascii(b, c->ncall_ids ? c->call_ids[0] : "?");
	sbuf_puts(b, "\n");
	for (size_t i = 0; i < c->nlinks; i++) {
		sbuf_puts(b, "Linked:  ");
		view_ascii(b, c->links[i].call_id);
		sbuf_printf(b, " (by %s)\n", c->links[i].by);
	}
	sbuf_puts(b, "\n");
}

/* Appends the footer: folded hops and clock skew. */
static void
footer(struct sbuf *b, const struct model *m, const struct call *c, size_t folded)
{
	if (folded)
		sbuf_printf(b, "\n%zu same-host hop%s (Expressway B2BUA) folded; --all-hops shows them.\n",
		    folded, folded == 1 ? "" : "s");
	for (size_t h = 0; h < m->nhosts && m->skew != NULL && m->ref_host >= 0; h++)
		if ((int)h != m->ref_host && model_call_has_host(c, h) && m->skew_pairs[h] > 0) {
			sbuf_puts(b, "Clock skew: ");
			view_ascii(b, m->hosts[h].name);
			sbuf_printf(b, " %+lld ms against ", (long long)m->skew[h]);
			view_ascii(b, m->hosts[m->ref_host].name);
			sbuf_printf(b, " (from %u paired messages); times are corrected.\n",
			    m->skew_pairs[h]);
		}
}

/* Appends the ladder of c from its layout (see ladder.h). */
void
ladder_text(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_opts *o)
{
	struct lad l = {0};
	ladder_layout(&l.lay, m, NULL, c, o != NULL && o->all_hops ? LADDER_ALL : LADDER_FOLD);
	l.ncols = l.lay.ncols;
	l.width = ladder_fit(&l.lay, COL_MIN, COL_MAX);
	l.total = MARGIN + l.ncols * (size_t)l.width;
	title(b, m, c);
	header(b, &l);
	for (size_t i = 0; i < l.lay.nsteps; i++) {
		arrow(b, &l, &l.lay.steps[i]);
		if (o != NULL && o->notes != NULL)
			o->notes(o->arg, m, c, l.lay.steps[i].ai, b);
	}
	footer(b, m, c, l.lay.folded);
	ladder_layout_free(&l.lay);
}
