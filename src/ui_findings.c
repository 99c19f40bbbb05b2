/* ui_findings.c - the findings screen: every finding of the load (of a
 * call, of a connection, of the configuration) worst first, one row each
 * with its marker, severity, id, host, what it concerns and its summary; the
 * selected one in full below (evidence quoted, fix). Enter opens its proof:
 * for a call finding the ladder at the flagged arrow with the message view
 * on the proving line, for the others the quoted lines in their file. The
 * browser opens here when the load has findings but no call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "ui.h"
#include "view.h"

#define ID_MAX 36    /* the id column at most */
#define HOST_MAX 24  /* the host column at most */

struct findings_st {
	size_t *rows;        /* indices in u->d->f, in view order */
	size_t n, sel, top;
	int idw, hostw;      /* the id and host columns */
	struct ui_doc doc;   /* the selected finding in full */
	long doc_key;        /* for which row and width doc was built */
	size_t dtop;
};

/* Returns the safe columns of untrusted s. */
static int
cols_of(const struct ui *u, const char *s)
{
	struct sbuf b = {0};
	text_safe(&b, s, strlen(s));
	int w = ui_width(u, b.s, b.len);
	sbuf_free(&b);
	return w;
}

/* Returns the attribute of a severity as a document attribute. */
static enum ui_attr
sev_ua(int sev)
{
	return sev == DIAG_ERROR ? UA_SEV_ERR : sev == DIAG_WARNING ? UA_SEV_WARN : UA_SEV_INFO;
}

/* Fills doc with finding f (see ui.h). */
void
ui_finding_doc(const struct ui *u, const struct diag_finding *f, int w, struct ui_doc *doc)
{
	struct sbuf about = {0};
	view_finding_about(&about, u->m, f);
	struct ui_line *l = ui_doc_printf(doc, UA_NORMAL, "%c %s (%s)", diag_marker(f->id), f->id,
	    diag_severity_name(f->severity));
	ui_line_span(l, 0, l->len, sev_ua((int)f->severity));
	ui_doc_wrap(doc, about.s, w, 2, UA_DIM);
	if (f->host >= 0 && (size_t)f->host < u->m->nhosts) {
		char who[128];
		model_machine_label(u->m, u->m->hosts[f->host].machine, who, sizeof who);
		ui_doc_wrap(doc, who, w, 2, UA_DIM);
	}
	ui_doc_wrap(doc, f->summary, w, 2, UA_START);
	ui_doc_raw(doc, "", 0, UA_NORMAL);
	ui_doc_printf(doc, UA_HEADER, "Fix");
	ui_doc_wrap(doc, f->fix, w, 2, UA_NORMAL);
	if (f->nev > 0) {
		ui_doc_raw(doc, "", 0, UA_NORMAL);
		ui_doc_printf(doc, UA_HEADER, "Evidence");
	}
	for (size_t i = 0; i < f->nev; i++) {
		struct sbuf b = {0};
		sbuf_printf(&b, "%s:%s%u", f->ev[i].file, f->ev[i].packet ? "packet " : "",
		    f->ev[i].line);
		ui_doc_raw(doc, b.s, b.len, UA_NORMAL);
		if (f->ev[i].text != NULL && f->ev[i].text[0] != '\0') {
			b.len = 0;
			sbuf_puts(&b, "    ");
			sbuf_puts(&b, f->ev[i].text);
			ui_doc_raw(doc, b.s, b.len, UA_ROUTE);
		}
		sbuf_free(&b);
	}
	sbuf_free(&about);
}

/* Returns the rows of findings shown at once (the detail takes the rest). */
static int
list_h(const struct ui *u, const struct findings_st *st)
{
	int avail = u->rows - 4, want = (int)st->n < 3 ? 3 : (int)st->n;
	int h = avail / 2 > want ? want : avail / 2;
	return h < 1 ? 1 : h;
}

/* Sets the widths of the id and host columns for this terminal: what they
 * need, down to a third and a fifth of the width. */
static void
col_widths(const struct ui *u, const struct findings_st *st, int *idw, int *hostw)
{
	int third = (u->cols - 11) / 3, fifth = (u->cols - 11) / 5;
	*idw = st->idw < third ? st->idw : third > 8 ? third : 8;
	*hostw = st->hostw < fifth ? st->hostw : fifth > 6 ? fifth : 6;
}

