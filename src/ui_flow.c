/* ui_flow.c - one call as a ladder: a column per machine, two rows per
 * arrow (label, then shaft with time and delta), scrolled both ways; the
 * call's findings in a panel below, the selected message in a preview pane.
 * Columns, arrows and labels come from the layout of ladder.c, so `show`
 * and the browser agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "sip.h"
#include "text.h"
#include "ui.h"
#include "view.h"

#define MARGIN 21      /* "18:01:48.140 +0.012 " and a space */
#define COL_MIN 16
#define COL_MAX 40
#define COL_SPREAD 56  /* widest column when there is room to spare */

enum focus { F_LADDER, F_FINDINGS, F_PREVIEW };

struct flow_st {
	size_t ci;
	struct ladder_layout lay; /* columns, arrows shown (hops folded unless all_hops), labels */
	int fitw;             /* column width that fits the labels */
	bool all_hops, preview, follow;
	size_t sel, top;      /* in lay.steps */
	int hscroll;
	enum focus focus;
	const size_t *fidx;   /* the call's findings (indices in d->f) */
	size_t nf, fsel, ftop;
	size_t ptop;
	int pskip;
	long mark;            /* a marked arrow for compare, or -1 */
	struct ui_re re;
	char pat[256];
	bool *hit;            /* per arrow: the search pattern matches it */
	struct ui_doc pdoc;   /* preview, built for pdoc_key */
	long pdoc_key;
};

/* Where everything goes for the current terminal size. */
struct geo {
	int lad_y, lad_h, lad_w;   /* arrow rows (2 per arrow) and the ladder's width */
	int fin_y, fin_h;          /* findings panel, title row included (0: none) */
	int pre_y, pre_x, pre_h, pre_w; /* preview, title row included (0: hidden) */
	int aw, colw;              /* width right of the margin, and of a column */
};

/* Fills g with the layout of the flow screen for this terminal. */
static void
geometry(const struct ui *u, const struct flow_st *st, struct geo *g)
{
	memset(g, 0, sizeof *g);
	int bottom = u->rows - 1;  /* the hints row */
	if (st->nf > 0) {
		size_t shown = st->nf < (u->rows >= 34 ? 6u : 3u) ? st->nf : (u->rows >= 34 ? 6u : 3u);
		g->fin_h = 1 + (int)shown;
		g->fin_y = bottom - g->fin_h;
		bottom = g->fin_y;
	}
	g->lad_w = u->cols;
	int need = MARGIN + (int)st->lay.ncols * st->fitw;
	bool right = st->preview && u->cols >= 110 &&
	    (need <= u->cols * 3 / 5 || u->rows < 34 || u->cols >= 200);
	if (right) {
		g->lad_w = u->cols * 3 / 5;
		g->pre_x = g->lad_w + 1, g->pre_w = u->cols - g->pre_x;
		g->pre_y = 1, g->pre_h = bottom - 1;
	} else if (st->preview && u->rows >= 34) {
		g->pre_h = (u->rows - 4) / 3;
		g->pre_y = bottom - g->pre_h, g->pre_w = u->cols;
		bottom = g->pre_y;
	}
	g->lad_y = 3;
	g->lad_h = bottom - g->lad_y;
	if (g->lad_h < 2)
		g->lad_h = 2;
	g->aw = g->lad_w - MARGIN;
	if (g->aw < 10)
		g->aw = 10;
	/* all columns on screen when labels can keep 19 characters; else
	 * scroll sideways over columns a little narrower than the labels */
	int spread = st->lay.ncols ? g->aw / (int)st->lay.ncols : g->aw;
	if (spread >= st->fitw)
		g->colw = spread < COL_SPREAD ? spread : COL_SPREAD;
	else if (spread >= 22)
		g->colw = spread;
	else
		g->colw = st->fitw < 30 ? st->fitw : 30;
}

