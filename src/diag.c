/* diag.c - running the signature table, keeping the findings, and what the
 * checks share: dumps, events by host and time, INVITE windows. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr.h"
#include "diag.h"
#include "log.h"
#include "xconf.h"

/* The table lives in diag_sigs.c; this file only runs it. */
extern const struct diag_sig diag_sigs[];
extern const size_t diag_nsigs;

#define NO_FINAL_SPAN_MS 600000 /* how long an unanswered INVITE's window stays open */
#define WINDOW_LOOKBACK  512    /* windows scanned back from a time: bounds the cost */
#define WINDOWS_PER_CALL 64     /* INVITE arrivals kept per call: bounds hostile calls */

const struct diag_sig *
diag_table(size_t *n)
{
	*n = diag_nsigs;
	return diag_sigs;
}

const char *
diag_severity_name(enum diag_severity s)
{
	return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "info";
}

bool
diag_known_id(const char *id)
{
	for (size_t i = 0; id != NULL && i < diag_nsigs; i++)
		if (strcmp(diag_sigs[i].id, id) == 0)
			return true;
	return false;
}

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

void
diag_evidence(struct model *m, struct diag_finding *f, const char *file, uint32_t line)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].line == line && strcmp(f->ev[i].file, file) == 0)
			return;
	struct diag_evidence e = {strpool_str(m->pool, file), line};
	VEC_PUSH(f->ev, f->nev, f->evcap, e);
}

/* Frees the index of r. */
static void
index_free(struct diag_index *ix)
{
	free(ix->order);
	free(ix->call_start);
	free(ix->call_worst);
	free(ix->arrow_base);
	free(ix->arrow_worst);
	memset(ix, 0, sizeof *ix);
}

void
diag_result_free(struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i].ev);
	free(r->f);
	index_free(&r->ix);
	memset(r, 0, sizeof *r);
}

/* Returns the group of a finding in the index: its call, or ncalls. */
static size_t
index_group(const struct diag_finding *f, size_t ncalls)
{
	return f->call >= 0 && (size_t)f->call < ncalls ? (size_t)f->call : ncalls;
}

/* Fills the arrows' worst findings of the index. */
static void
index_arrows(const struct model *m, const struct diag_result *r, struct diag_index *ix)
{
	size_t total = 0;
	ix->arrow_base = xcalloc(m->ncalls + 1, sizeof *ix->arrow_base);
	for (size_t c = 0; c < m->ncalls; c++) {
		ix->arrow_base[c] = total;
		total += m->calls[c].narrows;
	}
	ix->arrow_base[m->ncalls] = total;
	ix->arrow_worst = xmalloc((total + 1) * sizeof *ix->arrow_worst);
	for (size_t i = 0; i <= total; i++)
		ix->arrow_worst[i] = -1;
	for (size_t i = 0; i < r->n; i++) {
		const struct diag_finding *f = &r->f[i];
		if (index_group(f, m->ncalls) == m->ncalls || f->arrow < 0 ||
		    (size_t)f->arrow >= m->calls[f->call].narrows)
			continue;
		int32_t *w = &ix->arrow_worst[ix->arrow_base[f->call] + (size_t)f->arrow];
		if (*w < 0 || r->f[*w].severity < f->severity)
			*w = (int32_t)i;
	}
}

void
diag_index_build(const struct model *m, struct diag_result *r)
{
	struct diag_index *ix = &r->ix;
	size_t nc = m->ncalls;
	index_free(ix);
	ix->ncalls = nc;
	ix->call_start = xcalloc(nc + 3, sizeof *ix->call_start);
	ix->order = xcalloc(r->n + 1, sizeof *ix->order);
	ix->call_worst = xmalloc(nc + 1);
	memset(ix->call_worst, -1, nc + 1);
	for (size_t i = 0; i < r->n; i++)
		ix->call_start[index_group(&r->f[i], nc) + 2]++;
	for (size_t g = 2; g < nc + 3; g++)
		ix->call_start[g] += ix->call_start[g - 1];
	for (size_t i = 0; i < r->n; i++) {
		size_t g = index_group(&r->f[i], nc);
		ix->order[ix->call_start[g + 1]++] = i;
		if (g < nc && ix->call_worst[g] < (int8_t)r->f[i].severity)
			ix->call_worst[g] = (int8_t)r->f[i].severity;
	}
	index_arrows(m, r, ix);
}

