/* ui_sip.c - a SIP message as a document for the screens that show one (the
 * message view, the flow preview, compare): its lines with the parts
 * troubleshooting needs highlighted (Contact parameters, and call-type=
 * squared missing where the previous hop had it; Route headers; SDP media
 * and codecs; Reason with its Q.850 cause decoded inline), where it was
 * logged, and the hop that brought it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "q850.h"
#include "sip.h"
#include "ui.h"

/* Returns the arrow index of the previous hop of the same message, or -1. */
long
ui_sip_prev_hop(const struct ui *u, size_t ci, size_t ai)
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
	for (long j = ui_sip_prev_hop(u, (size_t)ci, (size_t)ai); j >= 0;
	    j = ui_sip_prev_hop(u, (size_t)ci, (size_t)j)) {
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
ui_sip_where(const struct ui *u, uint32_t rec, bool brief, char *buf, size_t size)
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
ui_sip_doc(const struct ui *u, struct ui_doc *doc, uint32_t rec, long ci, int ai)
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
