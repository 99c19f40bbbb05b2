/* ui_list.c - the call list: one row per call, sortable by any column,
 * filtered live with a PCRE2 pattern over the row (and optionally the
 * messages), OPTIONS keepalives hidden unless asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "ui.h"
#include "view.h"

enum col { C_NUM, C_START, C_FROM, C_TO, C_METHOD, C_STATUS, C_MSGS, C_HOSTS, C_DUR, C_FIND,
	NCOLS };

static const struct {
	const char *title;
	int w;              /* width; 0 for the two that share what is left */
	bool right;         /* right-aligned */
	int min_cols;       /* shown only on terminals at least this wide */
} cols[NCOLS] = {
	[C_NUM] = {"#", 4, true, 0},
	[C_START] = {"Start", 12, false, 0},
	[C_FROM] = {"From", 0, false, 0},
	[C_TO] = {"To", 0, false, 0},
	[C_METHOD] = {"Method", 8, false, 110},
	[C_STATUS] = {"Final", 5, true, 0},
	[C_MSGS] = {"Msgs", 4, true, 0},
	[C_HOSTS] = {"Hosts", 5, false, 0},
	[C_DUR] = {"Dur", 6, true, 0},
	[C_FIND] = {"Find", 5, false, 0},
};

struct list_st {
	int ids_w;          /* the widest list of finding ids of a call */
	size_t *rows;       /* indices in m->calls, in display order */
	size_t *nids;       /* per call: the distinct ids of its findings (the Find column) */
	size_t nrows;
	size_t sel, top;
	int sort;           /* enum col */
	bool desc;
	bool options, findings_only;
	struct ui_re re;
	char pat[256];
	bool msgs;          /* the pattern also searches message text */
	char saved[256];    /* pattern before the prompt opened (Esc restores it) */
	bool saved_msgs;
	size_t hidden_options;
	bool multi_day;     /* calls on several days: Start shows the date */
};

/* Returns the width of column c (0 for From and To, which share the rest). */
static int
col_width(const struct list_st *st, int c)
{
	return c == C_START && st->multi_day ? 14 : cols[c].w;
}

/* Returns true when the Find column shows the findings' ids: From and To
 * keep 24 columns each beside them; else it shows their markers. */
static bool
show_ids(const struct ui *u, const struct list_st *st)
{
	int fixed = 0, shown = 0;
	for (int c = 0; c < NCOLS; c++)
		if (u->cols >= cols[c].min_cols) {
			fixed += c == C_FIND ? st->ids_w : col_width(st, c);
			shown++;
		}
	return st->ids_w > cols[C_FIND].w && u->cols - fixed - (shown - 1) >= 48;
}

/* Returns the x of each shown column (x[c] < 0 when hidden) and their widths. */
static void
layout(const struct ui *u, const struct list_st *st, int *x, int *w)
{
	int fixed = 0, shown = 0;
	bool ids = show_ids(u, st);
	for (int c = 0; c < NCOLS; c++)
		if (u->cols >= cols[c].min_cols) {
			fixed += c == C_FIND && ids ? st->ids_w : col_width(st, c);
			shown++;
		}
	int flex = u->cols - fixed - (shown - 1);
	int pos = 0;
	for (int c = 0; c < NCOLS; c++) {
		if (u->cols < cols[c].min_cols) {
			x[c] = -1, w[c] = 0;
			continue;
		}
		w[c] = c == C_FIND && ids ? st->ids_w : col_width(st, c) ? col_width(st, c)
		    : c == C_FROM ? flex / 2 : flex - flex / 2;
		if (w[c] < 4)
			w[c] = 4;
		x[c] = pos;
		pos += w[c] + 1;
	}
}

