/* diag_wire.c - what packet captures and certificate files prove: the
 * guide's Wireshark steps made findings. A TCP connection the capture point
 * never got an answer to, or one refused with a reset; a TLS handshake torn
 * down by a reset from the peer's side with no alert (a firewall), or
 * refused for the Expressway's certificate (sent without its chain,
 * self-signed, or right yet refused: Control Hub); certificates past or
 * near their end. And the proof a capture adds to the TLS findings of the
 * logs (diag_wire_proof, called by diag_tls.c's check).
 *
 * The Expressway's side of a connection is the capture point's (struct
 * wire_conn's client_local). Times are the capture's, on its host's log
 * clock once correlated; a certificate is judged against the time the
 * capture saw it, or, read from a file, the newest time of the evidence,
 * never the clock of the machine xwtrace runs on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "wire_tls.h"
#include "xconf_lint.h"

#define MAX_EVIDENCE 24
#define SYN_WAIT_MS 3000        /* a lone SYN this long before the capture ends went unanswered */
#define EXPIRING_DAYS 30
#define DAY_MS 86400000LL
#define ALERT_UNKNOWN_CA 48
#define ALERT_CERT_UNKNOWN 46

/* Connections. */

/* Returns the side (0 the client, 1 the server) of the capture point. */
static int
local_side(const struct wire_conn *c)
{
	return c->client_local ? 0 : 1;
}

/* Returns the first step of c of kind sent by side (-1: either), at or
 * before packet upto (0: any), or NULL. */
static const struct wire_step *
find_step(const struct model *m, const struct wire_conn *c, int kind, int side, uint32_t upto)
{
	for (uint32_t i = 0; i < c->nsteps; i++) {
		const struct wire_step *s = &m->wire.steps[c->step + i];
		if (upto && s->packet > upto)
			break;
		if (s->kind == kind && (side < 0 || s->from_server == (side == 1)))
			return s;
	}
	return NULL;
}

/* Returns the number of steps of c of kind sent by side, and the last in *last. */
static size_t
count_steps(const struct model *m, const struct wire_conn *c, int kind, int side,
    const struct wire_step **last)
{
	size_t n = 0;
	for (uint32_t i = 0; i < c->nsteps; i++) {
		const struct wire_step *s = &m->wire.steps[c->step + i];
		if (s->kind == kind && s->from_server == (side == 1)) {
			n++;
			*last = s;
		}
	}
	return n;
}

/* Returns buf holding a packet's summary: "TLS Alert (fatal, unknown_ca)
 * 172.16.2.2:5062 -> 146.20.193.73:58531". */
static char *
step_text(const struct wire_conn *c, const struct wire_step *st, char *buf, size_t size)
{
	char what[96];
	wire_step_label(st, what, sizeof what);
	bool srv = st->from_server;
	snprintf(buf, size, "%s %s:%u -> %s:%u", what, srv ? c->server_ip : c->client_ip,
	    srv ? c->server_port : c->client_port, srv ? c->client_ip : c->server_ip,
	    srv ? c->client_port : c->server_port);
	return buf;
}

/* Returns nothing; adds a step's packet to f's evidence. */
static void
step_evidence(struct model *m, struct diag_finding *f, const struct wire_conn *c,
    const struct wire_step *st)
{
	char buf[256];
	if (st != NULL && f->nev < MAX_EVIDENCE)
		diag_packet_evidence(m, f, m->files[c->file].path, st->packet,
		    step_text(c, st, buf, sizeof buf));
}

/* Returns nothing; adds the Certificate packet side of c sent and each of
 * its certificates to f's evidence. */
static void
chain_evidence(struct model *m, struct diag_finding *f, const struct wire_conn *c, int side)
{
	step_evidence(m, f, c, find_step(m, c, WS_CERTIFICATE, side, 0));
	for (uint8_t i = 0; c->chain[side] >= 0 && i < c->nchain[side]; i++)
		diag_cert_evidence(m, f, (uint32_t)c->chain[side] + i);
}

/* Returns true when the text names a Webex host. */
static bool
webex_name(const char *s)
{
	return s != NULL && (strcasestr(s, "ciscospark.com") != NULL ||
	    strcasestr(s, "webex.com") != NULL || strcasestr(s, "wbx2.com") != NULL);
}

/* Returns true when c's other end is Webex: a Webex machine, the mutual TLS
 * port, or a certificate or server name of Webex's. */
static bool
webex_peer(const struct model *m, const struct wire_conn *c)
{
	int r = 1 - local_side(c);
	const char *ip = r ? c->server_ip : c->client_ip;
	if (diag_addr_is(m, ip, MACH_WEBEX) || c->server_port == 5062 ||
	    (r == 1 && webex_name(c->sni)))
		return true;
	return c->chain[r] >= 0 && webex_name(m->wire.certs[c->chain[r]].cn);
}

/* Returns buf holding a label for c's other end: "Webex (146.20.193.73)". */
static char *
peer_label(const struct model *m, const struct wire_conn *c, char *buf, size_t size)
{
	const char *ip = local_side(c) ? c->client_ip : c->server_ip;
	if (webex_peer(m, c))
		snprintf(buf, size, "Webex (%s)", ip);
	else
		diag_addr_label(m, ip, buf, size);
	return buf;
}

/* Returns the host name of c's capture point. */
static const char *
host_name(const struct model *m, const struct wire_conn *c)
{
	return c->host < m->nhosts ? m->hosts[c->host].name : "the capture point";
}

/* Returns the time of step st on the reference clock. */
static xw_time
step_ctime(const struct model *m, const struct wire_conn *c, const struct wire_step *st)
{
	return model_step_ctime(m, c, st);
}

/* Findings of connections, one per host, port, direction and call. */

struct cgroup {
	const char *key;      /* pooled */
	size_t f;             /* index in r->f */
	size_t count;
	char peers[256];
};

struct cgroups {
	struct cgroup *g;
	size_t n, cap;
};

/* Returns the finding for connection c in the groups of one row (sig),
 * new when c is the first of its host, service port, direction and call
 * (the call the Expressway was routing when it opened it); *first tells
 * that it is new, *count how many connections it holds with c. */
