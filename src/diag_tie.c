/* diag_tie.c - tying connection-level evidence (DNS, TCP, TLS, CPL, search
 * rules) to the call that caused it, by what the logs carry (see diag.h).
 *
 * A busy Expressway routes many calls at once: what its DNS, TCP, TLS and
 * CPL lines say happened in the time of several calls, and nearness in time
 * names the wrong one. What does name a call: the SIP messages that crossed
 * a connection (its ports), the search the host ran for the call (the Event
 * lines with its Call-serial-number and Tag open and close it), what the
 * line is about (the name looked up, the alias searched for, the address a
 * request came from), and the order of the call's own routing (a call that
 * already went out through one connection did not open another after). A
 * line that fits several calls is tied to none: its finding names them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "xconf.h"
#include "xconf.h"

#define WINDOW_LOOKBACK 512     /* windows looked at back from a time: bounds the cost */
#define SEND_AFTER_END_MS 50    /* a connection that ended this long after the call's
                                 * next connection opened was not one of its attempts */
#define OPENED_BACK_MS 120000   /* how far back a connection's TCP Connecting is looked for */
#define SCAN_MAX 8192           /* events looked at per search */
#define MSG_SLACK_MS 2000       /* messages on a connection up to this long after it ended */

/* A message's connection, for finding the messages that crossed one. */
struct tuple {
	uint32_t host;
	uint16_t lport, rport;
	uint32_t msg;
};

/* What diag_tie.c keeps in the ctx. */
struct diag_ties {
	struct tuple *tup;   /* every message with ports, by host, ports, time */
	size_t ntup;
	bool built;
	xw_time *conn_at;    /* per window: when the connection its INVITE went out on was
	                      * opened (its TCP Connecting line, else when the INVITE went);
	                      * XW_TIME_NONE until looked for (most windows never are) */
};

/* Orders tuples by host, local port, remote port, then message (log order). */
static int
tuple_cmp(const void *a, const void *b)
{
	const struct tuple *x = a, *y = b;
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	if (x->lport != y->lport)
		return x->lport < y->lport ? -1 : 1;
	if (x->rport != y->rport)
		return x->rport < y->rport ? -1 : 1;
	return x->msg < y->msg ? -1 : x->msg > y->msg;
}

/* Returns the tie index of ctx, built on first use. */
static struct diag_ties *
ties(const struct model *m, const struct diag_ctx *ctx)
{
	struct diag_ties *t = ctx->ties;
	if (t->built)
		return t;
	t->built = true;
	t->tup = xcalloc(m->nmsgs + 1, sizeof *t->tup);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (s->local_port != 0 && s->remote_port != 0 && s->remote_ip != NULL)
			t->tup[t->ntup++] = (struct tuple){s->host, s->local_port, s->remote_port,
			    (uint32_t)i};
	}
	qsort(t->tup, t->ntup, sizeof *t->tup, tuple_cmp);
	return t;
}

void
diag_tie_free(struct diag_ctx *ctx)
{
	if (ctx->ties != NULL) {
		free(ctx->ties->tup);
		free(ctx->ties->conn_at);
	}
	free(ctx->ties);
	ctx->ties = NULL;
}

/* Returns true when call ci is already among t's candidates. */
static bool
has_cand(const struct diag_tie *t, int ci)
{
	for (size_t i = 0; i < t->ncand; i++)
		if (t->cand[i] == ci)
			return true;
	return false;
}

/* Adds call ci (with its window w) to t: the first fills w and call. */
static void
add_cand(struct diag_tie *t, int ci, const struct diag_window *w)
{
	if (has_cand(t, ci) || t->ncand >= DIAG_TIE_CANDIDATES)
		return;
	t->cand[t->ncand++] = ci;
	if (t->ncand == 1)
		t->w = w;
}

/* Returns nothing; settles t: one candidate is the call, with link; several
 * (or none) are no call. */
