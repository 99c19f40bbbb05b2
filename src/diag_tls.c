/* diag_tls.c - mutual TLS handshake failures between an Expressway and its
 * peer (Webex, the other Expressway). They belong to a connection: the host,
 * the peer's address and the service port; a call is named only when the
 * Expressway opened the connection while routing one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr.h"
#include "diag.h"
#include "xconf_lint.h"

#define TLS_BACK_MS  60000 /* connection lines looked at before the failure */
#define TLS_AHEAD_MS 2000  /* and after it */
#define SCAN_MAX     8192
#define MAX_EVIDENCE 24

/* What a TLS row adds to its signature. */
struct tls_arg {
	enum diag_phrase phrase; /* the failure's log text, which the Event, developer.ssl
	                          * and network.tcp lines of a failed handshake all quote */
	bool peer_first;      /* the peer refused the host: the summary names it first */
	const char *summary;  /* printf format of the summary, given the host's name and the
	                       * peer's label (peer first when peer_first), the service
	                       * port, then " (N connections)" or "" */
	const char *fix;
	/* Appends to fix what the host's dump d (may be NULL) shows, citing its
	 * lines in f; NULL when the dump has nothing to add. */
	void (*dump_note)(struct model *m, struct diag_finding *f, const struct diag_dump *d,
	    struct sbuf *fix);
};

/* One side of a connection and which way it was opened. */
struct tls_conn {
	char peer[64], local[64];
	unsigned peer_port, service_port, local_port;
	bool inbound;
};

/* Copies the ip (size bytes at most, else false) and port of the address
 * ingest read from a developer.ssl entry ("ssl.remote", "ssl.local"). */
static bool
ssl_addr(const struct log_event *e, const char *key, char *ip, size_t size, unsigned *port)
{
	char k[32], p[16];
	size_t n, pn;
	snprintf(k, sizeof k, "%s.ip", key);
	const char *v = model_event_value(e, k, &n);
	snprintf(k, sizeof k, "%s.port", key);
	const char *pv = model_event_value(e, k, &pn);
	if (v == NULL || pv == NULL || n >= size || pn >= sizeof p)
		return false;
	memcpy(ip, v, n);
	ip[n] = '\0';
	memcpy(p, pv, pn);
	p[pn] = '\0';
	*port = (unsigned)strtoul(p, NULL, 10);
	return true;
}

/* Fills c from an Event or network.tcp line (Src/Dst keys); host h tells
 * which side is its own. */
static bool
conn_of_kv(const struct model *m, const struct log_event *e, struct tls_conn *c)
{
	char src[64], dst[64], sp[16] = "", dp[16] = "";
	if (!diag_event_kv(e, "Src-ip", src, sizeof src) ||
	    !diag_event_kv(e, "Dst-ip", dst, sizeof dst))
		return false;
	diag_event_kv(e, "Src-port", sp, sizeof sp);
	diag_event_kv(e, "Dst-port", dp, sizeof dp);
	unsigned sport = (unsigned)strtoul(sp, NULL, 10), dport = (unsigned)strtoul(dp, NULL, 10);
	if (e->kind == EV_EVENT && e->name != NULL)
		c->inbound = strncasecmp(e->name, "Inbound", 7) == 0;
	else if (corr_host_has(m, (int)e->host, src))
		c->inbound = false;
	else
		c->inbound = corr_host_has(m, (int)e->host, dst) || dport < sport;
	snprintf(c->peer, sizeof c->peer, "%s", c->inbound ? src : dst);
	snprintf(c->local, sizeof c->local, "%s", c->inbound ? dst : src);
	c->peer_port = c->inbound ? sport : dport;
	c->local_port = c->inbound ? dport : sport;
	c->service_port = dport;
	return true;
}

/* Fills c from a line about the connection; false when it names none. */
static bool
conn_of(const struct model *m, const struct log_event *e, struct tls_conn *c)
{
	memset(c, 0, sizeof *c);
	if (e->kind == EV_EVENT || e->kind == EV_TCP)
		return conn_of_kv(m, e, c);
	if (e->kind != EV_SSL)
		return false;
	if (!ssl_addr(e, "ssl.remote", c->peer, sizeof c->peer, &c->peer_port) ||
	    !ssl_addr(e, "ssl.local", c->local, sizeof c->local, &c->local_port))
		return false;
	size_t n;
	c->inbound = model_event_value(e, "ssl.server", &n) != NULL;
	c->service_port = c->inbound ? c->local_port : c->peer_port;
	return true;
}

