/* sip.c - parsing a SIP message with libosip2 into the fields the model
 * keeps (repairing what logs commonly break). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include "sdp.h"
#include "sip.h"
#include "text.h"

void
sip_init(void)
{
	static int done;
	if (done++)
		return;
	sip_arena_install();
	parser_init();
	/* libosip2 prints parse errors on stdout unless its trace is silenced */
	osip_trace_initialize(TRACE_LEVEL0, NULL);
}

/* Returns a pooled copy of an osip-allocated string and frees it. */
static const char *
take(struct strpool *pool, char *s)
{
	if (s == NULL)
		return NULL;
	const char *r = strpool_str(pool, s);
	osip_free(s);
	return r;
}

/* Returns the value of a generic parameter (owned by libosip2), or NULL. */
static const char *
gparam_raw(osip_list_t *l, const char *name)
{
	osip_generic_param_t *p = NULL;
	if (osip_generic_param_get_byname(l, (char *)name, &p) != 0 || p == NULL)
		return NULL;
	return p->gvalue ? p->gvalue : "";
}

/* Returns the pooled value of a generic parameter, or NULL. */
static const char *
gparam(struct strpool *pool, osip_list_t *l, const char *name)
{
	return strpool_str(pool, gparam_raw(l, name));
}

/* Returns the pooled value of a parameter that names one transaction or
 * dialog (branch, tag): shared with its recent repeats only. */
static const char *
gparam_local(struct strpool *pool, osip_list_t *l, const char *name)
{
	const char *v = gparam_raw(l, name);
	return v ? strpool_recent(pool, v, strlen(v)) : NULL;
}

/* Returns the parameters of a list as ";a=b;c" (pooled), or NULL when none. */
static const char *
params_str(struct strpool *pool, osip_list_t *l)
{
	struct sbuf b = {0};
	for (int i = 0; i < osip_list_size(l); i++) {
		osip_generic_param_t *p = osip_list_get(l, i);
		sbuf_add(&b, ";", 1);
		sbuf_puts(&b, p->gname ? p->gname : "");
		if (p->gvalue != NULL) {
			sbuf_add(&b, "=", 1);
			sbuf_puts(&b, p->gvalue);
		}
	}
	const char *r = b.len ? strpool_intern(pool, b.s, b.len) : NULL;
	sbuf_free(&b);
	return r;
}

/* Returns the pooled URI of a From/To/Contact/Route, or NULL. */
static const char *
url_str(struct strpool *pool, osip_uri_t *u)
{
	char *s = NULL;
	if (u == NULL || osip_uri_to_str(u, &s) != 0)
		return NULL;
	return take(pool, s);
}

/* Returns the value of the first header called name (owned by sip), or NULL. */
static const char *
header_raw(osip_message_t *sip, const char *name)
{
	osip_header_t *h = NULL;
	if (osip_message_header_get_byname(sip, name, 0, &h) < 0 || h == NULL)
		return NULL;
	return h->hvalue ? h->hvalue : "";
}

/* Returns the value of the first header called name (pooled), or NULL. */
static const char *
header(struct strpool *pool, osip_message_t *sip, const char *name)
{
	return strpool_str(pool, header_raw(sip, name));
}

static void
fill_vias(struct strpool *pool, struct sip_fields *s, osip_message_t *sip)
{
	int n = osip_list_size(&sip->vias);
	if (n <= 0)
		return;
	if (n > SIP_MAX_LIST) { /* a hostile message may repeat Via thousands of times */
		n = SIP_MAX_LIST;
		s->cut |= SIP_CUT_VIAS;
	}
	s->vias = strpool_alloc(pool, (size_t)n * sizeof *s->vias);
	for (int i = 0; i < n; i++) {
		osip_via_t *v = osip_list_get(&sip->vias, i);
		struct sip_via *o = &s->vias[i];
		o->proto = strpool_str(pool, v->protocol);
		o->host = strpool_str(pool, v->host);
		o->port = v->port ? (uint16_t)atoi(v->port) : 0;
		o->branch = gparam_local(pool, &v->via_params, "branch");
		o->received = gparam(pool, &v->via_params, "received");
		o->egress_zone = gparam(pool, &v->via_params, "egress-zone");
		o->ingress_zone = gparam(pool, &v->via_params, "ingress-zone");
		o->proxy_call_id = gparam_local(pool, &v->via_params, "proxy-call-id");
	}
	s->nvias = (uint16_t)n;
}