/* Returns the text of a cell (program text, or log text for From/To). */
static const char *
cell(const struct ui *u, size_t ci, int col, char *buf, size_t size)
{
	const struct call *c = &u->m->calls[ci];
	switch (col) {
	case C_NUM: snprintf(buf, size, "%u", c->number); break;
	case C_START: model_time_short(c->start, buf, size); break;
	case C_FROM: return view_brief_uri(c->from, "-");
	case C_TO: return view_brief_uri(c->to, "-");
	case C_METHOD: return c->method ? c->method : "-";
	case C_STATUS: snprintf(buf, size, c->final_status ? "%d" : "-", c->final_status); break;
	case C_MSGS: snprintf(buf, size, "%zu", c->narrows); break;
	case C_HOSTS: return model_call_hosts(u->m, c, buf, size);
	case C_DUR: snprintf(buf, size, "%.1fs", (double)(c->end - c->start) / 1000); break;
	default: buf[0] = '\0'; break;
	}
	return buf;
}

/* Returns <0, 0, >0 comparing two calls on column col. */
static int
cmp_col(const struct ui *u, const struct list_st *st, size_t a, size_t b, int col)
{
	const struct call *x = &u->m->calls[a], *y = &u->m->calls[b];
	char ba[64], bb[64];
	switch (col) {
	case C_START: return (x->start > y->start) - (x->start < y->start);
	case C_STATUS: return (x->final_status > y->final_status) - (x->final_status < y->final_status);
	case C_MSGS: return (x->narrows > y->narrows) - (x->narrows < y->narrows);
	case C_DUR: {
		xw_time dx = x->end - x->start, dy = y->end - y->start;
		return (dx > dy) - (dx < dy);
	}
	case C_FIND: {
		int sx = diag_call_worst(u->d, a), sy = diag_call_worst(u->d, b);
		if (sx != sy)
			return sx - sy;
		return (st->nids[a] > st->nids[b]) - (st->nids[a] < st->nids[b]);
	}
	case C_NUM: return (x->number > y->number) - (x->number < y->number);
	default: return strcmp(cell(u, a, col, ba, sizeof ba), cell(u, b, col, bb, sizeof bb));
	}
}

/* Sorts the rows (insertion into a merge: stable, ties by call number). */
static void
sort_rows(const struct ui *u, struct list_st *st)
{
	size_t n = st->nrows, *tmp = xcalloc(n + 1, sizeof *tmp);
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				int r = cmp_col(u, st, st->rows[i], st->rows[j], st->sort);
				if (r == 0)
					r = cmp_col(u, st, st->rows[i], st->rows[j], C_NUM);
				tmp[k++] = (st->desc ? r > 0 : r <= 0) ? st->rows[i++] : st->rows[j++];
			}
			while (i < mid)
				tmp[k++] = st->rows[i++];
			while (j < hi)
				tmp[k++] = st->rows[j++];
		}
		memcpy(st->rows, tmp, n * sizeof *tmp);
	}
	free(tmp);
}

/* Returns the text a filter pattern sees for a call: its cells, names,
 * findings, hosts and Call-IDs. */
static void
row_text(const struct ui *u, size_t ci, struct sbuf *b)
{
	const struct model *m = u->m;
	const struct call *c = &m->calls[ci];
	char buf[64], t[40];
	b->len = 0;
	sbuf_printf(b, "%u %s ", c->number, model_time_iso(c->start, t, sizeof t));
	for (int col = C_FROM; col < C_FIND; col++)
		sbuf_printf(b, "%s ", cell(u, ci, col, buf, sizeof buf));
	if (c->nmsgs > 0) {
		const struct sip_msg *s = &m->msgs[c->msgs[0]];
		sbuf_printf(b, "%s %s ", s->sip->from_name ? s->sip->from_name : "", s->sip->to_name ? s->sip->to_name : "");
	}
	const char **ids;
	size_t nids = view_finding_ids(u->d, ci, &ids);
	for (size_t i = 0; i < nids; i++)
		sbuf_printf(b, "%s ", ids[i]);
	free(ids);
	for (size_t i = 0; i < c->nhosts; i++)
		sbuf_printf(b, "%s ", m->hosts[c->hosts[i]].name);
	for (size_t i = 0; i < c->ncall_ids; i++)
		sbuf_printf(b, "%s ", c->call_ids[i]);
}

/* Rebuilds the visible rows from the toggles and the filter, keeping the
 * selected call selected when it stays visible. */
