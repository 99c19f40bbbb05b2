/* jsonout.c - emitting the model as JSON. */
#include <stdlib.h>

#include "jsonout.h"
#include "ladder.h"
#include "log_format.h"
#include "sip.h"
#include "text.h"
#include "view.h"

/* Appends s as a JSON string (null when NULL), as text_json_str does; in
 * one piece when no byte of it needs escaping or checking, as most do not. */
static void
jstr(struct sbuf *b, const char *s)
{
	if (s == NULL) {
		sbuf_add(b, "null", 4);
		return;
	}
	size_t n = 0;
	for (unsigned char c; (c = (unsigned char)s[n]) != '\0'; n++)
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&')
			break;
	if (s[n] != '\0') {
		text_json_str(b, s);
		return;
	}
	sbuf_add(b, "\"", 1);
	sbuf_add(b, s, n);
	sbuf_add(b, "\"", 1);
}

/* Appends the decimal text of v, as "%lld" writes it. */
static void
num(struct sbuf *b, long long v)
{
	char buf[24], *p = text_lld(buf + sizeof buf, v);
	sbuf_add(b, p, (size_t)(buf + sizeof buf - p));
}

/* Appends the key k of an object member, after a comma unless *first. */
static void
key(struct sbuf *b, const char *k, bool *first)
{
	if (!*first)
		sbuf_add(b, ",", 1);
	*first = false;
	sbuf_add(b, "\"", 1);
	sbuf_puts(b, k);
	sbuf_add(b, "\":", 2);
}

/* Appends member k with string v (null when NULL). */
static void
kstr(struct sbuf *b, const char *k, const char *v, bool *first)
{
	key(b, k, first);
	jstr(b, v);
}

/* Appends member k with number v. */
static void
kint(struct sbuf *b, const char *k, long long v, bool *first)
{
	key(b, k, first);
	num(b, v);
}

/* Appends the n strings of v as a JSON array. */
static void
strarray(struct sbuf *b, const char *const *v, size_t n)
{
	sbuf_add(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_add(b, ",", 1);
		jstr(b, v[i]);
	}
	sbuf_add(b, "]", 1);
}

/* Appends member k: {"seen":N,"read":N,"reported":N} of a file's account. */
static void
account(struct sbuf *b, const char *k, uint32_t seen, uint32_t read, uint32_t reported,
    bool *first)
{
	bool f = true;
	key(b, k, first);
	sbuf_add(b, "{", 1);
	kint(b, "seen", seen, &f);
	kint(b, "read", read, &f);
	kint(b, "reported", reported, &f);
	sbuf_add(b, "}", 1);
}

/* Appends "files":[...] (see jsonout.h). */
void
jsonout_files(struct sbuf *b, const struct model *m)
{
	sbuf_puts(b, "\"files\":[");
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct log_file *f = &m->files[i];
		bool first = true;
		sbuf_puts(b, i ? ",{" : "{");
		kstr(b, "path", f->path, &first);
		kstr(b, "host", f->host, &first);
		key(b, "role", &first);
		jstr(b, model_role_name(f->host_idx >= 0 ? m->hosts[f->host_idx].role
		    : ROLE_UNKNOWN));
		key(b, "format", &first);
		jstr(b, f->fmt != NULL ? f->fmt->name : NULL);
		kstr(b, "taken_as", f->ignored != NULL ? "ignored" : f->fmt != NULL ? f->fmt->what
		    : NULL, &first);
		if (f->ignored != NULL)
			kstr(b, "ignored", f->ignored, &first);
		kint(b, "sip_messages", f->sip_messages, &first);
		kint(b, "info_only", f->info_only, &first);
		account(b, "blocks", f->blocks_seen, f->blocks_read, f->blocks_reported, &first);
		account(b, "info_summaries", f->info_seen, f->info_read, f->info_reported, &first);
		account(b, "events", f->events_seen, f->events_read, f->events_seen - f->events_read,
		    &first);
		for (int pass = 0; pass < 2; pass++) {
			key(b, pass ? "repaired" : "skipped", &first);
			sbuf_add(b, "[", 1);
			bool any = false;
			for (size_t k = 0; k < f->nproblems; k++) {
				const struct log_problem *p = &f->problems[k];
				if (p->recovered != (pass == 1))
					continue;
				sbuf_printf(b, "%s{\"line\":%u,\"reason\":", any ? "," : "", p->line);
				jstr(b, p->reason);
				sbuf_add(b, "}", 1);
				any = true;
			}
			sbuf_add(b, "]", 1);
		}
		sbuf_add(b, "}", 1);
	}
	sbuf_add(b, "]", 1);
}