size_t
diag_call_findings(const struct diag_result *r, long ci, const size_t **idx)
{
	const struct diag_index *ix = &r->ix;
	size_t g = ci < 0 || (size_t)ci >= ix->ncalls ? ix->ncalls : (size_t)ci;
	if (ix->call_start == NULL || (ci >= 0 && (size_t)ci >= ix->ncalls)) {
		*idx = NULL;
		return 0;
	}
	*idx = ix->order + ix->call_start[g];
	return ix->call_start[g + 1] - ix->call_start[g];
}

int
diag_call_worst(const struct diag_result *r, size_t ci)
{
	return ci < r->ix.ncalls && r->ix.call_worst != NULL ? r->ix.call_worst[ci] : -1;
}

const struct diag_finding *
diag_arrow_worst(const struct diag_result *r, size_t ci, size_t ai)
{
	const struct diag_index *ix = &r->ix;
	if (ci >= ix->ncalls || ix->arrow_base == NULL ||
	    ix->arrow_base[ci] + ai >= ix->arrow_base[ci + 1])
		return NULL;
	int32_t w = ix->arrow_worst[ix->arrow_base[ci] + ai];
	return w >= 0 ? &r->f[w] : NULL;
}

/* Orders evidence by file, then line. */
static int
ev_line_cmp(const void *a, const void *b)
{
	const struct diag_evidence *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Orders each finding's evidence by file and line, as a reader scans them. */
static void
sort_evidence(struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].nev > 1)
			qsort(r->f[i].ev, r->f[i].nev, sizeof *r->f[i].ev, ev_line_cmp);
}

/* Adds each finding's id to its call's list, once per id. */
static void
fill_calls(struct model *m, const struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].call < 0 || (size_t)r->f[i].call >= m->ncalls)
			continue;
		struct call *c = &m->calls[r->f[i].call];
		bool dup = false;
		for (size_t k = 0; k < c->nfindings && !dup; k++)
			dup = strcmp(c->findings[k], r->f[i].id) == 0;
		if (!dup)
			VEC_PUSH(c->findings, c->nfindings, c->findingcap, r->f[i].id);
	}
}

int
diag_arrow_of(const struct call *c, uint32_t msg)
{
	for (size_t i = 0; i < c->narrows; i++)
		if (c->arrows[i].msg == msg || (c->arrows[i].twin >= 0 &&
		    (uint32_t)c->arrows[i].twin == msg))
			return (int)i;
	return -1;
}

void
diag_msg_evidence(struct model *m, struct diag_finding *f, uint32_t msg)
{
	const struct sip_msg *s = &m->msgs[msg];
	diag_evidence(m, f, m->files[s->file].path, s->msg_line ? s->msg_line : s->line);
	if (s->twin >= 0) {
		const struct sip_msg *t = &m->msgs[s->twin];
		diag_evidence(m, f, m->files[t->file].path, t->msg_line ? t->msg_line : t->line);
	}
}

void
diag_event_evidence(struct model *m, struct diag_finding *f, const struct log_event *e)
{
	diag_evidence(m, f, m->files[e->file].path, e->line);
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

/* Fills ctx->mflags: one pass in log order, the records read in sequence. */
static void
flag_messages(const struct model *m, struct diag_ctx *ctx)
{
	ctx->mflags = xcalloc(m->nmsgs + 1, sizeof *ctx->mflags);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		uint8_t f = 0;
		if (model_is(s, "INVITE")) {
			f |= DM_INVITE;
			if (!s->retrans && s->from_mach != s->to_mach && !s->summary_only)
				f |= DM_WIRE_INVITE;
		}
		if (s->sip->status >= 200 && s->sip->method != NULL && strcmp(s->sip->method, "INVITE") == 0)
			f |= DM_INVITE_FINAL;
		if (s->sip->q850 >= 0 && s->sip->q850 != 16)
			f |= DM_Q850;
		if (s->sip->has_sdp)
			f |= DM_SDP;
		if (s->sip->size > DIAG_CUCM_MAX_MESSAGE)
			f |= DM_LARGE;
		ctx->mflags[i] = f;
	}
}

