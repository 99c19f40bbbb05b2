/* ui_problems.c - the input screen: first what each input file was taken
 * for and how much of it was read (its account), then every SIP block the
 * ingest skipped or kept after a repair, file by file, with its line and
 * reason; the browser's side of the report the commands print on standard
 * error. Paths and reasons may hold log bytes (member names, first lines),
 * so all of them are drawn through text_safe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_format.h"
#include "text.h"
#include "ui.h"

#define KIND_W 8          /* "skipped" / "repaired" */

/* One row: a file's account (k == ACCOUNT), or a problem, by file and by
 * its index in the file's list. */
struct prob_row {
	uint32_t file, line;
	size_t k;
};

#define ACCOUNT SIZE_MAX

struct prob_st {
	struct prob_row *rows;
	size_t nrows, sel, top;
	int skip;             /* columns of the reasons scrolled off to the left */
	int reason_w;         /* widest reason, so Right stops at its end */
	int path_w;           /* widest path among files with problems */
	uint32_t max_line;
	size_t skipped, repaired, files;
	size_t naccount;      /* the account rows, first */
};

/* Where the columns are on a terminal of the current width. */
struct prob_cols {
	int file, wfile, line, wline, kind, reason, wreason;
};

/* Returns <0, 0, >0 ordering rows by file, then line, then report order. */
static int
row_cmp(const void *a, const void *b)
{
	const struct prob_row *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

/* Returns nothing; appends file f's account: what it was taken for and
 * what of it was read. */
static void
account_text(const struct log_file *f, struct sbuf *b)
{
	if (f->ignored != NULL) {
		sbuf_printf(b, "ignored: %s", f->ignored);
		return;
	}
	sbuf_puts(b, f->fmt != NULL ? f->fmt->what : "file");
	if (f->fmt == NULL || f->fmt->scan == NULL)
		return;
	if (f->fmt->counts_packets)
		sbuf_printf(b, ": %u of %u %ss read", f->blocks_read, f->blocks_seen, log_file_block(f));
	else
		sbuf_printf(b, ": %u of %u %ss, %u of %u INFO summaries and %u events read",
		    f->blocks_read, f->blocks_seen, log_file_block(f), f->info_read, f->info_seen,
		    f->events_read);
	if (f->blocks_reported + f->info_reported > 0)
		sbuf_printf(b, "; %u not read, each below", f->blocks_reported + f->info_reported);
}

/* Returns the Kind column of file f's account row. */
static const char *
account_kind(const struct log_file *f)
{
	return f->ignored != NULL ? "ignored" : f->blocks_reported + f->info_reported > 0 ? "partly"
	    : "read";
}

/* Returns the columns untrusted text s takes once made safe. */
static int
safe_cols(const struct ui *u, const char *s)
{
	struct sbuf b = {0};
	text_safe(&b, s ? s : "", s ? strlen(s) : 0);
	int w = ui_width(u, b.s, b.len);
	sbuf_free(&b);
	return w;
}

/* Fills the rows and the widths the layout needs, once: the model does not
 * change while the browser runs. */
static void
prob_build(const struct ui *u, struct prob_st *st)
{
	const struct model *m = u->m;
	size_t n = m->nfiles;
	for (size_t i = 0; i < m->nfiles; i++)
		n += m->files[i].nproblems;
	st->rows = xcalloc(n + 1, sizeof *st->rows);
	for (size_t i = 0; i < m->nfiles; i++) {
		struct sbuf a = {0};
		account_text(&m->files[i], &a);
		int aw = safe_cols(u, a.s), pw = safe_cols(u, m->files[i].path);
		st->reason_w = aw > st->reason_w ? aw : st->reason_w;
		st->path_w = pw > st->path_w ? pw : st->path_w;
		st->rows[st->nrows++] = (struct prob_row){(uint32_t)i, 0, ACCOUNT};
		sbuf_free(&a);
	}
	st->naccount = st->nrows;
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct log_file *f = &m->files[i];
		if (f->nproblems == 0)
			continue;
		st->files++;
		int pw = safe_cols(u, f->path);
		st->path_w = pw > st->path_w ? pw : st->path_w;
		for (size_t k = 0; k < f->nproblems; k++) {
			const struct log_problem *p = &f->problems[k];
			st->rows[st->nrows++] = (struct prob_row){(uint32_t)i, p->line, k};
			int rw = safe_cols(u, p->reason);
			st->reason_w = rw > st->reason_w ? rw : st->reason_w;
			st->max_line = p->line > st->max_line ? p->line : st->max_line;
		}
	}
	qsort(st->rows + st->naccount, st->nrows - st->naccount, sizeof *st->rows, row_cmp);
	st->skipped = ui_problem_counts(m, &st->repaired);
	st->sel = st->nrows > st->naccount ? st->naccount : 0; /* the first problem */
}

/* Returns the rows of problems shown at once. */
static int
prob_page(const struct ui *u)
{
	return u->rows - 4;
}

/* Lays the columns out: the path gets what it needs up to a third of the
 * width, the reason the rest. */