/* Returns the virtual x of a column's line. */
static int
center(const struct geo *g, int col)
{
	return col * g->colw + g->colw / 2;
}

/* Rebuilds the layout (after the all-hops toggle), keeping the selected
 * arrow selected, or the one after it. */
static void
build(struct ui *u, struct flow_st *st)
{
	size_t keep = st->lay.nsteps ? st->lay.steps[st->sel].ai : 0;
	ladder_layout_free(&st->lay);
	ladder_layout(&st->lay, u->m, u->d, &u->m->calls[st->ci],
	    st->all_hops ? LADDER_ALL : LADDER_FOLD);
	st->fitw = ladder_fit(&st->lay, COL_MIN, COL_MAX);
	st->sel = 0;
	for (size_t v = 0; v < st->lay.nsteps; v++)
		if (st->lay.steps[v].ai >= keep) {
			st->sel = v;
			break;
		}
	st->follow = true;
}

/* Draws safe text s at virtual x vx on row y, clipped to the ladder area. */
static void
vput(const struct ui *u, const struct geo *g, int hscroll, int y, int vx, const char *s,
    attr_t a)
{
	int x0 = MARGIN, sx = x0 + vx - hscroll, skip = 0;
	if (sx < x0) {
		skip = x0 - sx;
		sx = x0;
	}
	int w = x0 + g->aw - sx;
	if (w > 0)
		ui_text(u, y, sx, w, skip, s, strlen(s), a);
}

/* Draws the machine names and roles, and the column lines of every row. */
static void
draw_columns(const struct ui *u, const struct flow_st *st, const struct geo *g)
{
	for (size_t i = 0; i < st->lay.ncols; i++) {
		const char *role = st->lay.cols[i].role, *name = st->lay.cols[i].name;
		struct sbuf nm = {0};
		text_safe(&nm, name, strlen(name));
		int cx = center(g, (int)i), maxw = g->colw - 2;
		int nw = ui_width(u, nm.s, nm.len), rw = (int)strlen(role);
		if (nw > maxw) { /* keep the end of a long name: it tells hosts apart */
			size_t cut = 0;
			while (cut < nm.len && ui_width(u, nm.s + cut, nm.len - cut) > maxw)
				cut++;
			memmove(nm.s, nm.s + cut, nm.len - cut + 1), nm.len -= cut;
			nw = ui_width(u, nm.s, nm.len);
		}
		vput(u, g, st->hscroll, 1, cx - nw / 2, nm.s, u->attr[UA_MACHINE]);
		vput(u, g, st->hscroll, 2, cx - rw / 2, role, u->attr[UA_DIM]);
		for (int y = g->lad_y; y < g->lad_y + g->lad_h; y++)
			vput(u, g, st->hscroll, y, cx, u->g->vline, u->attr[UA_LINE]);
		sbuf_free(&nm);
	}
}

/* Draws the margin of an arrow: markers on the label row, time and delta
 * on the shaft row. */
static void
draw_margin(const struct ui *u, const struct flow_st *st, size_t v, int y, attr_t sel)
{
	size_t ai = st->lay.steps[v].ai;
	char t[24], d[24];
	if (st->mark == (long)ai)
		ui_text(u, y, 0, 1, 0, "*", 1, u->attr[UA_MARK]);
	int x = MARGIN - 2;
	for (size_t i = st->nf; i-- > 0 && x > 2;) {
		const struct diag_finding *f = &u->d->f[st->fidx[i]];
		char mk = diag_marker(f->id);
		if (f->arrow == (int)ai)
			ui_text(u, y, x--, 1, 0, &mk, 1, ui_sev_attr(u, (int)f->severity) | A_BOLD);
	}
	double delta = (double)st->lay.steps[v].dt / 1000;
	if (delta < 100 && delta > -100)
		snprintf(d, sizeof d, "%+7.3f", delta);
	else
		snprintf(d, sizeof d, "%+6.0fs", delta);
	ui_printf(u, y + 1, 0, MARGIN - 1, sel, "%12s %s", model_time_short(st->lay.steps[v].t, t,
	    sizeof t), d);
}