/* Sets up the phrase memo of ctx. */
static void
init_phrases(const struct model *m, struct diag_ctx *ctx)
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

bool
diag_webex_host(const char *h)
{
	return h[0] && (ends_with_domain(h, "ciscospark.com") || ends_with_domain(h, "webex.com") ||
	    ends_with_domain(h, "wbx2.com"));
}

bool
diag_webex_uri(const char *uri)
{
	char h[256];
	return diag_webex_host(diag_uri_host(uri, h, sizeof h));
}

/* Dumps. */

/* Returns the logging host a dump describes: by system name, address, then
 * role when one host only has it; -1 when none fits. */
static int
dump_host(const struct model *m, const struct xconf *x)
{
	const char *name = xconf_value(x, "SystemUnit Name");
	for (size_t h = 0; name != NULL && *name && h < m->nhosts; h++) {
		size_t hn = strcspn(m->hosts[h].name, "."), nn = strcspn(name, ".");
		if (hn == nn && strncasecmp(m->hosts[h].name, name, hn) == 0)
			return (int)h;
	}
	for (size_t i = 0; i < x->nips; i++)
		for (size_t h = 0; h < m->nhosts; h++)
			if (strcmp(x->ips[i], "127.0.0.1") != 0 && corr_host_has(m, (int)h, x->ips[i]))
				return (int)h;
	enum host_role want = xconf_is_expressway_e(x) ? ROLE_EXPRESSWAY_E
	    : xconf_is_expressway_c(x) ? ROLE_EXPRESSWAY_C : ROLE_UNKNOWN;
	int found = -1, n = 0;
	for (size_t h = 0; want != ROLE_UNKNOWN && h < m->nhosts; h++)
		if (m->hosts[h].role == want) {
			found = (int)h;
			n++;
		}
	return n == 1 ? found : -1;
}

/* Returns true when the dump name is already loaded (same name or file). */
static bool
dump_seen(const struct diag_ctx *ctx, const char *name)
{
	char *rp = realpath(name, NULL);
	bool seen = false;
	for (size_t i = 0; i < ctx->ndumps && !seen; i++) {
		if (strcmp(ctx->dumps[i].name, name) == 0) {
			seen = true;
		} else if (rp != NULL) {
			char *o = realpath(ctx->dumps[i].name, NULL);
			seen = o != NULL && strcmp(o, rp) == 0;
			free(o);
		}
	}
	free(rp);
	return seen;
}

/* Adds a parsed dump to ctx: maps it to a host and lints it. */
static void
dump_add(struct model *m, struct diag_ctx *ctx, const char *name, struct xconf *x)
{
	struct diag_dump d = {0};
	d.name = strpool_str(m->pool, name);
	d.x = x;
	d.host = dump_host(m, x);
	d.is_e = xconf_is_expressway_e(x);
	xconf_lint(x, &d.iss, &d.niss);
	VEC_PUSH(ctx->dumps, ctx->ndumps, ctx->dumpcap, d);
}

/* Returns 0 after loading the dumps named on the command line and those
 * found among the logs; -1 with err when a named one cannot be read. */
static int
load_dumps(struct model *m, struct diag_ctx *ctx, const char **paths, size_t n, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (dump_seen(ctx, paths[i]))
			continue;
		struct xconf *x = xconf_load(paths[i], err, errlen);
		if (x == NULL)
			return -1;
		dump_add(m, ctx, paths[i], x);
	}
	for (size_t i = 0; i < m->nxconfigs; i++) {
		if (dump_seen(ctx, m->xconfigs[i]))
			continue;
		struct xconf *x;
		const char *text = m->xconfig_texts != NULL ? m->xconfig_texts[i] : NULL;
		if (text != NULL)
			x = xconf_parse(m->xconfigs[i], text, strlen(text));
		else if ((x = xconf_load(m->xconfigs[i], err, errlen)) == NULL)
			return -1;
		dump_add(m, ctx, m->xconfigs[i], x);
	}
	return 0;
}

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