/* Draws one row: marker, severity, id, host, what it concerns, summary. */
static void
draw_row(const struct ui *u, const struct findings_st *st, size_t r, int y)
{
	const struct diag_finding *f = &u->d->f[st->rows[r]];
	attr_t sel = r == st->sel ? A_REVERSE : 0, sev = ui_sev_attr(u, (int)f->severity);
	char mk[2] = {diag_marker(f->id), '\0'};
	int idw, hostw;
	col_widths(u, st, &idw, &hostw);
	ui_fill(u, y, 0, u->cols, sel);
	ui_text(u, y, 1, 1, 0, mk, 1, sev | A_BOLD | sel);
	ui_printf(u, y, 3, 7, sev | sel, "%s", diag_severity_name(f->severity));
	ui_raw(u, y, 11, idw, 0, f->id, sel);
	int x = 11 + idw + 1;
	const char *host = f->host >= 0 && (size_t)f->host < u->m->nhosts ?
	    u->m->hosts[f->host].name : "-";
	ui_raw(u, y, x, hostw, 0, host, sel);
	x += hostw + 1;
	char what[32];
	if (f->call >= 0 && (size_t)f->call < u->m->ncalls)
		snprintf(what, sizeof what, "call %u", u->m->calls[f->call].number);
	else
		snprintf(what, sizeof what, "%s", f->config != NULL ? "config" : "connection");
	x += ui_printf(u, y, x, u->cols - x, sel | u->attr[UA_DIM], "%-10s", what) + 1;
	if (x < u->cols)
		ui_raw(u, y, x, u->cols - x, 0, f->summary, sel);
}

/* Paints the screen: the rows, then the selected finding in full. */
static void
findings_draw(struct ui *u, void *vst)
{
	struct findings_st *st = vst;
	int h = list_h(u, st), w = u->cols - 2;
	char right[64];
	snprintf(right, sizeof right, "%zu/%zu findings ", st->n ? st->sel + 1 : 0, st->n);
	ui_draw_bar(u, 0, "xwtrace " XW_VERSION "  Findings", right);
	ui_fill(u, 1, 0, u->cols, u->attr[UA_HEADER]);
	int idw, hostw;
	col_widths(u, st, &idw, &hostw);
	ui_printf(u, 1, 0, u->cols, u->attr[UA_HEADER], "  Severity %-*s %-*s %-10s Summary",
	    idw, "Finding", hostw, "Host", "Of");
	st->top = ui_scroll(st->top, st->sel, st->n, h);
	for (int r = 0; r < h && st->top + (size_t)r < st->n; r++)
		draw_row(u, st, st->top + (size_t)r, 2 + r);
	if (st->n == 0)
		ui_printf(u, 2, 2, u->cols - 4, u->attr[UA_DIM], "No finding in these logs");
	int dy = 2 + h, dh = u->rows - 1 - dy - 1;
	long key = (long)st->sel * 100000 + w;
	if (st->n > 0 && key != st->doc_key) {
		ui_doc_free(&st->doc);
		ui_finding_doc(u, &u->d->f[st->rows[st->sel]], w, &st->doc);
		st->doc_key = key;
		st->dtop = 0;
	}
	ui_fill(u, dy, 0, u->cols, u->attr[UA_HEADER]);
	ui_printf(u, dy, 0, u->cols, u->attr[UA_HEADER], "%s", st->n == 0 ? "" :
	    u->d->f[st->rows[st->sel]].call >= 0 ? "Enter: the ladder at its arrow, the message "
	    "on the proving line" : "Enter: the quoted lines in their file");
	if (st->n > 0 && dh > 0)
		ui_doc_draw(u, &st->doc, st->dtop, dy + 1, 1, dh, w, 0, false);
	ui_draw_bottom(u, "Enter:proof Up/Down:finding PgUp/PgDn:detail l:calls ?:help q:back");
}

/* Returns the evidence of f that a record of arrow ai of call c logged, or
 * NULL: the line the message view opens on. */
static const struct diag_evidence *
arrow_evidence(const struct ui *u, const struct diag_finding *f, const struct call *c, int ai)
{
	const struct call_arrow *a = &c->arrows[ai];
	for (size_t e = 0; e < f->nev; e++)
		for (int k = 0; k < 2; k++) {
			long rec = k == 0 ? (long)a->msg : (long)a->twin;
			if (rec < 0 || f->ev[e].packet)
				continue;
			const struct sip_msg *s = &u->m->msgs[rec];
			uint32_t first = s->msg_line ? s->msg_line : s->line;
			if (strcmp(u->m->files[s->file].path, f->ev[e].file) == 0 &&
			    f->ev[e].line >= first && f->ev[e].line < first + 512)
				return &f->ev[e];
		}
	return NULL;
}