/* Returns a pooled array of the URIs (with params) of a Route-like list;
 * sets the bit cut in *cuts when the list is longer than SIP_MAX_LIST. */
static const char **
route_list(struct strpool *pool, osip_list_t *l, uint16_t *count, uint8_t *cuts, int cut)
{
	int n = osip_list_size(l);
	*count = 0;
	if (n <= 0)
		return NULL;
	if (n > SIP_MAX_LIST) {
		n = SIP_MAX_LIST;
		*cuts |= (uint8_t)cut;
	}
	const char **r = strpool_alloc(pool, (size_t)n * sizeof *r);
	for (int i = 0; i < n; i++) {
		char *s = NULL;
		osip_route_t *rt = osip_list_get(l, i);
		r[i] = osip_route_to_str(rt, &s) == 0 ? take(pool, s) : "";
	}
	*count = (uint16_t)n;
	return r;
}

static void
fill_contact(struct strpool *pool, struct sip_fields *s, osip_message_t *sip)
{
	osip_contact_t *c = osip_list_get(&sip->contacts, 0);
	if (c == NULL)
		return;
	char *str = NULL;
	if (osip_contact_to_str(c, &str) == 0)
		s->contact = take(pool, str);
	s->contact_uri = url_str(pool, c->url);
	s->contact_params = params_str(pool, &c->gen_params);
	const char *ct = gparam(pool, &c->gen_params, "call-type");
	s->call_type_squared = ct != NULL && strcasecmp(ct, "squared") == 0;
}

/* Returns a pooled lower-case copy of a 32-hex UUID at s, or NULL; sets
 * SIP_CUT_SESSION_ID in *cut when it is longer than SIP_MAX_UUID. */
static const char *
uuid_at(struct strpool *pool, const char *s, size_t n, uint8_t *cut)
{
	char u[SIP_MAX_UUID + 1];
	size_t k = 0;
	while (k < n && k < sizeof u - 1 && isxdigit((unsigned char)s[k])) {
		u[k] = (char)tolower((unsigned char)s[k]);
		k++;
	}
	if (k < n && isxdigit((unsigned char)s[k]))
		*cut |= SIP_CUT_SESSION_ID;
	return k == 0 ? NULL : strpool_recent(pool, u, k);
}

/* Fills the Session-ID UUIDs from the header's value v (NULL: none). */
static void
fill_session(struct strpool *pool, struct sip_fields *s, const char *v)
{
	if (v == NULL)
		return;
	while (*v == ' ')
		v++;
	s->session_local = uuid_at(pool, v, strlen(v), &s->cut);
	const char *r = strcasestr(v, "remote=");
	if (r != NULL)
		s->session_remote = uuid_at(pool, r + 7, strlen(r + 7), &s->cut);
}

#define SIP_MAX_REASONS 8 /* Reason headers read per message: bounds hostile ones */

/* Returns true with the next element of a comma-separated list at *p in
 * [*el, *el + *n) and *p past it; commas inside quotes do not separate. */
static bool
list_next(const char **p, const char **el, size_t *n)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	if (*s == '\0')
		return false;
	const char *e = s;
	for (bool q = false; *e && (q || *e != ','); e++)
		if (*e == '"')
			q = !q;
		else if (*e == '\\' && q && e[1])
			e++;
	*el = s;
	*n = (size_t)(e - s);
	*p = e;
	return true;
}

/* Returns the value of parameter name ("cause", "text") of a Reason element
 * (n bytes at el) in [*v, *v + *vn), quotes taken off; false when absent. */