static struct diag_finding *
conn_finding(struct model *m, struct diag_result *r, const struct diag_sig *sig,
    const struct diag_ctx *ctx, struct cgroups *gs, const struct wire_conn *c, bool *first,
    size_t *count)
{
	const struct wire_step *s0 = c->nsteps ? &m->wire.steps[c->step] : NULL;
	const struct diag_window *w = c->client_local && s0 != NULL && c->host < m->nhosts ?
	    diag_window_at(m, ctx, (int)c->host, step_ctime(m, c, s0)) : NULL;
	char key[64];
	snprintf(key, sizeof key, "%u|%u|%d|%d", c->host, c->server_port, c->client_local,
	    w ? w->call : -1);
	const char *pk = strpool_str(m->pool, key);
	size_t g = 0;
	while (g < gs->n && gs->g[g].key != pk)
		g++;
	*first = g == gs->n;
	if (*first) {
		const char *ip = c->client_local ? c->server_ip : c->client_ip;
		unsigned port = c->client_local ? c->server_port : c->client_port;
		diag_add_conn(m, r, sig, (int)c->host, ip, port, w, w ? w->call : -1);
		struct cgroup ng = {pk, r->n - 1, 0, ""};
		VEC_PUSH(gs->g, gs->n, gs->cap, ng);
	}
	struct cgroup *gr = &gs->g[g];
	char label[128];
	peer_label(m, c, label, sizeof label);
	size_t len = strlen(gr->peers);
	if (strstr(gr->peers, label) == NULL && len + strlen(label) + 3 < sizeof gr->peers)
		snprintf(gr->peers + len, sizeof gr->peers - len, "%s%s", len ? ", " : "", label);
	*count = ++gr->count;
	return &r->f[gr->f];
}

/* Returns the peers named by the group of finding f (", "-joined). */
static const char *
group_peers(const struct cgroups *gs, const struct diag_result *r, const struct diag_finding *f)
{
	for (size_t g = 0; g < gs->n; g++)
		if (&r->f[gs->g[g].f] == f)
			return gs->g[g].peers;
	return "";
}

/* Returns nothing; sets f's summary from fmt (printf, given the arguments
 * that follow) and, for more than one connection, their number. */
static void
set_summary(struct model *m, struct diag_finding *f, size_t count, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
set_summary(struct model *m, struct diag_finding *f, size_t count, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (count > 1)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " (%zu connections)", count);
	f->summary = strpool_str(m->pool, buf);
}

/* Returns what a capture shows of the connection dc (see diag.h). */
enum diag_wire_seen
diag_wire_conn_evidence(struct model *m, struct diag_finding *f, const struct diag_conn *dc)
{
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		bool out = !dc->inbound && c->client_port == dc->lport && c->server_port == dc->rport &&
		    strcmp(c->client_ip, dc->lip) == 0 && strcmp(c->server_ip, dc->rip) == 0;
		bool in = dc->inbound && c->client_port == dc->rport && c->server_port == dc->lport &&
		    strcmp(c->client_ip, dc->rip) == 0 && strcmp(c->server_ip, dc->lip) == 0;
		if (!out && !in)
			continue;
		for (uint32_t k = 0; k < c->nsteps; k++) {
			const struct wire_step *st = &m->wire.steps[c->step + k];
			if (st->kind == WS_SYN || st->kind == WS_SYNACK || st->kind == WS_RST)
				step_evidence(m, f, c, st);
		}
		if (find_step(m, c, WS_SYNACK, 1, 0) != NULL)
			return DIAG_WIRE_ANSWERED;
		return find_step(m, c, WS_RST, 1, 0) != NULL ? DIAG_WIRE_REFUSED : DIAG_WIRE_UNANSWERED;
	}
	return DIAG_WIRE_NONE;
}

/* Returns the fix of a refused outbound connection (see diag.h). */
const char *
diag_wire_refused_fix(void)
{
	return "The peer's address and port refuse connections: check that they are its SIP "
	    "TLS service (the SRV lookup the zone does) and that no device on the path rejects "
	    "the connection in its name.";
}

bool
diag_wire_cites(const struct model *m, const struct diag_finding *f, const struct wire_conn *c)
{
	const char *path = m->files[c->file].path;
	for (size_t e = 0; e < f->nev; e++) {
		const struct diag_evidence *ev = &f->ev[e];
		if (!ev->packet || ev->file == NULL || (ev->file != path && strcmp(ev->file, path) != 0))
			continue;
		for (uint32_t k = 0; k < c->nsteps; k++)
			if (m->wire.steps[c->step + k].packet == ev->line)
				return true;
	}
	return false;
}

/* Returns true when a finding of a call already cites a packet of c (the
 * capture's proof of a failure its log told): c is not made a finding of
 * its own again. */
static bool
claimed(const struct model *m, const struct diag_result *r, const struct wire_conn *c)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].call >= 0 && diag_wire_cites(m, &r->f[i], c))
			return true;
	return false;
}

/* Returns the time of the last packet of capture file fi that the model
 * holds (its connections' and messages'). */
static xw_time
capture_end(const struct model *m, uint32_t fi)
{
	xw_time end = XW_TIME_NONE;
	for (size_t i = 0; i < m->wire.nconns; i++)
		if (m->wire.conns[i].file == fi && m->wire.conns[i].last > end)
			end = m->wire.conns[i].last;
	for (size_t i = 0; i < m->nmsgs; i++)
		if (m->msgs[i].file == fi && m->msgs[i].time > end)
			end = m->msgs[i].time;
	return end;
}

/* TCP. */

/* Adds a finding per host and port for connections whose SYNs got no
 * answer at all: retransmitted, or sent long enough before the capture
 * ended. */
static void
check_syn_unanswered(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	struct cgroups gs = {0};
	xw_time *end = xcalloc(m->nfiles + 1, sizeof *end);
	for (size_t i = 0; i < m->nfiles; i++)
		end[i] = XW_TIME_NONE;
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		const struct wire_step *last = NULL;
		size_t nsyn = count_steps(m, c, WS_SYN, 0, &last);
		if (nsyn == 0 || c->packets[1] > 0 || claimed(m, r, c))
			continue; /* the server sent something (SYN/ACK or a reset), or a call's
			           * finding holds it */
		if (end[c->file] == XW_TIME_NONE)
			end[c->file] = capture_end(m, c->file);
		if (nsyn < 2 && end[c->file] - last->time < SYN_WAIT_MS)
			continue; /* the capture ended before an answer was due */
		bool first;
		size_t count;
		struct diag_finding *f = conn_finding(m, r, sig, vctx, &gs, c, &first, &count);
		for (uint32_t k = 0; k < c->nsteps; k++)
			if (m->wire.steps[c->step + k].kind == WS_SYN)
				step_evidence(m, f, c, &m->wire.steps[c->step + k]);
		const char *peers = group_peers(&gs, r, f);
		if (c->client_local)
			set_summary(m, f, count, "%s could not connect to %s on port %u: %zu SYN%s "
			    "(%zu retransmitted) and no answer", host_name(m, c), peers, c->server_port,
			    nsyn, nsyn == 1 ? "" : "s", nsyn - 1);
		else
			set_summary(m, f, count, "the SYNs of %s to %s port %u reached the capture "
			    "but got no answer: %zu SYN%s (%zu retransmitted), no SYN/ACK, no reset", peers,
			    host_name(m, c), c->server_port, nsyn, nsyn == 1 ? "" : "s", nsyn - 1);
		if (first)
			f->fix = strpool_str(m->pool, c->client_local ?
			    "Nothing answers the connection from the Expressway's side: a firewall, IPS or "
			    "NAT on the path does not let it out, or routes it wrong (the peer's servers "
			    "answer other customers). Give this capture to the network administrators; a "
			    "capture on the firewall's outside interface shows where the SYNs stop." :
			    "The SYNs reach the interface captured, and nothing answers them. If this is "
			    "the Expressway-E's own capture, its firewall rules drop them (System > "
			    "Protection > Firewall rules > Configuration), or its answer leaves by another "
			    "interface (two NICs: check its static routes); if it was taken on a "
			    "firewall, the firewall's ACL, NAT or routing stops them before the "
			    "Expressway. The Hybrid Call connectivity test in Control Hub tests the port "
			    "from Webex's side.");
	}
	free(end);
	free(gs.g);
}