/* Returns the attribute of an arrow: severity, retransmission, selection. */
static attr_t
arrow_attr(const struct ui *u, const struct flow_st *st, size_t ai, bool selected)
{
	const struct call *c = &u->m->calls[st->ci];
	const struct diag_finding *w = diag_arrow_worst(u->d, st->ci, ai);
	attr_t a = w != NULL ? ui_sev_attr(u, (int)w->severity)
	    : u->m->msgs[c->arrows[ai].msg].retrans ? u->attr[UA_DIM] : 0;
	if (selected)
		a |= A_REVERSE | (st->focus == F_LADDER ? A_BOLD : 0);
	return a;
}

/* Draws one arrow: label row at y, shaft row at y + 1. */
static void
draw_arrow(const struct ui *u, const struct flow_st *st, const struct geo *g, size_t v, int y)
{
	size_t ai = st->lay.steps[v].ai;
	attr_t at = arrow_attr(u, st, ai, v == st->sel);
	attr_t lat = st->hit && st->hit[ai] ? at | u->attr[UA_MATCH] : at;
	int x1 = center(g, st->lay.steps[v].from), x2 = center(g, st->lay.steps[v].to);
	const char *lab = st->lay.labels[ai];
	struct sbuf sh = {0};
	draw_margin(u, st, v, y, v == st->sel ? A_REVERSE : 0);
	if (x1 == x2) { /* a hop inside one machine: a loop to the right */
		sbuf_puts(&sh, u->g->hline);
		sbuf_puts(&sh, u->g->corner_top);
		vput(u, g, st->hscroll, y, x1 + 1, sh.s, at);
		vput(u, g, st->hscroll, y, x1 + 4, lab, lat);
		sh.len = 0;
		sbuf_puts(&sh, "<");
		sbuf_puts(&sh, u->g->corner_low);
		vput(u, g, st->hscroll, y + 1, x1 + 1, sh.s, at);
	} else {
		int lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
		/* the label stays over the part of the shaft that is on screen */
		int l0 = lo + 2 > st->hscroll ? lo + 2 : st->hscroll;
		int l1 = hi - 1 < st->hscroll + g->aw ? hi - 1 : st->hscroll + g->aw;
		int room = l1 - l0, lw = (int)strlen(lab);
		if (x1 > x2)
			sbuf_puts(&sh, "<");
		for (int x = lo + 1 + (x1 > x2); x < hi - (x1 < x2); x++)
			sbuf_puts(&sh, u->g->hline);
		if (x1 < x2)
			sbuf_puts(&sh, ">");
		vput(u, g, st->hscroll, y + 1, lo + 1, sh.s, at);
		char *cut = xstrndup(lab, (size_t)(lw < room ? lw : room > 0 ? room : 0));
		int n = (int)strlen(cut);
		vput(u, g, st->hscroll, y, l0 + (room - n) / 2, cut, lat);
		free(cut);
	}
	sbuf_free(&sh);
}

/* Scrolls sideways so the selected arrow is in view (after a selection move). */
static void
follow(struct flow_st *st, const struct geo *g)
{
	int vw = (int)st->lay.ncols * g->colw, maxh = vw > g->aw ? vw - g->aw : 0;
	if (st->follow && st->lay.nsteps > 0) {
		const struct ladder_step *a = &st->lay.steps[st->sel];
		int x1 = center(g, a->from), x2 = center(g, a->to);
		int lo = (x1 < x2 ? x1 : x2) - 2, hi = (x1 > x2 ? x1 : x2) + (x1 == x2 ? g->colw : 2);
		if (hi - lo > g->aw || lo < st->hscroll)
			st->hscroll = lo;
		else if (hi > st->hscroll + g->aw)
			st->hscroll = hi - g->aw;
		st->follow = false;
	}
	if (st->hscroll > maxh)
		st->hscroll = maxh;
	if (st->hscroll < 0)
		st->hscroll = 0;
}