static void
prob_layout(const struct ui *u, const struct prob_st *st, struct prob_cols *c)
{
	char num[16];
	int cap = u->cols / 3 > 12 ? u->cols / 3 : 12;
	c->wfile = st->path_w < 4 ? 4 : st->path_w > cap ? cap : st->path_w;
	c->wline = snprintf(num, sizeof num, "%u", st->max_line);
	c->wline = c->wline < 4 ? 4 : c->wline;
	c->file = 1;
	c->line = c->file + c->wfile + 1;
	c->kind = c->line + c->wline + 2;
	c->reason = c->kind + KIND_W + 2;
	c->wreason = u->cols - c->reason;
}

/* Draws a path in w columns; a long one keeps its end, where the file name
 * is, behind a cut mark. */
static void
draw_path(const struct ui *u, int y, int x, int w, const char *path, attr_t a)
{
	struct sbuf b = {0};
	text_safe(&b, path, strlen(path));
	int tw = ui_width(u, b.s, b.len);
	if (tw <= w) {
		ui_text(u, y, x, w, 0, b.s, b.len, a);
	} else {
		ui_text(u, y, x, 1, 0, u->g->more, strlen(u->g->more), u->attr[UA_DIM] | a);
		ui_text(u, y, x + 1, w - 1, tw - (w - 1), b.s, b.len, a);
	}
	sbuf_free(&b);
}

/* Draws one problem row. */
static void
draw_row(const struct ui *u, const struct prob_st *st, size_t r, int y,
    const struct prob_cols *c)
{
	const struct log_file *f = &u->m->files[st->rows[r].file];
	attr_t sel = r == st->sel ? A_REVERSE : 0;
	if (st->rows[r].k == ACCOUNT) {
		struct sbuf a = {0};
		account_text(f, &a);
		ui_fill(u, y, 0, u->cols, sel);
		draw_path(u, y, c->file, c->wfile, f->path, sel);
		ui_printf(u, y, c->kind, KIND_W, u->attr[f->ignored != NULL ? UA_DIM
		    : f->blocks_reported + f->info_reported > 0 ? UA_SEV_WARN : UA_SEV_INFO] | sel,
		    "%s", account_kind(f));
		ui_raw(u, y, c->reason, c->wreason, st->skip, a.s, sel);
		sbuf_free(&a);
		return;
	}
	const struct log_problem *p = &f->problems[st->rows[r].k];
	char num[16];
	int nl = snprintf(num, sizeof num, "%u", p->line);
	ui_fill(u, y, 0, u->cols, sel);
	draw_path(u, y, c->file, c->wfile, f->path, sel);
	ui_text(u, y, c->line + c->wline - nl, nl, 0, num, (size_t)nl, sel);
	ui_printf(u, y, c->kind, KIND_W, u->attr[p->recovered ? UA_SEV_INFO : UA_SEV_WARN] | sel,
	    "%s", p->recovered ? "repaired" : "skipped");
	ui_raw(u, y, c->reason, c->wreason, st->skip, p->reason, sel);
}

/* Draws the column titles. */
static void
draw_header(const struct ui *u, const struct prob_cols *c)
{
	attr_t a = u->attr[UA_HEADER];
	ui_fill(u, 1, 0, u->cols, a);
	ui_printf(u, 1, c->file, c->wfile, a, "File");
	ui_printf(u, 1, c->line + c->wline - 4, 4, a, "Line");
	ui_printf(u, 1, c->kind, KIND_W, a, "Kind");
	ui_printf(u, 1, c->reason, c->wreason, a, "Reason / what it was taken for");
}

/* Draws the status line: where the selected problem is, in full. */
static void
draw_status(const struct ui *u, const struct prob_st *st, int y)
{
	ui_fill(u, y, 0, u->cols, u->attr[UA_STATUS]);
	if (st->nrows == 0)
		return;
	const struct prob_row *pr = &st->rows[st->sel];
	struct sbuf b = {0};
	sbuf_puts(&b, " ");
	text_safe(&b, u->m->files[pr->file].path, strlen(u->m->files[pr->file].path));
	if (pr->k == ACCOUNT) {
		sbuf_printf(&b, "  %u lines", u->m->files[pr->file].nlines);
		ui_text(u, y, 0, u->cols, 0, b.s, b.len, u->attr[UA_STATUS]);
		sbuf_free(&b);
		return;
	}
	const struct log_problem *p = &u->m->files[pr->file].problems[pr->k];
	sbuf_printf(&b, ":%u  %s", p->line, p->recovered ? "Enter: the message as it was read"
	    : "nothing was read from this block");
	ui_text(u, y, 0, u->cols, 0, b.s, b.len, u->attr[UA_STATUS]);
	sbuf_free(&b);
}