/* Adds a finding per host and port for connections whose SYN was answered
 * with a reset: nothing listens there. */
static void
check_reset_not_listening(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	struct cgroups gs = {0};
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		const struct wire_step *syn = find_step(m, c, WS_SYN, 0, 0);
		const struct wire_step *rst = find_step(m, c, WS_RST, 1, 0);
		if (syn == NULL || rst == NULL || find_step(m, c, WS_SYNACK, 1, 0) != NULL ||
		    claimed(m, r, c)) /* a call's tcp-connect-failed already says it */
			continue;
		bool first;
		size_t count;
		struct diag_finding *f = conn_finding(m, r, sig, ctx, &gs, c, &first, &count);
		step_evidence(m, f, c, syn);
		step_evidence(m, f, c, rst);
		const char *peers = group_peers(&gs, r, f);
		if (c->client_local)
			set_summary(m, f, count, "%s refused the connection from %s to port %u with a "
			    "reset: nothing listens there", peers, host_name(m, c), c->server_port);
		else
			set_summary(m, f, count, "%s answered the SYN of %s to port %u with a reset: the "
			    "SYN arrived (no firewall stopped it) and nothing listens on %u",
			    host_name(m, c), peers, c->server_port, c->server_port);
		if (!first)
			continue;
		struct sbuf fix = {0};
		if (c->client_local) {
			sbuf_puts(&fix, diag_wire_refused_fix());
		} else {
			sbuf_puts(&fix, "This is the Expressway, not a firewall: make it listen for mutual "
			    "TLS (Configuration > Protocols > SIP: Mutual TLS mode On, Mutual TLS port "
			    "5062), and check that its own firewall rules do not reject the port (System "
			    "> Protection > Firewall rules > Configuration). netstat -an | grep ':5062' as "
			    "root, or Maintenance > Tools > Port usage > Local inbound ports, must show it "
			    "listening on the outside address.");
			const struct diag_dump *d = diag_dump_for(m, ctx, (int)c->host, true);
			const struct xconf_issue *is = d ? xconf_lint_issue(d, XCONF_LINT_MTLS_OFF) : NULL;
			if (is != NULL) {
				sbuf_printf(&fix, " The configuration %s shows it: %s", d->name, is->summary);
				for (size_t k = 0; k < is->nlines; k++)
					diag_dump_evidence(m, f, d, is->lines[k]);
			}
		}
		f->fix = strpool_str(m->pool, fix.s);
		sbuf_free(&fix);
	}
	free(gs.g);
}

/* TLS. */

/* What a chain of certificates is. */
enum chain_state {
	CHAIN_NONE,           /* none sent (or none readable) */
	CHAIN_SELF_SIGNED,    /* a self-signed or default leaf */
	CHAIN_INCOMPLETE,     /* a certificate whose issuer is not in it, or no root */
	CHAIN_COMPLETE,       /* every issuer up to a root that signed itself */
};

/* Returns the state of the n certificates from first of m->wire.certs. */
static enum chain_state
chain_state(const struct model *m, int32_t first, uint8_t n)
{
	if (first < 0 || n == 0)
		return CHAIN_NONE;
	const struct wire_cert *c = &m->wire.certs[first];
	if (c[0].self_signed || c[0].temporary)
		return CHAIN_SELF_SIGNED;
	bool root = false;
	for (uint8_t i = 0; i < n; i++) {
		bool found = c[i].self_signed;
		root = root || c[i].self_signed;
		for (uint8_t k = 0; !found && k < n; k++)
			found = k != i && strcmp(c[i].issuer, c[k].subject) == 0;
		if (!found)
			return CHAIN_INCOMPLETE;
	}
	return root ? CHAIN_COMPLETE : CHAIN_INCOMPLETE;
}

/* Returns the step by which c's other end refused the handshake: a
 * cleartext alert, or a reset before any application data; NULL when it
 * did not. */
static const struct wire_step *
refusal(const struct model *m, const struct wire_conn *c)
{
	int r = 1 - local_side(c);
	const struct wire_step *a = find_step(m, c, WS_ALERT, r, 0);
	if (a != NULL)
		return a;
	const struct wire_step *x = find_step(m, c, WS_RST, r, 0);
	return x != NULL && find_step(m, c, WS_APPDATA, 0, x->packet) == NULL ? x : NULL;
}

/* Returns buf holding ", and Webex (1.2.3.4) answered TLS Alert (...) "
 * for a refusal step, or "" for none. */
static char *
refusal_text(const struct model *m, const struct wire_conn *c, const struct wire_step *ref,
    char *buf, size_t size)
{
	char who[128], what[96];
	buf[0] = '\0';
	if (ref != NULL)
		snprintf(buf, size, "; %s answered with %s (packet %u)", peer_label(m, c, who,
		    sizeof who), wire_step_label(ref, what, sizeof what), ref->packet);
	return buf;
}

/* Returns the most common domain of the From and To URIs of host h's
 * messages (any host's when h < 0), Webex's and addresses left out: the
 * domain the calls use; NULL when there is none. */
static const char *
calls_domain(struct model *m, int h)
{
	const char *best = NULL;
	size_t bestn = 0, cap = 0, n = 0;
	struct { const char *d; size_t k; } *v = NULL;
	for (size_t i = 0; i < m->nmsgs; i++) {
		if (h >= 0 && m->msgs[i].host != (uint32_t)h)
			continue;
		const char *u[2] = {m->msgs[i].sip->from_uri, m->msgs[i].sip->to_uri};
		for (int k = 0; k < 2; k++) {
			char buf[256];
			diag_uri_host(u[k], buf, sizeof buf);
			if (!strchr(buf, '.') || strspn(buf, "0123456789.") == strlen(buf) ||
			    strchr(buf, ':') || diag_webex_host(buf))
				continue;
			const char *p = strpool_str(m->pool, buf);
			size_t j = 0;
			while (j < n && v[j].d != p)
				j++;
			if (j == n) {
				xgrow(&v, &cap, n + 1, sizeof *v);
				v[n].d = p, v[n].k = 0, n++;
			}
			if (++v[j].k > bestn)
				best = p, bestn = v[j].k;
		}
	}
	free(v);
	return best;
}