const struct xconf_issue *
diag_dump_issue(const struct diag_dump *d, const char *id)
{
	for (size_t i = 0; d != NULL && i < d->niss; i++)
		if (strcmp(d->iss[i].id, id) == 0)
			return &d->iss[i];
	return NULL;
}

/* Events by host and time. */

/* An event's place in its host's order. */
struct ev_key {
	xw_time t;
	uint32_t idx;
};

/* Orders events by corrected time, then log order. */
static int
ev_cmp(const void *a, const void *b)
{
	const struct ev_key *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Fills host h's arrays of ctx from its n events' keys, sorting them first
 * unless the log had them in order already (the usual case). */
static void
host_events(const struct model *m, struct diag_ctx *ctx, size_t h, struct ev_key *k, size_t n)
{
	bool sorted = true;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = ev_cmp(&k[i - 1], &k[i]) < 0;
	if (!sorted)
		qsort(k, n, sizeof *k, ev_cmp);
	ctx->hev[h] = xcalloc(n + 1, sizeof *ctx->hev[h]);
	ctx->hevt[h] = xcalloc(n + 1, sizeof *ctx->hevt[h]);
	ctx->hevk[h] = xcalloc(n + 1, sizeof *ctx->hevk[h]);
	for (size_t i = 0; i < n; i++) {
		ctx->hev[h][i] = k[i].idx;
		ctx->hevt[h][i] = k[i].t;
		ctx->hevk[h][i] = (uint8_t)m->events[k[i].idx].kind;
	}
	ctx->nhev[h] = n;
}

/* Fills ctx->hev (and its times and kinds): each host's events in time order. */
static void
index_events(const struct model *m, struct diag_ctx *ctx)
{
	ctx->hev = xcalloc(m->nhosts + 1, sizeof *ctx->hev);
	ctx->hevt = xcalloc(m->nhosts + 1, sizeof *ctx->hevt);
	ctx->hevk = xcalloc(m->nhosts + 1, sizeof *ctx->hevk);
	ctx->nhev = xcalloc(m->nhosts + 1, sizeof *ctx->nhev);
	struct ev_key **keys = xcalloc(m->nhosts + 1, sizeof *keys);
	size_t *n = xcalloc(m->nhosts + 1, sizeof *n), *cap = xcalloc(m->nhosts + 1, sizeof *cap);
	for (size_t i = 0; i < m->nevents; i++) {
		uint32_t h = m->events[i].host;
		struct ev_key k = {m->events[i].ctime, (uint32_t)i};
		if (h < m->nhosts)
			VEC_PUSH(keys[h], n[h], cap[h], k);
	}
	for (size_t h = 0; h < m->nhosts; h++) {
		host_events(m, ctx, h, keys[h], n[h]);
		free(keys[h]);
	}
	free(keys);
	free(n);
	free(cap);
}

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

/* INVITE windows. */

/* Returns the final response host h sent to the INVITE record inv, or -1. */
static int32_t
final_sent(const struct model *m, const struct diag_ctx *ctx, const struct call *c,
    const struct sip_msg *inv)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_INVITE_FINAL))
			continue;
		const struct sip_msg *r = &m->msgs[c->msgs[i]];
		if (r->host == inv->host && r->action == ACT_SENT && r->sip->status >= 200 &&
		    r->sip->cseq == inv->sip->cseq && r->sip->method && strcmp(r->sip->method, "INVITE") == 0 &&
		    strcmp(r->sip->call_id, inv->sip->call_id) == 0 && r->ctime >= inv->ctime)
			return (int32_t)c->msgs[i];
	}
	return -1;
}

/* Orders windows by start, then call. */
static int
win_cmp(const void *a, const void *b)
{
	const struct diag_window *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->call - y->call;
}