static void
settle(struct model *m, struct diag_tie *t, const char *link)
{
	if (t->ncand == 1) {
		t->call = t->cand[0];
		t->link = link != NULL ? strpool_str(m->pool, link) : NULL;
	} else {
		t->call = -1;
		t->w = NULL;
		t->link = NULL;
	}
}

/* Returns a cleared tie. */
static void
tie_init(struct diag_tie *t)
{
	memset(t, 0, sizeof *t);
	t->call = -1;
}

bool
diag_tie_fits(const struct diag_tie *t, int ci)
{
	return t->call == ci || (t->call < 0 && has_cand(t, ci));
}

void
diag_tie_note(struct model *m, struct diag_finding *f, const struct diag_tie *t)
{
	if (t->call >= 0 && t->call == f->call) {
		f->link = t->link;
		return;
	}
	if (f->call >= 0 || t->ncand == 0)
		return;
	for (size_t i = 0; i < t->ncand; i++) {
		uint32_t num = m->calls[t->cand[i]].number;
		size_t k = 0;
		while (k < f->ncand && f->cand[k] < num)
			k++;
		if (k < f->ncand && f->cand[k] == num)
			continue;
		f->cand = xrealloc(f->cand, (f->ncand + 1) * sizeof *f->cand);
		memmove(f->cand + k + 1, f->cand + k, (f->ncand - k) * sizeof *f->cand);
		f->cand[k] = num;
		f->ncand++;
	}
}

/* The windows: each call's routing on a host. */

/* Returns the INVITE host h forwarded for window w to another machine, or -1. */
static int32_t
forwarded(const struct model *m, const struct diag_ctx *ctx, const struct diag_window *w)
{
	const struct call *c = &m->calls[w->call];
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_INVITE))
			continue;
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		if ((int)s->host != w->host || s->action != ACT_SENT || s->ctime < w->start ||
		    s->from_mach == s->to_mach || s->retrans || (s->sip->to_tag && *s->sip->to_tag))
			continue;
		if (w->final >= 0 && s->ctime > m->msgs[w->final].ctime)
			break;
		return (int32_t)c->msgs[i];
	}
	return -1;
}

/* Returns true when the strings (a may be NULL; b's first n bytes) are equal. */
static bool
span_eq(const char *a, const char *b, size_t n)
{
	return a != NULL && strlen(a) == n && memcmp(a, b, n) == 0;
}

/* Fills w's search: the call's first Search Attempted on the host in the
 * window, to the Search Completed of the same serial number. */
static void
window_search(const struct model *m, struct diag_window *w)
{
	const struct call *c = &m->calls[w->call];
	const char *serial = NULL;
	size_t sn = 0;
	w->search0 = w->search1 = XW_TIME_NONE;
	for (size_t i = 0; i < c->nevents; i++) {
		const struct log_event *e = &m->events[c->events[i]];
		if ((int)e->host != w->host || e->kind != EV_EVENT || e->name == NULL ||
		    e->ctime < w->start - 1000 || e->ctime > w->end)
			continue;
		size_t n;
		const char *v = model_event_value(e, "Call-serial-number", &n);
		if (w->search0 == XW_TIME_NONE && strcmp(e->name, "Search Attempted") == 0) {
			w->search0 = e->ctime;
			serial = v;
			sn = v ? n : 0;
		} else if (w->search0 != XW_TIME_NONE && strcmp(e->name, "Search Completed") == 0 &&
		    (serial == NULL || (v != NULL && n == sn && memcmp(v, serial, n) == 0))) {
			w->search1 = e->ctime;
			return;
		}
	}
}

void
diag_tie_prepare(const struct model *m, struct diag_ctx *ctx)
{
	ctx->ties = xcalloc(1, sizeof *ctx->ties);
	ctx->ties->conn_at = xmalloc((ctx->nwin + 1) * sizeof *ctx->ties->conn_at);
	for (size_t i = 0; i < ctx->nwin; i++) {
		struct diag_window *w = &ctx->win[i];
		w->sent = forwarded(m, ctx, w);
		w->sent_at = w->sent >= 0 ? m->msgs[w->sent].ctime : XW_TIME_NONE;
		ctx->ties->conn_at[i] = XW_TIME_NONE;
		window_search(m, w);
	}
}