/* Draws the findings panel. */
static void
draw_findings(const struct ui *u, struct flow_st *st, const struct geo *g)
{
	if (g->fin_h == 0)
		return;
	int h = g->fin_h - 1;
	ui_fill(u, g->fin_y, 0, u->cols, u->attr[UA_HEADER]);
	ui_printf(u, g->fin_y, 0, u->cols, u->attr[UA_HEADER], "Findings (%zu)%s", st->nf,
	    st->focus == F_FINDINGS ? "  Enter: open message  Tab: next pane" : "  Tab: focus");
	st->ftop = ui_scroll(st->ftop, st->fsel, st->nf, h);
	for (int r = 0; r < h && st->ftop + (size_t)r < st->nf; r++) {
		size_t k = st->ftop + (size_t)r;
		const struct diag_finding *f = &u->d->f[st->fidx[k]];
		int y = g->fin_y + 1 + r;
		attr_t sel = k == st->fsel && st->focus == F_FINDINGS ? A_REVERSE : 0;
		attr_t sev = ui_sev_attr(u, (int)f->severity);
		char head[96];
		ui_fill(u, y, 0, u->cols, sel);
		snprintf(head, sizeof head, "%c %c %s", diag_severity_name(f->severity)[0] - 32,
		    diag_marker(f->id), f->id);
		int x = ui_raw(u, y, 1, u->cols - 1, 0, head, sev | sel) + 1;
		char t[24];
		if (f->arrow >= 0 && (size_t)f->arrow < u->m->calls[st->ci].narrows)
			x += ui_printf(u, y, x, u->cols - x, sel, "  at %s", model_time_short(
			    u->m->calls[st->ci].arrows[f->arrow].t, t, sizeof t));
		x += ui_printf(u, y, x, u->cols - x, sel, ": ");
		ui_raw(u, y, x, u->cols - x, 0, f->summary, sel);
	}
}

/* Builds the finding detail document shown in the preview pane. */
static void
finding_doc(const struct ui *u, const struct diag_finding *f, int w, struct ui_doc *doc)
{
	struct ui_line *l = ui_doc_printf(doc, UA_NORMAL, "%s (%s)", f->id,
	    diag_severity_name(f->severity));
	ui_line_span(l, 0, l->len, f->severity == DIAG_ERROR ? UA_SEV_ERR
	    : f->severity == DIAG_WARNING ? UA_SEV_WARN : UA_SEV_INFO);
	ui_doc_wrap(doc, f->summary, w, 2, UA_START);
	ui_doc_raw(doc, "", 0, UA_NORMAL);
	ui_doc_printf(doc, UA_HEADER, "Fix");
	ui_doc_wrap(doc, f->fix, w, 2, UA_NORMAL);
	if (f->nev > 0) {
		ui_doc_raw(doc, "", 0, UA_NORMAL);
		ui_doc_printf(doc, UA_HEADER, "Evidence");
	}
	for (size_t i = 0; i < f->nev; i++) {
		char where[1024];
		const char *q = view_evidence_quote(&f->ev[i]);
		struct sbuf b = {0};
		sbuf_printf(&b, "%s%s%s", view_evidence_where(&f->ev[i], where, sizeof where),
		    q ? ": " : "", q ? q : "");
		ui_doc_raw(doc, b.s, b.len, UA_NORMAL);
		sbuf_free(&b);
	}
}

