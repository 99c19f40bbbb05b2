/* ui_compare.c - two messages side by side, header-level differences
 * marked: a line only on the left ('-'), only on the right ('+'), or
 * changed ('~', with the parameters that differ highlighted).
 *
 * Call mode puts each Expressway's log in its own pane (C left, E right)
 * with the same wire message on the same row; pair mode compares any two
 * records (the ingress and egress copies of one hop show what the
 * Expressway changed). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "sip.h"
#include "text.h"
#include "ui.h"
#include "view.h"

#define DIFF_MAX_LINES 1500  /* beyond this, lines are paired by position */

struct row {
	long l, r;          /* records (m->msgs), -1 when that log lacks it */
	char mark;          /* '=' same text, '~' differs, ' ' one side only */
};

struct cmp_st {
	size_t ci;
	bool pair;
	struct row *rows;
	size_t nrows, sel, top;
	bool diff_focus;
	struct ui_doc dl, dr;
	long dkey;
	size_t dtop;
	int dskip;
	size_t changed, added, removed;
};

/* One side's text as safe lines, with their alignment keys. */
struct side {
	char **line;        /* safe text */
	char **key;
	size_t n, cap, kcap;
};

/* Returns the alignment key of a line: the header name, or for the body
 * the text up to the first space. */
static char *
line_key(const char *line, bool body, bool first)
{
	if (first)
		return xstrdup("@start");
	size_t n = body ? strcspn(line, " ") : strcspn(line, ":");
	while (!body && n > 0 && line[n - 1] == ' ')
		n--;
	char *k = xasprintf("%c:%.*s", body ? 'b' : 'h', (int)(n < 80 ? n : 80), line);
	for (char *p = k; *p && !body; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/* Fills a side with record rec's lines (its summary when no body was logged). */
static void
side_load(const struct ui *u, long rec, struct side *s)
{
	size_t n;
	char *raw = sip_raw(u->m, &u->m->msgs[rec], &n), first[512];
	if (raw == NULL) {
		sip_first_line(&u->m->msgs[rec], first, sizeof first);
		raw = xasprintf("%s\r\n(headers not logged)\r\n", first);
		n = strlen(raw);
	}
	bool body = false;
	for (size_t p = 0; p < n;) {
		size_t e = p;
		while (e < n && raw[e] != '\n')
			e++;
		size_t len = e - p - (e > p && raw[e - 1] == '\r');
		struct sbuf b = {0};
		text_safe(&b, raw + p, len);
		if (len == 0 && s->n > 0)
			body = true;
		char *key = line_key(b.s, body, s->n == 0);
		VEC_PUSH(s->key, s->n, s->kcap, key);
		s->n--;
		VEC_PUSH(s->line, s->n, s->cap, sbuf_take(&b));
		p = e + 1;
	}
	free(raw);
}

/* Frees the lines and keys of a side. */
static void
side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->line[i]);
		free(s->key[i]);
	}
	free(s->line);
	free(s->key);
}

/* Returns true when token t (n bytes) is one of the tokens of line. */
static bool
has_token(const char *line, const char *t, size_t n)
{
	for (const char *p = line; *p;) {
		size_t k = strcspn(p, ";,<> ");
		if (k == n && strncmp(p, t, n) == 0)
			return true;
		p += k + (p[k] != '\0');
	}
	return false;
}

/* Marks the tokens of line l that the other line lacks with attribute a. */
static void
mark_tokens(struct ui_line *l, const char *other, enum ui_attr a)
{
	for (size_t p = 0; p < l->len;) {
		size_t k = strcspn(l->text + p, ";,<> ");
		if (k > 0 && !has_token(other, l->text + p, k))
			ui_line_span(l, p, p + k, a);
		p += k + 1;
	}
}