/* Returns true when two lines are about the very same connection. */
static bool
same_conn(const struct tls_conn *a, const struct tls_conn *b)
{
	return strcmp(a->peer, b->peer) == 0 && a->peer_port == b->peer_port;
}

/* Adds the lines about the same connection around the failure e: its TCP
 * connecting, established and closed lines, and the TLS errors. */
static void
conn_lines(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct log_event *e, const struct tls_conn *c)
{
	int h = (int)e->host;
	for (size_t k = diag_events_from(m, ctx, h, e->ctime - TLS_BACK_MS), n = 0;
	    k < ctx->nhev[h] && n < SCAN_MAX && f->nev < MAX_EVIDENCE; k++, n++) {
		const struct log_event *o = &m->events[ctx->hev[h][k]];
		struct tls_conn oc;
		if (o->ctime > e->ctime + TLS_AHEAD_MS)
			break;
		if ((o->kind != EV_TCP && o->kind != EV_SSL && o->kind != EV_EVENT) ||
		    !conn_of(m, o, &oc) || !same_conn(&oc, c))
			continue;
		if (o->kind == EV_EVENT && !strcasestr(o->name ? o->name : "", "TLS"))
			continue;
		diag_event_evidence(m, f, o);
	}
}

/* Appends which of the two causes of tls-identity-unacceptable the dump
 * shows, citing its lines. */
static void
identity_note(struct model *m, struct diag_finding *f, const struct diag_dump *d,
    struct sbuf *fix)
{
	if (d == NULL)
		return;
	const struct xconf_issue *sub = xconf_lint_issue(d, XCONF_LINT_TLS_SUBJECT_NAME);
	const struct xconf_issue *inb = xconf_lint_issue(d, XCONF_LINT_INBOUND_CLASSIFICATION_OFF);
	if (sub == NULL && inb == NULL) {
		sbuf_printf(fix, " The configuration %s has both right: compare the subject name "
		    "with the names of the peer's certificate (developer.ssl at DEBUG logs them).",
		    d->name);
		return;
	}
	const struct xconf_issue *v[2] = {sub, inb};
	for (int i = 0; i < 2; i++) {
		if (v[i] == NULL)
			continue;
		sbuf_printf(fix, " The configuration %s shows cause (%d): %s", d->name, i + 1,
		    v[i]->summary);
		for (size_t k = 0; k < v[i]->nlines; k++)
			diag_dump_evidence(m, f, d, v[i]->lines[k]);
	}
}

/* Writes the summary of the failures of count connections with peer (a
 * label or a list of them) into sum, in the words of row a. */
static void
tls_summary(const struct model *m, const struct tls_arg *a, int h, const struct tls_conn *c,
    const char *peer, size_t count, char *sum, size_t size)
{
	const char *host = m->hosts[h].name;
	char n[48] = "";
	if (count > 1)
		snprintf(n, sizeof n, " (%zu connections)", count);
	snprintf(sum, size, a->summary, a->peer_first ? peer : host, a->peer_first ? host : peer,
	    c->service_port, n);
}

/* A finding being filled: the failed connections of one host on one service
 * port, one direction, and one call (or none). */
struct tls_group {
	const char *key;   /* pooled "port|inbound|call" */
	int host;
	size_t f;          /* index in r->f */
	size_t count;      /* connections that failed */
	char peers[256];   /* peer addresses, ", "-joined */
	bool webex;        /* the peers are Webex */
	const char *last;  /* pooled "ip:port" of the last connection counted */
};