/* Appends ,"clock":{"host":..,"text":..} (see jsonout.h). */
void
jsonout_clock(struct sbuf *b, const struct model *m)
{
	struct sbuf t = {0};
	view_clock(&t, m, NULL);
	sbuf_puts(b, ",\"clock\":{\"host\":");
	jstr(b, m->ref_host >= 0 && (size_t)m->ref_host < m->nhosts ? m->hosts[m->ref_host].name
	    : NULL);
	sbuf_puts(b, ",\"text\":");
	jstr(b, t.s);
	sbuf_add(b, "}", 1);
	sbuf_free(&t);
}

/* Appends the host names that logged the call. */
static void
call_hosts(struct sbuf *b, const struct model *m, const struct call *c)
{
	sbuf_add(b, "[", 1);
	bool any = false;
	for (size_t k = 0; k < c->nhosts; k++) {
		if (any)
			sbuf_add(b, ",", 1);
		jstr(b, m->hosts[c->hosts[k]].name);
		any = true;
	}
	sbuf_add(b, "]", 1);
}

/* Appends "machines":[...]: every machine an arrow or one of the n
 * connection rows cr of the call joins. */
static void
call_machines(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_conn *cr, size_t n)
{
	sbuf_puts(b, ",\"machines\":[");
	bool any = false;
	for (size_t k = 0; k < m->nmachines; k++) {
		bool used = false;
		for (size_t i = 0; i < c->narrows && !used; i++)
			used = c->arrows[i].from == (int)k || c->arrows[i].to == (int)k;
		for (size_t i = 0; i < n && !used; i++)
			used = cr[i].from == (int)k || cr[i].to == (int)k;
		if (!used)
			continue;
		const struct machine *mc = &m->machines[k];
		bool first = true;
		sbuf_puts(b, any ? ",{" : "{");
		kint(b, "id", (long long)k, &first);
		kstr(b, "name", mc->name, &first);
		kstr(b, "kind", model_kind_name(mc->kind), &first);
		kstr(b, "role", mc->host >= 0 ? model_role_name(m->hosts[mc->host].role) :
		    mc->role != ROLE_UNKNOWN ? model_role_name(mc->role) : NULL, &first);
		key(b, "addresses", &first);
		strarray(b, mc->addrs, mc->naddrs);
		kstr(b, "agent", mc->agent, &first);
		if (mc->why != NULL)
			kstr(b, "inferred_from", mc->why, &first);
		sbuf_add(b, "}", 1);
		any = true;
	}
	sbuf_add(b, "]", 1);
}

/* Appends one logged record of a message: host, file, line, addresses. */
static void
record(struct sbuf *b, const struct model *m, const struct sip_msg *s)
{
	char t[40];
	bool first = true;
	sbuf_add(b, "{", 1);
	kstr(b, "file", m->files[s->file].path, &first);
	kint(b, sip_is_captured(m, s) ? "packet" : "line", s->msg_line ? s->msg_line : s->line,
	    &first);
	kstr(b, "host", m->hosts[s->host].name, &first);
	kstr(b, "action", s->action == ACT_SENT ? "sent" : "received", &first);
	kstr(b, "local_ip", s->local_ip, &first);
	kint(b, "local_port", s->local_port, &first);
	kstr(b, "remote_ip", s->remote_ip, &first);
	kint(b, "remote_port", s->remote_port, &first);
	kstr(b, "logged_time", model_time_iso(s->time, t, sizeof t), &first);
	sbuf_add(b, "}", 1);
}

/* Appends the Via headers of a message. */
static void
vias(struct sbuf *b, const struct sip_msg *s)
{
	sbuf_add(b, "[", 1);
	for (int i = 0; i < s->sip->nvias; i++) {
		const struct sip_via *v = &s->sip->vias[i];
		bool first = true;
		sbuf_puts(b, i ? ",{" : "{");
		kstr(b, "transport", v->proto, &first);
		kstr(b, "host", v->host, &first);
		kint(b, "port", v->port, &first);
		kstr(b, "branch", v->branch, &first);
		kstr(b, "received", v->received, &first);
		kstr(b, "egress_zone", v->egress_zone, &first);
		kstr(b, "ingress_zone", v->ingress_zone, &first);
		kstr(b, "proxy_call_id", v->proxy_call_id, &first);
		sbuf_add(b, "}", 1);
	}
	sbuf_add(b, "]", 1);
}