/* Returns when the connection window w's INVITE went out on was opened: its
 * TCP Connecting line, else when the INVITE went (a connection opened
 * before the log, or not logged); looked for once. */
static xw_time
conn_at(const struct model *m, const struct diag_ctx *ctx, const struct diag_window *w)
{
	xw_time *at = &ctx->ties->conn_at[w - ctx->win];
	if (*at != XW_TIME_NONE || w->sent < 0)
		return w->sent < 0 ? XW_TIME_NONE : *at;
	const struct sip_msg *s = &m->msgs[w->sent];
	struct diag_conn c = {.lport = s->local_port, .rport = s->remote_port};
	snprintf(c.lip, sizeof c.lip, "%s", s->local_ip ? s->local_ip : "");
	snprintf(c.rip, sizeof c.rip, "%s", s->remote_ip ? s->remote_ip : "");
	const struct log_event *o = diag_conn_opened(m, ctx, w->host, &c, s->ctime, OPENED_BACK_MS);
	*at = o != NULL ? o->ctime : s->ctime;
	return *at;
}

/* Connections. */

/* Returns the numeric value of key in an event, or 0. */
static unsigned
event_num(const struct log_event *e, const char *key)
{
	char buf[16];
	return diag_event_kv(e, key, buf, sizeof buf) ? (unsigned)strtoul(buf, NULL, 10) : 0;
}

bool
diag_conn_of(const struct model *m, const struct log_event *e, struct diag_conn *c)
{
	char src[64], dst[64];
	memset(c, 0, sizeof *c);
	if (!diag_event_kv(e, "Src-ip", src, sizeof src) ||
	    !diag_event_kv(e, "Dst-ip", dst, sizeof dst))
		return false;
	unsigned sport = event_num(e, "Src-port"), dport = event_num(e, "Dst-port");
	const struct host *h = &m->hosts[e->host];
	bool mine = false;
	for (size_t i = 0; i < h->naddrs && !mine; i++)
		mine = strcmp(h->addrs[i], src) == 0;
	if (e->kind == EV_EVENT && e->name != NULL && strncasecmp(e->name, "Inbound", 7) == 0)
		c->inbound = true;
	else if (e->kind == EV_EVENT && e->name != NULL && strncasecmp(e->name, "Outbound", 8) == 0)
		c->inbound = false;
	else
		c->inbound = !mine && dport < sport;
	snprintf(c->lip, sizeof c->lip, "%s", c->inbound ? dst : src);
	snprintf(c->rip, sizeof c->rip, "%s", c->inbound ? src : dst);
	c->lport = c->inbound ? dport : sport;
	c->rport = c->inbound ? sport : dport;
	return true;
}

/* Returns true when a network.tcp line is about connection c. */
static bool
same_conn(const struct model *m, const struct log_event *e, const struct diag_conn *c)
{
	struct diag_conn o;
	return diag_conn_of(m, e, &o) && o.lport == c->lport && o.rport == c->rport &&
	    strcmp(o.rip, c->rip) == 0;
}

const struct log_event *
diag_conn_opened(const struct model *m, const struct diag_ctx *ctx, int h,
    const struct diag_conn *c, xw_time t, xw_time back)
{
	if (h < 0 || (size_t)h >= m->nhosts)
		return NULL;
	size_t k = diag_events_from(m, ctx, h, t + 1);
	for (size_t n = 0; k > 0 && n < SCAN_MAX; n++) {
		k--;
		if (ctx->hevt[h][k] < t - back)
			break;
		if (ctx->hevk[h][k] != EV_TCP ||
		    !diag_event_phrase(m, ctx, ctx->hev[h][k], DP_TCP_CONNECTING))
			continue;
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		if (same_conn(m, e, c))
			return e;
	}
	return NULL;
}