static void
rebuild(const struct ui *u, struct list_st *st)
{
	size_t keep = st->nrows ? st->rows[st->sel] : (size_t)-1;
	struct sbuf b = {0};
	st->nrows = 0;
	st->hidden_options = 0;
	for (size_t i = 0; i < u->m->ncalls; i++) {
		const struct call *c = &u->m->calls[i];
		if (c->options_only && !st->options) {
			st->hidden_options++;
			continue;
		}
		if (st->findings_only && st->nids[i] == 0)
			continue;
		if (ui_re_on(&st->re)) {
			row_text(u, i, &b);
			if (!ui_re_match(&st->re, b.s, b.len, NULL, NULL) &&
			    !(st->msgs && ui_re_call_msgs(&st->re, u->m, c)))
				continue;
		}
		st->rows[st->nrows++] = i;
	}
	sbuf_free(&b);
	sort_rows(u, st);
	st->sel = 0;
	for (size_t i = 0; i < st->nrows; i++)
		if (st->rows[i] == keep)
			st->sel = i;
}

/* Returns the rows of calls shown at once. */
static int
page(const struct ui *u)
{
	return u->rows - 4;
}

/* Draws the findings of a call, each in its severity's attribute: their
 * ids when ids, else their markers. */
static void
draw_markers(const struct ui *u, int y, int x, int w, size_t ci, attr_t sel, bool ids)
{
	const size_t *idx;
	size_t n = diag_call_findings(u->d, (long)ci, &idx);
	char seen[32] = "";
	int k = 0, at = 0;
	for (size_t i = 0; i < n && at < w && k < 31; i++) {
		const struct diag_finding *f = &u->d->f[idx[i]];
		char mk = diag_marker(f->id);
		if (strchr(seen, mk) != NULL)
			continue;
		seen[k++] = mk, seen[k] = '\0';
		if (ids && at > 0)
			at += ui_text(u, y, x + at, w - at, 0, ",", 1, sel);
		at += ids ? ui_text(u, y, x + at, w - at, 0, f->id, strlen(f->id),
		    ui_sev_attr(u, (int)f->severity) | sel)
		    : ui_text(u, y, x + at, 1, 0, &mk, 1, ui_sev_attr(u, (int)f->severity) | sel);
	}
}

/* Draws one call row. */
static void
draw_row(const struct ui *u, const struct list_st *st, size_t r, int y, const int *x,
    const int *w)
{
	size_t ci = st->rows[r];
	attr_t sel = r == st->sel ? A_REVERSE : 0;
	char buf[64];
	ui_fill(u, y, 0, u->cols, sel);
	for (int c = 0; c < NCOLS; c++) {
		if (x[c] < 0)
			continue;
		if (c == C_FIND) {
			draw_markers(u, y, x[c], w[c], ci, sel, show_ids(u, st));
			continue;
		}
		const char *s = cell(u, ci, c, buf, sizeof buf);
		char iso[40];
		if (c == C_START && st->multi_day) { /* "09-19 18:01:44" */
			model_time_iso(u->m->calls[ci].start, iso, sizeof iso);
			snprintf(buf, sizeof buf, "%.5s %.8s", iso + 5, iso + 11);
			s = buf;
		}
		struct sbuf b = {0};
		text_safe(&b, s, strlen(s));
		int tw = ui_width(u, b.s, b.len), pad = cols[c].right && tw < w[c] ? w[c] - tw : 0;
		attr_t a = c == C_STATUS ? ui_status_attr(u, u->m->calls[ci].final_status)
		    : u->m->calls[ci].options_only ? u->attr[UA_DIM] : 0;
		int drawn = ui_text(u, y, x[c] + pad, w[c] - pad, 0, b.s, b.len, a | sel);
		if (tw > w[c] && w[c] > 1) /* mark a cut cell */
			ui_text(u, y, x[c] + drawn - 1, 1, 0, u->g->more, strlen(u->g->more),
			    u->attr[UA_DIM] | sel);
		sbuf_free(&b);
	}
}