/* Paints the screen: title, column titles, rows, status, hints. */
static void
prob_draw(struct ui *u, void *vst)
{
	struct prob_st *st = vst;
	struct prob_cols c;
	char right[128];
	int h = prob_page(u);
	prob_layout(u, st, &c);
	snprintf(right, sizeof right, "%zu skipped, %zu repaired in %zu file%s ", st->skipped,
	    st->repaired, st->files, st->files == 1 ? "" : "s");
	ui_draw_bar(u, 0, "xwtrace " XW_VERSION "  Input problems", right);
	draw_header(u, &c);
	st->top = ui_scroll(st->top, st->sel, st->nrows, h);
	for (int r = 0; r < h && st->top + (size_t)r < st->nrows; r++)
		draw_row(u, st, st->top + (size_t)r, 2 + r, &c);
	if (st->nrows == st->naccount)
		ui_printf(u, 3 + (int)st->naccount, 2, u->cols - 4, u->attr[UA_DIM], "No block was "
		    "skipped or repaired: every SIP message was read as logged");
	draw_status(u, st, u->rows - 2);
	ui_draw_bottom(u, "Up/Down:move Left/Right:scroll-reason Enter:open-message q:back");
}

/* Returns the record that starts at line of file fi, or -1. */
static long
find_msg(const struct model *m, uint32_t fi, uint32_t line)
{
	for (size_t i = 0; i < m->nmsgs; i++)
		if (m->msgs[i].file == fi && m->msgs[i].msg_line == line)
			return (long)i;
	return -1;
}

/* Returns true with the arrow of call *ci that shows record rec; *twin is
 * set when rec is the arrow's second copy. */
static bool
find_arrow(const struct model *m, uint32_t rec, size_t *ci, int *ai, bool *twin)
{
	int32_t call = m->msgs[rec].call;
	if (call < 0 || (size_t)call >= m->ncalls)
		return false;
	const struct call *c = &m->calls[call];
	for (size_t a = 0; a < c->narrows; a++)
		if (c->arrows[a].msg == rec || c->arrows[a].twin == (int32_t)rec) {
			*ci = (size_t)call;
			*ai = (int)a;
			*twin = c->arrows[a].msg != rec;
			return true;
		}
	return false;
}

/* Enter: opens the message a repaired block became; a skipped block has
 * none, so the note says so. */
static void
prob_open(struct ui *u, const struct prob_st *st)
{
	if (st->nrows == 0)
		return;
	const struct prob_row *pr = &st->rows[st->sel];
	if (pr->k == ACCOUNT) {
		ui_note(u, false, "the file's account: what it was taken for and what of it was read");
		return;
	}
	const struct log_problem *p = &u->m->files[pr->file].problems[pr->k];
	long rec = p->recovered ? find_msg(u->m, pr->file, p->line) : -1;
	size_t ci;
	int ai;
	bool twin;
	if (rec >= 0 && find_arrow(u->m, (uint32_t)rec, &ci, &ai, &twin))
		ui_msg_open(u, ci, ai, twin);
	else if (p->recovered)
		ui_note(u, false, "line %u: no message of a call starts there", p->line);
	else
		ui_note(u, false, "line %u was skipped: no message was read from it", p->line);
}

/* Returns true after handling a mouse event. */
static bool
prob_mouse(struct ui *u, struct prob_st *st, const struct ui_ev *ev)
{
	size_t last = st->nrows ? st->nrows - 1 : 0;
	if (ev->button == UI_WHEEL_UP) {
		st->sel = st->sel > 3 ? st->sel - 3 : 0;
	} else if (ev->button == UI_WHEEL_DOWN) {
		st->sel = st->sel + 3 < last ? st->sel + 3 : last;
	} else if (ev->y >= 2 && ev->y < 2 + prob_page(u) &&
	    st->top + (size_t)(ev->y - 2) < st->nrows) {
		st->sel = st->top + (size_t)(ev->y - 2);
		if (ev->button == UI_DCLICK)
			prob_open(u, st);
	}
	return true;
}

/* Returns true when the screen used the key (i closes it, as ? does help). */
static bool
prob_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct prob_st *st = vst;
	bool used;
	if (ev->key == KEY_MOUSE)
		return prob_mouse(u, st, ev);
	st->sel = ui_move(ev->key, st->sel, st->nrows, prob_page(u), &used);
	if (used)
		return true;
	switch (ev->key) {
	case KEY_LEFT: case 'h': st->skip = st->skip > 8 ? st->skip - 8 : 0; return true;
	case KEY_RIGHT: case 'l': st->skip += st->skip + 8 < st->reason_w ? 8 : 0; return true;
	case '\n': case '\r': case KEY_ENTER: prob_open(u, st); return true;
	case 'i': ui_pop(u); return true;
	default: return false;
	}
}

/* Frees the screen's state. */
static void
prob_free(void *vst)
{
	struct prob_st *st = vst;
	free(st->rows);
	free(st);
}

static const struct ui_screen_ops prob_ops = {"problems", prob_draw, prob_key, prob_free, NULL};

/* Pushes the input problems screen. */
void
ui_problems_open(struct ui *u)
{
	struct prob_st *st = xcalloc(1, sizeof *st);
	prob_build(u, st);
	ui_push(u, &prob_ops, st);
}