static bool
reason_param(const char *el, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t kl = strlen(name);
	for (size_t i = 0; i + kl + 1 < n; i++) {
		if (el[i] != ';' || strncasecmp(el + i + 1, name, kl) != 0)
			continue;
		size_t j = i + 1 + kl;
		while (j < n && el[j] == ' ')
			j++;
		if (j >= n || el[j] != '=')
			continue;
		for (j++; j < n && el[j] == ' '; j++)
			;
		bool q = j < n && el[j] == '"';
		size_t k = j + q;
		while (k < n && (q ? el[k] != '"' : el[k] != ';' && el[k] != ' '))
			k += q && el[k] == '\\' && k + 1 < n ? 2 : 1;
		*v = el + j + q;
		*vn = k - j - q;
		return true;
	}
	return false;
}

/* Reads one Reason element ("Q.850;cause=102;text=\"...\"", "SIP;cause=480")
 * into the fields: the first Q.850 cause and the first SIP cause, apart, and
 * the text of the Q.850 element (else of the SIP one). */
static void
reason_element(struct strpool *pool, struct sip_fields *s, const char *el, size_t n)
{
	size_t pn = 0;
	while (pn < n && el[pn] != ';' && el[pn] != ' ')
		pn++;
	const char *v, *t = NULL;
	size_t vn, tn = 0;
	long cause = -1;
	if (reason_param(el, n, "cause", &v, &vn) && vn > 0 && vn < 4 && isdigit((unsigned char)*v))
		cause = strtol(v, NULL, 10);
	if (reason_param(el, n, "text", &v, &vn) && vn > 0) {
		t = v;
		tn = vn;
	}
	bool q850 = pn == 5 && strncasecmp(el, "Q.850", 5) == 0;
	bool sip = pn == 3 && strncasecmp(el, "SIP", 3) == 0;
	if (q850 && s->q850 < 0 && cause >= 0) {
		s->q850 = (int)cause;
		if (t != NULL)
			s->reason_text = strpool_intern(pool, t, tn);
	} else if (sip && s->sip_cause == 0 && cause >= 100) {
		s->sip_cause = (uint16_t)cause;
		if (t != NULL && s->reason_text == NULL)
			s->reason_text = strpool_intern(pool, t, tn);
	}
}

/* Fills reason, reason_text, q850 and sip_cause from every Reason header and
 * every element of each. */
static void
fill_reasons(struct strpool *pool, struct sip_fields *s, osip_message_t *sip)
{
	struct sbuf all = {0};
	osip_header_t *h = NULL;
	for (int at = 0, k = 0; k < SIP_MAX_REASONS &&
	    (at = osip_message_header_get_byname(sip, "reason", at, &h)) >= 0; at++, k++) {
		if (h == NULL || h->hvalue == NULL)
			continue;
		if (all.len)
			sbuf_puts(&all, ", ");
		sbuf_puts(&all, h->hvalue);
		const char *p = h->hvalue, *el;
		size_t n;
		while (list_next(&p, &el, &n))
			reason_element(pool, s, el, n);
	}
	if (all.len)
		s->reason = strpool_intern(pool, all.s, all.len);
	sbuf_free(&all);
}

/* Returns the pooled method token at the start of a CSeq method, NULL when
 * none: a CSeq line joined with the next one in a pasted copy
 * ("INVITE From : ...") still names INVITE. */
static const char *
cseq_method(struct strpool *pool, const char *m)
{
	if (m == NULL)
		return NULL;
	while (*m == ' ' || *m == '\t')
		m++;
	size_t n = strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	    "-.!%*_+`'~");
	return n ? strpool_intern(pool, m, n) : NULL;
}

static void
fill_party(struct strpool *pool, osip_from_t *f, const char **uri, const char **tag,
    const char **name)
{
	if (f == NULL)
		return;
	*uri = url_str(pool, f->url);
	*tag = gparam_local(pool, &f->gen_params, "tag");
	*name = strpool_str(pool, f->displayname);
}