/* Draws the column titles, with the sort mark. */
static void
draw_header(const struct ui *u, const struct list_st *st, const int *x, const int *w)
{
	ui_fill(u, 1, 0, u->cols, u->attr[UA_HEADER]);
	for (int c = 0; c < NCOLS; c++) {
		if (x[c] < 0)
			continue;
		char t[32];
		snprintf(t, sizeof t, "%s%s", c == C_FIND && show_ids(u, st) ? "Findings"
		    : cols[c].title, c == st->sort ? (st->desc ? u->g->sort_down : u->g->sort_up) : "");
		int tw = ui_width(u, t, strlen(t));
		int pad = cols[c].right && tw < w[c] ? w[c] - tw : 0;
		ui_text(u, 1, x[c] + pad, w[c] - pad, 0, t, strlen(t), u->attr[UA_HEADER]);
	}
}

/* Draws the status line: files, hosts and roles, messages; on the right the
 * skipped and repaired blocks with the key that lists them, drawn last so a
 * long host list cannot push it off the screen. */
static void
draw_status(const struct ui *u, const struct list_st *st, int y)
{
	const struct model *m = u->m;
	struct sbuf b = {0};
	char right[128] = "";
	size_t repaired, skipped = ui_problem_counts(m, &repaired);
	sbuf_printf(&b, " %zu file%s %s ", m->nfiles, m->nfiles == 1 ? "" : "s", u->g->sep);
	for (size_t h = 0; h < m->nhosts; h++) {
		text_safe(&b, m->hosts[h].name, strlen(m->hosts[h].name));
		sbuf_printf(&b, " (%c) ", model_role(m->hosts[h].role)->letter);
	}
	sbuf_printf(&b, "%s %zu messages %s ", u->g->sep, m->nmsgs, u->g->sep);
	view_clock(&b, m, NULL);
	if (u->d != NULL && u->d->n > 0)
		sbuf_printf(&b, " %s %zu finding%s (F)", u->g->sep, u->d->n, u->d->n == 1 ? "" : "s");
	if (st->hidden_options)
		sbuf_printf(&b, " %s %zu OPTIONS hidden", u->g->sep, st->hidden_options);
	if (skipped + repaired > 0)
		snprintf(right, sizeof right, " %zu skipped, %zu repaired %s press i ", skipped,
		    repaired, u->g->dash);
	else
		sbuf_printf(&b, " %s 0 skipped", u->g->sep);
	int rw = ui_width(u, right, strlen(right));
	ui_fill(u, y, 0, u->cols, u->attr[UA_STATUS]);
	ui_text(u, y, 0, u->cols - rw, 0, b.s, b.len, u->attr[UA_STATUS]);
	ui_text(u, y, u->cols - rw, rw, 0, right, strlen(right), u->attr[UA_STATUS] | A_BOLD);
	sbuf_free(&b);
}

/* Paints the call list: title, column titles, rows, status, hints. */
static void
list_draw(struct ui *u, void *vst)
{
	struct list_st *st = vst;
	int x[NCOLS], w[NCOLS], h = page(u);
	char right[320];
	layout(u, st, x, w);
	struct sbuf pat = {0};
	text_safe(&pat, st->pat, strlen(st->pat));
	snprintf(right, sizeof right, "%s%s%s%s%s%zu/%zu calls ", ui_re_on(&st->re) ? "/" : "",
	    ui_re_on(&st->re) ? pat.s : "", ui_re_on(&st->re) ? (st->msgs ? "/ +msgs  " : "/  ")
	    : "", st->findings_only ? "findings only  " : "", st->options ? "+OPTIONS  " : "",
	    st->nrows, u->m->ncalls);
	sbuf_free(&pat);
	ui_draw_bar(u, 0, "xwtrace " XW_VERSION "  Calls", right);
	draw_header(u, st, x, w);
	st->top = ui_scroll(st->top, st->sel, st->nrows, h);
	for (int r = 0; r < h && st->top + (size_t)r < st->nrows; r++)
		draw_row(u, st, st->top + (size_t)r, 2 + r, x, w);
	if (st->nrows == 0)
		ui_printf(u, 3, 2, u->cols - 4, u->attr[UA_DIM], "%s%s",
		    u->m->ncalls ? "No call matches (/ to change the filter, f and o toggles)"
		    : "No call in these logs", u->d != NULL && u->d->n > 0 ?
		    "; F lists the findings of these logs" : "");
	draw_status(u, st, u->rows - 2);
	ui_draw_bottom(u, "Enter:flow /:filter c:compare e:export o:OPTIONS f:with-findings "
	    "F:findings s:sort ?:help q:quit");
}

