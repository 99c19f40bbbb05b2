/* diag.c - the findings, and what the checks share: evidence, event text and
 * phrases, URIs, dumps, events by host and time, INVITE windows. The runner
 * (diag_run.c) sets these up; nothing here knows the table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "sip.h"
#include "xconf.h"

#define WINDOW_LOOKBACK  512    /* windows scanned back from a time: bounds the cost */

/* Returns the static name of a severity. */
const char *
diag_severity_name(enum diag_severity s)
{
	return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "info";
}

/* Returns a new finding of sig in r, its texts pooled. */
struct diag_finding *
diag_add(struct model *m, struct diag_result *r, const struct diag_sig *sig, int call,
    int arrow, int host, const char *summary, const char *fix)
{
	struct diag_finding f = {0};
	f.id = sig->id;
	f.severity = sig->severity;
	f.call = call;
	f.arrow = arrow;
	f.host = host;
	f.summary = strpool_str(m->pool, summary);
	f.fix = strpool_str(m->pool, fix);
	VEC_PUSH(r->f, r->n, r->cap, f);
	return &r->f[r->n - 1];
}

/* Adds file:line, quoting text (may be NULL), to f's evidence unless the
 * line is there. */
void
diag_evidence(struct model *m, struct diag_finding *f, const char *file, uint32_t line,
    const char *text)
{
	for (size_t i = 0; i < f->nev; i++)
		if (!f->ev[i].packet && f->ev[i].line == line && strcmp(f->ev[i].file, file) == 0)
			return;
	struct diag_evidence e = {strpool_str(m->pool, file), line, false, NULL, -1};
	if (text != NULL)
		e.text = strpool_intern(m->pool, text, strnlen(text, DIAG_QUOTE_MAX));
	VEC_PUSH(f->ev, f->nev, f->evcap, e);
}

/* Adds packet (or, with cert >= 0, a certificate it or a PEM line holds) to
 * f's evidence unless it is there. */
static void
packet_or_cert(struct model *m, struct diag_finding *f, const char *file, uint32_t line,
    bool packet, int32_t cert, const char *text)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].packet == packet && f->ev[i].line == line && f->ev[i].cert == cert &&
		    strcmp(f->ev[i].file, file) == 0)
			return;
	struct diag_evidence e = {strpool_str(m->pool, file), line, packet, NULL, cert};
	if (text != NULL)
		e.text = strpool_intern(m->pool, text, strnlen(text, DIAG_QUOTE_MAX));
	VEC_PUSH(f->ev, f->nev, f->evcap, e);
}

void
diag_packet_evidence(struct model *m, struct diag_finding *f, const char *file,
    uint32_t packet, const char *text)
{
	packet_or_cert(m, f, file, packet, true, -1, text);
}

char *
diag_cert_text(const struct wire_cert *c, char *buf, size_t size)
{
	char nb[32], na[32];
	model_time_iso(c->not_before, nb, sizeof nb);
	model_time_iso(c->not_after, na, sizeof na);
	nb[10] = na[10] = '\0'; /* the dates are enough */
	snprintf(buf, size, "certificate %u/%u%s: %s, issued by %s, valid %s to %s, serial %s, %s%s",
	    c->pos + 1, c->count, c->self_signed ? " (self-signed)" : "",
	    c->subject ? c->subject : "?", c->issuer ? c->issuer : "?", nb, na,
	    c->serial ? c->serial : "?", c->sans ? "DNS names " : "no DNS names",
	    c->sans ? c->sans : "");
	return buf;
}

void
diag_cert_evidence(struct model *m, struct diag_finding *f, uint32_t ci)
{
	const struct wire_cert *c = &m->wire.certs[ci];
	char buf[DIAG_QUOTE_MAX + 1];
	packet_or_cert(m, f, c->file, c->line, c->packet, (int32_t)ci,
	    diag_cert_text(c, buf, sizeof buf));
}

/* Returns the length of the line at p (up to CR, LF or end, n bytes at most). */
static size_t
line_len(const char *p, size_t n)
{
	size_t k = 0;
	while (k < n && p[k] != '\r' && p[k] != '\n')
		k++;
	return k;
}

/* Returns true when a line of the n bytes of wire text starts with prefix
 * (any case): its number (0 first) in *k, its place and length in *at and
 * *len. A header is looked for among the headers only; an SDP line ("m=")
 * anywhere. */