/* Returns true when name is dom, under dom, or a wildcard for it. */
static bool
name_holds(const char *name, size_t len, const char *dom)
{
	size_t dl = strlen(dom);
	if (len >= 2 && name[0] == '*' && name[1] == '.')
		name += 2, len -= 2;
	return (len == dl && strncasecmp(name, dom, dl) == 0) ||
	    (len > dl && name[len - dl - 1] == '.' && strncasecmp(name + len - dl, dom, dl) == 0);
}

/* Returns true when a name of certificate c (its common name or a DNS
 * name) holds domain dom. */
static bool
cert_holds(const struct wire_cert *c, const char *dom)
{
	if (c->cn != NULL && name_holds(c->cn, strlen(c->cn), dom))
		return true;
	for (const char *p = c->sans; p != NULL && *p;) {
		size_t k = strcspn(p, ",");
		if (name_holds(p, k, dom))
			return true;
		p += k;
		p += strspn(p, ", ");
	}
	return false;
}

/* Returns true when certificate c's DNS names hold exactly name. */
static bool
has_dns_name(const struct wire_cert *c, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = c->sans; p != NULL && *p;) {
		size_t k = strcspn(p, ",");
		if (k == nl && strncasecmp(p, name, nl) == 0)
			return true;
		p += k;
		p += strspn(p, ", ");
	}
	return false;
}

/* Adds a finding per host and port for handshakes the peer's side tore
 * down with a reset, no alert on either side, before the handshake ended. */
static void
check_firewall_reset(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	struct cgroups gs = {0};
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		int ls = local_side(c);
		const struct wire_step *rst = find_step(m, c, WS_RST, 1 - ls, 0);
		if (!c->tls || rst == NULL || find_step(m, c, WS_ALERT, -1, rst->packet) != NULL ||
		    find_step(m, c, WS_APPDATA, 0, rst->packet) != NULL)
			continue;
		bool first;
		size_t count;
		struct diag_finding *f = conn_finding(m, r, sig, vctx, &gs, c, &first, &count);
		const struct wire_step *cert = find_step(m, c, WS_CERTIFICATE, ls, rst->packet);
		step_evidence(m, f, c, find_step(m, c, WS_CLIENT_HELLO, 0, 0));
		if (cert != NULL)
			chain_evidence(m, f, c, ls);
		step_evidence(m, f, c, rst);
		set_summary(m, f, count, "a TCP reset from the address of %s (packet %u) tore down "
		    "the TLS handshake with %s on port %u%s; no TLS alert on either side",
		    group_peers(&gs, r, f), rst->packet, host_name(m, c), c->server_port,
		    cert ? ", right after the Expressway's certificate" : "");
		if (first)
			f->fix = strpool_str(m->pool, "Nothing in TLS refused the handshake: without an "
			    "alert, a reset from the peer's direction is a device on the path, usually a "
			    "firewall inspecting SIP or TLS at the application layer (a capture on the "
			    "firewall's outside interface shows no such reset from the peer). Have the "
			    "security team turn that inspection off for the Expressway-E's traffic (the "
			    "Expressway deployment guide, Appendix 4, says why).");
	}
	free(gs.g);
}

/* Returns nothing; makes f an error when a connection it holds was refused,
 * a warning when none was (a first connection sets it). */
static void
refused_severity(struct diag_finding *f, bool first, const struct wire_step *ref)
{
	if (ref != NULL)
		f->severity = DIAG_ERROR;
	else if (first)
		f->severity = DIAG_WARNING;
}

/* Returns the certificate of the PEM files whose subject is name, other
 * than self, or -1. */
static long
pem_issuer(const struct model *m, const char *name, size_t self)
{
	for (size_t i = 0; i < m->wire.ncerts; i++)
		if (!m->wire.certs[i].packet && i != self && strcmp(m->wire.certs[i].subject, name) == 0)
			return (long)i;
	return -1;
}

/* Returns true when a PEM file of the model holds CA certificates only (a
 * trusted CA list); *file is one of them. */
static bool
pem_trust_list(const struct model *m, const char **file)
{
	for (size_t i = 0; i < m->wire.ncerts; i++) {
		const struct wire_cert *c = &m->wire.certs[i];
		if (c->packet || c->pos != 0)
			continue;
		bool all = true;
		for (size_t k = i; k < m->wire.ncerts && k < i + c->count; k++)
			all = all && m->wire.certs[k].ca;
		if (all) {
			*file = c->file;
			return true;
		}
	}
	return false;
}

/* Returns the finding of row sig made by its check from first on for host
 * h (any host when h < 0), or NULL: certificate files add their proof to
 * it rather than make one more. */
static struct diag_finding *
made(struct diag_result *r, const struct diag_sig *sig, size_t first)
{
	for (size_t i = first; i < r->n; i++)
		if (r->f[i].id == sig->id)
			return &r->f[i];
	return NULL;
}

/* Returns nothing; for each server certificate of the PEM files (a leaf,
 * the first of its file) whose chain the trusted CA lists loaded cannot
 * complete, adds the proof to the row's finding or makes one. */
static void
pem_chains(const struct diag_sig *sig, struct model *m, struct diag_result *r, size_t first)
{
	const char *list;
	if (!pem_trust_list(m, &list))
		return;
	for (size_t i = 0; i < m->wire.ncerts; i++) {
		const struct wire_cert *leaf = &m->wire.certs[i];
		if (leaf->packet || leaf->pos != 0 || leaf->ca || leaf->self_signed || leaf->temporary)
			continue;
		const struct wire_cert *cur = leaf;
		long k = 0;
		for (int depth = 0; depth < 8 && !cur->self_signed; depth++) {
			if ((k = pem_issuer(m, cur->issuer, (size_t)(cur - m->wire.certs))) < 0)
				break;
			cur = &m->wire.certs[k];
		}
		if (k >= 0)
			continue;
		char sum[1024];
		snprintf(sum, sizeof sum, "the server certificate in %s (%s) was issued by %s, which "
		    "the trusted CA list (%s) lacks: the Expressway sends its certificate without "
		    "that chain", leaf->file, leaf->subject, cur->issuer, list);
		struct diag_finding *f = made(r, sig, first);
		if (f == NULL) {
			f = diag_add(m, r, sig, -1, -1, -1, sum, "");
			f->config = leaf->file;
		} else { /* a capture showed it: the files say why */
			char *more = xasprintf("%s The files say why: %s.", f->fix, sum);
			f->fix = strpool_str(m->pool, more);
			free(more);
		}
		diag_cert_evidence(m, f, (uint32_t)i);
		for (size_t c = 0; c < m->wire.ncerts && f->nev < MAX_EVIDENCE; c++)
			if (!m->wire.certs[c].packet && m->wire.certs[c].file == list)
				diag_cert_evidence(m, f, (uint32_t)c);
		if (*f->fix == '\0')
			f->fix = strpool_str(m->pool, "Append the intermediate and root CAs that signed "
			    "the Expressway-E's certificate to its trusted CA list (Maintenance > "
			    "Security > Trusted CA certificate > Append CA certificate, each of them): "
			    "it sends the chain it can build from that list, and Webex needs the whole "
			    "chain to trust a certificate signed by a public CA.");
	}
}