/* Filter prompt callbacks. */

/* Applies the pattern being typed; a bad one leaves the rows as they are. */
static void
filter_changed(struct ui *u, void *vst, const char *text)
{
	struct list_st *st = vst;
	struct ui_re re = {0};
	if (text[0] != '\0' && !ui_re_compile(&re, text, u->prompt.err, sizeof u->prompt.err))
		return;
	if (st->msgs && u->m->nmsgs > 20000) { /* big logs: message search waits for Enter */
		ui_re_free(&re);
		return;
	}
	ui_re_free(&st->re);
	st->re = re;
	snprintf(st->pat, sizeof st->pat, "%s", text);
	rebuild(u, st);
}

/* Returns true to close the prompt: Enter keeps the pattern, Esc restores. */
static bool
filter_done(struct ui *u, void *vst, const char *text, int choice, bool ok)
{
	struct list_st *st = vst;
	(void)choice;
	if (ok) {
		char err[192] = "";
		ui_re_free(&st->re);
		if (text[0] != '\0' && !ui_re_compile(&st->re, text, err, sizeof err)) {
			snprintf(u->prompt.err, sizeof u->prompt.err, "%s", err);
			return false;
		}
		snprintf(st->pat, sizeof st->pat, "%s", text);
	} else {
		st->msgs = st->saved_msgs;
		ui_re_free(&st->re);
		ui_re_compile(&st->re, st->saved, NULL, 0);
		snprintf(st->pat, sizeof st->pat, "%s", st->saved);
	}
	rebuild(u, st);
	return true;
}

/* Sets the prompt label to show what the pattern searches. */
static void
filter_label(struct ui *u, const struct list_st *st)
{
	snprintf(u->prompt.label, sizeof u->prompt.label, "Filter %s (Tab: %s):",
	    st->msgs ? "rows+messages" : "rows", st->msgs ? "rows only" : "+messages");
}

/* Tab: switches between matching rows and rows plus message text. */
static void
filter_tab(struct ui *u, void *vst)
{
	struct list_st *st = vst;
	st->msgs = !st->msgs;
	filter_label(u, st);
	filter_changed(u, st, u->prompt.buf);
}

/* Opens the filter prompt, remembering the pattern Esc restores. */
static void
filter_open(struct ui *u, struct list_st *st)
{
	snprintf(st->saved, sizeof st->saved, "%s", st->pat);
	st->saved_msgs = st->msgs;
	ui_prompt_text(u, "", st->pat, st, filter_changed, filter_done);
	u->prompt.tab = filter_tab;
	filter_label(u, st);
}

/* Returns the column under screen x, or -1. */
static int
col_at(const struct ui *u, const struct list_st *st, int sx)
{
	int x[NCOLS], w[NCOLS];
	layout(u, st, x, w);
	for (int c = 0; c < NCOLS; c++)
		if (x[c] >= 0 && sx >= x[c] && sx <= x[c] + w[c])
			return c;
	return -1;
}

/* Sorts by column c (the same column again reverses the order). */
static void
sort_by(const struct ui *u, struct list_st *st, int c)
{
	if (c < 0)
		return;
	st->desc = c == st->sort ? !st->desc : false;
	st->sort = c;
	rebuild(u, st);
}

/* Returns the next shown column after (dir 1) or before (-1) c. */
static int
next_col(const struct ui *u, int c, int dir)
{
	for (int i = 0; i < NCOLS; i++) {
		c = (c + dir + NCOLS) % NCOLS;
		if (u->cols >= cols[c].min_cols)
			return c;
	}
	return c;
}