static bool
find_line(const char *raw, size_t n, const char *prefix, size_t *k, size_t *at, size_t *len)
{
	size_t pl = strlen(prefix);
	bool sdp = pl > 1 && prefix[1] == '=';
	*k = 0;
	for (size_t p = 0; p < n; (*k)++) {
		size_t l = line_len(raw + p, n - p);
		if (l == 0 && *k > 0 && !sdp)
			return false;
		if (l >= pl && strncasecmp(raw + p, prefix, pl) == 0) {
			*at = p;
			*len = l;
			return true;
		}
		p += l;
		p += p < n && raw[p] == '\r';
		p += p < n && raw[p] == '\n';
	}
	return false;
}

/* Adds the line of record s that starts with prefix, or its start line
 * (prefix NULL, or no line does), quoted; returns true when found. The start
 * line is quoted from the parsed fields: reading the log text back for every
 * message cited would bring its pages (and their neighbours) into memory. */
static bool
record_line(struct model *m, struct diag_finding *f, const struct sip_msg *s,
    const char *prefix)
{
	size_t n = 0, k = 0, at = 0, len = 0;
	char *raw = prefix != NULL ? sip_raw_once(m, s, &n) : NULL, buf[DIAG_QUOTE_MAX + 1];
	bool found = raw != NULL && find_line(raw, n, prefix, &k, &at, &len);
	uint32_t line = found ? sip_raw_line(m, s, k) : 0;
	if (line != 0) {
		size_t q = len < DIAG_QUOTE_MAX ? len : DIAG_QUOTE_MAX;
		memcpy(buf, raw + at, q);
		buf[q] = '\0';
	} else { /* the start line, where the record's own line number points */
		found = false;
		line = s->msg_line ? s->msg_line : s->line;
		sip_first_line(s, buf, sizeof buf);
	}
	if (sip_is_captured(m, s))
		diag_packet_evidence(m, f, m->files[s->file].path, s->line, buf);
	else
		diag_evidence(m, f, m->files[s->file].path, line, buf);
	free(raw);
	return found;
}

/* Returns the arrow of c that carries record msg, or -1. */
int
diag_arrow_of(const struct call *c, uint32_t msg)
{
	for (size_t i = 0; i < c->narrows; i++)
		if (c->arrows[i].msg == msg || (c->arrows[i].twin >= 0 &&
		    (uint32_t)c->arrows[i].twin == msg))
			return (int)i;
	return -1;
}

/* Adds the packets of the copies a capture holds of record msg and of its
 * twin (model_wire_copy), at the line that starts with prefix. */
static void
copy_lines(struct model *m, struct diag_finding *f, uint32_t msg, const char *prefix)
{
	const struct sip_msg *s = &m->msgs[msg], *w;
	if ((w = model_wire_copy(m, msg)) != NULL)
		record_line(m, f, w, prefix);
	if (s->twin >= 0 && (w = model_wire_copy(m, (uint32_t)s->twin)) != NULL)
		record_line(m, f, w, prefix);
}

/* Adds the lines of record msg and of its twin to f's evidence. */
void
diag_msg_evidence(struct model *m, struct diag_finding *f, uint32_t msg)
{
	const struct sip_msg *s = &m->msgs[msg];
	record_line(m, f, s, NULL);
	if (s->twin >= 0)
		record_line(m, f, &m->msgs[s->twin], NULL);
	copy_lines(m, f, msg, NULL);
}

/* Adds the line of record msg and of its twin that starts with prefix. */
void
diag_msg_line_evidence(struct model *m, struct diag_finding *f, uint32_t msg,
    const char *prefix)
{
	const struct sip_msg *s = &m->msgs[msg];
	record_line(m, f, s, prefix);
	if (s->twin >= 0)
		record_line(m, f, &m->msgs[s->twin], prefix);
	copy_lines(m, f, msg, prefix);
}

/* Adds the line of event e to f's evidence. */
void
diag_event_evidence(struct model *m, struct diag_finding *f, const struct log_event *e)
{
	diag_evidence(m, f, m->files[e->file].path, e->line, e->text);
}