/* Adds a finding per host and port for handshakes in which the Expressway
 * sent its certificate without the chain up to its root (guide Issue 3),
 * and one for a server certificate file the trusted CA list cannot chain. */
static void
check_chain_incomplete(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	struct cgroups gs = {0};
	size_t first_f = r->n;
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		int ls = local_side(c);
		if (chain_state(m, c->chain[ls], c->nchain[ls]) != CHAIN_INCOMPLETE)
			continue;
		const struct wire_step *ref = refusal(m, c);
		bool first;
		size_t count;
		struct diag_finding *f = conn_finding(m, r, sig, vctx, &gs, c, &first, &count);
		refused_severity(f, first, ref);
		chain_evidence(m, f, c, ls);
		step_evidence(m, f, c, ref);
		const struct wire_cert *leaf = &m->wire.certs[c->chain[ls]];
		char why[256];
		set_summary(m, f, count, "%s sent its certificate to %s on port %u without the chain "
		    "up to its root: %u certificate%s, the first %s, issued by %s%s", host_name(m, c),
		    group_peers(&gs, r, f), c->server_port, c->nchain[ls], c->nchain[ls] == 1 ? "" : "s",
		    leaf->subject, leaf->issuer, refusal_text(m, c, ref, why, sizeof why));
		if (first)
			f->fix = strpool_str(m->pool, "The Expressway-E sends only the certificates its "
			    "trusted CA list lets it chain: upload the intermediate and root CAs that "
			    "signed its certificate there (Maintenance > Security > Trusted CA "
			    "certificate: Choose File, Append CA certificate, for each of them); the next "
			    "handshake carries the full chain.");
	}
	pem_chains(sig, m, r, first_f);
	free(gs.g);
}

/* Returns a sentence on why certificate c cannot identify the Expressway
 * to Webex (self-signed, the default one, or without dom), or NULL. */
static const char *
identity_fault(const struct wire_cert *c, const char *dom, char *buf, size_t size)
{
	if (c->temporary)
		snprintf(buf, size, "the Expressway's default certificate (\"Temporary "
		    "Certificate\", self-signed)");
	else if (c->self_signed)
		snprintf(buf, size, "a self-signed certificate");
	else if (dom != NULL && !cert_holds(c, dom))
		snprintf(buf, size, "a certificate whose names do not hold %s, the domain its calls "
		    "use", dom);
	else
		return NULL;
	return buf;
}

static const char self_signed_fix[] = "Webex trusts an Expressway-E certificate signed by a "
    "public CA from its list, or one uploaded to Control Hub, whose names hold a verified "
    "domain. Generate a CSR (Maintenance > Security > Server certificate) with the verified "
    "domain among the additional alternative names, have a public CA sign it (or an internal "
    "CA, whose certificate and the Expressway-E's are then uploaded to Control Hub: Services > "
    "Hybrid Call > Settings > Certificates for Encrypted SIP Calls), upload it as the server "
    "certificate, append its CAs to the trusted CA list, and restart.";

/* Adds a finding per host and port for handshakes in which the Expressway
 * presented a self-signed or default certificate, or one whose names lack
 * the domain of its calls (guide Issue 7); and one for such a server
 * certificate file. */
static void
check_self_signed(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	struct cgroups gs = {0};
	size_t first_f = r->n;
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		int ls = local_side(c);
		char what[160], why[256];
		if (c->chain[ls] < 0 || identity_fault(&m->wire.certs[c->chain[ls]],
		    calls_domain(m, (int)c->host), what, sizeof what) == NULL)
			continue;
		const struct wire_step *ref = refusal(m, c);
		bool first;
		size_t count;
		struct diag_finding *f = conn_finding(m, r, sig, vctx, &gs, c, &first, &count);
		refused_severity(f, first, ref);
		chain_evidence(m, f, c, ls);
		step_evidence(m, f, c, ref);
		set_summary(m, f, count, "%s presented %s to %s on port %u: %s%s", host_name(m, c),
		    what, group_peers(&gs, r, f), c->server_port, m->wire.certs[c->chain[ls]].subject,
		    refusal_text(m, c, ref, why, sizeof why));
		if (first)
			f->fix = strpool_str(m->pool, self_signed_fix);
	}
	const char *dom = calls_domain(m, -1);
	for (size_t i = 0; i < m->wire.ncerts; i++) {
		const struct wire_cert *c = &m->wire.certs[i];
		char what[160], sum[1024];
		if (c->packet || c->pos != 0 || c->ca || identity_fault(c, dom, what, sizeof what) == NULL)
			continue;
		struct diag_finding *f = made(r, sig, first_f);
		snprintf(sum, sizeof sum, "the server certificate in %s is %s: %s", c->file, what,
		    c->subject);
		if (f == NULL) {
			f = diag_add(m, r, sig, -1, -1, -1, sum, self_signed_fix);
			f->config = c->file;
		}
		diag_cert_evidence(m, f, (uint32_t)i);
	}
	free(gs.g);
}

/* Adds a finding per host and port for handshakes Webex refused although
 * the Expressway sent a complete chain that it did not sign itself: Control
 * Hub holds another certificate, which takes precedence (guide Issue 5). */
static void
check_controlhub(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	struct cgroups gs = {0};
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		int ls = local_side(c);
		const struct wire_step *a = find_step(m, c, WS_ALERT, 1 - ls, 0);
		unsigned d = a != NULL ? a->detail & 0xff : 0;
		if (a == NULL || (d != 42 && d != 43 && d != ALERT_CERT_UNKNOWN && d != ALERT_UNKNOWN_CA &&
		    d != 49) || !webex_peer(m, c) ||
		    chain_state(m, c->chain[ls], c->nchain[ls]) != CHAIN_COMPLETE)
			continue;
		const struct wire_cert *leaf = &m->wire.certs[c->chain[ls]];
		if (leaf->not_after < leaf->time || leaf->not_before > leaf->time)
			continue; /* out of date: cert-expired says why */
		bool first;
		size_t count;
		struct diag_finding *f = conn_finding(m, r, sig, vctx, &gs, c, &first, &count);
		chain_evidence(m, f, c, ls);
		step_evidence(m, f, c, a);
		const struct wire_cert *root = &m->wire.certs[c->chain[ls] + c->nchain[ls] - 1];
		char what[96];
		set_summary(m, f, count, "%s refused the certificate of %s on port %u with %s (packet "
		    "%u) although it came with its full chain: %s, issued by %s, up to %s",
		    group_peers(&gs, r, f), host_name(m, c), c->server_port,
		    wire_step_label(a, what, sizeof what), a->packet, leaf->subject, leaf->issuer,
		    root->subject);
		if (first)
			f->fix = strpool_str(m->pool, "The Expressway-E's certificate and chain are "
			    "right, so Webex checks another one: a certificate uploaded to Control Hub "
			    "takes precedence over what the Expressway presents. Once sure the customer no "
			    "longer uses them, remove the certificates listed in Control Hub (Services > "
			    "Hybrid Call > Settings > Call Service Connect: Certificates for Encrypted SIP "
			    "Calls, the trash can icon, Remove). If none is listed, the CA that signed it "
			    "is not one Webex trusts: have one from Webex's list sign it.");
	}
	free(gs.g);
}