/* Returns true after handling a mouse event. */
static bool
list_mouse(struct ui *u, struct list_st *st, const struct ui_ev *ev)
{
	int h = page(u);
	if (ev->button == UI_WHEEL_UP || ev->button == UI_WHEEL_DOWN) {
		size_t d = 3;
		st->sel = ev->button == UI_WHEEL_UP ? (st->sel > d ? st->sel - d : 0)
		    : (st->sel + d < st->nrows ? st->sel + d : (st->nrows ? st->nrows - 1 : 0));
	} else if (ev->y == 1) {
		sort_by(u, st, col_at(u, st, ev->x));
	} else if (ev->y >= 2 && ev->y < 2 + h && st->top + (size_t)(ev->y - 2) < st->nrows) {
		st->sel = st->top + (size_t)(ev->y - 2);
		if (ev->button == UI_DCLICK)
			ui_flow_open(u, st->rows[st->sel]);
	}
	return true;
}

/* Returns true when the list used the key. */
static bool
list_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct list_st *st = vst;
	bool used;
	size_t n = ui_move(ev->key, st->sel, st->nrows, page(u), &used);
	if (used) {
		st->sel = n;
		return true;
	}
	switch (ev->key) {
	case KEY_MOUSE: return list_mouse(u, st, ev);
	case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT: case 'l':
		if (st->nrows)
			ui_flow_open(u, st->rows[st->sel]);
		return true;
	case '/': filter_open(u, st); return true;
	case 'n': st->sel = st->sel + 1 < st->nrows ? st->sel + 1 : st->sel; return true;
	case 'N': st->sel = st->sel > 0 ? st->sel - 1 : 0; return true;
	case 'o': st->options = !st->options; rebuild(u, st); return true;
	case 'f': st->findings_only = !st->findings_only; rebuild(u, st); return true;
	case 's': case '>': st->sort = next_col(u, st->sort, 1); st->desc = false; rebuild(u, st); return true;
	case '<': st->sort = next_col(u, st->sort, -1); st->desc = false; rebuild(u, st); return true;
	case 'S': case 'r': st->desc = !st->desc; rebuild(u, st); return true;
	case KEY_F(5):
		ui_re_free(&st->re);
		st->pat[0] = '\0';
		rebuild(u, st);
		return true;
	default: return false;
	}
}

/* Frees the list's state. */
static void
list_free(void *vst)
{
	struct list_st *st = vst;
	ui_re_free(&st->re);
	free(st->rows);
	free(st->nids);
	free(st);
}

/* Returns true with the selected call. */
static bool
list_context(const struct ui *u, const void *vst, size_t *call, int *arrow)
{
	const struct list_st *st = vst;
	(void)u;
	if (st->nrows == 0)
		return false;
	*call = st->rows[st->sel];
	*arrow = -1;
	return true;
}

static const struct ui_screen_ops list_ops = {"list", list_draw, list_key, list_free,
	list_context};

/* Pushes the call list. */
void
ui_list_open(struct ui *u, const struct ui_opts *o)
{
	struct list_st *st = xcalloc(1, sizeof *st);
	st->rows = xcalloc(u->m->ncalls + 1, sizeof *st->rows);
	st->nids = xcalloc(u->m->ncalls + 1, sizeof *st->nids);
	for (size_t i = 0; i < u->m->ncalls; i++) {
		const char **ids;
		int w = 0;
		st->nids[i] = view_finding_ids(u->d, i, &ids);
		for (size_t k = 0; k < st->nids[i]; k++)
			w += (int)strlen(ids[k]) + (k > 0);
		st->ids_w = w > st->ids_w ? w : st->ids_w;
		free(ids);
	}
	st->sort = C_NUM;
	st->options = o->show_options;
	for (size_t i = 1; i < u->m->ncalls && !st->multi_day; i++)
		st->multi_day = u->m->calls[i].start / 86400000 != u->m->calls[0].start / 86400000;
	rebuild(u, st);
	ui_push(u, &list_ops, st);
}