/* Adds to t the calls whose messages host h logged on connection c between
 * from and to; returns how many messages there were. */
static size_t
conn_messages(const struct model *m, const struct diag_ctx *ctx, int h,
    const struct diag_conn *c, xw_time from, xw_time to, struct diag_tie *t)
{
	const struct diag_ties *ts = ties(m, ctx);
	struct tuple key = {(uint32_t)h, (uint16_t)c->lport, (uint16_t)c->rport, 0};
	size_t lo = 0, hi = ts->ntup, n = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tuple_cmp(&ts->tup[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ts->ntup && ts->tup[i].host == key.host &&
	    ts->tup[i].lport == key.lport && ts->tup[i].rport == key.rport; i++) {
		const struct sip_msg *s = &m->msgs[ts->tup[i].msg];
		if (s->ctime < from || s->ctime > to || s->call < 0 || strcmp(s->remote_ip, c->rip) != 0)
			continue;
		n++;
		add_cand(t, s->call, NULL);
	}
	return n;
}

/* Returns true when a window's call could be heading for peer ip:port: a
 * connection to Webex (by machine, or the mutual TLS port) serves calls to a
 * Webex URI only. */
static bool
dest_fits(const struct model *m, const struct diag_window *w, const char *ip, unsigned port)
{
	if (!diag_addr_is(m, ip, MACH_WEBEX) && port != 5062)
		return true;
	return diag_webex_uri(m->msgs[w->invite].sip->ruri);
}

void
diag_tie_conn(struct model *m, const struct diag_ctx *ctx, int h, const struct diag_conn *c,
    xw_time opened, xw_time ended, struct diag_tie *t)
{
	char link[320];
	tie_init(t);
	xw_time from = opened != XW_TIME_NONE ? opened : ended - OPENED_BACK_MS;
	if (conn_messages(m, ctx, h, c, from, ended + MSG_SLACK_MS, t) > 0) {
		snprintf(link, sizeof link, "its SIP messages crossed that connection (%s:%u - %s:%u)",
		    c->lip, c->lport, c->rip, c->rport);
		settle(m, t, link);
		return;
	}
	if (c->inbound) {
		settle(m, t, NULL); /* the peer opened it: no call of ours made it */
		return;
	}
	xw_time tc = opened != XW_TIME_NONE ? opened : ended;
	for (size_t i = diag_windows_after(ctx, tc), k = 0; i > 0 && k < WINDOW_LOOKBACK; k++) {
		const struct diag_window *w = &ctx->win[--i];
		if (w->host != h || w->end < tc)
			continue;
		if (w->sent >= 0 && (tc > w->sent_at ||
		    ended > conn_at(m, ctx, w) + SEND_AFTER_END_MS))
			continue; /* it went out another way, which it opened before this one ended */
		if (dest_fits(m, w, c->rip, c->rport))
			add_cand(t, w->call, w);
	}
	snprintf(link, sizeof link, "the only call %s was routing when it opened the connection "
	    "(%s:%u - %s:%u), and the call had not gone out another way before it ended",
	    m->hosts[h].name, c->lip, c->lport, c->rip, c->rport);
	settle(m, t, link);
}

/* Events: DNS, search rules, CPL. */

/* Returns true when time t is inside w's search, or (no search logged) its routing. */
static bool
in_search(const struct diag_window *w, xw_time t)
{
	if (w->search0 != XW_TIME_NONE)
		return t >= w->search0 && t <= (w->search1 != XW_TIME_NONE ? w->search1 : w->end);
	return t >= w->start && t <= (w->sent >= 0 ? w->sent_at : w->end);
}

/* Returns the domain a DNS name asks about: past its _service._proto labels
 * and without the root dot, into buf. */
static char *
dns_domain(const char *name, char *buf, size_t size)
{
	while (*name == '_') {
		const char *d = strchr(name, '.');
		if (d == NULL)
			break;
		name = d + 1;
	}
	snprintf(buf, size, "%s", name);
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* Returns true when the DNS name fits window w's call: the domain of its
 * request-URI or of a Route entry, or the Webex name of a call to Webex. */
static bool
name_fits(const struct model *m, const struct diag_window *w, const char *name)
{
	const struct sip_fields *f = m->msgs[w->invite].sip;
	char dom[256], h[256];
	dns_domain(name, dom, sizeof dom);
	if (dom[0] == '\0')
		return false;
	if (strcasecmp(dom, diag_uri_host(f->ruri, h, sizeof h)) == 0)
		return true;
	if (strncasecmp(dom, "callservice.", 12) == 0 && diag_webex_host(dom) &&
	    diag_webex_uri(f->ruri))
		return true;
	for (int i = 0; i < f->nroutes; i++)
		if (strcasecmp(dom, diag_uri_host(f->routes[i], h, sizeof h)) == 0)
			return true;
	return false;
}

/* Returns true when a search rule line's alias (n bytes at a, up to its
 * parameters) fits window w's call: its request-URI or a Route entry's host. */
static bool
alias_fits(const struct model *m, const struct diag_window *w, const char *a, size_t n)
{
	const struct sip_fields *f = m->msgs[w->invite].sip;
	char h[256];
	size_t k = 0;
	while (k < n && a[k] != ';')
		k++;
	const char *r = f->ruri ? f->ruri : "";
	if (strncasecmp(r, "sips:", 5) == 0)
		r += 5;
	else if (strncasecmp(r, "sip:", 4) == 0)
		r += 4;
	size_t rn = strcspn(r, ";>?");
	if (rn == k && strncasecmp(r, a, k) == 0)
		return true;
	for (int i = 0; i < f->nroutes; i++)
		if (span_eq(diag_uri_host(f->routes[i], h, sizeof h), a, k))
			return true;
	return false;
}

/* Returns the alias a search rule line names ("... with alias 'X'" or
 * "destination alias 'X'"), its length in *n; NULL when none. */
static const char *
rule_alias(const struct log_event *e, size_t *n)
{
	const char *p = e->text ? strstr(e->text, "alias '") : NULL;
	if (p == NULL)
		return NULL;
	p += 7;
	const char *q = strchr(p, '\'');
	*n = q ? (size_t)(q - p) : 0;
	return q ? p : NULL;
}

/* Adds to t the windows of host h whose search holds time t0 and that ok()
 * accepts (given arg). */
static void
searching(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t0,
    bool (*ok)(const struct model *, const struct diag_window *, const void *), const void *arg,
    struct diag_tie *t)
{
	for (size_t i = diag_windows_after(ctx, t0 + 1000), k = 0; i > 0 && k < WINDOW_LOOKBACK; k++) {
		const struct diag_window *w = &ctx->win[--i];
		if (w->host == h && w->end >= t0 && in_search(w, t0) && ok(m, w, arg))
			add_cand(t, w->call, w);
	}
}

/* The arguments of the window tests of one event. */
struct fit_arg {
	const char *s;
	size_t n;
};

static bool
fit_name(const struct model *m, const struct diag_window *w, const void *arg)
{
	return name_fits(m, w, ((const struct fit_arg *)arg)->s);
}

static bool
fit_alias(const struct model *m, const struct diag_window *w, const void *arg)
{
	const struct fit_arg *a = arg;
	return a->s == NULL || alias_fits(m, w, a->s, a->n);
}

static bool
fit_any(const struct model *m, const struct diag_window *w, const void *arg)
{
	(void)m, (void)w, (void)arg;
	return true;
}

static void tie_rule(struct model *m, const struct diag_ctx *ctx, const struct log_event *e,
    struct diag_tie *t);

/* Returns true after copying into buf the zone the latest search rule line
 * of window w's own search before time t sent the call to (its "towards
 * target"); false when no line of its search says. */
static bool
search_zone(struct model *m, const struct diag_ctx *ctx, const struct diag_window *w,
    xw_time t, char *buf, size_t size)
{
	int h = w->host;
	size_t k = diag_events_from(m, ctx, h, t + 1);
	xw_time from = w->search0 != XW_TIME_NONE ? w->search0 : w->start;
	for (size_t n = 0; k > 0 && n < SCAN_MAX && ctx->hevt[h][k - 1] >= from; n++) {
		k--;
		if (ctx->hevk[h][k] != EV_SEARCH ||
		    !diag_event_phrase(m, ctx, ctx->hev[h][k], DP_SEARCH_RULE))
			continue;
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		struct diag_tie r;
		tie_init(&r);
		tie_rule(m, ctx, e, &r);
		const char *p = r.call == w->call ? strstr(e->text, "towards target '") : NULL;
		if (p == NULL)
			continue;
		p += 16;
		size_t len = strcspn(p, "'");
		snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), p);
		return true;
	}
	return false;
}