/* Appends the SDP media of a message. */
static void
sdp(struct sbuf *b, const struct sip_msg *s)
{
	sbuf_add(b, "[", 1);
	for (int i = 0; i < s->sip->nmedia; i++) {
		const struct sdp_media *md = &s->sip->media[i];
		bool first = true;
		sbuf_puts(b, i ? ",{" : "{");
		kstr(b, "media", md->media, &first);
		kint(b, "port", md->port, &first);
		kstr(b, "proto", md->proto, &first);
		kstr(b, "codecs", md->codecs, &first);
		kstr(b, "direction", md->dir, &first);
		sbuf_add(b, "}", 1);
	}
	sbuf_add(b, "]", 1);
}

/* Appends the SIP fields of a message. */
static void
sip_fields(struct sbuf *b, const struct sip_msg *s, bool *first)
{
	kstr(b, "call_id", s->sip->call_id, first);
	kint(b, "cseq", s->sip->cseq, first);
	kstr(b, "method", s->sip->method, first);
	key(b, "status", first);
	s->sip->status ? num(b, s->sip->status) : sbuf_puts(b, "null");
	kstr(b, "request_uri", s->sip->ruri, first);
	kstr(b, "from", s->sip->from_uri, first);
	kstr(b, "from_tag", s->sip->from_tag, first);
	kstr(b, "from_name", s->sip->from_name, first);
	kstr(b, "to", s->sip->to_uri, first);
	kstr(b, "to_tag", s->sip->to_tag, first);
	kstr(b, "to_name", s->sip->to_name, first);
	key(b, "via", first);
	vias(b, s);
	kstr(b, "contact", s->sip->contact, first);
	key(b, "route", first);
	strarray(b, s->sip->routes, s->sip->nroutes);
	key(b, "record_route", first);
	strarray(b, s->sip->rroutes, s->sip->nrroutes);
	kstr(b, "session_id", s->sip->session_local, first);
	kstr(b, "session_remote", s->sip->session_remote, first);
	kstr(b, "reason", s->sip->reason, first);
	key(b, "q850", first);
	s->sip->q850 >= 0 ? num(b, s->sip->q850) : sbuf_puts(b, "null");
	key(b, "sip_cause", first);
	s->sip->sip_cause > 0 ? num(b, s->sip->sip_cause) : sbuf_puts(b, "null");
	kstr(b, "reason_text", s->sip->reason_text, first);
	kstr(b, "user_agent", s->sip->user_agent, first);
	kstr(b, "server", s->sip->server, first);
	kstr(b, "warning", s->sip->warning, first);
	kstr(b, "x_taatag", s->sip->taatag, first);
	kint(b, "size", s->sip->size, first);
	key(b, "sdp", first);
	sdp(b, s);
}

/* Appends one message (arrow) object of a call. */
static void
message(struct sbuf *b, const struct model *m, const struct call_arrow *a,
    size_t index, bool with_raw)
{
	const struct sip_msg *s = &m->msgs[a->msg];
	char t[40];
	char label[128];
	bool first = true;
	sbuf_add(b, "{", 1);
	kint(b, "index", (long long)index, &first);
	kstr(b, "time", model_time_iso(a->t, t, sizeof t), &first);
	kint(b, "from_machine", a->from, &first);
	kint(b, "to_machine", a->to, &first);
	kstr(b, "label", sip_label(s, label, sizeof label), &first);
	key(b, "retransmission", &first);
	sbuf_puts(b, s->retrans ? "true" : "false");
	key(b, "fork", &first);
	s->fork > 0 ? num(b, s->fork) : sbuf_puts(b, "null");
	key(b, "same_host", &first);
	sbuf_puts(b, a->same_host ? "true" : "false");
	key(b, "body_logged", &first);
	sbuf_puts(b, s->summary_only ? "false" : "true");
	key(b, "records", &first);
	sbuf_add(b, "[", 1);
	record(b, m, s);
	if (a->twin >= 0) {
		sbuf_add(b, ",", 1);
		record(b, m, &m->msgs[a->twin]);
	}
	for (int k = 0; k < 2; k++) { /* the copies captures hold of what was logged */
		const struct sip_msg *w = k == 0 || a->twin >= 0 ?
		    model_wire_copy(m, k ? (uint32_t)a->twin : a->msg) : NULL;
		if (w != NULL) {
			sbuf_add(b, ",", 1);
			record(b, m, w);
		}
	}
	sbuf_add(b, "]", 1);
	sip_fields(b, s, &first);
	if (with_raw) {
		size_t n = 0;
		char *raw = sip_raw(m, s, &n);
		key(b, "raw", &first);
		if (raw != NULL) {
			sbuf_add(b, "\"", 1);
			text_json(b, raw, n);
			sbuf_add(b, "\"", 1);
		} else {
			sbuf_puts(b, "null");
		}
		free(raw);
	}
	sbuf_add(b, "}", 1);
}

/* Appends ",\"connections\":[...]": the n connection rows cr a capture
 * gives the call's ladder, each with its packet and the finding citing it. */
