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
#define PREVIEW_MIN 50 /* a preview beside the ladder keeps this many columns */

enum focus { F_LADDER, F_FINDINGS, F_PREVIEW };

struct flow_st {
	size_t ci;
	struct ladder_layout lay; /* columns, arrows shown (hops folded unless all_hops), labels */
	int fitw;             /* column width that fits the labels */
	bool all_hops, preview, follow;
	bool no_conns; /* the capture's connection rows hidden (key w) */
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
	int info_y;                /* the row that says the legs and the clock */
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
	g->info_y = bottom - 1; /* the legs and the clock */
	bottom = g->info_y;
	g->lad_w = u->cols;
	int need = MARGIN + (int)st->lay.ncols * st->fitw;
	bool right = st->preview && u->cols >= 110 &&
	    (need <= u->cols * 3 / 5 || u->rows < 34 || u->cols >= 200);
	if (right) {
		/* the ladder takes what its labels need, the preview keeps PREVIEW_MIN */
		int wide = need < u->cols - PREVIEW_MIN ? need : u->cols - PREVIEW_MIN;
		g->lad_w = wide > u->cols * 3 / 5 ? wide : u->cols * 3 / 5;
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

/* Returns the arrow of the selected row, or -1 (none, or a connection row). */
static long
sel_arrow(const struct flow_st *st)
{
	if (st->lay.nsteps == 0 || st->lay.steps[st->sel].conn)
		return -1;
	return (long)st->lay.steps[st->sel].ai;
}

/* Returns the virtual x of a column's line. */
static int
center(const struct geo *g, int col)
{
	return col * g->colw + g->colw / 2;
}

/* Rebuilds the layout (after the all-hops or connection-rows toggle), keeping the selected
 * arrow selected, or the one after it. */
static void
build(struct ui *u, struct flow_st *st)
{
	size_t keep = sel_arrow(st) >= 0 ? (size_t)sel_arrow(st) : 0;
	ladder_layout_free(&st->lay);
	ladder_layout(&st->lay, u->m, u->d, &u->m->calls[st->ci],
	    (st->all_hops ? LADDER_ALL : LADDER_FOLD) | (st->no_conns ? 0 : LADDER_CONNS));
	st->fitw = ladder_fit(&st->lay, COL_MIN, COL_MAX);
	st->sel = 0;
	for (size_t v = 0; v < st->lay.nsteps; v++)
		if (!st->lay.steps[v].conn && st->lay.steps[v].ai >= keep) {
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
			if (nm.len > 1 && (unsigned char)nm.s[0] < 0x80)
				nm.s[0] = '~'; /* a cut name says so */
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
	bool conn = st->lay.steps[v].conn;
	char t[24], d[24];
	if (conn && st->lay.conns[ai].finding >= 0) {
		const struct diag_finding *f = &u->d->f[st->lay.conns[ai].finding];
		char mk = diag_marker(f->id);
		ui_text(u, y, MARGIN - 2, 1, 0, &mk, 1, ui_sev_attr(u, (int)f->severity) | A_BOLD);
	}
	if (!conn && st->mark == (long)ai)
		ui_text(u, y, 0, 1, 0, "*", 1, u->attr[UA_MARK]);
	if (!conn && st->lay.nlegs > 1) {
		int leg = st->lay.legs[ai];
		char l = ladder_leg_letter((size_t)leg);
		ui_text(u, y, 1, 1, 0, &l, 1, leg > 0 ? u->attr[UA_LEG1 + (leg - 1) % 3] : 0);
	}
	int x = MARGIN - 2;
	for (size_t i = conn ? 0 : st->nf; i-- > 0 && x > 2;) {
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

/* Returns the attribute of a row: severity, retransmission, selection; a
 * connection row is dim unless a finding cites it. */
static attr_t
arrow_attr(const struct ui *u, const struct flow_st *st, const struct ladder_step *row,
    bool selected)
{
	const struct call *c = &u->m->calls[st->ci];
	size_t ai = row->ai;
	attr_t a;
	if (row->conn) {
		int32_t fi = st->lay.conns[ai].finding;
		a = fi >= 0 ? ui_sev_attr(u, (int)u->d->f[fi].severity) : u->attr[UA_DIM];
		return selected ? a | A_REVERSE | (st->focus == F_LADDER ? A_BOLD : 0) : a;
	}
	const struct diag_finding *w = diag_arrow_worst(u->d, st->ci, ai);
	int leg = st->lay.nlegs > 1 ? st->lay.legs[ai] : 0;
	a = w != NULL ? ui_sev_attr(u, (int)w->severity)
	    : u->m->msgs[c->arrows[ai].msg].retrans ? u->attr[UA_DIM]
	    : leg > 0 ? u->attr[UA_LEG1 + (leg - 1) % 3] : 0;
	if (selected)
		a |= A_REVERSE | (st->focus == F_LADDER ? A_BOLD : 0);
	return a;
}

/* Draws one arrow: label row at y, shaft row at y + 1. */
static void
draw_arrow(const struct ui *u, const struct flow_st *st, const struct geo *g, size_t v, int y)
{
	const struct ladder_step *row = &st->lay.steps[v];
	attr_t at = arrow_attr(u, st, row, v == st->sel);
	attr_t lat = st->hit && !row->conn && st->hit[row->ai] ? at | u->attr[UA_MATCH] : at;
	const char *hline = row->conn ? "." : u->g->hline;
	int x1 = center(g, st->lay.steps[v].from), x2 = center(g, st->lay.steps[v].to);
	struct sbuf sh = {0};
	draw_margin(u, st, v, y, v == st->sel ? A_REVERSE : 0);
	if (x1 == x2) { /* a hop inside one machine: a loop to the right */
		sbuf_puts(&sh, u->g->hline);
		sbuf_puts(&sh, u->g->corner_top);
		vput(u, g, st->hscroll, y, x1 + 1, sh.s, at);
		struct sbuf cut = {0};
		ladder_fit_step(&cut, &st->lay, row, g->colw - 5, u->g->more, false);
		vput(u, g, st->hscroll, y, x1 + 4, cut.s, lat);
		sbuf_free(&cut);
		sh.len = 0;
		sbuf_puts(&sh, "<");
		sbuf_puts(&sh, u->g->corner_low);
		vput(u, g, st->hscroll, y + 1, x1 + 1, sh.s, at);
	} else {
		int lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
		/* the label stays over the part of the shaft that is on screen */
		int l0 = lo + 2 > st->hscroll ? lo + 2 : st->hscroll;
		int l1 = hi - 1 < st->hscroll + g->aw ? hi - 1 : st->hscroll + g->aw;
		int room = l1 - l0;
		if (x1 > x2)
			sbuf_puts(&sh, "<");
		for (int x = lo + 1 + (x1 > x2); x < hi - (x1 < x2); x++)
			sbuf_puts(&sh, hline);
		if (x1 < x2)
			sbuf_puts(&sh, ">");
		vput(u, g, st->hscroll, y + 1, lo + 1, sh.s, at);
		struct sbuf cut = {0};
		ladder_fit_step(&cut, &st->lay, row, room, u->g->more, false);
		int n = ui_width(u, cut.s, cut.len);
		vput(u, g, st->hscroll, y, l0 + (room - n) / 2, cut.s, lat);
		sbuf_free(&cut);
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

/* Writes into buf where connection row k's packet is: "packet 8 of FILE". */
static char *
conn_where(const struct ui *u, const struct flow_st *st, size_t k, char *buf, size_t size)
{
	const struct ladder_conn *r = &st->lay.conns[k];
	const struct wire_conn *c = &u->m->wire.conns[r->conn];
	snprintf(buf, size, "packet %u of %s", u->m->wire.steps[r->step].packet,
	    u->m->files[c->file].path);
	return buf;
}

/* Fills doc with connection row k: what it is, the connection, its packet,
 * the finding that cites it. */
static void
conn_doc(const struct ui *u, const struct flow_st *st, size_t k, struct ui_doc *doc)
{
	const struct ladder_conn *r = &st->lay.conns[k];
	const struct wire_conn *c = &u->m->wire.conns[r->conn];
	char where[512];
	ui_doc_raw(doc, r->label, strlen(r->label), UA_START);
	ui_doc_printf(doc, UA_NORMAL, "%s connection %s:%u -> %s:%u", c->tls ? "TLS" : "TCP",
	    c->client_ip, c->client_port, c->server_ip, c->server_port);
	conn_where(u, st, k, where, sizeof where);
	ui_doc_raw(doc, where, strlen(where), UA_DIM);
	if (r->finding >= 0) {
		const struct diag_finding *f = &u->d->f[r->finding];
		ui_doc_printf(doc, UA_NORMAL, "%s", "");
		ui_doc_printf(doc, UA_NORMAL, "cited by %s:", f->id);
		ui_doc_raw(doc, f->summary, strlen(f->summary), UA_NORMAL);
	}
}

/* Makes sure the preview document matches the selection. */
static void
preview_doc(const struct ui *u, struct flow_st *st, int w)
{
	bool fin = st->focus == F_FINDINGS && st->nf > 0;
	bool conn = !fin && st->lay.nsteps && st->lay.steps[st->sel].conn;
	long key = fin ? -2 - (long)st->fsel * 1000 - w : conn ? -500000000L - (long)st->sel
	    : st->lay.nsteps ? (long)st->lay.steps[st->sel].ai : -1;
	if (key == st->pdoc_key && st->pdoc.n > 0)
		return;
	ui_doc_free(&st->pdoc);
	st->pdoc_key = key;
	st->ptop = 0, st->pskip = 0;
	if (fin)
		ui_finding_doc(u, &u->d->f[st->fidx[st->fsel]], w, &st->pdoc);
	else if (conn)
		conn_doc(u, st, st->lay.steps[st->sel].ai, &st->pdoc);
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
	if (!(st->focus == F_FINDINGS && st->nf > 0) && st->lay.steps[st->sel].conn)
		conn_where(u, st, st->lay.steps[st->sel].ai, where, sizeof where);
	else if (!(st->focus == F_FINDINGS && st->nf > 0))
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

/* Draws the row that says the legs of the call (letter, Call-ID, the rule
 * that joined it, in the leg's colour) and the clock of the times. */
static void
draw_info(const struct ui *u, const struct flow_st *st, const struct geo *g)
{
	const struct call *c = &u->m->calls[st->ci];
	int x = 0;
	ui_fill(u, g->info_y, 0, u->cols, 0);
	for (size_t k = 0; st->lay.nlegs > 1 && k < c->ncall_ids && x < u->cols; k++) {
		struct sbuf b = {0};
		sbuf_printf(&b, "%c ", ladder_leg_letter(k));
		text_cut(&b, c->call_ids[k], strlen(c->call_ids[k]), 13, u->g->more);
		sbuf_printf(&b, " (%s)  ", ladder_leg_rule(c, k));
		x += ui_raw(u, g->info_y, x, u->cols - x, 0, b.s, k > 0 ?
		    u->attr[UA_LEG1 + (k - 1) % 3] : 0);
		sbuf_free(&b);
	}
	struct sbuf t = {0};
	view_clock(&t, u->m, c);
	if (x < u->cols)
		ui_raw(u, g->info_y, x, u->cols - x, 0, t.s, u->attr[UA_DIM]);
	sbuf_free(&t);
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
	draw_info(u, st, &g);
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
			if (!st->lay.steps[v].conn && st->lay.steps[v].ai == ai) {
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
		if (!st->lay.steps[v].conn && st->hit[st->lay.steps[v].ai]) {
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
	if (st->lay.nsteps && (sel_arrow(st) < 0 || !st->hit[sel_arrow(st)]))
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
			if (ev->button == UI_DCLICK && !st->lay.steps[v].conn)
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
	if (st->lay.nsteps > 0 && sel_arrow(st) < 0)
		ui_note(u, false, "a connection row: its packet is in the capture, not a SIP message");
	else if (st->lay.nsteps > 0)
		ui_msg_open(u, st->ci, (int)sel_arrow(st), false);
}

/* c: compares the marked arrow with the selected one, or the call's logs. */
static void
flow_compare(struct ui *u, struct flow_st *st)
{
	const struct call *c = &u->m->calls[st->ci];
	if (sel_arrow(st) < 0) {
		ui_note(u, true, "compare needs a SIP message: this is a connection row");
		return;
	}
	size_t ai = (size_t)sel_arrow(st);
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

/* Hides or shows the connection rows a capture gives; says so when the
 * input has no capture, since the key then changes nothing. */
static void
flow_conns_toggle(struct ui *u, struct flow_st *st)
{
	if (u->m->wire.nconns == 0) {
		ui_note(u, false, "no connection rows: they come from a packet capture");
		return;
	}
	st->no_conns = !st->no_conns;
	build(u, st);
	ui_note(u, false, st->no_conns ? "connection rows hidden (w shows them)" :
	    "connection rows shown");
}

/* Returns true when the flow screen used the key. */
static bool
flow_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct flow_st *st = vst;
	int k = ev->key;
	if (k == ' ' || k == 'm') {
		if (sel_arrow(st) >= 0)
			st->mark = st->mark == sel_arrow(st) ? -1 : sel_arrow(st);
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
	case 'w': flow_conns_toggle(u, st); return true;
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
	*arrow = (int)sel_arrow(st);
	return true;
}

static const struct ui_screen_ops flow_ops = {"flow", flow_draw, flow_key, flow_free,
	flow_context};

/* Returns a new flow screen of call ci, or NULL when there is no such call. */
static struct flow_st *
flow_new(struct ui *u, size_t ci)
{
	if (ci >= u->m->ncalls)
		return NULL;
	struct flow_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->mark = -1;
	st->preview = true;
	st->pdoc_key = -1000000000L;
	st->nf = diag_call_findings(u->d, (long)ci, &st->fidx);
	build(u, st);
	return st;
}

/* Pushes the ladder of call ci. */
void
ui_flow_open(struct ui *u, size_t ci)
{
	struct flow_st *st = flow_new(u, ci);
	if (st != NULL)
		ui_push(u, &flow_ops, st);
}

/* Pushes the ladder of call ci at arrow ai, and the first finding on it
 * selected in the findings panel. */
void
ui_flow_arrow_open(struct ui *u, size_t ci, int ai)
{
	struct flow_st *st = flow_new(u, ci);
	if (st == NULL)
		return;
	if (ai >= 0 && (size_t)ai < u->m->calls[ci].narrows) {
		select_arrow(u, st, (size_t)ai);
		for (size_t k = 0; k < st->nf; k++)
			if (u->d->f[st->fidx[k]].arrow == ai) {
				st->fsel = k;
				break;
			}
	}
	ui_push(u, &flow_ops, st);
}