/* Returns true when the host's configuration shows that window w's search
 * could not have looked up the domain dom: the zone its own search rule
 * chose is no DNS zone, or a DNS zone whose DNS override asks for another
 * name. */
static bool
zone_excludes(struct model *m, const struct diag_ctx *ctx, const struct diag_window *w,
    xw_time t, const char *dom)
{
	const struct diag_dump *d = diag_dump_for(m, ctx, w->host, true);
	char zone[128];
	if (d == NULL || d->x == NULL || !search_zone(m, ctx, w, t, zone, sizeof zone))
		return false;
	const struct xconf_zone *z = xconf_zone_by_name(d->x, zone);
	if (z == NULL)
		return false;
	if (z->type != XCONF_ZONE_DNS)
		return true;
	const char *on = z->dns_override.s, *name = z->dns_override_name.s;
	return on != NULL && !xconf_is_off(on) && name != NULL && *name &&
	    strcasecmp(name, dom) != 0;
}

/* Returns nothing; keeps of t's candidates those whose search's zone could
 * have looked up dom at time at on host h (all of them when none could). */
static void
by_zone(struct model *m, const struct diag_ctx *ctx, int h, xw_time at, const char *dom,
    struct diag_tie *t)
{
	struct diag_tie keep = *t;
	tie_init(t);
	for (size_t i = 0; i < keep.ncand; i++) {
		const struct diag_window *w = NULL;
		for (size_t k = 0; k < ctx->nwin && w == NULL; k++)
			if (ctx->win[k].call == keep.cand[i] && ctx->win[k].host == h &&
			    in_search(&ctx->win[k], at))
				w = &ctx->win[k];
		if (w != NULL && !zone_excludes(m, ctx, w, at, dom))
			add_cand(t, keep.cand[i], w);
	}
	if (t->ncand == 0)
		*t = keep;
}

