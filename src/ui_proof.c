/* ui_proof.c - the proof of a finding that no call holds (a connection, the
 * configuration): what it says, then each piece of its evidence as the
 * lines around it in the log or xConfiguration dump it came from, the
 * quoted line marked, then the fix. The lines are read through ingest
 * (log_source.h), which holds the inputs' text; they are log text, made
 * safe on the way into the document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_source.h"
#include "ui.h"
#include "view.h"

#define CONTEXT 2    /* lines shown before and after each quoted line */

struct proof_st {
	size_t fi;           /* the finding, an index in u->d->f */
	struct ui_doc doc;
	int width;           /* the doc was wrapped for this width */
	size_t *marks;       /* doc lines of the quoted lines */
	size_t *heads;       /* per quoted line: the doc line of its window's file:line */
	size_t nmarks, markcap, at;
	size_t top;
	int skip;
};

/* A window of lines of one file: from..to, holding quoted lines. */
struct window {
	const char *file;
	uint32_t line;       /* the first quoted line */
	uint32_t from, to;
};

/* Adds the lines of window w, marking those the finding quotes. */
static void
add_window(const struct ui *u, struct proof_st *st, const struct diag_finding *f,
    const struct window *w)
{
	uint32_t first;
	size_t len;
	char *text = log_source_lines(u->m, w->file, w->from, w->to, &first, &len);
	ui_doc_printf(&st->doc, UA_HEADER, "%s:%u", w->file, w->line);
	size_t head = st->doc.n - 1;
	if (text == NULL) {
		ui_doc_printf(&st->doc, UA_DIM, "  (the text of this file is not at hand)");
		return;
	}
	for (size_t p = 0, no = first; p < len; no++) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t e = nl != NULL ? (size_t)(nl - text) : len;
		bool quoted = false;
		for (size_t k = 0; k < f->nev; k++)
			quoted |= !f->ev[k].packet && f->ev[k].line == no &&
			    strcmp(f->ev[k].file, w->file) == 0;
		struct sbuf b = {0};
		sbuf_printf(&b, "%7zu  ", no);
		sbuf_add(&b, text + p, e - p);
		size_t at = st->doc.n;
		if (memchr(b.s, '\0', b.len) != NULL) /* NUL bytes: shown, not wrapped */
			ui_doc_raw(&st->doc, b.s, b.len, UA_NORMAL);
		else /* log lines are long: wrapped, so that what matters in them shows */
			ui_doc_wrap(&st->doc, b.s, st->width - 1, 9, quoted ? UA_START : UA_NORMAL);
		ui_line_span(&st->doc.l[at], 0, 7, UA_DIM);
		for (size_t i = at; quoted && i < st->doc.n; i++) {
			struct ui_line *l = &st->doc.l[i];
			l->gutter = '!';
			ui_line_span(l, i == at ? 9 : 0, l->len, UA_MATCH);
		}
		if (quoted) {
			size_t cap = st->markcap;
			VEC_PUSH(st->marks, st->nmarks, st->markcap, at);
			if (cap != st->markcap)
				st->heads = xrealloc(st->heads, st->markcap * sizeof *st->heads);
			st->heads[st->nmarks - 1] = head;
		}
		sbuf_free(&b);
		p = e + 1;
	}
	free(text);
}

