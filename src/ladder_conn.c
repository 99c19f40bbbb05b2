/* ladder_conn.c - the connection rows of a call's ladder: which steps of
 * the TCP connections a capture holds matter to the call, between which
 * machines, and how they are labelled (see struct ladder_conn). ladder.c
 * puts them among the arrows; the drawings only draw them.
 *
 * A connection matters when it carried one of the call's messages (its
 * addresses and ports are a record's local and remote ones: the capture's
 * own, a log's of the same connection, or the captured copy merged into a
 * log's record) or when a finding of the call cites one of its packets. Of
 * a carrying connection only the steps near the call are shown (a TLS
 * connection to Webex lives for hours and carries many calls); of a cited
 * one, all. The machines of its ends are those of the record that matched
 * it, else the capture point's and the machine seen with the address. */
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "view.h"
#include "wire_tls.h"

#define CONN_NEAR_MS 60000 /* a carrying connection's steps this near the call are shown */

/* A connection that matters, and the machines of its client and server. */
struct pick {
	uint32_t conn;
	int client, server;
	bool cited;
};

/* Returns 1 when record r was sent or received on connection c with its
 * local end the client, 2 with its local end the server, else 0. */
static int
carried(const struct wire_conn *c, const struct sip_msg *r)
{
	if (r == NULL || r->local_ip == NULL || r->remote_ip == NULL)
		return 0;
	if (r->local_port == c->client_port && r->remote_port == c->server_port &&
	    strcmp(r->local_ip, c->client_ip) == 0 && strcmp(r->remote_ip, c->server_ip) == 0)
		return 1;
	if (r->local_port == c->server_port && r->remote_port == c->client_port &&
	    strcmp(r->local_ip, c->server_ip) == 0 && strcmp(r->remote_ip, c->client_ip) == 0)
		return 2;
	return 0;
}

/* Returns true after setting p's machines from a record of call c that
 * connection p->conn carried (the record's own machines, as its arrow's). */
static bool
carrier(const struct model *m, const struct call *c, struct pick *p)
{
	const struct wire_conn *wc = &m->wire.conns[p->conn];
	for (size_t i = 0; i < c->narrows; i++)
		for (int k = 0; k < 2; k++) {
			int32_t ri = k == 0 ? (int32_t)c->arrows[i].msg : c->arrows[i].twin;
			if (ri < 0 || (size_t)ri >= m->nmsgs)
				continue;
			const struct sip_msg *s = &m->msgs[ri];
			int side = carried(wc, s);
			if (side == 0)
				side = carried(wc, model_wire_copy(m, (uint32_t)ri));
			if (side == 0)
				continue;
			int local = s->action == ACT_SENT ? s->from_mach : s->to_mach;
			int remote = s->action == ACT_SENT ? s->to_mach : s->from_mach;
			p->client = side == 1 ? local : remote;
			p->server = side == 1 ? remote : local;
			return true;
		}
	return false;
}

/* Returns the machine of connection c's client (side 0) or server (1) when
 * no record of the call names it: the capture point's, else the machine
 * seen with its address, or -1. */
static int
end_machine(const struct model *m, const struct wire_conn *c, int side)
{
	bool local = side == 0 ? c->client_local : !c->client_local;
	if (local && c->host < m->nhosts)
		return m->hosts[c->host].machine;
	return model_machine_at(m, side == 0 ? c->client_ip : c->server_ip);
}

/* Returns true when a finding of call ci (in d) cites a packet of
 * connection c. */
static bool
cited(const struct model *m, const struct diag_result *d, size_t ci, const struct wire_conn *c)
{
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, (long)ci, &idx) : 0;
	for (size_t k = 0; k < n; k++)
		if (diag_wire_cites(m, &d->f[idx[k]], c))
			return true;
	return false;
}

/* Returns the worst finding of call ci citing packet p of capture path
 * (index in d->f), or -1. */
static int32_t
citing(const struct diag_result *d, size_t ci, const char *path, uint32_t p)
{
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, (long)ci, &idx) : 0;
	int32_t best = -1;
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		for (size_t e = 0; e < f->nev; e++)
			if (f->ev[e].packet && f->ev[e].line == p && f->ev[e].file != NULL &&
			    strcmp(f->ev[e].file, path) == 0 &&
			    (best < 0 || f->severity > d->f[best].severity))
				best = (int32_t)idx[k];
	}
	return best;
}

/* Appends the label of a row of connection c starting at step st and
 * standing for count packets: "TCP SYN x3", "TLS ClientHello (SNI x)",
 * "TLS Certificate (3 certs: CN=x)", "TLS Alert fatal unknown_ca". */