/* Ties a DNS query by its name and the search it is in; among several
 * searches, by the zone each chose when the configuration is known. */
static void
tie_query(struct model *m, const struct diag_ctx *ctx, const struct log_event *e,
    struct diag_tie *t)
{
	char name[256], link[512], dom[256];
	if (!diag_event_kv(e, "Name", name, sizeof name)) {
		settle(m, t, NULL);
		return;
	}
	struct fit_arg a = {name, strlen(name)};
	searching(m, ctx, (int)e->host, e->ctime, fit_name, &a, t);
	if (t->ncand > 1)
		by_zone(m, ctx, (int)e->host, e->ctime, dns_domain(name, dom, sizeof dom), t);
	snprintf(link, sizeof link, "the lookup of %s was made in the call's own search (between "
	    "its Search Attempted and Search Completed) and asks for its request-URI's domain",
	    name);
	settle(m, t, link);
}

/* Ties a DNS answer to the call whose query it answers: the latest query
 * before it, when that query's call is the only one searching. */
static void
tie_answer(struct model *m, const struct diag_ctx *ctx, uint32_t ei, struct diag_tie *t)
{
	const struct log_event *e = &m->events[ei];
	int h = (int)e->host;
	struct diag_tie any;
	tie_init(&any);
	searching(m, ctx, h, e->ctime, fit_any, NULL, &any);
	size_t k = diag_events_from(m, ctx, h, e->ctime + 1);
	for (size_t n = 0; k > 0 && n < SCAN_MAX; n++) {
		k--;
		if (ctx->hevk[h][k] != EV_DNS || !diag_event_phrase(m, ctx, ctx->hev[h][k],
		    DP_DNS_QUERY))
			continue;
		struct diag_tie q;
		tie_init(&q);
		tie_query(m, ctx, &m->events[ctx->hev[h][k]], &q);
		if (q.call >= 0 && any.ncand == 1 && any.cand[0] == q.call) {
			*t = q;
			t->link = strpool_str(m->pool, "the answer follows the call's own lookup "
			    "in its search, the only search running then");
		} else {
			settle(m, t, NULL);
		}
		return;
	}
	settle(m, t, NULL);
}