/* Certificates past or near their end. */

/* What a cert-* row looks for. */
struct cert_arg {
	bool expired;         /* out of its validity; else within EXPIRING_DAYS of its end */
};

/* Returns the newest time of the evidence (messages, entries, packets):
 * what a certificate read from a file is judged against; XW_TIME_NONE when
 * there is none. */
static xw_time
newest_time(const struct model *m)
{
	xw_time t = XW_TIME_NONE;
	for (size_t i = 0; i < m->nmsgs; i++)
		t = m->msgs[i].time > t ? m->msgs[i].time : t;
	for (size_t i = 0; i < m->nevents; i++)
		t = m->events[i].time > t ? m->events[i].time : t;
	for (size_t i = 0; i < m->wire.nconns; i++)
		t = m->wire.conns[i].last > t ? m->wire.conns[i].last : t;
	return t;
}

/* Returns buf holding who showed certificate c: "172.16.2.2 sent to Webex
 * (146.20.193.73)", "Webex (...) sent to 172.16.2.2", "the file x.pem holds". */
static char *
cert_owner(const struct model *m, const struct wire_cert *c, char *buf, size_t size)
{
	char peer[128];
	if (c->conn < 0) {
		snprintf(buf, size, "%s holds", c->file);
		return buf;
	}
	const struct wire_conn *k = &m->wire.conns[c->conn];
	bool local = c->from_server == (local_side(k) == 1);
	peer_label(m, k, peer, sizeof peer);
	snprintf(buf, size, "%s sent to %s", local ? host_name(m, k) : peer,
	    local ? peer : host_name(m, k));
	return buf;
}

/* Returns nothing; says what finding f about certificate c concerns: the
 * connection that carried it (its peer), or the file that holds it. */
static void
concerns(struct model *m, struct diag_finding *f, const struct wire_cert *c)
{
	if (c->conn < 0) {
		f->config = c->file;
		return;
	}
	const struct wire_conn *k = &m->wire.conns[c->conn];
	char peer[128];
	snprintf(peer, sizeof peer, "%s:%u", k->client_local ? k->server_ip : k->client_ip,
	    k->client_local ? k->server_port : k->client_port);
	f->peer = strpool_str(m->pool, peer);
}

/* Returns the fix for a certificate out of date, by whose it is. */
static const char *
cert_fix(const struct model *m, const struct wire_cert *c, bool expired)
{
	bool own = c->conn < 0 ? !c->ca : c->from_server == (local_side(&m->wire.conns[c->conn]) == 1);
	if (own && !c->ca)
		return expired ? "Renew the Expressway's certificate: generate a CSR (Maintenance > "
		    "Security > Server certificate), have the CA sign it, upload it and restart; "
		    "upload it to Control Hub too if the old one is there." :
		    "Renew the Expressway's certificate before that day: generate a CSR (Maintenance > "
		    "Security > Server certificate), have the CA sign it, upload it and restart.";
	if (c->ca)
		return "Replace the CA certificate with its current one: append the new one to the "
		    "trusted CA list (Maintenance > Security > Trusted CA certificate) and delete the "
		    "old one (for Webex's CAs, Applications > Cloud Certificate Management > Get "
		    "certificates fetches them).";
	return "Check the Expressway's clock first (System > Time: NTP servers reachable and "
	    "synchronized): a wrong clock makes a valid certificate look out of date. If the clock "
	    "is right, the peer must renew its certificate (for Webex's, contact Cisco TAC).";
}

/* Adds a finding per certificate (the same one seen in several places is
 * one) out of its validity (arg expired) or within EXPIRING_DAYS of its end,
 * judged at the time a capture saw it, or for a file at the newest time of
 * the evidence. */
static void
check_cert_dates(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	bool expired = ((const struct cert_arg *)sig->arg)->expired;
	xw_time newest = newest_time(m);
	uint64_t *seen = NULL;
	size_t *fi = NULL, n = 0, cap = 0, fcap = 0;
	for (size_t i = 0; i < m->wire.ncerts; i++) {
		const struct wire_cert *c = &m->wire.certs[i];
		xw_time at = c->packet ? c->time : newest;
		if (at == XW_TIME_NONE || c->not_after == XW_TIME_NONE)
			continue;
		bool out = c->not_after < at || (c->not_before != XW_TIME_NONE && c->not_before > at);
		if (expired != out || (!expired && c->not_after - at >= EXPIRING_DAYS * DAY_MS))
			continue;
		size_t k = 0;
		while (k < n && seen[k] != c->digest)
			k++;
		if (k < n) {
			if (r->f[fi[k]].nev < MAX_EVIDENCE)
				diag_cert_evidence(m, &r->f[fi[k]], (uint32_t)i);
			continue;
		}
		char when[32], who[300], sum[1024];
		model_time_iso(c->not_before > at ? c->not_before : c->not_after, when, sizeof when);
		when[10] = '\0';
		long long days = (long long)(((c->not_after > at ? c->not_after - at : at - c->not_after) +
		    DAY_MS / 2) / DAY_MS);
		snprintf(sum, sizeof sum, "the certificate %s (serial %s, issued by %s) that %s %s %s, "
		    "%lld day%s %s %s", c->subject, c->serial ? c->serial : "?", c->issuer,
		    cert_owner(m, c, who, sizeof who), !out ? "expires on" : c->not_before > at ?
		    "is not valid before" : "expired on", when, days, days == 1 ? "" : "s",
		    c->not_after > at ? "after" : "before", c->packet ? "the capture saw it" :
		    "the newest evidence");
		int host = c->conn >= 0 ? (int)m->wire.conns[c->conn].host : -1;
		struct diag_finding *f = diag_add(m, r, sig, -1, -1, host, sum, cert_fix(m, c, out));
		concerns(m, f, c);
		diag_cert_evidence(m, f, (uint32_t)i);
		xgrow(&seen, &cap, n + 1, sizeof *seen);
		xgrow(&fi, &fcap, n + 1, sizeof *fi);
		seen[n] = c->digest;
		fi[n++] = r->n - 1;
	}
	free(seen);
	free(fi);
	(void)vctx;
}