static void
fill_headers(struct strpool *pool, struct sip_fields *s, osip_message_t *sip)
{
	char *str = NULL;
	if (sip->call_id != NULL && osip_call_id_to_str(sip->call_id, &str) == 0) {
		s->call_id = strpool_recent(pool, str, strlen(str));
		osip_free(str);
	}
	if (sip->cseq != NULL) {
		s->cseq = sip->cseq->number ? (uint32_t)strtoul(sip->cseq->number, NULL, 10) : 0;
		if (!s->is_request)
			s->method = cseq_method(pool, sip->cseq->method);
	}
	fill_party(pool, sip->from, &s->from_uri, &s->from_tag, &s->from_name);
	fill_party(pool, sip->to, &s->to_uri, &s->to_tag, &s->to_name);
	fill_vias(pool, s, sip);
	fill_contact(pool, s, sip);
	s->routes = route_list(pool, &sip->routes, &s->nroutes, &s->cut, SIP_CUT_ROUTES);
	s->rroutes = route_list(pool, &sip->record_routes, &s->nrroutes, &s->cut, SIP_CUT_RROUTES);
	fill_session(pool, s, header_raw(sip, "session-id"));
	fill_reasons(pool, s, sip);
	s->user_agent = header(pool, sip, "user-agent");
	s->server = header(pool, sip, "server");
	s->warning = header(pool, sip, "warning");
	s->taatag = header(pool, sip, "x-taatag");
	if (sip->content_type != NULL && osip_content_type_to_str(sip->content_type, &str) == 0)
		s->content_type = take(pool, str);
	if (sip->content_length != NULL && sip->content_length->value != NULL)
		s->content_length = (uint32_t)strtoul(sip->content_length->value, NULL, 10);
}

/* Returns the body of the unframed text (after the blank line), or NULL. */
static const char *
body_of(const char *text, size_t n, size_t *blen)
{
	const char *b = memmem(text, n, "\r\n\r\n", 4);
	if (b == NULL)
		return NULL;
	b += 4;
	*blen = n - (size_t)(b - text);
	return b;
}

/* Returns a copy of text with the blank line put back between the headers
 * and an SDP body that follows them directly (caller frees; length in
 * *outn), or NULL when the text has a blank line or no such body. A copy
 * edited by hand or by a tool that drops empty lines loses it. */
static char *
add_blank_line(const char *text, size_t n, size_t *outn)
{
	size_t blen;
	const char *v = memmem(text, n, "\r\nv=0\r\n", 7);
	if (v == NULL || body_of(text, n, &blen) != NULL)
		return NULL;
	size_t at = (size_t)(v - text) + 2;
	struct sbuf b = {0};
	sbuf_add(&b, text, at);
	sbuf_add(&b, "\r\n", 2);
	sbuf_add(&b, text + at, n - at);
	*outn = b.len;
	return sbuf_take(&b);
}

/* Returns true when the header line at l (n bytes, before its CRLF) is
 * one a message may hold only once, by its long or compact name. */
static bool
single_header(const char *l, size_t n)
{
	static const char *const names[] = {"content-type", "c", "content-length", "l", "call-id",
		"i", "cseq", "from", "f", "to", "t", "max-forwards", "expires", "content-encoding", "e"};
	const char *colon = memchr(l, ':', n);
	if (colon == NULL)
		return false;
	size_t k = (size_t)(colon - l);
	while (k > 0 && (l[k - 1] == ' ' || l[k - 1] == '\t'))
		k--;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == k && strncasecmp(l, names[i], k) == 0)
			return true;
	return false;
}

/* Returns a copy of text without the later copies of a header line that
 * may appear once and came again word for word (caller frees; length in
 * *outn), or NULL when there is none. Some senders write Content-Type
 * twice; libosip2 then refuses the whole message, tshark shows it. */