/* Ties a search rule line by its alias and the search it is in. */
static void
tie_rule(struct model *m, const struct diag_ctx *ctx, const struct log_event *e,
    struct diag_tie *t)
{
	struct fit_arg a = {NULL, 0};
	a.s = rule_alias(e, &a.n);
	searching(m, ctx, (int)e->host, e->ctime, fit_alias, &a, t);
	settle(m, t, "the rule line is in the call's own search (between its Search Attempted "
	    "and Search Completed) and names its destination");
}

/* Ties a CPL line to the call whose INVITE came from its Remote address and
 * was still being routed (for a reject: never forwarded). */
static void
tie_cpl(struct model *m, const struct diag_ctx *ctx, const struct log_event *e,
    struct diag_tie *t)
{
	char ip[64], link[256];
	if (!diag_event_kv(e, "Remote-ip", ip, sizeof ip)) {
		settle(m, t, NULL);
		return;
	}
	unsigned port = event_num(e, "Remote-port");
	bool reject = diag_event_has(e, "<reject");
	for (size_t i = diag_windows_after(ctx, e->ctime), k = 0; i > 0 && k < WINDOW_LOOKBACK; k++) {
		const struct diag_window *w = &ctx->win[--i];
		const struct sip_msg *s = &m->msgs[w->invite];
		if (w->host != (int)e->host || w->end < e->ctime || s->remote_ip == NULL ||
		    strcmp(s->remote_ip, ip) != 0 || (port != 0 && s->remote_port != port))
			continue;
		if (w->sent >= 0 && (reject || w->sent_at < e->ctime))
			continue; /* forwarded: the policy let it through */
		if (reject && w->final >= 0 && (m->msgs[w->final].sip->status != 403 ||
		    m->msgs[w->final].ctime < e->ctime))
			continue; /* a reject ends the call with 403 Forbidden, after it */
		add_cand(t, w->call, w);
	}
	snprintf(link, sizeof link, "its INVITE came from %s:%u, the address of the CPL line, and "
	    "%s", ip, port, reject ? "was never forwarded but answered 403 Forbidden" :
	    "was being routed then");
	settle(m, t, link);
}

void
diag_tie_event(struct model *m, const struct diag_ctx *ctx, uint32_t ei, struct diag_tie *t)
{
	const struct log_event *e = &m->events[ei];
	tie_init(t);
	if (e->kind == EV_DNS && diag_event_phrase(m, ctx, ei, DP_DNS_QUERY))
		tie_query(m, ctx, e, t);
	else if (e->kind == EV_DNS && diag_event_phrase(m, ctx, ei, DP_RESOLVED))
		tie_answer(m, ctx, ei, t);
	else if (e->kind == EV_SEARCH)
		tie_rule(m, ctx, e, t);
	else if (e->kind == EV_CPL)
		tie_cpl(m, ctx, e, t);
}