static void
label(struct sbuf *b, const struct model *m, const struct wire_conn *c,
    const struct wire_step *st, uint32_t count)
{
	int side = st->from_server ? 1 : 0;
	switch (st->kind) {
	case WS_SYN: sbuf_puts(b, "TCP SYN"); break;
	case WS_SYNACK: sbuf_puts(b, "TCP SYN/ACK"); break;
	case WS_RST: sbuf_puts(b, "TCP RST"); break;
	case WS_FIN: sbuf_puts(b, "TCP FIN"); break;
	case WS_CLIENT_HELLO:
		sbuf_puts(b, "TLS ClientHello");
		if (c->sni != NULL && *c->sni) {
			sbuf_puts(b, " (SNI ");
			view_ascii(b, c->sni);
			sbuf_puts(b, ")");
		}
		break;
	case WS_SERVER_HELLO:
		sbuf_printf(b, "TLS ServerHello (%s)", wire_tls_version_name(st->detail));
		break;
	case WS_CERTIFICATE:
		sbuf_printf(b, "TLS Certificate (%u cert%s", st->detail, st->detail == 1 ? "" : "s");
		if (c->chain[side] >= 0 && (size_t)c->chain[side] < m->wire.ncerts &&
		    m->wire.certs[c->chain[side]].cn != NULL) {
			sbuf_puts(b, ": CN=");
			view_ascii(b, m->wire.certs[c->chain[side]].cn);
		}
		sbuf_puts(b, ")");
		break;
	case WS_CERT_REQUEST: sbuf_puts(b, "TLS CertificateRequest"); break;
	case WS_ALERT:
		sbuf_printf(b, "TLS Alert %s %s", st->detail >> 8 == 2 ? "fatal" : st->detail >> 8 == 1 ?
		    "warning" : "level?", wire_tls_alert_name(st->detail & 0xff));
		break;
	default: sbuf_puts(b, "TLS application data"); break;
	}
	if (count > 1)
		sbuf_printf(b, " x%u", count);
}

/* The rows being gathered. */
struct rows {
	struct ladder_conn *r;
	size_t n, cap;
};

/* Adds the rows of connection p of call c (index ci): its steps worth a row
 * (a run of SYNs as one; no ChangeCipherSpec; the first application data
 * only), all of them when cited, else those near the call. */
static void
conn_rows(struct rows *rs, const struct model *m, const struct diag_result *d,
    const struct call *c, const struct pick *p)
{
	const struct wire_conn *wc = &m->wire.conns[p->conn];
	size_t ci = (size_t)(c - m->calls);
	xw_time lo = c->narrows ? c->arrows[0].t - CONN_NEAR_MS : 0;
	xw_time hi = c->narrows ? c->arrows[c->narrows - 1].t + CONN_NEAR_MS : 0;
	bool appdata = false;
	for (uint32_t k = 0; k < wc->nsteps; k++) {
		uint32_t si = wc->step + k, count = 1;
		const struct wire_step *st = &m->wire.steps[si];
		int32_t f = citing(d, ci, m->files[wc->file].path, st->packet);
		while (st->kind == WS_SYN && k + 1 < wc->nsteps && st[count].kind == WS_SYN &&
		    st[count].from_server == st->from_server) {
			int32_t g = citing(d, ci, m->files[wc->file].path, st[count].packet);
			f = f < 0 || (g >= 0 && d->f[g].severity > d->f[f].severity) ? g : f;
			count++, k++;
		}
		xw_time t = model_step_ctime(m, wc, st);
		if (st->kind == WS_CHANGE_CIPHER || st->kind >= WS_KINDS ||
		    (st->kind == WS_APPDATA && appdata) || (!p->cited && (t < lo || t > hi)))
			continue;
		appdata |= st->kind == WS_APPDATA;
		struct sbuf b = {0};
		label(&b, m, wc, st, count);
		struct ladder_conn r = {p->conn, si, count, st->from_server ? p->server : p->client,
			st->from_server ? p->client : p->server, t, f, sbuf_take(&b)};
		VEC_PUSH(rs->r, rs->n, rs->cap, r);
	}
}

/* Orders rows by time, then by packet. */
static int
by_time(const void *a, const void *b)
{
	const struct ladder_conn *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->step < y->step ? -1 : x->step > y->step;
}

/* Returns the connection rows of call c (see ladder.h). */
struct ladder_conn *
ladder_conns(const struct model *m, const struct diag_result *d, const struct call *c,
    size_t *n)
{
	struct rows rs = {0};
	size_t ci = (size_t)(c - m->calls);
	for (uint32_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *wc = &m->wire.conns[i];
		struct pick p = {i, -1, -1, cited(m, d, ci, wc)};
		if (!carrier(m, c, &p) && p.cited) {
			p.client = end_machine(m, wc, 0);
			p.server = end_machine(m, wc, 1);
		}
		if (p.client < 0 || p.server < 0 || p.client == p.server)
			continue; /* neither carried nor cited, or an end no machine has */
		conn_rows(&rs, m, d, c, &p);
	}
	if (rs.n > 1)
		qsort(rs.r, rs.n, sizeof *rs.r, by_time);
	*n = rs.n;
	return rs.r;
}

/* Frees the rows and their labels. */
void
ladder_conns_free(struct ladder_conn *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].label);
	free(rows);
}