/* Makes sure the preview document matches the selection. */
static void
preview_doc(const struct ui *u, struct flow_st *st, int w)
{
	bool fin = st->focus == F_FINDINGS && st->nf > 0;
	long key = fin ? -2 - (long)st->fsel * 1000 - w : st->lay.nsteps ? (long)st->lay.steps[st->sel].ai : -1;
	if (key == st->pdoc_key && st->pdoc.n > 0)
		return;
	ui_doc_free(&st->pdoc);
	st->pdoc_key = key;
	st->ptop = 0, st->pskip = 0;
	if (fin)
		finding_doc(u, &u->d->f[st->fidx[st->fsel]], w, &st->pdoc);
	else if (st->lay.nsteps)
		ui_sip_doc(u, &st->pdoc, u->m->calls[st->ci].arrows[st->lay.steps[st->sel].ai].msg,
		    (long)st->ci, (int)st->lay.steps[st->sel].ai);
	ui_re_mark(&st->re, &st->pdoc);
}

/* Draws the preview pane: the selected message or finding. */
static void
draw_preview(const struct ui *u, struct flow_st *st, const struct geo *g)
{
	if (g->pre_h < 2 || st->lay.nsteps == 0)
		return;
	preview_doc(u, st, g->pre_w - 2);
	int x = g->pre_x, y = g->pre_y;
	if (x > 0) /* a side pane: a rule on its left */
		for (int r = 0; r < g->pre_h; r++)
			ui_text(u, y + r, x - 1, 1, 0, u->g->vline, strlen(u->g->vline), u->attr[UA_DIM]);
	char where[256] = "";
	if (!(st->focus == F_FINDINGS && st->nf > 0))
		ui_sip_where(u, u->m->calls[st->ci].arrows[st->lay.steps[st->sel].ai].msg, true, where,
		    sizeof where);
	ui_fill(u, y, x, g->pre_w, u->attr[UA_HEADER]);
	ui_raw(u, y, x, g->pre_w, 0, where[0] ? where : "Finding", u->attr[UA_HEADER] |
	    (st->focus == F_PREVIEW ? A_REVERSE : 0));
	int h = g->pre_h - 1;
	if (st->pdoc.n > (size_t)h && st->ptop > st->pdoc.n - (size_t)h)
		st->ptop = st->pdoc.n - (size_t)h;
	ui_doc_draw(u, &st->pdoc, st->ptop, y + 1, x, h, g->pre_w, st->pskip, false);
}

/* Draws the title: the call, its first request and final status. */
static void
draw_title(struct ui *u, const struct flow_st *st)
{
	struct sbuf l = {0};
	char r[96];
	view_call_title(&l, u->m, &u->m->calls[st->ci], VT_SCREEN);
	char folded[48] = "";
	if (st->lay.folded && !st->all_hops && u->cols >= 100)
		snprintf(folded, sizeof folded, "  %zu hops folded", st->lay.folded);
	snprintf(r, sizeof r, "%s%zu/%zu%s", st->mark >= 0 ? "* " : "", st->lay.nsteps ? st->sel + 1 : 0,
	    st->lay.nsteps, folded);
	ui_draw_bar(u, 0, l.s, r);
	sbuf_free(&l);
}

/* Paints the flow screen: title, columns, arrows, findings, preview. */
static void
flow_draw(struct ui *u, void *vst)
{
	struct flow_st *st = vst;
	struct geo g;
	geometry(u, st, &g);
	int per = g.lad_h / 2;
	draw_title(u, st);
	st->top = ui_scroll(st->top, st->sel, st->lay.nsteps, per);
	follow(st, &g);
	draw_columns(u, st, &g);
	for (int r = 0; r < per && st->top + (size_t)r < st->lay.nsteps; r++)
		draw_arrow(u, st, &g, st->top + (size_t)r, g.lad_y + 2 * r);
	if (st->lay.nsteps == 0)
		ui_printf(u, g.lad_y, 2, u->cols - 4, u->attr[UA_DIM], "No message in this call");
	draw_findings(u, st, &g);
	draw_preview(u, st, &g);
	if (st->focus == F_PREVIEW && g.pre_h == 0)
		st->focus = F_LADDER; /* the terminal shrank under the preview */
	ui_draw_bottom(u, st->focus == F_FINDINGS
	    ? "Up/Down:finding Enter:message Tab:pane c:compare e:export ?:help q:back"
	    : st->focus == F_PREVIEW ? "Up/Down:scroll Left/Right:sideways Tab:pane q:back"
	    : "Enter:message Left/Right:scroll Tab:pane Space:mark c:compare a:hops p:preview "
	      "/:search e:export q:back");
}