bool
diag_event_kv(const struct log_event *e, const char *key, char *buf, size_t size)
{
	size_t n;
	const char *v = model_event_value(e, key, &n);
	if (size == 0 || v == NULL)
		return false;
	if (n >= size)
		n = size - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

bool
diag_event_has(const struct log_event *e, const char *s)
{
	return e->text != NULL && strcasestr(e->text, s) != NULL;
}

/* Phrases of many events. */

/* The text of each phrase; a phrase it contains (looked for first: an event
 * without it cannot hold this one), or -1; and its group: the phrases of a
 * group (not contained in another) are looked for together, while the
 * event's text is in cache. */
static const struct {
	const char *text;
	int within;
	int group;
} phrases[DP_COUNT] = {
	[DP_CERTIFICATE] = {"certificate", -1, 1},
	[DP_UNTRUSTED_CA] = {"self signed certificate in certificate chain", DP_CERTIFICATE, 0},
	[DP_IDENTITY_UNACCEPTABLE] = {"certificate identity was unacceptable", DP_CERTIFICATE, 0},
	[DP_CERT_UNKNOWN] = {"alert certificate unknown", DP_CERTIFICATE, 0},
	[DP_REMOTE_DISCONNECT] = {"probably remote disconnect", -1, 1},
	[DP_SEARCH_RULE] = {"Considering search rule", -1, 0},
	[DP_DNS_QUERY] = {"Sending DNS query", -1, 0},
	[DP_RESOLVED] = {"Resolved", -1, 0},
	[DP_TCP_FAILED] = {"TCP Connection Failed", -1, 2},
	[DP_TCP_CONNECTING] = {"TCP Connecting", -1, 2},
};

_Static_assert(DP_COUNT <= 32, "a phrase is a bit of ctx->ev_asked and ev_found");

/* Returns c in lower case as ASCII has it. */
static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Returns true when the locale's tolower() is ASCII's on every byte: then
 * strcasestr() and an ASCII-folding search agree. */
static bool
locale_ascii_case(void)
{
	for (int c = 0; c < 256; c++)
		if (tolower(c) != ascii_lower(c))
			return false;
	return true;
}

/* Returns the index of the needle's rarest byte in log text, as a guess:
 * memchr for a rare byte skips most of the text. */
static uint8_t
rare_byte(const char *needle)
{
	static const char rank[] = "zqjxkvbywgfpmhucldsrnioate";
	size_t best = 0, best_rank = sizeof rank;
	for (size_t i = 0; needle[i] != '\0' && i < 255; i++) {
		const char *r = strchr(rank, ascii_lower((unsigned char)needle[i]));
		size_t k = r != NULL && *r ? (size_t)(r - rank) : sizeof rank;
		if (k < best_rank) {
			best = i;
			best_rank = k;
		}
	}
	return (uint8_t)best;
}

/* Returns true when the k bytes at s equal the needle, ASCII case folded. */
static bool
folded_eq(const char *s, const char *needle, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (ascii_lower((unsigned char)s[i]) != ascii_lower((unsigned char)needle[i]))
			return false;
	return true;
}

/* Returns true when the n bytes at s hold the k-byte needle, ASCII case
 * folded: memchr finds each case of the needle's byte at anchor in turn. */
static bool
folded_has(const char *s, size_t n, const char *needle, size_t k, size_t anchor)
{
	if (k > n)
		return false;
	int lo = ascii_lower((unsigned char)needle[anchor]);
	int up = lo >= 'a' && lo <= 'z' ? lo - ('a' - 'A') : lo;
	const char *last = s + (n - k) + anchor; /* the anchor's last possible place */
	for (int pass = 0; pass < (up != lo ? 2 : 1); pass++) {
		const char *p = s + anchor;
		while (p <= last && (p = memchr(p, pass ? up : lo, (size_t)(last - p) + 1)) != NULL) {
			if (folded_eq(p - anchor, needle, k))
				return true;
			p++;
		}
	}
	return false;
}

/* Returns true when the text (n bytes) holds phrase p, searched for now. */
static bool
phrase_search(const struct diag_ctx *ctx, const char *text, size_t n, enum diag_phrase p)
{
	if (!ctx->ascii_case)
		return strcasestr(text, phrases[p].text) != NULL;
	return folded_has(text, n, phrases[p].text, strlen(phrases[p].text), ctx->anchor[p]);
}

/* Looks for phrase p in event ei, with the rest of its group, and records
 * the answers. */
static void
phrase_lookup(const struct model *m, const struct diag_ctx *ctx, uint32_t ei,
    enum diag_phrase p)
{
	const char *text = m->events[ei].text;
	size_t n = text != NULL ? strlen(text) : 0;
	for (int q = 0; q < DP_COUNT; q++) {
		if (q != (int)p && (phrases[p].group == 0 || phrases[q].group != phrases[p].group))
			continue;
		uint32_t bit = 1u << q;
		if (!(ctx->ev_asked[ei] & bit) && text != NULL && phrase_search(ctx, text, n, q))
			ctx->ev_found[ei] |= bit;
		ctx->ev_asked[ei] |= bit;
	}
}

/* Returns whether event ei holds phrase p, looked for once per event. */
bool
diag_event_phrase(const struct model *m, const struct diag_ctx *ctx, uint32_t ei,
    enum diag_phrase p)
{
	uint32_t bit = 1u << p;
	if (!(ctx->ev_asked[ei] & bit)) {
		if (phrases[p].within >= 0 &&
		    !diag_event_phrase(m, ctx, ei, (enum diag_phrase)phrases[p].within))
			ctx->ev_asked[ei] |= bit; /* cannot be there: found stays clear */
		else
			phrase_lookup(m, ctx, ei, p);
	}
	return (ctx->ev_found[ei] & bit) != 0;
}

/* Sets up the phrase memo of ctx for the events of m. */
void
diag_phrases_init(const struct model *m, struct diag_ctx *ctx)
{
	ctx->ascii_case = locale_ascii_case();
	ctx->ev_asked = xcalloc(m->nevents + 1, sizeof *ctx->ev_asked);
	ctx->ev_found = xcalloc(m->nevents + 1, sizeof *ctx->ev_found);
	for (int p = 0; p < DP_COUNT; p++)
		ctx->anchor[p] = rare_byte(phrases[p].text);
}

/* Returns the first place of needle in s that starts before limit (NULL: no
 * limit), ignoring case as strcasestr does (by tolower), or NULL: a plain
 * loop, cheaper than strcasestr's set-up for the short URIs it reads. */
static const char *
find_nocase(const char *s, const char *needle, const char *limit)
{
	for (; *s && (limit == NULL || s < limit); s++) {
		size_t i = 0;
		while (needle[i] && tolower((unsigned char)s[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (needle[i] == '\0')
			return s;
	}
	return *needle || (limit != NULL && s >= limit) ? NULL : s;
}

/* Returns buf holding the host of a SIP URI, bounded by size. */
char *
diag_uri_host(const char *uri, char *buf, size_t size)
{
	buf[0] = '\0';
	if (uri == NULL || size == 0)
		return buf;
	const char *p = find_nocase(uri, "sip:", NULL);
	const char *q = find_nocase(uri, "sips:", p); /* only one before p counts */
	if (q != NULL && (p == NULL || q < p))
		p = q + 5;
	else if (p != NULL)
		p += 4;
	else
		p = uri;
	/* user part: up to an '@' before the host's own delimiters */
	const char *at = NULL;
	for (const char *s = p; *s && *s != '>' && *s != ';' && *s != ' '; s++)
		if (*s == '@')
			at = s;
	if (at != NULL)
		p = at + 1;
	size_t n = 0;
	if (*p == '[') {
		while (p[n] && p[n] != ']' && n + 2 < size)
			n++;
		if (p[n] == ']')
			n++;
	} else {
		while (p[n] && strchr(":;>? ,\t", p[n]) == NULL && n + 1 < size)
			n++;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* Returns true when host ends with the domain suffix, at a label boundary. */
static bool
ends_with_domain(const char *host, const char *dom)
{
	size_t hn = strlen(host), dn = strlen(dom);
	if (hn < dn || strcasecmp(host + hn - dn, dom) != 0)
		return false;
	return hn == dn || host[hn - dn - 1] == '.';
}

/* Returns true when host h is in a Webex domain. */
bool
diag_webex_host(const char *h)
{
	return h[0] && (ends_with_domain(h, "ciscospark.com") || ends_with_domain(h, "webex.com") ||
	    ends_with_domain(h, "wbx2.com"));
}

/* Returns true when the host of uri is in a Webex domain. */
bool
diag_webex_uri(const char *uri)
{
	char h[256];
	return diag_webex_host(diag_uri_host(uri, h, sizeof h));
}

/* Dumps. */

/* Adds line of dump d, quoting the setting read from it. */
void
diag_dump_evidence(struct model *m, struct diag_finding *f, const struct diag_dump *d,
    uint32_t line)
{
	const struct xconf_setting *st = d->x != NULL ? xconf_at_line(d->x, line) : NULL;
	char *q = st != NULL ? xasprintf("*c xConfiguration %s: \"%s\"", st->key, st->value) : NULL;
	diag_evidence(m, f, d->name, line, q);
	free(q);
}

/* Returns the dump of host h, or of its role, or NULL. */
const struct diag_dump *
diag_dump_for(const struct model *m, const struct diag_ctx *ctx, int h, bool want_e)
{
	for (size_t i = 0; h >= 0 && i < ctx->ndumps; i++)
		if (ctx->dumps[i].host == h)
			return &ctx->dumps[i];
	if (h >= 0 && (size_t)h < m->nhosts && m->hosts[h].role != ROLE_UNKNOWN)
		want_e = m->hosts[h].role == ROLE_EXPRESSWAY_E;
	for (size_t i = 0; i < ctx->ndumps; i++)
		if (ctx->dumps[i].host < 0 && ctx->dumps[i].is_e == want_e)
			return &ctx->dumps[i];
	return NULL;
}

/* Events by host and time, and INVITE windows. */

/* Returns the place in ctx->hev[h] of h's first event at or after t. */
size_t
diag_events_from(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t)
{
	if (h < 0 || (size_t)h >= m->nhosts)
		return 0;
	size_t lo = 0, hi = ctx->nhev[h];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->hevt[h][mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Returns the index of the first window that starts after t (see diag.h). */
size_t
diag_windows_after(const struct diag_ctx *ctx, xw_time t)
{
	size_t lo = 0, hi = ctx->nwin;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->win[mid].start <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Returns the latest window of host h holding t whose INVITE came from ip:port. */
const struct diag_window *
diag_window_from(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t,
    const char *ip, unsigned port)
{
	size_t lo = diag_windows_after(ctx, t);
	for (size_t k = 0; k < WINDOW_LOOKBACK && lo > 0; k++) {
		const struct diag_window *w = &ctx->win[--lo];
		const struct sip_msg *s = &m->msgs[w->invite];
		if (w->host != h || w->end < t)
			continue;
		if (ip == NULL || (s->remote_ip != NULL && strcmp(s->remote_ip, ip) == 0 &&
		    (port == 0 || s->remote_port == port)))
			return w;
	}
	return NULL;
}

/* Returns the latest window of host h holding t, from any address. */
const struct diag_window *
diag_window_at(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t)
{
	return diag_window_from(m, ctx, h, t, NULL, 0);
}

/* Returns true when the window's INVITE was answered with success (2xx). */
static bool
window_answered(const struct model *m, const struct diag_window *w)
{
	return w != NULL && w->final >= 0 && m->msgs[w->final].sip->status < 300;
}

/* Returns a new finding about host's connection to ip:port in window w. */
struct diag_finding *
diag_add_conn(struct model *m, struct diag_result *r, const struct diag_sig *sig, int host,
    const char *ip, unsigned port, const struct diag_window *w, int call)
{
	char peer[128];
	snprintf(peer, sizeof peer, "%s:%u", ip, port);
	struct diag_finding *f = diag_add(m, r, sig, call,
	    w ? diag_arrow_of(&m->calls[w->call], w->invite) : -1, host, "", "");
	f->peer = strpool_str(m->pool, peer);
	if (w != NULL)
		diag_msg_evidence(m, f, w->invite);
	if (window_answered(m, w))
		f->severity = DIAG_WARNING; /* another address took the call: degraded, not broken */
	return f;
}


/* Returns true when ip belongs to a machine of kind k. */
bool
diag_addr_is(const struct model *m, const char *ip, enum machine_kind k)
{
	for (size_t i = 0; ip != NULL && i < m->nmachines; i++) {
		if (m->machines[i].kind != k)
			continue;
		for (size_t a = 0; a < m->machines[i].naddrs; a++)
			if (strcmp(m->machines[i].addrs[a], ip) == 0)
				return true;
	}
	return false;
}

/* Returns buf holding a label for the machine at ip. */
char *
diag_addr_label(const struct model *m, const char *ip, char *buf, size_t size)
{
	for (size_t i = 0; ip != NULL && i < m->nmachines; i++)
		for (size_t a = 0; a < m->machines[i].naddrs; a++)
			if (strcmp(m->machines[i].addrs[a], ip) == 0) {
				if (m->machines[i].kind == MACH_WEBEX)
					snprintf(buf, size, "Webex %s", ip);
				else
					snprintf(buf, size, "%s", m->machines[i].name);
				return buf;
			}
	snprintf(buf, size, "%s", ip ? ip : "?");
	return buf;
}
