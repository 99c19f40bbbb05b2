/* ui_msg.c - the message view: one SIP message as logged (its document
 * from ui_sip.c), the findings about it above, search, the other log's
 * copy, and the previous or next message of the call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "ui.h"
#include "view.h"

struct msg_st {
	size_t ci;
	int ai;
	uint32_t rec;
	bool twin;          /* showing the other Expressway's copy */
	struct ui_doc doc;
	size_t top;
	int skip;
	struct ui_re re;
	char pat[256];
	long focus;         /* the doc line marked (a finding's evidence), or -1 */
};

/* Adds a note line for each finding about this arrow, above the message. */
static void
finding_notes(const struct ui *u, const struct msg_st *st, struct ui_doc *doc)
{
	const size_t *idx;
	size_t n = diag_call_findings(u->d, (long)st->ci, &idx);
	for (size_t i = 0; i < n; i++) {
		const struct diag_finding *f = &u->d->f[idx[i]];
		if (f->arrow != st->ai)
			continue;
		struct sbuf b = {0};
		sbuf_printf(&b, "%s %c %s: %s", diag_severity_name(f->severity), diag_marker(f->id),
		    f->id, f->summary);
		struct ui_line *l = ui_doc_raw(doc, b.s, b.len, f->severity == DIAG_ERROR ? UA_SEV_ERR
		    : f->severity == DIAG_WARNING ? UA_SEV_WARN : UA_SEV_INFO);
		l->gutter = '!';
		sbuf_free(&b);
	}
}

/* (Re)builds the document of the record shown. */
static void
msg_build(struct ui *u, struct msg_st *st)
{
	const struct call_arrow *a = &u->m->calls[st->ci].arrows[st->ai];
	st->rec = st->twin && a->twin >= 0 ? (uint32_t)a->twin : a->msg;
	ui_doc_free(&st->doc);
	finding_notes(u, st, &st->doc);
	ui_sip_doc(u, &st->doc, st->rec, (long)st->ci, st->ai);
	ui_re_mark(&st->re, &st->doc);
	st->top = 0;
	st->skip = 0;
}

/* Paints the message view: title, location, the message. */
static void
msg_draw(struct ui *u, void *vst)
{
	struct msg_st *st = vst;
	const struct call *c = &u->m->calls[st->ci];
	const struct call_arrow *a = &c->arrows[st->ai];
	char right[96], where[512];
	char lab[128];
	struct sbuf left = {0};
	sip_label(&u->m->msgs[st->rec], lab, sizeof lab);
	view_call_title(&left, u->m, c, VT_NAME);
	sbuf_printf(&left, "  message %d/%zu  %s", st->ai + 1, c->narrows, lab);
	snprintf(right, sizeof right, "%s%s", a->twin >= 0 ? (st->twin ? "other log's copy "
	    : "t: other log's copy ") : "", st->doc.width > u->cols ? "Left/Right " : "");
	ui_draw_bar(u, 0, left.s, right);
	sbuf_free(&left);
	ui_sip_where(u, st->rec, false, where, sizeof where);
	ui_fill(u, 1, 0, u->cols, u->attr[UA_HEADER]);
	ui_raw(u, 1, 0, u->cols, 0, where, u->attr[UA_HEADER]);
	int h = u->rows - 3;
	if (st->doc.n > (size_t)h && st->top > st->doc.n - (size_t)h)
		st->top = st->doc.n - (size_t)h;
	ui_doc_draw(u, &st->doc, st->top, 2, 0, h, u->cols, st->skip, true);
	ui_draw_bottom(u, "Up/Down:scroll [/]:prev/next t:other-copy c:compare-hop /:search "
	    "n/N:match e:export q:back");
}

/* Moves the view to the next (dir 1) or previous (-1) line with a match. */
static void
msg_search_next(struct ui *u, struct msg_st *st, int dir)
{
	size_t n = st->doc.n;
	for (size_t k = 1; k <= n && ui_re_on(&st->re); k++) {
		size_t i = (st->top + n + (size_t)dir * k) % n;
		for (size_t s = 0; s < st->doc.l[i].nspans; s++)
			if (st->doc.l[i].spans[s].attr == UA_MATCH) {
				st->top = i;
				return;
			}
	}
	ui_note(u, true, ui_re_on(&st->re) ? "no match" : "no search: press / first");
}

/* Returns true to close the search prompt. */
static bool
msg_search_done(struct ui *u, void *vst, const char *text, int choice, bool ok)
{
	struct msg_st *st = vst;
	(void)choice;
	if (!ok)
		return true;
	char err[192];
	if (text[0] != '\0' && !ui_re_compile(&st->re, text, err, sizeof err)) {
		snprintf(u->prompt.err, sizeof u->prompt.err, "%s", err);
		return false;
	}
	if (text[0] == '\0')
		ui_re_free(&st->re);
	snprintf(st->pat, sizeof st->pat, "%s", text);
	size_t top = st->top;
	msg_build(u, st);
	st->top = top ? top - 1 : 0;
	if (ui_re_on(&st->re))
		msg_search_next(u, st, 1);
	return true;
}

/* c: what the machine that sent this message changed (previous hop vs this). */
static void
msg_compare(struct ui *u, struct msg_st *st)
{
	const struct call_arrow *a = &u->m->calls[st->ci].arrows[st->ai];
	long prev = ui_sip_prev_hop(u, st->ci, (size_t)st->ai);
	if (prev >= 0)
		ui_compare_pair_open(u, st->ci, u->m->calls[st->ci].arrows[prev].msg, st->rec);
	else if (a->twin >= 0)
		ui_compare_pair_open(u, st->ci, a->msg, (uint32_t)a->twin);
	else
		ui_compare_open(u, st->ci, st->ai);
}