/* Selects arrow ai (unfolding hops when it is a folded one). */
static void
select_arrow(struct ui *u, struct flow_st *st, size_t ai)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t v = 0; v < st->lay.nsteps; v++)
			if (st->lay.steps[v].ai == ai) {
				st->sel = v;
				st->follow = true;
				return;
			}
		if (st->all_hops)
			return;
		st->all_hops = true;
		build(u, st);
	}
}

/* Moves to the next (dir 1) or previous (-1) arrow the search matches. */
static void
search_next(struct ui *u, struct flow_st *st, int dir)
{
	if (st->hit == NULL || st->lay.nsteps == 0) {
		ui_note(u, true, "no search: press / first");
		return;
	}
	for (size_t k = 1; k <= st->lay.nsteps; k++) {
		size_t v = (st->sel + st->lay.nsteps + (size_t)dir * k) % st->lay.nsteps;
		if (st->hit[st->lay.steps[v].ai]) {
			st->sel = v;
			st->follow = true;
			return;
		}
	}
	ui_note(u, true, "no arrow matches /%s/", st->pat);
}

/* Marks the arrows the search pattern finds in their labels or text. */
static void
search_apply(struct ui *u, struct flow_st *st)
{
	const struct call *c = &u->m->calls[st->ci];
	free(st->hit);
	st->hit = NULL;
	st->pdoc_key = -1000000000L; /* re-mark the preview */
	if (!ui_re_on(&st->re))
		return;
	st->hit = xcalloc(c->narrows + 1, sizeof *st->hit);
	for (size_t i = 0; i < c->narrows; i++) {
		const struct call_arrow *a = &c->arrows[i];
		size_t n;
		bool hit = ui_re_match(&st->re, st->lay.labels[i], strlen(st->lay.labels[i]), NULL,
		    NULL);
		for (int k = 0; k < 2 && !hit; k++) {
			long rec = k == 0 ? (long)a->msg : (long)a->twin;
			char *raw = rec >= 0 ? sip_raw(u->m, &u->m->msgs[rec], &n) : NULL;
			hit = raw != NULL && ui_re_match(&st->re, raw, n, NULL, NULL);
			free(raw);
		}
		st->hit[i] = hit;
	}
}

/* Returns true to close the search prompt (after jumping to a match). */
static bool
search_done(struct ui *u, void *vst, const char *text, int choice, bool ok)
{
	struct flow_st *st = vst;
	(void)choice;
	if (!ok)
		return true;
	char err[192];
	if (text[0] == '\0') {
		ui_re_free(&st->re);
		st->pat[0] = '\0';
		search_apply(u, st);
		return true;
	}
	if (!ui_re_compile(&st->re, text, err, sizeof err)) {
		snprintf(u->prompt.err, sizeof u->prompt.err, "%s", err);
		return false;
	}
	snprintf(st->pat, sizeof st->pat, "%s", text);
	search_apply(u, st);
	if (st->lay.nsteps && !st->hit[st->lay.steps[st->sel].ai])
		search_next(u, st, 1);
	return true;
}