/* Adds one aligned row of the diff: i or j may be -1 (that side lacks it). */
static void
diff_row(struct cmp_st *st, const struct side *a, long i, const struct side *b, long j)
{
	struct ui_line *l = i >= 0 ? ui_doc_raw(&st->dl, a->line[i], strlen(a->line[i]), UA_NORMAL)
	    : ui_doc_raw(&st->dl, "", 0, UA_DIM);
	struct ui_line *r = j >= 0 ? ui_doc_raw(&st->dr, b->line[j], strlen(b->line[j]), UA_NORMAL)
	    : ui_doc_raw(&st->dr, "", 0, UA_DIM);
	if (i >= 0 && j < 0) {
		l->gutter = '-', l->base = UA_REMOVED, st->removed++;
	} else if (j >= 0 && i < 0) {
		r->gutter = '+', r->base = UA_ADDED, st->added++;
	} else if (strcmp(a->line[i], b->line[j]) != 0) {
		l->gutter = r->gutter = '~', st->changed++;
		l->base = r->base = UA_CHANGED;
		mark_tokens(l, b->line[j], UA_REMOVED);
		mark_tokens(r, a->line[i], UA_ADDED);
	}
}

/* Returns the number of tokens of line a that line b has too, and in *total
 * the larger token count of the two. */
static int
common_tokens(const char *a, const char *b, int *total)
{
	int na = 0, nb = 0, common = 0;
	for (const char *p = a; *p;) {
		size_t k = strcspn(p, ";,<> ");
		if (k > 0) {
			na++;
			common += has_token(b, p, k);
		}
		p += k + (p[k] != '\0');
	}
	for (const char *p = b; *p;) {
		size_t k = strcspn(p, ";,<> ");
		nb += k > 0;
		p += k + (p[k] != '\0');
	}
	*total = na > nb ? na : nb;
	return common;
}

/* Returns how well line i of a pairs with line j of b: 100 for the same
 * text, 10 to 90 for the same header (or SDP line type) by the parameters
 * they share, 0 when they do not pair. */
static int
affinity(const struct side *a, size_t i, const struct side *b, size_t j)
{
	if (strcmp(a->key[i], b->key[j]) != 0)
		return 0;
	if (strcmp(a->line[i], b->line[j]) == 0)
		return 100;
	int total, common = common_tokens(a->line[i], b->line[j], &total);
	return 10 + (total ? 80 * common / total : 0);
}

/* Aligns two sides by the heaviest common subsequence: identical lines
 * first (so a Via added on top shifts nothing), then the most alike lines
 * of the same header. */
static void
diff_sides(struct cmp_st *st, const struct side *a, const struct side *b)
{
	size_t n = a->n, m = b->n, w = m + 1;
	if (n > DIFF_MAX_LINES || m > DIFF_MAX_LINES) {
		for (size_t k = 0; k < n || k < m; k++)
			diff_row(st, a, k < n ? (long)k : -1, b, k < m ? (long)k : -1);
		return;
	}
	uint32_t *t = xcalloc((n + 1) * w, sizeof *t); /* t[i][j]: best of the suffixes */
	int *f = xcalloc((n + 1) * w, sizeof *f);
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;) {
			uint32_t best = t[(i + 1) * w + j];
			f[i * w + j] = affinity(a, i, b, j);
			if (t[i * w + j + 1] > best)
				best = t[i * w + j + 1];
			if (f[i * w + j] && t[(i + 1) * w + j + 1] + (uint32_t)f[i * w + j] > best)
				best = t[(i + 1) * w + j + 1] + (uint32_t)f[i * w + j];
			t[i * w + j] = best;
		}
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		int fi = i < n && j < m ? f[i * w + j] : 0;
		if (fi && t[i * w + j] == t[(i + 1) * w + j + 1] + (uint32_t)fi)
			diff_row(st, a, (long)i++, b, (long)j++);
		else if (j >= m || (i < n && t[(i + 1) * w + j] >= t[i * w + j + 1]))
			diff_row(st, a, (long)i++, b, -1);
		else
			diff_row(st, a, -1, b, (long)j++);
	}
	free(t);
	free(f);
}

