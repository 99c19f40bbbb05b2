/* diag_net.c - signatures read from what an Expressway logs around a call:
 * call policy (network.cpl), DNS lookups (network.dns, network.search) and
 * TCP connections (network.tcp). These lines carry no Call-ID; diag_tie.c
 * ties each to the call that caused it by what they do carry (the search
 * they are in, the name looked up, the address, the connection's ports);
 * what fits several calls stays a host or connection finding naming them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "xconf_lint.h"

#define SCAN_MAX   8192   /* events looked at per window: bounds hostile logs */
#define RULE_BACK  64     /* events looked back from a CPL reject for its rule */
#define CONNECT_BACK_MS 900000 /* a TCP failure's "Connecting" is at most this old */
#define CONNECT_SEARCHES 1024  /* TCP failures whose "Connecting" line is looked for */
#define MAX_EVIDENCE 24        /* lines cited by one finding about many failures */

/* Copies the text after `after` up to the next `end` character into buf;
 * returns false when `after` is not in s. */
static bool
copy_after(const char *s, const char *after, char end, char *buf, size_t size)
{
	const char *p = s ? strcasestr(s, after) : NULL;
	if (p == NULL || size == 0)
		return false;
	p += strlen(after);
	size_t n = 0;
	while (p[n] && p[n] != end && n + 1 < size)
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

/* Returns the numeric value of key in an event, or 0. */
static unsigned
event_port(const struct log_event *e, const char *key)
{
	char buf[16];
	return diag_event_kv(e, key, buf, sizeof buf) ? (unsigned)strtoul(buf, NULL, 10) : 0;
}

/* CPL */

/* Returns true when the CPL event came from ip:port. */
static bool
cpl_from(const struct log_event *e, const char *ip, unsigned port)
{
	char rip[64];
	return diag_event_kv(e, "Remote-ip", rip, sizeof rip) && strcmp(rip, ip) == 0 &&
	    event_port(e, "Remote-port") == port;
}

/* Returns the CPL rule line that matched before the reject at position k,
 * of the same call (call < 0: of any), or NULL. */
static const struct log_event *
cpl_rule(struct model *m, const struct diag_ctx *ctx, int h, size_t k, const char *ip,
    unsigned port, int call)
{
	for (size_t n = 0; n < RULE_BACK && k > 0; n++) {
		uint32_t ei = ctx->hev[h][--k];
		const struct log_event *e = &m->events[ei];
		if (e->kind != EV_CPL || !cpl_from(e, ip, port) || !diag_event_has(e, "<rule ") ||
		    !diag_event_has(e, "> matched"))
			continue;
		struct diag_tie t;
		diag_tie_event(m, ctx, ei, &t);
		if (call < 0 || diag_tie_fits(&t, call))
			return e;
	}
	return NULL;
}

/* Returns the position of event index ei in ctx->hev[h]; when many events
 * share its time, the first of them after SCAN_MAX steps (bounded cost). */
static size_t
event_pos(const struct model *m, const struct diag_ctx *ctx, int h, uint32_t ei)
{
	size_t k0 = diag_events_from(m, ctx, h, m->events[ei].ctime);
	for (size_t k = k0, n = 0; k < ctx->nhev[h] && n < SCAN_MAX; k++, n++)
		if (ctx->hev[h][k] == ei)
			return k;
	return k0;
}

/* Adds the call's Event lines that say the search ended Forbidden. */
static void
forbidden_events(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct diag_window *w)
{
	for (size_t k = diag_events_from(m, ctx, w->host, w->start), n = 0;
	    k < ctx->nhev[w->host] && n < SCAN_MAX; k++, n++) {
		const struct log_event *e = &m->events[ctx->hev[w->host][k]];
		if (e->ctime > w->end)
			break;
		if (e->kind == EV_EVENT && e->call == w->call && e->name &&
		    (strcmp(e->name, "Search Completed") == 0 ||
		    strcmp(e->name, "Call Rejected") == 0) && diag_event_has(e, "Forbidden"))
			diag_event_evidence(m, f, e);
	}
}

/* Writes the summary and fix of a CPL reject. */
static void
cpl_text(const struct model *m, int h, const struct log_event *rule, const char *who,
    char *sum, size_t ssize, struct sbuf *fix)
{
	char org[256] = "", dst[256] = "";
	if (rule != NULL) {
		copy_after(rule->text, "origin=\"", '"', org, sizeof org);
		copy_after(rule->text, "destination=\"", '"', dst, sizeof dst);
	}
	if (rule != NULL)
		snprintf(sum, ssize, "the call policy (CPL) of %s rejected the call from %s: rule "
		    "origin \"%s\" destination \"%s\" matched with action reject, and 403 "
		    "Forbidden went back", m->hosts[h].name, who, org, dst);
	else
		snprintf(sum, ssize, "the call policy (CPL) of %s rejected the call from %s and "
		    "403 Forbidden went back", m->hosts[h].name, who);
	sbuf_printf(fix, "Correct the call policy rules of %s (Configuration > Call Policy > "
	    "Rules; an xConfiguration dump only shows that local CPL is on). The rule for "
	    "Hybrid calls takes the Webex subdomain as source (.*@SUBDOMAIN\\.call\\."
	    "ciscospark\\.com.*) and .* as destination.", m->hosts[h].name);
	if (diag_webex_uri(dst) || strcasestr(dst, "ciscospark") || strcasestr(dst, "webex"))
		sbuf_puts(fix, " Here the Webex domain is in the destination: source and "
		    "destination look swapped.");
}

/* Adds a cpl-reject finding for the reject line ei, tied by t (to its
 * window t->w, or to no call). */
static void
add_cpl(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, uint32_t ei, const struct diag_tie *t)
{
	const struct log_event *e = &m->events[ei];
	const struct diag_window *w = t->w;
	int h = (int)e->host;
	char ip[64] = "", who[128], sum[1024];
	diag_event_kv(e, "Remote-ip", ip, sizeof ip);
	unsigned port = event_port(e, "Remote-port");
	const struct log_event *rule = cpl_rule(m, ctx, h, event_pos(m, ctx, h, ei), ip, port,
	    w ? w->call : -1);
	diag_addr_label(m, ip, who, sizeof who);
	struct sbuf fix = {0};
	cpl_text(m, h, rule, who, sum, sizeof sum, &fix);
	int arrow = -1;
	if (w != NULL)
		arrow = diag_arrow_of(&m->calls[w->call], w->final >= 0 ? (uint32_t)w->final :
		    w->invite);
	struct diag_finding *f = diag_add(m, r, sig, w ? w->call : -1, arrow, h, sum, fix.s);
	sbuf_free(&fix);
	diag_tie_note(m, f, t);
	if (w == NULL) {
		char peer[96];
		snprintf(peer, sizeof peer, "%s:%u", ip, port);
		f->peer = strpool_str(m->pool, peer);
	} else {
		diag_msg_evidence(m, f, w->invite);
	}
	if (rule != NULL)
		diag_event_evidence(m, f, rule);
	diag_event_evidence(m, f, e);
	if (w != NULL && w->final >= 0)
		diag_msg_evidence(m, f, (uint32_t)w->final);
	if (w != NULL)
		forbidden_events(m, ctx, f, w);
}

/* Returns the finding already made for rejects from ip on host h that no
 * call could be tied to, or NULL: they are one connection's story. */
static struct diag_finding *
untied_cpl(struct model *m, struct diag_result *r, const struct diag_sig *sig, int h,
    const char *ip)
{
	size_t n = strlen(ip);
	for (size_t k = 0; k < r->n; k++) {
		struct diag_finding *f = &r->f[k];
		if (f->id == sig->id && f->call < 0 && f->host == h && f->peer != NULL &&
		    strncmp(f->peer, ip, n) == 0 && f->peer[n] == ':')
			return f;
	}
	return NULL;
}

/* Adds a finding per call (or peer) that a CPL reject ended. */
static void
check_cpl(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	bool *done = xcalloc(ctx->nwin + 1, sizeof *done);
	for (size_t i = 0; i < m->nevents; i++) {
		const struct log_event *e = &m->events[i];
		char ip[64];
		if (e->kind != EV_CPL || !diag_event_has(e, "<reject") ||
		    !diag_event_kv(e, "Remote-ip", ip, sizeof ip))
			continue;
		struct diag_tie t;
		diag_tie_event(m, (const struct diag_ctx *)ctx, (uint32_t)i, &t);
		const struct diag_window *w = t.w;
		if (w != NULL && (done[w - ctx->win] ||
		    (w->final >= 0 && m->msgs[w->final].sip->status != 403)))
			continue; /* told already, or the call went on past the reject */
		struct diag_finding *f = w ? NULL : untied_cpl(m, r, sig, (int)e->host, ip);
		if (f != NULL) {
			if (f->nev < 24)
				diag_event_evidence(m, f, e);
			diag_tie_note(m, f, &t);
			continue;
		}
		if (w != NULL)
			done[w - ctx->win] = true;
		add_cpl(sig, m, r, ctx, (uint32_t)i, &t);
	}
	free(done);
}

/* DNS */

/* Returns true when a "Sending DNS query" event (index ei) asks for the SRV
 * records of domain dom (any _service._proto prefix). */
static bool
srv_query_for(const struct model *m, const struct diag_ctx *ctx, uint32_t ei, const char *dom,
    char *name, size_t size)
{
	const struct log_event *e = &m->events[ei];
	if (e->kind != EV_DNS || !diag_event_phrase(m, ctx, ei, DP_DNS_QUERY) ||
	    !diag_event_kv(e, "Name", name, size) || name[0] != '_')
		return false;
	const char *p = strchr(name + 1, '.'); /* after _sips */
	if (p == NULL || p[1] != '_' || (p = strchr(p + 1, '.')) == NULL)
		return false;
	size_t n = strlen(p + 1);
	while (n > 0 && p[n] == '.')
		n--; /* a trailing root dot */
	return n == strlen(dom) && strncasecmp(p + 1, dom, n) == 0;
}

/* What the host did about one Webex-bound call's lookup. */
struct srv_look {
	const struct log_event *query, *rule, *resolved;
	struct diag_tie tie;     /* what ties the query to the call (or its candidates) */
	char name[256];
};

/* Returns the first event of kind k holding phrase p between positions from
 * and to of host h's events (backward when back) whose tie fits call ci
 * (exactly when exact), or NULL. */
static const struct log_event *
tied_line(struct model *m, const struct diag_ctx *ctx, int h, size_t from, size_t to,
    bool back, enum ev_kind k, enum diag_phrase p, int ci, bool exact)
{
	for (size_t n = 0; from != to && n < SCAN_MAX; n++) {
		size_t i = back ? --from : from++;
		if (ctx->hevk[h][i] != k || !diag_event_phrase(m, ctx, ctx->hev[h][i], p))
			continue;
		struct diag_tie t;
		diag_tie_event(m, ctx, ctx->hev[h][i], &t);
		if (exact ? t.call == ci : diag_tie_fits(&t, ci))
			return &m->events[ctx->hev[h][i]];
	}
	return NULL;
}

/* Fills l from the events of window w; returns true when the host looked up
 * the SRV records of dom in the call's own search (l->tie.call is the call),
 * or in a search no line could tell from other calls' (l->tie names them).
 * The rule is the last "Considering search rule" line of the same search
 * before the query, the answer the first "Resolved" line of it after. */
static bool
srv_lookup(struct model *m, const struct diag_ctx *ctx, const struct diag_window *w,
    const char *dom, struct srv_look *l)
{
	memset(l, 0, sizeof *l);
	int h = w->host;
	size_t k0 = diag_events_from(m, ctx, h, w->start), k = k0, n = 0;
	for (; k < ctx->nhev[h] && n < SCAN_MAX && ctx->hevt[h][k] <= w->end; k++, n++) {
		if (ctx->hevk[h][k] != EV_DNS ||
		    !srv_query_for(m, ctx, ctx->hev[h][k], dom, l->name, sizeof l->name))
			continue;
		diag_tie_event(m, ctx, ctx->hev[h][k], &l->tie);
		if (diag_tie_fits(&l->tie, w->call))
			break;
	}
	if (k >= ctx->nhev[h] || n >= SCAN_MAX || ctx->hevt[h][k] > w->end)
		return false;
	l->query = &m->events[ctx->hev[h][k]];
	bool exact = l->tie.call == w->call;
	l->rule = tied_line(m, ctx, h, k, k0, true, EV_SEARCH, DP_SEARCH_RULE, w->call, exact);
	size_t end = diag_events_from(m, ctx, h, w->end + 1);
	if (exact && k < end)
		l->resolved = tied_line(m, ctx, h, k + 1, end, false, EV_DNS, DP_RESOLVED, w->call,
		    true);
	return true;
}

/* Appends to fix what the dump of the host shows about the two causes. */
static void
srv_dump_note(struct model *m, struct diag_finding *f, const struct diag_dump *d,
    const char *target, struct sbuf *fix)
{
	if (d == NULL)
		return;
	const struct xconf_zone *z = xconf_webex_zone(d->x);
	const struct xconf_issue *ov = xconf_lint_issue(d, XCONF_LINT_DNS_OVERRIDE_OFF);
	const struct xconf_issue *sh = xconf_lint_issue(d, XCONF_LINT_SEARCH_RULE_SHADOWED);
	if (z != NULL && target[0] && xconf_zone_by_name(d->x, target) != z)
		sbuf_printf(fix, " The configuration %s shows the second cause: zone \"%s\" is not "
		    "the Webex zone (\"%s\").", d->name, target, z->name.s ? z->name.s : "?");
	else if (ov != NULL)
		sbuf_printf(fix, " The configuration %s shows the first cause: %s", d->name,
		    ov->summary);
	const struct xconf_issue *cited = ov != NULL ? ov : sh;
	if (sh != NULL && ov == NULL)
		sbuf_printf(fix, " It also reports: %s", sh->summary);
	for (size_t i = 0; cited != NULL && i < cited->nlines; i++)
		diag_dump_evidence(m, f, d, cited->lines[i]);
}

/* Adds a webex-srv-wrong-domain finding for window w. */
static void
add_srv(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, const struct diag_window *w, const struct srv_look *l)
{
	char rule[128] = "", target[128] = "", prio[16] = "", port[16] = "", sum[1024];
	if (l->rule != NULL) {
		copy_after(l->rule->text, "search rule '", '\'', rule, sizeof rule);
		copy_after(l->rule->text, "towards target '", '\'', target, sizeof target);
		copy_after(l->rule->text, "at priority '", '\'', prio, sizeof prio);
	}
	if (l->resolved != NULL)
		copy_after(l->resolved->text, "Port:'", '\'', port, sizeof port);
	bool tied = l->tie.call == w->call;
	int n = snprintf(sum, sizeof sum, "%s looked up %s, the request-URI's domain, for a call "
	    "to Webex instead of _sips._tcp.callservice.ciscospark.com%s", m->hosts[w->host].name,
	    l->name, tied ? "" : " (the logs do not tell which of the calls it searched for then)");
	if (rule[0] && n > 0 && (size_t)n < sizeof sum)
		n += snprintf(sum + n, sizeof sum - (size_t)n, "; search rule \"%s\" (priority %s) "
		    "had sent the call to zone \"%s\"", rule, prio, target);
	if (port[0] && strcmp(port, "5062") != 0 && n > 0 && (size_t)n < sizeof sum)
		snprintf(sum + n, sizeof sum - (size_t)n, "; the answer points at port %s, not the "
		    "5062 mutual TLS port of Hybrid calls", port);
	struct sbuf fix = {0};
	sbuf_puts(&fix, "Two causes give this lookup: (1) the Webex DNS zone does not modify "
	    "the DNS request: set Modify DNS request On and Domain to search for to "
	    "callservice.ciscospark.com (or callservice.webex.com) on that zone, or use the Webex "
	    "zone type (X12.5 and later) which does it; (2) a broader search rule sent the call "
	    "to another DNS zone first: give the Webex rule a lower priority number than that "
	    "rule (Configuration > Dial plan > Search rules).");
	const struct call *c = &m->calls[w->call];
	struct diag_finding *f = diag_add(m, r, sig, tied ? w->call : -1,
	    tied ? diag_arrow_of(c, w->invite) : -1, w->host, sum, "");
	diag_tie_note(m, f, &l->tie);
	if (tied)
		diag_msg_evidence(m, f, w->invite);
	if (l->rule != NULL)
		diag_event_evidence(m, f, l->rule);
	diag_event_evidence(m, f, l->query);
	if (l->resolved != NULL)
		diag_event_evidence(m, f, l->resolved);
	srv_dump_note(m, f, diag_dump_for(m, ctx, w->host, true), target, &fix);
	f->fix = strpool_str(m->pool, fix.s);
	sbuf_free(&fix);
}

/* Returns true when finding f cites line of file. */
static bool
cites(const struct diag_finding *f, const char *file, uint32_t line)
{
	for (size_t i = 0; i < f->nev; i++)
		if (!f->ev[i].packet && f->ev[i].line == line && strcmp(f->ev[i].file, file) == 0)
			return true;
	return false;
}

/* Adds a finding per Webex call whose SRV lookup used the dialled domain. */
static void
check_srv_domain(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	size_t first = r->n; /* only this check makes findings of this id */
	uint32_t *told = xcalloc(m->ncalls + 1, sizeof *told); /* per call: bit per host < 32 */
	for (size_t i = 0; i < ctx->nwin; i++) {
		const struct diag_window *w = &ctx->win[i];
		const struct sip_msg *inv = &m->msgs[w->invite];
		char dom[256];
		diag_uri_host(inv->sip->ruri, dom, sizeof dom);
		if (!diag_webex_host(dom) || strncasecmp(dom, "callservice.", 12) == 0)
			continue;
		bool dup = false;
		if (w->host < 32)
			dup = (told[w->call] >> w->host) & 1;
		for (size_t k = first; k < r->n && !dup && w->host >= 32; k++)
			dup = r->f[k].call == w->call && r->f[k].host == w->host;
		struct srv_look l;
		if (dup || !srv_lookup(m, ctx, w, dom, &l))
			continue;
		if (l.tie.call != w->call) { /* shared: one host finding per lookup */
			bool shown = false;
			for (size_t k = first; k < r->n && !shown; k++)
				shown = r->f[k].call < 0 && cites(&r->f[k], m->files[l.query->file].path,
				    l.query->line);
			if (!shown)
				add_srv(sig, m, r, ctx, w, &l);
			continue;
		}
		add_srv(sig, m, r, ctx, w, &l);
		if (w->host < 32)
			told[w->call] |= 1u << w->host;
	}
	free(told);
}

/* TCP */

/* The four addresses of a network.tcp line. */
struct tcp4 {
	char src[64], dst[64];
	unsigned sport, dport;
};

/* Returns true after filling t from a network.tcp line's addresses. */
static bool
tcp4_of(const struct log_event *e, struct tcp4 *t)
{
	t->sport = event_port(e, "Src-port");
	t->dport = event_port(e, "Dst-port");
	return diag_event_kv(e, "Src-ip", t->src, sizeof t->src) &&
	    diag_event_kv(e, "Dst-ip", t->dst, sizeof t->dst);
}

/* Returns the "TCP Connecting" line of the same connection before position k:
 * of the same four addresses, and not one that an Established line followed
 * (a connection made is not the one whose connect failed). */
static const struct log_event *
tcp_connecting(const struct model *m, const struct diag_ctx *ctx, int h, size_t k,
    const struct tcp4 *t)
{
	xw_time until = ctx->hevt[h][k < ctx->nhev[h] ? k : 0] - CONNECT_BACK_MS;
	bool up = false; /* an Established of the same four addresses came after it */
	for (size_t n = 0; n < SCAN_MAX && k > 0; n++) {
		struct tcp4 o;
		if (ctx->hevt[h][--k] < until)
			break;
		if (ctx->hevk[h][k] != EV_TCP)
			continue;
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		bool connecting = diag_event_phrase(m, ctx, ctx->hev[h][k], DP_TCP_CONNECTING);
		if ((!connecting && !diag_event_has(e, "TCP Connection Established")) ||
		    !tcp4_of(e, &o) || strcmp(o.src, t->src) != 0 || strcmp(o.dst, t->dst) != 0 ||
		    o.sport != t->sport || o.dport != t->dport)
			continue;
		if (!connecting)
			up = true;
		else if (up)
			up = false; /* that connection was made: the one that failed is older */
		else
			return e;
	}
	return NULL;
}

/* Writes what the destination port says about the failure to dsts (the
 * addresses tried, as a list), or what a capture does: refused, the address
 * that answered a SYN with a reset ("" for none). */
static void
tcp_text(const struct model *m, int h, const char *dsts, unsigned port, bool webex,
    const char *refused, char *sum, size_t ssize, const char **fix)
{
	const char *host = m->hosts[h].name, *w = webex ? "Webex " : "";
	if (webex && port == 5061) { /* the lookup is the cause, refused or not */
		snprintf(sum, ssize, "%s could not connect to %s%s on port 5061 (TCP Connection "
		    "Failed): Hybrid calls to Webex use port 5062 (mutual TLS); 5061 comes from an "
		    "SRV lookup of the request-URI's domain", host, w, dsts);
		*fix = "Make the Webex DNS zone look up callservice.ciscospark.com (Modify DNS "
		    "request On, Domain to search for callservice.ciscospark.com), whose SRV "
		    "records point at port 5062; see webex-srv-wrong-domain and "
		    "xconfig-dns-override-off.";
	} else if (refused[0]) {
		snprintf(sum, ssize, "%s could not connect to %s%s on port %u (TCP Connection "
		    "Failed): a capture shows %s answer the SYN with a reset, so the SYN arrived "
		    "(no firewall dropped it) and nothing listens there", host, w, dsts, port,
		    refused);
		*fix = diag_wire_refused_fix();
	} else if (webex || port == 5062) {
		snprintf(sum, ssize, "%s could not connect to %s%s on port %u (TCP Connection "
		    "Failed): nothing answered the connection to Webex", host, w, dsts, port);
		*fix = "Outbound TCP 5062 from the Expressway-E to Webex is blocked on the way, "
		    "most likely by a firewall, IPS or NAT rule: have the network team allow it "
		    "(a capture on the firewall's outside interface shows where the SYN goes).";
	} else {
		snprintf(sum, ssize, "%s could not connect to %s on port %u (TCP Connection "
		    "Failed)", host, dsts, port);
		*fix = "Check that the destination listens on that port and that no firewall "
		    "between the two drops the connection.";
	}
}

/* The failures to one port, from one host, for one call (or none). */
struct tcp_group {
	int host, call;
	unsigned port;
	char dsts[256];   /* the addresses tried, ", "-joined */
	bool webex;
	char refused[64]; /* the address a capture shows answer a SYN with a reset */
	size_t f;         /* index in r->f */
};

/* Sets f's summary and fix from what its group g knows so far. */
static void
tcp_say(struct model *m, const struct tcp_group *g, struct diag_finding *f)
{
	char sum[768];
	const char *fix;
	tcp_text(m, g->host, g->dsts, g->port, g->webex, g->refused, sum, sizeof sum, &fix);
	if (f->severity == DIAG_WARNING)
		snprintf(sum + strlen(sum), sizeof sum - strlen(sum), "; the call still went "
		    "through another address");
	f->summary = strpool_str(m->pool, sum);
	f->fix = strpool_str(m->pool, fix);
}

/* Adds dst to the group's list; returns false when it was there already. */
static bool
group_dst(struct tcp_group *g, const char *dst)
{
	size_t n = strlen(dst), len = strlen(g->dsts);
	for (const char *p = g->dsts; (p = strstr(p, dst)) != NULL; p += n)
		if ((p == g->dsts || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return false;
	if (len + n + 3 < sizeof g->dsts)
		snprintf(g->dsts + len, sizeof g->dsts - len, "%s%s", len ? ", " : "", dst);
	return true;
}

/* Returns the group of a failure, adding a new one (and its finding). */
static struct tcp_group *
tcp_group(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    struct tcp_group **gs, size_t *ng, size_t *cap, int h, const struct diag_window *w,
    const struct tcp4 *t)
{
	int call = w ? w->call : -1;
	for (size_t k = 0; k < *ng; k++) {
		struct tcp_group *g = &(*gs)[k];
		if (g->host == h && g->call == call && g->port == t->dport &&
		    (call >= 0 || strcmp(g->dsts, t->dst) == 0))
			return g;
	}
	struct tcp_group g = {h, call, t->dport, "", false, "", r->n};
	g.webex = diag_addr_is(m, t->dst, MACH_WEBEX) ||
	    (w != NULL && diag_webex_uri(m->msgs[w->invite].sip->ruri));
	diag_add_conn(m, r, sig, h, t->dst, t->dport, w, call);
	VEC_PUSH(*gs, *ng, *cap, g);
	return &(*gs)[*ng - 1];
}

/* Adds a finding per call (or destination) whose TCP connections failed. */
static void
check_tcp(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	struct tcp_group *gs = NULL;
	size_t ng = 0, cap = 0, budget = CONNECT_SEARCHES;
	for (size_t i = 0; i < m->nevents; i++) {
		const struct log_event *e = &m->events[i];
		struct tcp4 t;
		if (e->kind != EV_TCP || !diag_event_phrase(m, ctx, (uint32_t)i, DP_TCP_FAILED) ||
		    !tcp4_of(e, &t))
			continue;
		int h = (int)e->host;
		const struct log_event *c = NULL;
		if (budget > 0) { /* past it, a flood of failures is tied without its opening */
			budget--;
			c = tcp_connecting(m, ctx, h, event_pos(m, ctx, h, (uint32_t)i), &t);
		}
		struct diag_conn dc = {.lport = t.sport, .rport = t.dport, .inbound = false};
		snprintf(dc.lip, sizeof dc.lip, "%s", t.src);
		snprintf(dc.rip, sizeof dc.rip, "%s", t.dst);
		struct diag_tie tie;
		diag_tie_conn(m, ctx, h, &dc, c ? c->ctime : XW_TIME_NONE, e->ctime, &tie);
		const struct diag_window *w = tie.w;
		struct tcp_group *g = tcp_group(sig, m, r, &gs, &ng, &cap, h, w, &t);
		struct diag_finding *f = &r->f[g->f];
		diag_tie_note(m, f, &tie);
		bool say = group_dst(g, t.dst);
		if (f->nev < MAX_EVIDENCE) {
			if (c != NULL)
				diag_event_evidence(m, f, c);
			diag_event_evidence(m, f, e);
			/* the capture's SYNs, gone unanswered or refused */
			if (diag_wire_conn_evidence(m, f, &dc) == DIAG_WIRE_REFUSED && !g->refused[0]) {
				snprintf(g->refused, sizeof g->refused, "%s", t.dst);
				say = true;
			}
		}
		if (say)
			tcp_say(m, g, f);
	}
	free(gs);
}

/* This file's signatures, in the order their findings are made. */
static const struct diag_sig rows[] = {
	{
		.id = "cpl-reject",
		.severity = DIAG_ERROR,
		.marker = 'P',
		.check = check_cpl,
		.explain = "The call policy (CPL) rejected the call and 403 Forbidden followed; "
		    "the matched rule's origin and destination are quoted.",
	},
	{
		.id = "webex-srv-wrong-domain",
		.severity = DIAG_ERROR,
		.marker = 'D',
		.check = check_srv_domain,
		.explain = "A call to Webex made the Expressway look up the SRV records of the "
		    "request-URI's domain instead of callservice.ciscospark.com: DNS override is "
		    "off on the Webex zone, or another search rule took the call.",
	},
	{
		.id = "tcp-connect-failed",
		.severity = DIAG_ERROR,
		.marker = 'T',
		.check = check_tcp,
		.explain = "A TCP connection the Expressway opened failed; port 5061 toward Webex "
		    "means a wrong SRV lookup, port 5062 a blocked firewall. A capture of the "
		    "connection adds its SYNs and their answer (then no tcp-syn-unanswered or "
		    "tcp-reset-not-listening of its own); a reset answering them means nothing "
		    "listens there, not a firewall.",
	},
};

const struct diag_group diag_net_group = {rows, sizeof rows / sizeof rows[0]};