static char *
drop_repeats(const char *text, size_t n, size_t *outn)
{
	const char *end = memmem(text, n, "\r\n\r\n", 4);
	if (end == NULL)
		end = text + n;
	struct sbuf b = {0};
	bool dropped = false;
	const char *l = memmem(text, (size_t)(end - text), "\r\n", 2);
	if (l == NULL)
		return NULL;
	l += 2;
	sbuf_add(&b, text, (size_t)(l - text));
	while (l < end) {
		const char *e = memmem(l, (size_t)(end - l), "\r\n", 2);
		size_t ln = e ? (size_t)(e - l) : (size_t)(end - l), at = (size_t)(l - text);
		bool again = false;
		if (ln > 0 && single_header(l, ln))
			for (const char *q = text; !again && (q = memmem(q, at - (size_t)(q - text), l, ln));
			    q++)
				again = q > text && q[-1] == '\n' && q[ln] == '\r';
		if (again)
			dropped = true;
		else
			sbuf_add(&b, l, ln + (e ? 2 : 0));
		l += ln + (e ? 2 : 0);
	}
	if (!dropped) {
		sbuf_free(&b);
		return NULL;
	}
	sbuf_add(&b, end, n - (size_t)(end - text));
	*outn = b.len;
	return sbuf_take(&b);
}

/* Returns a copy of text whose Content-Length header states the real body
 * length (caller frees), or NULL when the header cannot be found. */
static char *
fix_content_length(const char *text, size_t n, size_t *outn, uint32_t *declared)
{
	size_t blen = 0;
	const char *body = body_of(text, n, &blen);
	if (body == NULL)
		return NULL;
	size_t hl = (size_t)(body - text);
	const char *h = NULL;
	/* the header ends before the body, so the compares stay inside the text
	 * even when it is not NUL-terminated */
	for (const char *p = text; p < body; p++)
		if ((p == text || p[-1] == '\n') && ((body - p > 15 &&
		    strncasecmp(p, "Content-Length:", 15) == 0) ||
		    (body - p > 2 && strncasecmp(p, "l:", 2) == 0))) {
			h = p;
			break;
		}
	if (h == NULL)
		return NULL;
	const char *e = memmem(h, hl - (size_t)(h - text), "\r\n", 2);
	uint32_t v = 0;
	for (const char *d = memchr(h, ':', (size_t)(e - h)) + 1; d < e; d++)
		if (*d >= '0' && *d <= '9' && v < 100000000)
			v = v * 10 + (uint32_t)(*d - '0');
	*declared = v; /* what the log said, for the repair note */
	struct sbuf b = {0};
	sbuf_add(&b, text, (size_t)(h - text));
	sbuf_printf(&b, "Content-Length: %zu", blen);
	sbuf_add(&b, e, n - (size_t)(e - text));
	*outn = b.len;
	return sbuf_take(&b);
}

/* Returns 0 after libosip2 parsed text into *out (which the caller frees). */
static int
osip_parse(const char *text, size_t n, osip_message_t **out)
{
	osip_message_t *sip = NULL;
	if (osip_message_init(&sip) != 0)
		return -1;
	int rc = osip_message_parse(sip, text, n);
	if (rc != 0 || (sip->sip_method == NULL && sip->status_code == 0)) {
		osip_message_free(sip); /* a failed parse still owns memory */
		return -1;
	}
	*out = sip;
	return 0;
}

/* Returns 0 with the message parsed, repairing a lying Content-Length once. */
static int
parse_repair(struct sip_fields *s, const char *text, size_t n, const char *body, size_t blen,
    osip_message_t **sip, uint32_t *declared)
{
	if (osip_parse(text, n, sip) == 0) {
		const char *cl = NULL;
		if ((*sip)->content_length != NULL)
			cl = (*sip)->content_length->value;
		if (cl == NULL || body == NULL || strtoul(cl, NULL, 10) == blen)
			return 0;
		s->cl_repaired = true; /* parsed, but the declared length lies */
		*declared = (uint32_t)strtoul(cl, NULL, 10);
		return 0;
	}
	size_t fn = 0;
	char *fixed = fix_content_length(text, n, &fn, declared);
	if (fixed == NULL)
		return -1;
	int rc = osip_parse(fixed, fn, sip);
	free(fixed);
	if (rc == 0)
		s->cl_repaired = true;
	return rc;
}

