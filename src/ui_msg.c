/* ui_msg.c - one SIP message as logged, with the parts troubleshooting
 * needs highlighted: Contact parameters (and call-type=squared missing
 * where the previous hop had it), Route headers, SDP media and codecs,
 * and Reason with its Q.850 cause decoded inline. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "q850.h"
#include "sip.h"
#include "text.h"
#include "ui.h"
#include "view.h"

/* Returns the arrow index of the previous hop of the same message, or -1. */
long
ui_prev_hop(const struct ui *u, size_t ci, size_t ai)
{
	const struct call *c = &u->m->calls[ci];
	if (ai >= c->narrows)
		return -1;
	const struct call_arrow *a = &c->arrows[ai];
	const struct sip_msg *s = &u->m->msgs[a->msg];
	for (size_t j = ai; j-- > 0;) {
		const struct call_arrow *b = &c->arrows[j];
		const struct sip_msg *t = &u->m->msgs[b->msg];
		if (b->to == a->from && !t->retrans && sip_same_kind(s, t))
			return (long)j;
	}
	return -1;
}

/* Returns the record of the nearest earlier hop whose copy of this message
 * had call-type=squared in its Contact, or -1. */
static long
squared_upstream(const struct ui *u, long ci, int ai)
{
	if (ci < 0 || ai < 0)
		return -1;
	for (long j = ui_prev_hop(u, (size_t)ci, (size_t)ai); j >= 0;
	    j = ui_prev_hop(u, (size_t)ci, (size_t)j)) {
		const struct call_arrow *b = &u->m->calls[ci].arrows[j];
		if (u->m->msgs[b->msg].sip->call_type_squared)
			return (long)b->msg;
		if (b->twin >= 0 && u->m->msgs[b->twin].sip->call_type_squared)
			return (long)b->twin;
	}
	return -1;
}

/* Returns buf, filled with where the record was logged. */
char *
ui_msg_where(const struct ui *u, uint32_t rec, bool brief, char *buf, size_t size)
{
	const struct sip_msg *s = &u->m->msgs[rec];
	const struct host *h = &u->m->hosts[s->host];
	const char *path = u->m->files[s->file].path, *base = strrchr(path, '/');
	char t[24];
	snprintf(buf, size, "%s:%u  %s%s(%c)  %s %s:%u%s%s", brief && base ? base + 1 : path,
	    s->msg_line ? s->msg_line : s->line, brief ? "" : h->name, brief ? "" : " ",
	    model_role(h->role)->letter,
	    s->action == ACT_SENT ? (brief ? "to" : "sent to") : (brief ? "from" : "received from"),
	    s->remote_ip ? s->remote_ip : "?", s->remote_port, brief ? "" : "  at ",
	    brief ? "" : model_time_short(s->time, t, sizeof t));
	return buf;
}

/* Highlights the parameters of a Contact value starting at byte v. */
static void
contact_params(struct ui_line *l, size_t v)
{
	const char *gt = memchr(l->text + v, '>', l->len - v);
	size_t p = gt ? (size_t)(gt - l->text) + 1 : v;
	while (p < l->len) {
		const char *semi = memchr(l->text + p, ';', l->len - p);
		if (semi == NULL)
			break;
		size_t from = (size_t)(semi - l->text), to = from + 1;
		while (to < l->len && l->text[to] != ';' && l->text[to] != ',')
			to++;
		bool key = to - from >= 10 && strncasecmp(l->text + from + 1, "call-type", 9) == 0;
		ui_line_span(l, from, to, key ? UA_KEYPARAM : UA_PARAM);
		p = to;
	}
}

/* Appends the decoded Q.850 cause to a Reason line. */
static void
reason_cause(struct ui_line *l)
{
	const char *q = strcasestr(l->text, "q.850");
	const char *c = q ? strcasestr(q, "cause=") : NULL; /* not a SIP cause before it */
	if (q == NULL || c == NULL)
		return;
	int cause = atoi(c + 6);
	char d[160], note[200];
	q850_describe(cause, d, sizeof d);
	snprintf(note, sizeof note, "   [Q.850 %s]", d);
	ui_line_append(l, note, UA_NOTE);
}