/* Builds the two panes of the selected row. */
static void
build_diff(const struct ui *u, struct cmp_st *st)
{
	if (st->nrows == 0 || st->dkey == (long)st->sel)
		return;
	const struct row *rw = &st->rows[st->sel];
	ui_doc_free(&st->dl);
	ui_doc_free(&st->dr);
	st->dkey = (long)st->sel;
	st->dtop = 0, st->dskip = 0;
	st->changed = st->added = st->removed = 0;
	if (rw->l < 0 || rw->r < 0) { /* only one log has it: show it as it is */
		ui_sip_doc(u, rw->l >= 0 ? &st->dl : &st->dr, (uint32_t)(rw->l >= 0 ? rw->l : rw->r),
		    (long)st->ci, -1);
		ui_doc_printf(rw->l >= 0 ? &st->dr : &st->dl, UA_DIM, "(not in this log)");
		return;
	}
	struct side a = {0}, b = {0};
	side_load(u, rw->l, &a);
	side_load(u, rw->r, &b);
	diff_sides(st, &a, &b);
	side_free(&a);
	side_free(&b);
}

/* Returns true when record rec goes in the right pane (Expressway-E's). */
static bool
right_side(const struct ui *u, long rec)
{
	return u->m->hosts[u->m->msgs[rec].host].role == ROLE_EXPRESSWAY_E;
}

/* Returns '=' when two records have the same text, '~' when not. */
static char
same_text(const struct ui *u, long a, long b)
{
	size_t na, nb;
	char *x = sip_raw(u->m, &u->m->msgs[a], &na), *y = sip_raw(u->m, &u->m->msgs[b], &nb);
	char r = x && y && na == nb && memcmp(x, y, na) == 0 ? '=' : '~';
	free(x);
	free(y);
	return r;
}

/* Puts each record of the call on a row: twins together, C left, E right. */
static void
build_rows(const struct ui *u, struct cmp_st *st, int ai)
{
	const struct call *c = &u->m->calls[st->ci];
	uint8_t *done = xcalloc(u->m->nmsgs / 8 + 1, 1);
	st->rows = xcalloc(c->nmsgs + 1, sizeof *st->rows);
	uint32_t want = ai >= 0 ? c->arrows[ai].msg : UINT32_MAX;
	for (size_t i = 0; i < c->nmsgs; i++) {
		long rec = c->msgs[i], tw = u->m->msgs[rec].twin;
		if (done[rec / 8] & (1u << (rec % 8)))
			continue;
		struct row *rw = &st->rows[st->nrows];
		rw->l = rw->r = -1;
		*(right_side(u, rec) ? &rw->r : &rw->l) = rec;
		if (tw >= 0 && (size_t)tw < u->m->nmsgs) {
			done[tw / 8] |= (uint8_t)(1u << (tw % 8));
			*(right_side(u, rec) ? &rw->l : &rw->r) = tw;
		}
		rw->mark = rw->l >= 0 && rw->r >= 0 ? same_text(u, rw->l, rw->r) : ' ';
		if (ai >= 0 && ((uint32_t)rec == want || (uint32_t)tw == want))
			st->sel = st->nrows;
		st->nrows++;
	}
	free(done);
}

/* Appends the summary of one side of a row: time, label, and the machine
 * at the other end. */
static void
row_cell(const struct ui *u, long rec, struct sbuf *b)
{
	char t[24];
	if (rec < 0)
		return;
	const struct sip_msg *s = &u->m->msgs[rec];
	struct call_arrow a = {.msg = (uint32_t)rec, .twin = -1};
	int peer = s->action == ACT_SENT ? s->to_mach : s->from_mach;
	sbuf_printf(b, "%s ", model_time_short(s->time, t, sizeof t));
	ladder_label(b, u->m, &a);
	if (peer >= 0 && (size_t)peer < u->m->nmachines)
		sbuf_printf(b, "  %s %s", s->action == ACT_SENT ? "to" : "from",
		    u->m->machines[peer].name);
}