/* Returns 0 with the message parsed (parse_repair); when libosip2 rejects
 * the body (a multipart without its boundary), with the message parsed
 * without it: its start line and headers are worth keeping. */
static int
parse_keep(struct sip_fields *s, const char *text, size_t n, const char *body, size_t blen,
    osip_message_t **sip, uint32_t *declared)
{
	if (parse_repair(s, text, n, body, blen, sip, declared) == 0)
		return 0;
	if (body == NULL || blen == 0)
		return -1;
	size_t hn = (size_t)(body - text), fn = 0;
	uint32_t was = 0;
	char *fixed = fix_content_length(text, hn, &fn, &was);
	int rc = osip_parse(fixed ? fixed : text, fixed ? fn : hn, sip);
	free(fixed);
	if (rc == 0) {
		s->body_dropped = true;
		*declared = was;
	}
	return rc;
}

/* Returns the boundary of a multipart body: the Content-Type's boundary
 * parameter, else the first "--" line of the body; its length in *bn. */
static const char *
boundary_of(const char *ct, const char *body, size_t blen, size_t *bn)
{
	const char *b = strcasestr(ct, "boundary=");
	if (b != NULL) {
		b += 9;
		bool q = *b == '"';
		b += q;
		*bn = q ? strcspn(b, "\"") : strcspn(b, "; \t");
		return *bn ? b : NULL;
	}
	size_t i = 0;
	while (i < blen && (body[i] == '\r' || body[i] == '\n'))
		i++;
	if (blen - i < 3 || body[i] != '-' || body[i + 1] != '-')
		return NULL;
	const char *e = memchr(body + i, '\n', blen - i);
	*bn = (size_t)((e ? e : body + blen) - (body + i + 2));
	while (*bn > 0 && (body[i + 2 + *bn - 1] == '\r' || body[i + 2 + *bn - 1] == ' '))
		(*bn)--;
	return *bn ? body + i + 2 : NULL;
}

/* Reads the SDP of the first application/sdp part of a multipart body, as
 * any SDP body is read. */
static void
multipart_sdp(struct strpool *pool, struct sip_fields *s, const char *body, size_t blen)
{
	size_t bn = 0;
	const char *b = boundary_of(s->content_type, body, blen, &bn);
	char delim[80];
	if (b == NULL || bn + 3 > sizeof delim)
		return;
	delim[0] = '-';
	delim[1] = '-';
	memcpy(delim + 2, b, bn);
	const char *e = body + blen, *p = memmem(body, blen, delim, bn + 2);
	while (p != NULL) {
		const char *part = memchr(p, '\n', (size_t)(e - p));
		if (part == NULL)
			return;
		part++;
		const char *next = memmem(part, (size_t)(e - part), delim, bn + 2);
		const char *end = next ? next : e;
		const char *hb = memmem(part, (size_t)(end - part), "\r\n\r\n", 4);
		if (hb != NULL) {
			const char *ct = part;
			bool sdp = false;
			for (; ct + 13 <= hb; ct++)
				if ((ct == part || ct[-1] == '\n') && strncasecmp(ct, "content-type:", 13) == 0)
					sdp = memmem(ct, (size_t)(hb - ct), "sdp", 3) != NULL ||
					    memmem(ct, (size_t)(hb - ct), "SDP", 3) != NULL;
			if (sdp) {
				sdp_summarise(pool, s, hb + 4, (size_t)(end - hb - 4));
				return;
			}
		}
		p = next;
	}
}