/* Returns true after a mouse event: click selects, double click opens. */
static bool
flow_mouse(struct ui *u, struct flow_st *st, const struct ui_ev *ev)
{
	struct geo g;
	geometry(u, st, &g);
	bool in_pre = g.pre_h > 0 && ev->y >= g.pre_y && ev->y < g.pre_y + g.pre_h &&
	    ev->x >= g.pre_x;
	if (ev->button == UI_WHEEL_UP || ev->button == UI_WHEEL_DOWN) {
		struct ui_ev k = {ev->button == UI_WHEEL_UP ? KEY_UP : KEY_DOWN, 0, 0, 0};
		st->focus = in_pre ? F_PREVIEW : st->focus == F_PREVIEW ? F_LADDER : st->focus;
		for (int i = 0; i < 3; i++)
			u->stack[u->depth - 1].ops->key(u, st, &k);
		return true;
	}
	if (in_pre) {
		st->focus = F_PREVIEW;
	} else if (g.fin_h && ev->y > g.fin_y && ev->y < g.fin_y + g.fin_h) {
		size_t k = st->ftop + (size_t)(ev->y - g.fin_y - 1);
		if (k < st->nf) {
			st->focus = F_FINDINGS;
			st->fsel = k;
			if (u->d->f[st->fidx[k]].arrow >= 0)
				select_arrow(u, st, (size_t)u->d->f[st->fidx[k]].arrow);
		}
	} else if (ev->y >= g.lad_y && ev->y < g.lad_y + g.lad_h && ev->x < g.lad_w) {
		size_t v = st->top + (size_t)(ev->y - g.lad_y) / 2;
		if (v < st->lay.nsteps) {
			st->focus = F_LADDER;
			st->sel = v;
			if (ev->button == UI_DCLICK)
				ui_msg_open(u, st->ci, (int)st->lay.steps[v].ai, false);
		}
	}
	return true;
}

/* Returns true after a movement key in the focused pane. */
static bool
flow_move(struct ui *u, struct flow_st *st, int key)
{
	struct geo g;
	bool used;
	geometry(u, st, &g);
	if (st->focus == F_FINDINGS) {
		st->fsel = ui_move(key, st->fsel, st->nf, g.fin_h - 1, &used);
		if (used && u->d->f[st->fidx[st->fsel]].arrow >= 0)
			select_arrow(u, st, (size_t)u->d->f[st->fidx[st->fsel]].arrow);
	} else if (st->focus == F_PREVIEW) {
		size_t n = st->pdoc.n;
		st->ptop = ui_move(key, st->ptop, n, g.pre_h - 1, &used);
	} else {
		size_t sel = ui_move(key, st->sel, st->lay.nsteps, g.lad_h / 2, &used);
		st->follow |= used && sel != st->sel;
		st->sel = sel;
	}
	return used;
}

/* Scrolls the ladder (or the preview) sideways. */
static void
flow_side(struct ui *u, struct flow_st *st, int dir)
{
	struct geo g;
	geometry(u, st, &g);
	if (st->focus == F_PREVIEW) {
		st->pskip = st->pskip + dir * 8 < 0 ? 0 : st->pskip + dir * 8;
		return;
	}
	st->hscroll += dir * (g.colw / 2 > 4 ? g.colw / 2 : 4);
	if (st->hscroll < 0)
		st->hscroll = 0;
}

/* Switches the focus to the next pane that is shown. */
static void
flow_tab(struct ui *u, struct flow_st *st, int dir)
{
	struct geo g;
	geometry(u, st, &g);
	for (int i = 0; i < 3; i++) {
		st->focus = (enum focus)(((int)st->focus + 3 + dir) % 3);
		if (st->focus == F_LADDER || (st->focus == F_FINDINGS && st->nf > 0) ||
		    (st->focus == F_PREVIEW && g.pre_h > 1))
			break;
	}
	if (st->focus == F_FINDINGS && u->d->f[st->fidx[st->fsel]].arrow >= 0)
		select_arrow(u, st, (size_t)u->d->f[st->fidx[st->fsel]].arrow);
}