/* Returns the rows of the row list shown (call mode). */
static int
list_h(const struct ui *u, const struct cmp_st *st)
{
	if (st->pair)
		return 0;
	int h = (u->rows - 5) / 3;
	return h < 3 ? 3 : h;
}

/* Draws the pane titles on row y: which log, or which message. */
static void
draw_titles(const struct ui *u, const struct cmp_st *st, int y, int pw)
{
	const struct row *rw = st->nrows ? &st->rows[st->sel] : NULL;
	for (int s = 0; s < 2; s++) {
		long rec = rw ? (s ? rw->r : rw->l) : -1;
		char where[512] = "";
		if (rec >= 0)
			ui_sip_where(u, (uint32_t)rec, true, where, sizeof where);
		else
			snprintf(where, sizeof where, "%s log",
			    model_role(s ? ROLE_EXPRESSWAY_E : ROLE_EXPRESSWAY_C)->label);
		ui_fill(u, y, s ? pw + 1 : 0, pw, u->attr[UA_HEADER]);
		ui_raw(u, y, s ? pw + 1 : 0, pw, 0, where, u->attr[UA_HEADER]);
	}
}

/* Draws the row list (call mode). */
static void
draw_rows(const struct ui *u, struct cmp_st *st, int y, int h, int pw)
{
	st->top = ui_scroll(st->top, st->sel, st->nrows, h);
	for (int r = 0; r < h && st->top + (size_t)r < st->nrows; r++) {
		size_t k = st->top + (size_t)r;
		attr_t sel = k == st->sel ? A_REVERSE | (st->diff_focus ? 0 : A_BOLD) : 0;
		for (int s = 0; s < 2; s++) {
			struct sbuf b = {0};
			row_cell(u, s ? st->rows[k].r : st->rows[k].l, &b);
			ui_fill(u, y + r, s ? pw + 1 : 0, pw, sel);
			if (b.len)
				ui_raw(u, y + r, s ? pw + 1 : 0, pw, 0, b.s, sel);
			sbuf_free(&b);
		}
		char mk = st->rows[k].mark;
		ui_text(u, y + r, pw, 1, 0, &mk, 1, mk == '~' ? u->attr[UA_CHANGED] | A_BOLD : 0);
	}
}

/* Paints the compare screen: row list (call mode), titles, both panes. */
static void
cmp_draw(struct ui *u, void *vst)
{
	struct cmp_st *st = vst;
	const struct call *c = &u->m->calls[st->ci];
	int pw = (u->cols - 1) / 2, lh = list_h(u, st), y = 1;
	char right[96];
	struct sbuf title = {0};
	build_diff(u, st);
	view_call_title(&title, u->m, c, VT_NAME);
	if (st->pair)
		sbuf_puts(&title, "  compare two messages");
	else
		sbuf_printf(&title, "  compare %s log | %s log", model_role(ROLE_EXPRESSWAY_C)->label,
		    model_role(ROLE_EXPRESSWAY_E)->label);
	snprintf(right, sizeof right, "~%zu changed  +%zu added  -%zu removed", st->changed,
	    st->added, st->removed);
	ui_draw_bar(u, 0, title.s, right);
	sbuf_free(&title);
	if (lh > 0) {
		draw_rows(u, st, y, lh, pw);
		y += lh;
	}
	draw_titles(u, st, y++, pw);
	int h = u->rows - 1 - y;
	size_t n = st->dl.n > st->dr.n ? st->dl.n : st->dr.n;
	if (n > (size_t)h && st->dtop > n - (size_t)h)
		st->dtop = n - (size_t)h;
	ui_doc_draw(u, &st->dl, st->dtop, y, 0, h, pw, st->dskip, true);
	for (int r = 0; r < h; r++)
		ui_text(u, y + r, pw, 1, 0, u->g->vline, strlen(u->g->vline), u->attr[UA_DIM]);
	ui_doc_draw(u, &st->dr, st->dtop, y, pw + 1, h, u->cols - pw - 1, st->dskip, true);
	ui_draw_bottom(u, st->pair ? "Up/Down:scroll Left/Right:sideways e:export q:back"
	    : "Up/Down:row Tab:rows/diff Left/Right:sideways e:export q:back");
}