/* Adds the peer label to the group's list unless it is there already. */
static void
group_peer(struct tls_group *g, const char *label)
{
	size_t n = strlen(label), len = strlen(g->peers);
	if (n == 0)
		return; /* strstr finds "" everywhere: the scan below would never advance */
	for (const char *p = g->peers; (p = strstr(p, label)) != NULL; p += n)
		if ((p == g->peers || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
	if (len + n + 3 < sizeof g->peers)
		snprintf(g->peers + len, sizeof g->peers - len, "%s%s", len ? ", " : "", label);
}

/* Returns nothing; ties the connection of failure line e (c) to a call in
 * *t: a connection the host opened, by diag_tie_conn from its TCP
 * Connecting line; one the peer opened (Webex proving who it is) to none. */
static void
tie_tls(struct model *m, const struct diag_ctx *ctx, const struct log_event *e,
    const struct tls_conn *c, struct diag_tie *t)
{
	struct diag_conn dc = {.lport = c->local_port, .rport = c->peer_port,
		.inbound = c->inbound};
	snprintf(dc.lip, sizeof dc.lip, "%s", c->local);
	snprintf(dc.rip, sizeof dc.rip, "%s", c->peer);
	int h = (int)e->host;
	const struct log_event *o = c->inbound ? NULL : diag_conn_opened(m, ctx, h, &dc, e->ctime,
	    TLS_BACK_MS);
	diag_tie_conn(m, ctx, h, &dc, o ? o->ctime : XW_TIME_NONE, e->ctime, t);
}

/* Adds a new finding for the failure line e of connection c (call window w
 * or NULL); returns its index in r->f. */
static size_t
add_tls(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, const struct log_event *e, const struct tls_conn *c,
    const struct diag_window *w)
{
	const struct tls_arg *a = sig->arg;
	int h = (int)e->host;
	struct diag_finding *f = diag_add_conn(m, r, sig, h, c->peer, c->peer_port, w,
	    w ? w->call : -1);
	struct sbuf fix = {0};
	sbuf_puts(&fix, a->fix);
	if (a->dump_note != NULL)
		a->dump_note(m, f, diag_dump_for(m, ctx, h, true), &fix);
	f->fix = strpool_str(m->pool, fix.s);
	sbuf_free(&fix);
	return r->n - 1;
}

/* Adds a failure line to its group: a connection not seen yet counts, joins
 * the summary and brings its own lines. */
static void
grow_group(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, struct tls_group *g, const struct log_event *e,
    const struct tls_conn *c)
{
	struct diag_finding *f = &r->f[g->f];
	char p[128];
	snprintf(p, sizeof p, "%s:%u", c->peer, c->peer_port);
	const char *pp = strpool_str(m->pool, p);
	if (pp != g->last) {
		char label[300], sum[1024];
		g->last = pp;
		g->count++;
		g->webex = g->webex || c->service_port == 5062 || diag_addr_is(m, c->peer, MACH_WEBEX);
		group_peer(g, c->peer);
		snprintf(label, sizeof label, "%s%s%s", g->webex ? "Webex (" : "", g->peers,
		    g->webex ? ")" : "");
		tls_summary(m, sig->arg, f->host, c, label, g->count, sum, sizeof sum);
		if (f->severity == DIAG_WARNING)
			snprintf(sum + strlen(sum), sizeof sum - strlen(sum), "; the call still went "
			    "through another address");
		f->summary = strpool_str(m->pool, sum);
		conn_lines(m, ctx, f, e, c);
	}
	if (f->nev < MAX_EVIDENCE)
		diag_event_evidence(m, f, e);
}

/* Adds a finding per host, port and call for the TLS failure of sig. */
static void
check_tls(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	enum diag_phrase phrase = ((const struct tls_arg *)sig->arg)->phrase;
	size_t first = r->n;
	struct tls_group *gs = NULL;
	size_t ng = 0, gcap = 0;
	for (size_t i = 0; i < m->nevents; i++) {
		const struct log_event *e = &m->events[i];
		struct tls_conn c;
		if ((e->kind != EV_EVENT && e->kind != EV_TCP && e->kind != EV_SSL) ||
		    !diag_event_phrase(m, ctx, (uint32_t)i, phrase) ||
		    !conn_of(m, e, &c))
			continue;
		int h = (int)e->host;
		struct diag_tie t;
		tie_tls(m, ctx, e, &c, &t);
		const struct diag_window *w = t.w;
		char key[64];
		snprintf(key, sizeof key, "%u|%d|%d", c.service_port, c.inbound, w ? w->call : -1);
		const char *pk = strpool_str(m->pool, key);
		size_t g = 0;
		while (g < ng && (gs[g].host != h || gs[g].key != pk))
			g++; /* pooled strings: equal pointers are equal keys */
		if (g == ng) {
			struct tls_group ng1 = {pk, h, add_tls(sig, m, r, ctx, e, &c, w), 0, "", false,
			    NULL};
			VEC_PUSH(gs, ng, gcap, ng1);
		}
		grow_group(sig, m, r, ctx, &gs[g], e, &c);
		diag_tie_note(m, &r->f[gs[g].f], &t);
	}
	free(gs);
	diag_wire_proof(sig, m, r, vctx, first, ((const struct tls_arg *)sig->arg)->fix);
}

/* This file's signatures, in the order their findings are made. */
static const struct diag_sig rows[] = {
	{
		.id = "tls-untrusted-ca",
		.severity = DIAG_ERROR,
		.marker = 'A',
		.check = check_tls,
		.explain = "TLS error \"self signed certificate in certificate chain\": the "
		    "Expressway does not trust the CA that signed the peer's (Webex's) certificate.",
		.arg = &(const struct tls_arg){
			.phrase = DP_UNTRUSTED_CA,
			.summary = "%s rejected the certificate of %s in the TLS handshake on port "
			    "%u (\"self signed certificate in certificate chain\"): it does not "
			    "trust the CA that signed it%s",
			.fix = "Make the Expressway-E trust the CAs that sign Webex's "
			    "certificates: Applications > Cloud Certificate Management > Get "
			    "certificates adds them to the trusted CA list (Maintenance > Security "
			    "> Trusted CA certificate), where they can also be appended by hand.",
		},
	},
	{
		.id = "tls-identity-unacceptable",
		.severity = DIAG_ERROR,
		.marker = 'I',
		.check = check_tls,
		.explain = "TLS error \"Peer's TLS certificate identity was unacceptable\": wrong "
		    "TLS verify subject name, or TLS verify inbound mapping Off, on the Webex zone.",
		.arg = &(const struct tls_arg){
			.phrase = DP_IDENTITY_UNACCEPTABLE,
			.summary = "%s refused %s in the TLS handshake on port %u: \"Peer's TLS "
			    "certificate identity was unacceptable\"%s",
			.fix = "Two settings of the Webex DNS zone on the Expressway-E give this: "
			    "(1) TLS verify subject name must be callservice.ciscospark.com (or "
			    "callservice.webex.com) exactly, as it is looked for among the names "
			    "of the certificate Webex presents; (2) TLS verify inbound mapping "
			    "(InboundClassification) must be On so that the connection is mapped "
			    "to that zone. On X12.5 and later the Webex zone type sets both "
			    "(Configuration > Zones > Zones).",
			.dump_note = identity_note,
		},
	},
	{
		.id = "tls-cert-unknown",
		.severity = DIAG_ERROR,
		.marker = 'K',
		.check = check_tls,
		.explain = "TLS alert \"certificate unknown\": the peer (Webex) rejected this "
		    "Expressway's certificate (untrusted CA, missing chain, or an older certificate "
		    "in Control Hub).",
		.arg = &(const struct tls_arg){
			.phrase = DP_CERT_UNKNOWN,
			.peer_first = true,
			.summary = "%s rejected the certificate of %s in the TLS handshake on port "
			    "%u (\"sslv3 alert certificate unknown\")%s",
			.fix = "Webex did not accept the Expressway-E's certificate. Either it is "
			    "not signed by a CA Webex trusts (the default self-signed certificate, "
			    "an internal CA): have a public CA from Webex's list sign it, or "
			    "upload it with its CA to Control Hub; or the Expressway-E sends it "
			    "without its chain: append the intermediate and root CAs to its "
			    "trusted CA list so that it sends them; or Control Hub still holds an "
			    "older certificate, which takes precedence: remove it (Services > "
			    "Hybrid Call > Settings > Certificates for Encrypted SIP Calls).",
		},
	},
	{
		.id = "tls-remote-disconnect",
		.severity = DIAG_ERROR,
		.marker = 'F',
		.check = check_tls,
		.explain = "The TLS handshake was torn down without a TLS alert, usually by a "
		    "firewall inspecting the traffic.",
		.arg = &(const struct tls_arg){
			.phrase = DP_REMOTE_DISCONNECT,
			.summary = "the TLS handshake between %s and %s on port %u was cut without "
			    "a TLS alert (\"No SSL error available, probably remote disconnect\")%s",
			.fix = "Nothing in TLS refused the handshake: a device on the path, "
			    "usually a firewall inspecting SIP or TLS at the application layer, "
			    "tore the connection down. Have the security team turn that inspection "
			    "off for the Expressway-E's traffic with Webex.",
		},
	},
};

const struct diag_group diag_tls_group = {rows, sizeof rows / sizeof rows[0]};