/* Enter: the message of the selected arrow (or of the selected finding's). */
static void
flow_enter(struct ui *u, struct flow_st *st)
{
	if (st->focus == F_FINDINGS && st->nf > 0) {
		int a = u->d->f[st->fidx[st->fsel]].arrow;
		if (a < 0) {
			ui_note(u, false, "this finding is about the call, not one message");
			return;
		}
		select_arrow(u, st, (size_t)a);
	}
	if (st->lay.nsteps > 0)
		ui_msg_open(u, st->ci, (int)st->lay.steps[st->sel].ai, false);
}

/* c: compares the marked arrow with the selected one, or the call's logs. */
static void
flow_compare(struct ui *u, struct flow_st *st)
{
	const struct call *c = &u->m->calls[st->ci];
	if (st->lay.nsteps == 0)
		return;
	size_t ai = st->lay.steps[st->sel].ai;
	if (st->mark >= 0 && (size_t)st->mark != ai)
		ui_compare_pair_open(u, st->ci, c->arrows[st->mark].msg, c->arrows[ai].msg);
	else
		ui_compare_open(u, st->ci, (int)ai);
}

/* p: the preview pane on or off (it needs 110 columns or 34 rows). */
static void
flow_preview_toggle(struct ui *u, struct flow_st *st)
{
	struct geo g;
	st->preview = !st->preview;
	if (st->focus == F_PREVIEW)
		st->focus = F_LADDER;
	geometry(u, st, &g);
	if (st->preview && g.pre_h == 0)
		ui_note(u, false, "the preview needs 110 columns or 34 rows; Enter opens the message");
}

/* Returns true when the flow screen used the key. */
static bool
flow_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct flow_st *st = vst;
	int k = ev->key;
	if (k == ' ' || k == 'm') {
		if (st->lay.nsteps)
			st->mark = st->mark == (long)st->lay.steps[st->sel].ai ? -1 : (long)st->lay.steps[st->sel].ai;
		return true;
	}
	if (flow_move(u, st, k))
		return true;
	switch (k) {
	case KEY_MOUSE: return flow_mouse(u, st, ev);
	case KEY_LEFT: case 'h': flow_side(u, st, -1); return true;
	case KEY_RIGHT: case 'l': flow_side(u, st, 1); return true;
	case '\t': flow_tab(u, st, 1); return true;
	case KEY_BTAB: flow_tab(u, st, -1); return true;
	case '\n': case '\r': case KEY_ENTER: flow_enter(u, st); return true;
	case 'a': st->all_hops = !st->all_hops; build(u, st); return true;
	case 'p': flow_preview_toggle(u, st); return true;
	case 'c': flow_compare(u, st); return true;
	case '/': ui_prompt_text(u, "Search arrows (regex):", st->pat, st, NULL, search_done); return true;
	case 'n': search_next(u, st, 1); return true;
	case 'N': search_next(u, st, -1); return true;
	default: return false;
	}
}

/* Frees the flow screen's state. */
static void
flow_free(void *vst)
{
	struct flow_st *st = vst;
	ladder_layout_free(&st->lay);
	free(st->hit);
	ui_re_free(&st->re);
	ui_doc_free(&st->pdoc);
	free(st);
}

/* Returns true with the call and the selected arrow. */
static bool
flow_context(const struct ui *u, const void *vst, size_t *call, int *arrow)
{
	const struct flow_st *st = vst;
	(void)u;
	*call = st->ci;
	*arrow = st->lay.nsteps ? (int)st->lay.steps[st->sel].ai : -1;
	return true;
}

static const struct ui_screen_ops flow_ops = {"flow", flow_draw, flow_key, flow_free,
	flow_context};

/* Pushes the ladder of call ci. */
void
ui_flow_open(struct ui *u, size_t ci)
{
	if (ci >= u->m->ncalls)
		return;
	struct flow_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->mark = -1;
	st->preview = true;
	st->pdoc_key = -1000000000L;
	st->nf = diag_call_findings(u->d, (long)ci, &st->fidx);
	build(u, st);
	ui_push(u, &flow_ops, st);
}