/* The proof a capture adds to the TLS findings of the logs (diag_tls.c). */

/* Returns true when c's capture point sent the alert unknown_ca. */
static bool
holds_untrusted(const struct model *m, const struct wire_conn *c)
{
	const struct wire_step *a = find_step(m, c, WS_ALERT, local_side(c), 0);
	return a != NULL && (a->detail & 0xff) == ALERT_UNKNOWN_CA;
}

/* Returns true when c's capture point reset the connection, with no alert,
 * once both sides had finished the handshake and the peer had sent its
 * certificate: it refused the identity of the peer. */
static bool
holds_identity(const struct model *m, const struct wire_conn *c)
{
	int ls = local_side(c);
	const struct wire_step *rst = find_step(m, c, WS_RST, ls, 0);
	return rst != NULL && c->chain[1 - ls] >= 0 && find_step(m, c, WS_ALERT, -1, rst->packet) == NULL &&
	    find_step(m, c, WS_CHANGE_CIPHER, 0, rst->packet) != NULL &&
	    find_step(m, c, WS_CHANGE_CIPHER, 1, rst->packet) != NULL;
}

/* Returns true when c's peer sent the alert certificate_unknown. */
static bool
holds_cert_unknown(const struct model *m, const struct wire_conn *c)
{
	const struct wire_step *a = find_step(m, c, WS_ALERT, 1 - local_side(c), 0);
	return a != NULL && (a->detail & 0xff) == ALERT_CERT_UNKNOWN;
}

/* Returns true when a reset from c's peer tore the TLS handshake down with
 * no alert (a firewall). */
static bool
holds_disconnect(const struct model *m, const struct wire_conn *c)
{
	const struct wire_step *rst = find_step(m, c, WS_RST, 1 - local_side(c), 0);
	return c->tls && rst != NULL && find_step(m, c, WS_ALERT, -1, rst->packet) == NULL &&
	    find_step(m, c, WS_APPDATA, 0, rst->packet) == NULL;
}

/* Returns buf holding "CN=a, issued by CN=b, up to CN=c" for the chain
 * side of c sent. */
static char *
chain_words(const struct model *m, const struct wire_conn *c, int side, char *buf, size_t size)
{
	const struct wire_cert *a = &m->wire.certs[c->chain[side]];
	const struct wire_cert *z = a + c->nchain[side] - 1;
	snprintf(buf, size, "%u certificate%s: %s, issued by %s%s%s", c->nchain[side],
	    c->nchain[side] == 1 ? "" : "s", a->subject, a->issuer, z != a ? ", up to " : "",
	    z != a ? z->subject : "");
	return buf;
}

/* Adds the proof of tls-untrusted-ca on c to f. */
static void
prove_untrusted(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct wire_conn *c, struct sbuf *fix)
{
	int ls = local_side(c);
	const struct wire_step *a = find_step(m, c, WS_ALERT, ls, 0);
	char who[128], ch[1024];
	chain_evidence(m, f, c, 1 - ls);
	step_evidence(m, f, c, a);
	if (c->chain[1 - ls] >= 0)
		sbuf_printf(fix, " The capture shows it: %s answered the chain %s presented (%s) with "
		    "the alert unknown_ca (packet %u); the CAs of that chain are the ones to trust.",
		    host_name(m, c), peer_label(m, c, who, sizeof who),
		    chain_words(m, c, 1 - ls, ch, sizeof ch), a->packet);
	(void)ctx;
}

/* Adds the proof of tls-identity-unacceptable on c to f: the names of the
 * peer's certificate, and the name the Webex zone asks for. */
static void
prove_identity(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct wire_conn *c, struct sbuf *fix)
{
	int ls = local_side(c);
	const struct wire_step *rst = find_step(m, c, WS_RST, ls, 0);
	const struct wire_cert *leaf = &m->wire.certs[c->chain[1 - ls]];
	char who[128];
	chain_evidence(m, f, c, 1 - ls);
	step_evidence(m, f, c, rst);
	bool cs = has_dns_name(leaf, "callservice.ciscospark.com");
	sbuf_printf(fix, " The capture shows the handshake completing and %s resetting the "
	    "connection (packet %u): %s presented %s with %u DNS names, callservice.ciscospark.com "
	    "%s.", host_name(m, c), rst->packet, peer_label(m, c, who, sizeof who), leaf->subject,
	    leaf->nsans, cs ? "among them" : "not among them (the certificate lacks the name, not "
	    "the configuration)");
	const struct diag_dump *d = diag_dump_for(m, ctx, (int)c->host, true);
	const struct xconf_zone *z = d != NULL ? xconf_webex_zone(d->x) : NULL;
	if (z != NULL && z->tls_subject_name.s != NULL) {
		sbuf_printf(fix, " The Webex zone asks for \"%s\", which the certificate %s.",
		    z->tls_subject_name.s, has_dns_name(leaf, z->tls_subject_name.s) ?
		    "holds" : "does not hold");
		diag_dump_evidence(m, f, d, z->tls_subject_name.line);
	}
}

/* Adds the proof of tls-cert-unknown on c to f: which of the guide's three
 * causes the Expressway's chain shows. */
static void
prove_cert_unknown(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct wire_conn *c, struct sbuf *fix)
{
	int ls = local_side(c);
	static const char *const cause[] = {
		[CHAIN_NONE] = "no certificate of the Expressway is seen in it",
		[CHAIN_SELF_SIGNED] = "the Expressway presented a self-signed or default certificate "
		    "(see tls-self-signed-cert)",
		[CHAIN_INCOMPLETE] = "the Expressway sent its certificate without its chain (see "
		    "tls-chain-incomplete)",
		[CHAIN_COMPLETE] = "the Expressway sent a full chain, so Control Hub holds another "
		    "certificate (see tls-controlhub-cert)",
	};
	chain_evidence(m, f, c, ls);
	step_evidence(m, f, c, find_step(m, c, WS_ALERT, 1 - ls, 0));
	sbuf_printf(fix, " The capture tells which: %s.",
	    cause[chain_state(m, c->chain[ls], c->nchain[ls])]);
	(void)ctx;
}

/* Adds the proof of tls-remote-disconnect on c to f: the reset and its side. */
static void
prove_disconnect(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct wire_conn *c, struct sbuf *fix)
{
	int ls = local_side(c);
	const struct wire_step *rst = find_step(m, c, WS_RST, 1 - ls, 0);
	char who[128];
	chain_evidence(m, f, c, ls);
	step_evidence(m, f, c, rst);
	sbuf_printf(fix, " The capture shows the TCP reset coming from the address of %s (packet "
	    "%u) with no TLS alert (see tls-firewall-reset).", peer_label(m, c, who, sizeof who),
	    rst->packet);
	(void)ctx;
}