/* Returns 0 after sip_parse's work on the text as repaired so far. */
static int
parse_text(struct strpool *pool, struct sip_arena *arena, struct sip_fields *s, const char *text,
    size_t n, const char *body, size_t blen, char *why, size_t whylen)
{
	osip_message_t *sip = NULL;
	uint32_t declared = 0;
	sip_arena_enter(arena);
	if (n < 12 || parse_keep(s, text, n, body, blen, &sip, &declared) != 0) {
		sip_arena_leave(arena);
		char first[80];
		size_t k = 0;
		while (k < n && k < sizeof first - 1 && text[k] != '\r' && text[k] != '\n')
			k++;
		memcpy(first, text, k);
		first[k] = '\0';
		char *safe = text_safe_dup(first);
		snprintf(why, whylen, "libosip2 could not parse \"%s\"", safe);
		free(safe);
		return -1;
	}
	s->is_request = MSG_IS_REQUEST(sip);
	if (s->is_request) {
		s->method = strpool_str(pool, sip->sip_method);
		s->ruri = url_str(pool, sip->req_uri);
	} else {
		s->status = sip->status_code;
		s->reason_phrase = strpool_str(pool, sip->reason_phrase);
	}
	fill_headers(pool, s, sip);
	if (s->cl_repaired || s->body_dropped) /* the parsed header is the repaired one */
		s->content_length = declared;
	osip_message_free(sip);
	sip_arena_leave(arena);
	s->size = (uint32_t)n;
	/* the SDP comes from the text, whatever libosip2 made of the body */
	if (body != NULL && blen > 0 && s->content_type != NULL) {
		if (strcasestr(s->content_type, "sdp") != NULL)
			sdp_summarise(pool, s, body, blen);
		else if (strncasecmp(s->content_type, "multipart/", 10) == 0)
			multipart_sdp(pool, s, body, blen);
	}
	if (s->call_id == NULL || s->method == NULL) {
		snprintf(why, whylen, "no %s header", s->call_id == NULL ? "Call-ID" : "CSeq");
		return -1;
	}
	return 0;
}

int
sip_parse(struct strpool *pool, struct sip_arena *arena, struct sip_fields *s, const char *text,
    size_t n, char *why, size_t whylen)
{
	size_t blen = 0, fixed_n = 0;
	char *fixed = add_blank_line(text, n, &fixed_n);
	if (fixed != NULL) {
		text = fixed;
		n = fixed_n;
		s->blank_added = true;
	}
	const char *body = body_of(text, n, &blen);
	int rc = parse_text(pool, arena, s, text, n, body, blen, why, whylen);
	size_t dn = 0;
	char *deduped = rc != 0 ? drop_repeats(text, n, &dn) : NULL;
	if (deduped != NULL) {
		body = body_of(deduped, dn, &blen);
		rc = parse_text(pool, arena, s, deduped, dn, body, blen, why, whylen);
		s->repeat_dropped = rc == 0;
		free(deduped);
	}
	free(fixed);
	return rc;
}

const char *
sip_cut_reason(int bit, char *buf, size_t size)
{
	static const struct {
		int bit;
		const char *what;
		int max;
	} cuts[] = {
		{SIP_CUT_VIAS, "Via headers", SIP_MAX_LIST},
		{SIP_CUT_ROUTES, "Route entries", SIP_MAX_LIST},
		{SIP_CUT_RROUTES, "Record-Route entries", SIP_MAX_LIST},
		{SIP_CUT_MEDIA, "SDP m= lines", SDP_MAX_MEDIA},
		{SIP_CUT_FORMATS, "formats in an SDP m= line", SDP_MAX_FORMATS},
	};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		if (cuts[i].bit == bit) {
			snprintf(buf, size, "more than %d %s: kept the first %d", cuts[i].max,
			    cuts[i].what, cuts[i].max);
			return buf;
		}
	if (bit == SIP_CUT_SESSION_ID)
		snprintf(buf, size, "a Session-ID UUID longer than %d characters: kept the start of it",
		    SIP_MAX_UUID);
	else if (bit == SIP_CUT_SDP_NAMES)
		snprintf(buf, size, "an SDP media name longer than %d bytes or protocol or codec "
		    "name longer than %d: kept the start of it", SDP_MAX_MEDIA_NAME, SDP_MAX_NAME);
	else
		snprintf(buf, size, "a part of the message was not kept");
	return buf;
}