/* Returns true after a scrolling key. */
static bool
msg_scroll(struct ui *u, struct msg_st *st, const struct ui_ev *ev)
{
	int h = u->rows - 3, key = ev->key;
	size_t last = st->doc.n > (size_t)h ? st->doc.n - (size_t)h + 1 : 1;
	bool used;
	if (key == KEY_MOUSE && (ev->button == UI_WHEEL_UP || ev->button == UI_WHEEL_DOWN)) {
		key = ev->button == UI_WHEEL_UP ? KEY_UP : KEY_DOWN;
		for (int i = 0; i < 2; i++)
			st->top = ui_move(key, st->top, last, h, &used);
	}
	st->top = ui_move(key, st->top, last, h, &used);
	if (key == KEY_LEFT || key == 'h')
		st->skip = st->skip > 8 ? st->skip - 8 : 0, used = true;
	else if (key == KEY_RIGHT || key == 'l')
		st->skip += st->skip + 8 < st->doc.width ? 8 : 0, used = true;
	return used || key == KEY_MOUSE;
}

/* Returns true when the message view used the key. */
static bool
msg_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct msg_st *st = vst;
	const struct call *c = &u->m->calls[st->ci];
	if (msg_scroll(u, st, ev))
		return true;
	switch (ev->key) {
	case 't':
		if (c->arrows[st->ai].twin < 0)
			ui_note(u, false, "only one Expressway logged this message");
		else
			st->twin = !st->twin, msg_build(u, st);
		return true;
	case ']': case '[':
		if ((ev->key == ']' && (size_t)st->ai + 1 < c->narrows) || (ev->key == '[' && st->ai > 0)) {
			st->ai += ev->key == ']' ? 1 : -1;
			st->twin = false;
			msg_build(u, st);
		}
		return true;
	case 'c': msg_compare(u, st); return true;
	case '/': ui_prompt_text(u, "Search message (regex):", st->pat, st, NULL, msg_search_done); return true;
	case 'n': msg_search_next(u, st, 1); return true;
	case 'N': msg_search_next(u, st, -1); return true;
	default: return false;
	}
}

/* Frees the message view's state. */
static void
msg_free(void *vst)
{
	struct msg_st *st = vst;
	ui_doc_free(&st->doc);
	ui_re_free(&st->re);
	free(st);
}

/* Returns true with the call and the arrow shown. */
static bool
msg_context(const struct ui *u, const void *vst, size_t *call, int *arrow)
{
	const struct msg_st *st = vst;
	(void)u;
	*call = st->ci;
	*arrow = st->ai;
	return true;
}

static const struct ui_screen_ops msg_ops = {"message", msg_draw, msg_key, msg_free,
	msg_context};

/* Returns a new message view of arrow ai of call ci, or NULL when there is
 * no such arrow. */
static struct msg_st *
msg_new(struct ui *u, size_t ci, int ai, bool twin)
{
	if (ci >= u->m->ncalls || ai < 0 || (size_t)ai >= u->m->calls[ci].narrows)
		return NULL;
	struct msg_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->ai = ai;
	st->twin = twin;
	st->focus = -1;
	msg_build(u, st);
	return st;
}

/* Pushes the message view of arrow ai of call ci. */
void
ui_msg_open(struct ui *u, size_t ci, int ai, bool twin)
{
	struct msg_st *st = msg_new(u, ci, ai, twin);
	if (st != NULL)
		ui_push(u, &msg_ops, st);
}

/* Returns the index among the raw lines of record rec of the one at line
 * `line` of its file, or -1. */
static long
raw_index(const struct ui *u, uint32_t rec, uint32_t line)
{
	const struct sip_msg *s = &u->m->msgs[rec];
	size_t n, lines = 0;
	char *raw = sip_raw(u->m, s, &n);
	for (size_t i = 0; raw != NULL && i < n; i++)
		lines += raw[i] == '\n';
	free(raw);
	for (size_t k = 0; k <= lines; k++)
		if (sip_raw_line(u->m, s, k) == line)
			return (long)k;
	return -1;
}

/* Pushes the message view on the copy file logged, at its line `line`. */
void
ui_msg_line_open(struct ui *u, size_t ci, int ai, const char *file, uint32_t line)
{
	if (ci >= u->m->ncalls || ai < 0 || (size_t)ai >= u->m->calls[ci].narrows)
		return;
	const struct call_arrow *a = &u->m->calls[ci].arrows[ai];
	bool twin = false;
	long k = -1;
	for (int i = 0; i < 2 && k < 0 && file != NULL; i++) {
		long rec = i == 0 ? (long)a->msg : (long)a->twin;
		if (rec >= 0 && strcmp(u->m->files[u->m->msgs[rec].file].path, file) == 0 &&
		    (k = raw_index(u, (uint32_t)rec, line)) >= 0)
			twin = i == 1;
	}
	struct msg_st *st = msg_new(u, ci, ai, twin);
	if (st == NULL)
		return;
	for (size_t i = 0, seen = 0; k >= 0 && i < st->doc.n; i++) /* notes have a '!' gutter */
		if (st->doc.l[i].gutter != '!' && (long)seen++ == k) {
			st->focus = (long)i;
			st->doc.l[i].gutter = '>';
			ui_line_span(&st->doc.l[i], 0, st->doc.l[i].len, UA_MATCH);
			st->top = i > 3 ? i - 3 : 0;
			break;
		}
	ui_push(u, &msg_ops, st);
}