/* Returns true after a mouse event: a click on a row selects it. */
static bool
cmp_mouse(struct ui *u, struct cmp_st *st, const struct ui_ev *ev)
{
	int lh = list_h(u, st);
	bool used;
	if (ev->button == UI_WHEEL_UP || ev->button == UI_WHEEL_DOWN) {
		int key = ev->button == UI_WHEEL_UP ? KEY_UP : KEY_DOWN;
		if (st->diff_focus || st->pair || ev->y > lh)
			for (int i = 0; i < 3; i++)
				st->dtop = ui_move(key, st->dtop, st->dl.n, 1, &used);
		else
			st->sel = ui_move(key, st->sel, st->nrows, lh, &used);
	} else if (ev->y >= 1 && ev->y < 1 + lh && st->top + (size_t)(ev->y - 1) < st->nrows) {
		st->sel = st->top + (size_t)(ev->y - 1);
		st->diff_focus = false;
	} else if (ev->y > lh) {
		st->diff_focus = true;
	}
	return true;
}

/* Returns true when the compare screen used the key. */
static bool
cmp_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct cmp_st *st = vst;
	int h = u->rows - 3 - list_h(u, st);
	bool used;
	size_t n = st->dl.n > st->dr.n ? st->dl.n : st->dr.n;
	if (ev->key == KEY_MOUSE)
		return cmp_mouse(u, st, ev);
	if (st->diff_focus || st->pair) {
		size_t last = n > (size_t)h ? n - (size_t)h + 1 : 1;
		st->dtop = ui_move(ev->key, st->dtop, last, h, &used);
	} else {
		st->sel = ui_move(ev->key, st->sel, st->nrows, list_h(u, st), &used);
	}
	if (used)
		return true;
	switch (ev->key) {
	case '\t': case KEY_BTAB: st->diff_focus = !st->diff_focus || st->pair; return true;
	case '\n': case '\r': case KEY_ENTER: st->diff_focus = true; return true;
	case KEY_LEFT: case 'h': st->dskip = st->dskip > 8 ? st->dskip - 8 : 0; return true;
	case KEY_RIGHT: case 'l': st->dskip += 8; return true;
	case 'c': return true; /* already comparing */
	default: return false;
	}
}

/* Frees the compare screen's state. */
static void
cmp_free(void *vst)
{
	struct cmp_st *st = vst;
	ui_doc_free(&st->dl);
	ui_doc_free(&st->dr);
	free(st->rows);
	free(st);
}

/* Returns true with the compared call. */
static bool
cmp_context(const struct ui *u, const void *vst, size_t *call, int *arrow)
{
	const struct cmp_st *st = vst;
	(void)u;
	*call = st->ci;
	*arrow = -1;
	return true;
}

static const struct ui_screen_ops cmp_ops = {"compare", cmp_draw, cmp_key, cmp_free,
	cmp_context};

/* Pushes the C-vs-E compare of call ci. */
void
ui_compare_open(struct ui *u, size_t ci, int ai)
{
	if (ci >= u->m->ncalls)
		return;
	struct cmp_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->dkey = -1;
	build_rows(u, st, ai);
	ui_push(u, &cmp_ops, st);
}

/* Pushes the compare of records a and b. */
void
ui_compare_pair_open(struct ui *u, size_t ci, uint32_t a, uint32_t b)
{
	if (ci >= u->m->ncalls || a >= u->m->nmsgs || b >= u->m->nmsgs)
		return;
	struct cmp_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->pair = true;
	st->diff_focus = true;
	st->dkey = -1;
	st->rows = xcalloc(1, sizeof *st->rows);
	st->rows[0] = (struct row){a, b, ' '};
	st->nrows = 1;
	ui_push(u, &cmp_ops, st);
}