static void
call_conns(struct sbuf *b, const struct model *m, const struct diag_result *d,
    const struct ladder_conn *cr, size_t n)
{
	char t[40];
	sbuf_puts(b, ",\"connections\":[");
	for (size_t i = 0; i < n; i++) {
		const struct wire_conn *wc = &m->wire.conns[cr[i].conn];
		bool first = true;
		sbuf_puts(b, i ? ",{" : "{");
		kstr(b, "time", model_time_iso(cr[i].t, t, sizeof t), &first);
		kint(b, "from_machine", cr[i].from, &first);
		kint(b, "to_machine", cr[i].to, &first);
		kstr(b, "label", cr[i].label, &first);
		kint(b, "count", cr[i].count, &first);
		kstr(b, "file", m->files[wc->file].path, &first);
		kint(b, "packet", m->wire.steps[cr[i].step].packet, &first);
		kstr(b, "finding", cr[i].finding >= 0 ? d->f[cr[i].finding].id : NULL, &first);
		sbuf_add(b, "}", 1);
	}
	sbuf_add(b, "]", 1);
}

/* Appends one call object (see jsonout.h). */
void
jsonout_call(struct sbuf *b, const struct model *m, const struct diag_result *d,
    const struct call *c, bool with_messages, bool with_raw)
{
	const char **ids;
	size_t nids = view_finding_ids(d, (size_t)(c - m->calls), &ids);
	char t[40];
	bool first = true;
	sbuf_add(b, "{", 1);
	kint(b, "number", c->number, &first);
	key(b, "call_ids", &first);
	strarray(b, c->call_ids, c->ncall_ids);
	key(b, "session_ids", &first);
	strarray(b, c->session_ids, c->nsession_ids);
	kstr(b, "start", model_time_iso(c->start, t, sizeof t), &first);
	kstr(b, "end", model_time_iso(c->end, t, sizeof t), &first);
	kstr(b, "from", c->from, &first);
	kstr(b, "to", c->to, &first);
	kstr(b, "method", c->method, &first);
	key(b, "final_status", &first);
	if (c->final_status)
		num(b, c->final_status);
	else
		sbuf_puts(b, "null");
	/* list's "messages" is a count; with the messages themselves it is the array */
	kint(b, with_messages ? "message_count" : "messages", (long long)c->narrows, &first);
	key(b, "hosts", &first);
	call_hosts(b, m, c);
	sbuf_puts(b, ",\"links\":[");
	for (size_t i = 0; i < c->nlinks; i++) {
		sbuf_puts(b, i ? ",{\"call_id\":" : "{\"call_id\":");
		jstr(b, c->links[i].call_id);
		sbuf_puts(b, ",\"by\":");
		jstr(b, c->links[i].by);
		sbuf_add(b, "}", 1);
	}
	sbuf_puts(b, "],\"findings\":");
	strarray(b, ids, nids);
	free(ids);
	if (with_messages) {
		size_t ncr;
		struct ladder_conn *cr = ladder_conns(m, d, c, &ncr);
		call_machines(b, m, c, cr, ncr);
		sbuf_puts(b, ",\"messages\":[");
		for (size_t i = 0; i < c->narrows; i++) {
			if (i)
				sbuf_add(b, ",", 1);
			message(b, m, &c->arrows[i], i, with_raw);
		}
		sbuf_add(b, "]", 1);
		call_conns(b, m, d, cr, ncr);
		ladder_conns_free(cr, ncr);
	}
	sbuf_add(b, "}", 1);
}

/* Appends the text members of a finding (see jsonout.h). */
void
jsonout_finding_text(struct sbuf *b, const struct diag_finding *f)
{
	bool first = false;
	kstr(b, "summary", f->summary, &first);
	kstr(b, "fix", f->fix, &first);
	if (f->link != NULL)
		kstr(b, "link", f->link, &first);
	if (f->ncand > 0) {
		sbuf_puts(b, ",\"candidates\":[");
		for (size_t i = 0; i < f->ncand; i++)
			sbuf_printf(b, "%s%u", i ? "," : "", f->cand[i]);
		sbuf_puts(b, "]");
	}
	sbuf_puts(b, ",\"evidence\":[");
	for (size_t e = 0; e < f->nev; e++) {
		sbuf_puts(b, e ? ",{\"file\":" : "{\"file\":");
		jstr(b, f->ev[e].file);
		sbuf_printf(b, f->ev[e].packet ? ",\"packet\":%u,\"text\":" : ",\"line\":%u,\"text\":",
		    f->ev[e].line);
		jstr(b, f->ev[e].text);
		sbuf_add(b, "}", 1);
	}
	sbuf_puts(b, "]");
}