/* Adds a window for every initial INVITE a host received from another machine. */
static void
build_windows(const struct model *m, struct diag_ctx *ctx)
{
	size_t cap = 0;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		for (size_t i = 0, kept = 0; i < c->nmsgs && kept < WINDOWS_PER_CALL; i++) {
			if (!(ctx->mflags[c->msgs[i]] & DM_INVITE))
				continue;
			const struct sip_msg *s = &m->msgs[c->msgs[i]];
			if (!model_is(s, "INVITE") || s->action != ACT_RECEIVED || s->retrans ||
			    s->from_mach == s->to_mach || (s->sip->to_tag != NULL && *s->sip->to_tag))
				continue;
			struct diag_window w = {(int)ci, (int)s->host, c->msgs[i], -1, s->ctime, 0};
			w.final = final_sent(m, ctx, c, s);
			w.end = w.final >= 0 ? m->msgs[w.final].ctime : s->ctime + NO_FINAL_SPAN_MS;
			VEC_PUSH(ctx->win, ctx->nwin, cap, w);
			kept++;
		}
	}
	if (ctx->nwin > 1)
		qsort(ctx->win, ctx->nwin, sizeof *ctx->win, win_cmp);
}


/* Frees what diag_run built for the checks. */
static void
ctx_free(const struct model *m, struct diag_ctx *ctx)
{
	for (size_t i = 0; i < ctx->ndumps; i++) {
		xconf_issues_free(ctx->dumps[i].iss, ctx->dumps[i].niss);
		xconf_free(ctx->dumps[i].x);
	}
	free(ctx->dumps);
	for (size_t h = 0; ctx->hev != NULL && h < m->nhosts; h++) {
		free(ctx->hev[h]);
		free(ctx->hevt[h]);
		free(ctx->hevk[h]);
	}
	free(ctx->hev);
	free(ctx->hevt);
	free(ctx->hevk);
	free(ctx->nhev);
	free(ctx->win);
	free(ctx->ev_asked);
	free(ctx->ev_found);
	free(ctx->mflags);
}

/* Returns 0 after loading dumps, running every check, and sorting evidence. */
int
diag_run(struct model *m, const char **xconfigs, size_t nxconfigs, struct diag_result *r,
    char *err, size_t errlen)
{
	struct diag_ctx ctx = {0};
	if (load_dumps(m, &ctx, xconfigs, nxconfigs, err, errlen) < 0) {
		ctx_free(m, &ctx);
		return -1;
	}
	init_phrases(m, &ctx);
	flag_messages(m, &ctx);
	index_events(m, &ctx);
	build_windows(m, &ctx);
	for (size_t i = 0; i < diag_nsigs; i++)
		diag_sigs[i].check(&diag_sigs[i], m, r, &ctx);
	sort_evidence(r);
	fill_calls(m, r);
	diag_index_build(m, r);
	ctx_free(m, &ctx);
	return 0;
}

char
diag_marker(const char *id)
{
	static const struct {
		const char *id;
		char mark;
	} marks[] = {
		{"contact-param-stripped", 'S'}, {"preloaded-route-rejected", 'R'},
		{"cpl-reject", 'P'}, {"webex-srv-wrong-domain", 'D'}, {"tcp-connect-failed", 'T'},
		{"tls-", 'L'}, {"sdp-codec-mismatch", 'M'}, {"q850-cause", 'Q'},
		{"cucm-message-too-large", 'Z'}, {"no-final-response", 'N'}, {"xconfig-", 'X'},
	};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strncmp(id, marks[i].id, strlen(marks[i].id)) == 0)
			return marks[i].mark;
	return '!';
}

const struct diag_window *
diag_window_from(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t,
    const char *ip, unsigned port)
{
	size_t lo = 0, hi = ctx->nwin;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->win[mid].start <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
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
	if (diag_window_answered(m, w))
		f->severity = DIAG_WARNING; /* another address took the call: degraded, not broken */
	return f;
}

bool
diag_window_answered(const struct model *m, const struct diag_window *w)
{
	return w != NULL && w->final >= 0 && m->msgs[w->final].sip->status < 300;
}

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