/* Enter: the proof of the selected finding. */
static void
findings_enter(struct ui *u, struct findings_st *st)
{
	if (st->n == 0)
		return;
	size_t fi = st->rows[st->sel];
	const struct diag_finding *f = &u->d->f[fi];
	if (f->call < 0 || (size_t)f->call >= u->m->ncalls) {
		ui_proof_open(u, fi);
		return;
	}
	const struct call *c = &u->m->calls[f->call];
	ui_flow_arrow_open(u, (size_t)f->call, f->arrow);
	if (f->arrow < 0 || (size_t)f->arrow >= c->narrows)
		return;
	const struct diag_evidence *e = arrow_evidence(u, f, c, f->arrow);
	ui_msg_line_open(u, (size_t)f->call, f->arrow, e != NULL ? e->file : NULL,
	    e != NULL ? e->line : 0);
}

/* Returns true when the screen used the key. */
static bool
findings_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct findings_st *st = vst;
	bool used;
	int key = ev->key;
	if (key == KEY_MOUSE && (ev->button == UI_WHEEL_UP || ev->button == UI_WHEEL_DOWN))
		key = ev->button == UI_WHEEL_UP ? KEY_UP : KEY_DOWN;
	if (key == KEY_PPAGE || key == KEY_NPAGE) { /* the detail scrolls by pages */
		size_t page = (size_t)(u->rows / 3 > 1 ? u->rows / 3 : 1);
		st->dtop = key == KEY_PPAGE ? (st->dtop > page ? st->dtop - page : 0)
		    : (st->dtop + page < st->doc.n ? st->dtop + page : st->dtop);
		return true;
	}
	size_t n = ui_move(key, st->sel, st->n, list_h(u, st), &used);
	if (used) {
		st->sel = n;
		return true;
	}
	switch (key) {
	case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT:
		findings_enter(u, st);
		return true;
	case KEY_MOUSE:
		if (ev->y >= 2 && ev->y < 2 + list_h(u, st) &&
		    st->top + (size_t)(ev->y - 2) < st->n) {
			st->sel = st->top + (size_t)(ev->y - 2);
			if (ev->button == UI_DCLICK)
				findings_enter(u, st);
		}
		return true;
	case 'F': return true; /* already here */
	case 'l': ui_pop(u); return true; /* the call list is below */
	default: return false;
	}
}

/* Frees the screen's state. */
static void
findings_free(void *vst)
{
	struct findings_st *st = vst;
	ui_doc_free(&st->doc);
	free(st->rows);
	free(st);
}

/* Returns true with the selected finding's call and arrow, when it has one. */
static bool
findings_context(const struct ui *u, const void *vst, size_t *call, int *arrow)
{
	const struct findings_st *st = vst;
	if (st->n == 0 || u->d->f[st->rows[st->sel]].call < 0)
		return false;
	*call = (size_t)u->d->f[st->rows[st->sel]].call;
	*arrow = u->d->f[st->rows[st->sel]].arrow;
	return true;
}

static const struct ui_screen_ops findings_ops = {"findings", findings_draw, findings_key,
	findings_free, findings_context};

/* Pushes the findings screen. */
void
ui_findings_open(struct ui *u)
{
	struct findings_st *st = xcalloc(1, sizeof *st);
	st->n = u->d != NULL ? u->d->n : 0;
	st->rows = st->n ? view_finding_order(u->d) : xcalloc(1, sizeof *st->rows);
	st->idw = 7, st->hostw = 4;
	for (size_t i = 0; i < st->n; i++) {
		const struct diag_finding *f = &u->d->f[i];
		int iw = (int)strlen(f->id), hw = f->host >= 0 && (size_t)f->host < u->m->nhosts ?
		    cols_of(u, u->m->hosts[f->host].name) : 1;
		st->idw = iw > st->idw ? (iw < ID_MAX ? iw : ID_MAX) : st->idw;
		st->hostw = hw > st->hostw ? (hw < HOST_MAX ? hw : HOST_MAX) : st->hostw;
	}
	st->doc_key = -1;
	ui_push(u, &findings_ops, st);
}