/* Builds the document for a terminal w columns wide. */
static void
proof_build(const struct ui *u, struct proof_st *st, int w)
{
	const struct diag_finding *f = &u->d->f[st->fi];
	ui_doc_free(&st->doc);
	st->nmarks = 0;
	st->width = w;
	struct sbuf about = {0};
	view_finding_about(&about, u->m, f);
	struct ui_line *l = ui_doc_printf(&st->doc, UA_NORMAL, "%c %s (%s)", diag_marker(f->id),
	    f->id, diag_severity_name(f->severity));
	ui_line_span(l, 0, l->len, f->severity == DIAG_ERROR ? UA_SEV_ERR
	    : f->severity == DIAG_WARNING ? UA_SEV_WARN : UA_SEV_INFO);
	ui_doc_wrap(&st->doc, about.s, w, 2, UA_DIM);
	ui_doc_wrap(&st->doc, f->summary, w, 2, UA_START);
	sbuf_free(&about);
	for (size_t k = 0; k < f->nev;) { /* lines close together share a window */
		if (f->ev[k].packet) { /* a capture has no lines to show */
			ui_doc_raw(&st->doc, "", 0, UA_NORMAL);
			ui_doc_printf(&st->doc, UA_HEADER, "%s: packet %u", f->ev[k].file,
			    f->ev[k].line);
			k++;
			continue;
		}
		struct window win = {f->ev[k].file, f->ev[k].line, f->ev[k].line > CONTEXT ?
		    f->ev[k].line - CONTEXT : 1, f->ev[k].line + CONTEXT};
		for (k++; k < f->nev && !f->ev[k].packet && strcmp(f->ev[k].file, win.file) == 0 &&
		    f->ev[k].line >= win.from && f->ev[k].line <= win.to + CONTEXT + 1; k++)
			win.to = f->ev[k].line + CONTEXT;
		ui_doc_raw(&st->doc, "", 0, UA_NORMAL);
		add_window(u, st, f, &win);
	}
	ui_doc_raw(&st->doc, "", 0, UA_NORMAL);
	ui_doc_printf(&st->doc, UA_HEADER, "Fix");
	ui_doc_wrap(&st->doc, f->fix, w, 2, UA_NORMAL);
}

/* Scrolls so that quoted line k shows with its context above it. */
static void
show_mark(struct proof_st *st, size_t k)
{
	if (k >= st->nmarks)
		return;
	st->at = k;
	st->top = k > 0 && st->heads[k] == st->heads[k - 1] ? st->marks[k] - 1 : st->heads[k];
}

/* Paints the proof. */
static void
proof_draw(struct ui *u, void *vst)
{
	struct proof_st *st = vst;
	const struct diag_finding *f = &u->d->f[st->fi];
	if (st->width != u->cols - 2) {
		proof_build(u, st, u->cols - 2);
		show_mark(st, st->at);
	}
	char left[128], right[64];
	snprintf(left, sizeof left, "xwtrace " XW_VERSION "  Proof  %s", f->id);
	snprintf(right, sizeof right, "quoted line %zu/%zu ", st->nmarks ? st->at + 1 : 0,
	    st->nmarks);
	ui_draw_bar(u, 0, left, right);
	int h = u->rows - 2;
	if (st->doc.n > (size_t)h && st->top > st->doc.n - (size_t)h)
		st->top = st->doc.n - (size_t)h;
	ui_doc_draw(u, &st->doc, st->top, 1, 0, h, u->cols, st->skip, true);
	ui_draw_bottom(u, "n/N:next/previous quoted line Up/Down:scroll Left/Right:sideways "
	    "q:back");
}

/* Returns true when the proof used the key. */
static bool
proof_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct proof_st *st = vst;
	int h = u->rows - 2, key = ev->key;
	bool used;
	if (key == KEY_MOUSE && (ev->button == UI_WHEEL_UP || ev->button == UI_WHEEL_DOWN))
		key = ev->button == UI_WHEEL_UP ? KEY_UP : KEY_DOWN;
	size_t last = st->doc.n > (size_t)h ? st->doc.n - (size_t)h + 1 : 1;
	st->top = ui_move(key, st->top, last, h, &used);
	if (used)
		return true;
	switch (key) {
	case 'n': show_mark(st, st->at + 1 < st->nmarks ? st->at + 1 : st->at); return true;
	case 'N': show_mark(st, st->at > 0 ? st->at - 1 : 0); return true;
	case KEY_LEFT: case 'h': st->skip = st->skip > 8 ? st->skip - 8 : 0; return true;
	case KEY_RIGHT: case 'l':
		st->skip += st->skip + 8 < st->doc.width ? 8 : 0;
		return true;
	case KEY_MOUSE: return true;
	default: return false;
	}
}

/* Frees the proof's state. */
static void
proof_free(void *vst)
{
	struct proof_st *st = vst;
	ui_doc_free(&st->doc);
	free(st->marks);
	free(st->heads);
	free(st);
}

static const struct ui_screen_ops proof_ops = {"proof", proof_draw, proof_key, proof_free,
	NULL};

/* Pushes the proof of finding fi. */
void
ui_proof_open(struct ui *u, size_t fi)
{
	if (u->d == NULL || fi >= u->d->n)
		return;
	struct proof_st *st = xcalloc(1, sizeof *st);
	st->fi = fi;
	proof_build(u, st, u->cols - 2);
	show_mark(st, 0);
	ui_push(u, &proof_ops, st);
}