/* What a capture proves of a diag_tls.c row. */
struct proof {
	const char *id;
	bool (*holds)(const struct model *m, const struct wire_conn *c);
	void (*prove)(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
	    const struct wire_conn *c, struct sbuf *fix);
	/* the summary of a finding the capture alone makes (printf: the host, the
	 * peers, the port), or NULL when the capture makes none: another row of
	 * this file names the cause */
	const char *alone;
};

static const struct proof proofs[] = {
	{"tls-untrusted-ca", holds_untrusted, prove_untrusted,
	    "%s rejected the certificate of %s in the TLS handshake on port %u with the alert "
	    "unknown_ca: it does not trust the CA that signed it"},
	{"tls-identity-unacceptable", holds_identity, prove_identity,
	    "%s reset the connection of %s on port %u right after a complete mutual TLS "
	    "handshake, with no alert: it did not accept the identity of the certificate"},
	{"tls-cert-unknown", holds_cert_unknown, prove_cert_unknown, NULL},
	{"tls-remote-disconnect", holds_disconnect, prove_disconnect, NULL},
};

/* Returns the finding of r->f[first ..] (this row's) that connection c
 * belongs to: the one of its host naming its peer, else the first of its
 * host; NULL when none. */
static struct diag_finding *
log_finding(const struct model *m, struct diag_result *r, size_t first, const struct wire_conn *c)
{
	char peer[128];
	snprintf(peer, sizeof peer, "%s:%u", c->client_local ? c->server_ip : c->client_ip,
	    c->client_local ? c->server_port : c->client_port);
	struct diag_finding *any = NULL;
	for (size_t i = first; i < r->n; i++) {
		struct diag_finding *f = &r->f[i];
		if (f->host != (int)c->host)
			continue;
		if (f->peer != NULL && strcmp(f->peer, peer) == 0)
			return f;
		if (any == NULL)
			any = f;
	}
	(void)m;
	return any;
}

/* Returns nothing; appends the sentence in s (a proof's) to f's fix. */
static void
add_to_fix(struct model *m, struct diag_finding *f, const struct sbuf *s)
{
	if (s->len == 0 || strstr(f->fix, s->s + 1) != NULL)
		return; /* the same words for another connection of the finding */
	char *both = xasprintf("%s%s", f->fix, s->s);
	f->fix = strpool_str(m->pool, both);
	free(both);
}

void
diag_wire_proof(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *ctx,
    size_t first, const char *fix)
{
	const struct proof *p = NULL;
	for (size_t i = 0; i < sizeof proofs / sizeof proofs[0]; i++)
		if (strcmp(proofs[i].id, sig->id) == 0)
			p = &proofs[i];
	size_t logs = r->n;
	struct cgroups gs = {0};
	for (size_t i = 0; p != NULL && i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		if (!p->holds(m, c))
			continue;
		struct diag_finding *f = log_finding(m, r, first, c);
		bool fresh = false;
		size_t count = 0;
		if (f == NULL || (size_t)(f - r->f) >= logs) {
			if (p->alone == NULL)
				continue;
			f = conn_finding(m, r, sig, ctx, &gs, c, &fresh, &count);
			set_summary(m, f, count, p->alone, host_name(m, c), group_peers(&gs, r, f),
			    c->server_port);
			if (fresh)
				f->fix = strpool_str(m->pool, fix != NULL ? fix : "");
		}
		struct sbuf s = {0};
		p->prove(m, ctx, f, c, &s);
		add_to_fix(m, f, &s);
		sbuf_free(&s);
	}
	free(gs.g);
}

/* This file's signatures, in the order their findings are made. */
static const struct diag_sig rows[] = {
	{
		.id = "tcp-syn-unanswered",
		.severity = DIAG_ERROR,
		.marker = 'Y',
		.check = check_syn_unanswered,
		.explain = "A capture shows SYNs to a SIP port retransmitted with no answer: port "
		    "5062 blocked on the way in or out (a firewall's ACL, NAT or routing), or "
		    "dropped by the Expressway itself.",
	},
	{
		.id = "tcp-reset-not-listening",
		.severity = DIAG_ERROR,
		.marker = 'X',
		.check = check_reset_not_listening,
		.explain = "A capture shows a SYN to a SIP port answered with a TCP reset: the SYN "
		    "arrived, so no firewall blocked it, and nothing listens there (on the "
		    "Expressway-E: Mutual TLS mode Off, or another port).",
	},
	{
		.id = "tls-firewall-reset",
		.severity = DIAG_ERROR,
		.marker = 'W',
		.check = check_firewall_reset,
		.explain = "A capture shows a TLS handshake torn down by a TCP reset from the peer's "
		    "address with no TLS alert on either side: a firewall inspecting the traffic.",
	},
	{
		.id = "tls-chain-incomplete",
		.severity = DIAG_ERROR,
		.marker = 'H',
		.check = check_chain_incomplete,
		.explain = "The Expressway sends its certificate without the chain up to its root "
		    "(its Certificate message in a capture, or its server certificate file against "
		    "its trusted CA list): Webex answers certificate unknown. A warning when the "
		    "peer accepted it.",
	},
	{
		.id = "tls-self-signed-cert",
		.severity = DIAG_ERROR,
		.marker = 'G',
		.check = check_self_signed,
		.explain = "The Expressway presents a self-signed certificate (its default "
		    "\"Temporary Certificate\" or another), or one whose names lack the domain its "
		    "calls use: Webex answers certificate unknown. A warning when the peer accepted "
		    "it.",
	},
	{
		.id = "tls-controlhub-cert",
		.severity = DIAG_ERROR,
		.marker = 'U',
		.check = check_controlhub,
		.explain = "Webex refuses the Expressway's certificate although it came with its full "
		    "chain from a CA: Control Hub holds another certificate, which takes precedence.",
	},
	{
		.id = "cert-expired",
		.severity = DIAG_ERROR,
		.marker = 'E',
		.check = check_cert_dates,
		.explain = "A certificate seen in a TLS handshake or a certificate file is out of its "
		    "validity at the time the capture saw it (a file's: the newest time of the "
		    "evidence).",
		.arg = &(const struct cert_arg){.expired = true},
	},
	{
		.id = "cert-expiring",
		.severity = DIAG_WARNING,
		.marker = 'V',
		.check = check_cert_dates,
		.explain = "A certificate seen in a TLS handshake or a certificate file ends within 30 "
		    "days of the time the capture saw it (a file's: the newest time of the evidence).",
		.arg = &(const struct cert_arg){.expired = false},
	},
};

const struct diag_group diag_wire_group = {rows, sizeof rows / sizeof rows[0]};