/* Styles a header line; adds the "absent upstream" note after Contact. */
static void
header_line(const struct ui *u, struct ui_doc *doc, size_t li, const struct sip_msg *s,
    long ci, int ai, bool *contact_seen)
{
	struct ui_line *l = &doc->l[li];
	const char *colon = memchr(l->text, ':', l->len);
	if (colon == NULL)
		return;
	size_t nl = (size_t)(colon - l->text);
	char name[32];
	if (nl > sizeof name - 1)
		nl = sizeof name - 1;
	memcpy(name, l->text, nl);
	name[nl] = '\0';
	while (nl > 0 && name[nl - 1] == ' ')
		name[--nl] = '\0';
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	ui_line_span(l, 0, (size_t)(colon - l->text), UA_HNAME);
	if (strcmp(name, "route") == 0 || strcmp(name, "record-route") == 0) {
		ui_line_span(l, (size_t)(colon - l->text) + 1, l->len, UA_ROUTE);
	} else if (strcmp(name, "reason") == 0) {
		ui_line_span(l, (size_t)(colon - l->text) + 1, l->len, UA_REASON);
		reason_cause(l);
	} else if ((strcmp(name, "contact") == 0 || strcmp(name, "m") == 0) && !*contact_seen) {
		*contact_seen = true;
		contact_params(l, (size_t)(colon - l->text) + 1);
		long up = s->sip->call_type_squared ? -1 : squared_upstream(u, ci, ai);
		if (up >= 0) {
			const struct sip_msg *t = &u->m->msgs[up];
			const char *path = u->m->files[t->file].path, *base = strrchr(path, '/');
			struct ui_line *n = ui_doc_printf(doc, UA_MISSING, "  %s call-type=squared "
			    "absent here; the previous hop's copy had it (%s:%u)", u->g->up_arrow,
			    base ? base + 1 : path, t->msg_line ? t->msg_line : t->line);
			n->gutter = '!';
		}
	}
}

/* Styles an SDP line: m= lines with their codecs, rtpmap codec names. */
static void
body_line(struct ui_line *l, const struct sip_msg *s, int *media)
{
	if (l->len >= 2 && strncmp(l->text, "m=", 2) == 0) {
		ui_line_span(l, 0, l->len, UA_SDP);
		if (*media < s->sip->nmedia && s->sip->media[*media].codecs != NULL) {
			struct sbuf b = {0};
			sbuf_printf(&b, "   [%s]", s->sip->media[*media].codecs);
			ui_line_append(l, b.s, UA_CODEC);
			sbuf_free(&b);
		}
		(*media)++;
	} else if (l->len > 9 && strncmp(l->text, "a=rtpmap:", 9) == 0) {
		const char *sp = memchr(l->text, ' ', l->len);
		if (sp != NULL) {
			size_t from = (size_t)(sp - l->text) + 1, to = from;
			while (to < l->len && l->text[to] != '/')
				to++;
			ui_line_span(l, from, to, UA_CODEC);
		}
	}
}

/* Adds the lines of a message whose body was not logged. */
static void
summary_doc(struct ui_doc *doc, const struct sip_msg *s)
{
	char first[512];
	sip_first_line(s, first, sizeof first);
	ui_doc_raw(doc, first, strlen(first), UA_START);
	struct ui_line *l = ui_doc_printf(doc, UA_DIM, "(only the INFO summary of this message "
	    "was logged; its headers and body are not in the log)");
	l->gutter = '!';
	if (s->sip->call_id) {
		l = ui_doc_printf(doc, UA_NORMAL, "Call-ID: %s", s->sip->call_id);
		ui_line_span(l, 0, 7, UA_HNAME);
	}
	l = ui_doc_printf(doc, UA_NORMAL, "CSeq: %u %s", s->sip->cseq, s->sip->method ? s->sip->method : "");
	ui_line_span(l, 0, 4, UA_HNAME);
}

/* Fills doc with the record's lines, styled and annotated. */
void
ui_msg_doc(const struct ui *u, struct ui_doc *doc, uint32_t rec, long ci, int ai)
{
	const struct sip_msg *s = &u->m->msgs[rec];
	size_t n;
	char *raw = sip_raw(u->m, s, &n);
	if (raw == NULL) {
		summary_doc(doc, s);
		return;
	}
	bool body = false, contact_seen = false;
	int media = 0;
	for (size_t p = 0, k = 0; p < n; k++) {
		size_t e = p;
		while (e < n && raw[e] != '\n')
			e++;
		size_t len = e - p - (e > p && raw[e - 1] == '\r');
		size_t li = doc->n;
		struct ui_line *l = ui_doc_raw(doc, raw + p, len, k == 0 ? UA_START : UA_NORMAL);
		if (k > 0 && len == 0)
			body = true;
		else if (k > 0 && !body)
			header_line(u, doc, li, s, ci, ai, &contact_seen);
		else if (k > 0)
			body_line(l, s, &media);
		p = e + 1;
	}
	free(raw);
}

/* The message view screen. */

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
	ui_msg_doc(u, &st->doc, st->rec, (long)st->ci, st->ai);
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
	ui_msg_where(u, st->rec, false, where, sizeof where);
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
	long prev = ui_prev_hop(u, st->ci, (size_t)st->ai);
	if (prev >= 0)
		ui_compare_pair(u, st->ci, u->m->calls[st->ci].arrows[prev].msg, st->rec);
	else if (a->twin >= 0)
		ui_compare_pair(u, st->ci, a->msg, (uint32_t)a->twin);
	else
		ui_compare_call(u, st->ci, st->ai);
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

/* Pushes the message view of arrow ai of call ci. */
void
ui_msg_open(struct ui *u, size_t ci, int ai, bool twin)
{
	if (ci >= u->m->ncalls || ai < 0 || (size_t)ai >= u->m->calls[ci].narrows)
		return;
	struct msg_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->ai = ai;
	st->twin = twin;
	msg_build(u, st);
	ui_push(u, &msg_ops, st);
}
