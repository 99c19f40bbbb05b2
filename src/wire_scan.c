/* wire_scan.c - one packet capture read into the model: SIP messages from
 * UDP datagrams and TCP streams, what the TCP connections on SIP ports did,
 * their TLS handshakes and certificates, and the capture point (see
 * wire_scan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "log_format.h"
#include "log_scan.h"
#include "wire.h"
#include "wire_scan.h"
#include "wire_tls.h"

#define MAX_SYN_STEPS 8      /* SYNs of one connection kept as steps */
#define MAX_ALERT_STEPS 2    /* cleartext alerts of one side kept as steps */
#define MAX_LOCAL 8          /* addresses of one capture point */
#define PROBLEMS_EACH 5      /* problems of one kind reported one by one; the rest counted */

/* What a direction of a followed connection carries. */
enum { D_UNKNOWN, D_SIP, D_TLS, D_OTHER };

/* One direction of a followed TCP connection. */
struct dir {
	struct wire_tcp tcp;
	uint8_t mode;
	bool fin;
	struct sbuf buf;             /* SIP bytes not yet a whole message */
	struct wire_span *spans;     /* where buf's bytes are, in order */
	size_t nspans, spancap;
	struct wire_tls tls;
};

/* A followed TCP connection. */
struct flow {
	uint8_t family;
	uint8_t c[16], s[16];        /* client and server */
	uint16_t cp, sp;
	uint32_t ca, sa;             /* their entries in the scan's addresses */
	uint32_t conn;               /* index in m->wire.conns */
	struct dir d[2];             /* [0] from the client, [1] from the server */
	struct wire_step *steps;
	size_t nsteps, stepcap;
	uint32_t seen;               /* bit kind * 2 + side: a step of that kind and side kept */
	uint8_t nsyn, nalert[2];
	bool rst, freed;             /* reset; its stream state given back */
};

/* An address the capture saw, for working out the capture point. */
struct addr {
	uint8_t family, a[16];
	const char *text;            /* pooled */
	long told;                   /* packets a Linux cooked capture says it sent or received */
	long agent;                  /* its SIP agents: + an Expressway's, - Unified CM's, Webex's */
	bool local;
};

/* Flows or messages between two addresses. */
struct pair {
	uint32_t a, b;
	uint64_t weight;
};

/* A map of 64-bit keys to indices (stored + 1: 0 is an empty place). */
struct u64map {
	uint64_t *key;
	uint32_t *val;
	size_t n, cap;
};

/* Counts of what could not be read, reported at the end. */
enum { P_UNLOCATED, P_FRAGS, P_LOST, P_CUT, P_CERT, P_TAIL, P_KINDS };

struct wire_scan {
	struct log_scan sc;
	struct model *m;
	uint32_t fi;
	size_t first_msg;            /* the file's first record in m->msgs */
	size_t first_conn;
	struct flow *flows;
	size_t nflows, flowcap;
	uint32_t *tab;               /* flows by their ends (index + 1, 0 empty) */
	size_t tabcap;
	uint8_t ports[8192];         /* a bit per port followed */
	struct addr *addrs;
	size_t naddrs, addrcap;
	struct u64map addr_ix;       /* hash of an address -> its entry */
	struct u64map text_ix;       /* pooled text pointer -> its entry */
	struct pair *pairs;
	size_t npairs, paircap;
	struct u64map pair_ix;
	struct u64map cert_ix;       /* DER hash -> a certificate of m->wire.certs */
	struct wire_frags frags;
	uint32_t packet;             /* the frame being read (0 once all are): it completes */
	int64_t packet_us;           /* the messages its bytes end, as a packet list shows them */
	size_t count[P_KINDS];
	uint32_t first_packet[P_KINDS];
};

/* Maps. */

/* Returns the value place of key k in t (0 when k is not there yet),
 * making room first when add. */
static uint32_t *
u64map_at(struct u64map *t, uint64_t k, bool add)
{
	if (add && t->n * 2 >= t->cap) {
		struct u64map g = {xcalloc(t->cap ? t->cap * 2 : 256, sizeof *g.key),
		    xcalloc(t->cap ? t->cap * 2 : 256, sizeof *g.val), t->n, t->cap ? t->cap * 2 : 256};
		for (size_t i = 0; i < t->cap; i++) {
			if (t->val[i] == 0)
				continue;
			size_t j = (size_t)(t->key[i] * 0x9e3779b97f4a7c15ULL >> 20) & (g.cap - 1);
			while (g.val[j] != 0)
				j = (j + 1) & (g.cap - 1);
			g.key[j] = t->key[i], g.val[j] = t->val[i];
		}
		free(t->key);
		free(t->val);
		*t = g;
	}
	if (t->cap == 0)
		return NULL;
	size_t j = (size_t)(k * 0x9e3779b97f4a7c15ULL >> 20) & (t->cap - 1);
	while (t->val[j] != 0 && t->key[j] != k)
		j = (j + 1) & (t->cap - 1);
	if (t->val[j] == 0 && add) {
		t->key[j] = k;
		t->n++;
	}
	return t->val[j] != 0 || add ? &t->val[j] : NULL;
}

/* Frees what t holds. */
static void
u64map_free(struct u64map *t)
{
	free(t->key);
	free(t->val);
}

/* Ports. */

/* Returns true when TCP port p is followed. */
static bool
port_on(const struct wire_scan *ws, uint16_t p)
{
	return ws->ports[p >> 3] & (1u << (p & 7));
}

/* Returns nothing; follows port p from now on. */
static void
port_add(struct wire_scan *ws, uint16_t p)
{
	ws->ports[p >> 3] |= (uint8_t)(1u << (p & 7));
}

/* Addresses. */

/* Returns the entry of address a (family 4 or 6), added when new. */
static uint32_t
addr_of(struct wire_scan *ws, uint8_t family, const uint8_t *a)
{
	uint64_t k = xhash(a, family == 4 ? 4 : 16) ^ family;
	uint32_t *v = u64map_at(&ws->addr_ix, k, true);
	for (uint32_t i = *v; i != 0;) { /* a hash shared by two addresses: look on */
		struct addr *x = &ws->addrs[i - 1];
		if (x->family == family && memcmp(x->a, a, family == 4 ? 4 : 16) == 0)
			return i - 1;
		k = k * 31 + 7;
		v = u64map_at(&ws->addr_ix, k, true);
		i = *v;
	}
	struct addr x = {.family = family};
	memcpy(x.a, a, family == 4 ? 4 : 16);
	char buf[64];
	struct wire_pkt p = {.family = family};
	memcpy(p.src, a, 16);
	wire_addr(&p, false, buf, sizeof buf);
	x.text = strpool_str(ws->m->pool, buf);
	VEC_PUSH(ws->addrs, ws->naddrs, ws->addrcap, x);
	*v = (uint32_t)ws->naddrs;
	*u64map_at(&ws->text_ix, (uint64_t)(uintptr_t)x.text, true) = (uint32_t)ws->naddrs;
	return (uint32_t)ws->naddrs - 1;
}

/* Returns nothing; counts one more flow or message between addresses a and b. */
static void
pair_add(struct wire_scan *ws, uint32_t a, uint32_t b)
{
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
	uint32_t *v = u64map_at(&ws->pair_ix, (uint64_t)lo << 32 | hi, true);
	if (*v == 0) {
		struct pair p = {lo, hi, 0};
		VEC_PUSH(ws->pairs, ws->npairs, ws->paircap, p);
		*v = (uint32_t)ws->npairs;
	}
	ws->pairs[*v - 1].weight++;
}

/* Problems. */

/* Returns nothing; counts a problem of kind k at packet, reporting the
 * first few on the file. */
static void
problem(struct wire_scan *ws, int k, uint32_t packet, const char *what)
{
	if (ws->count[k]++ == 0)
		ws->first_packet[k] = packet;
	if (ws->count[k] <= PROBLEMS_EACH)
		model_problem(ws->m, &ws->m->files[ws->fi], packet, false, "%s", what);
}

/* Messages. */

/* Returns nothing; hands the n bytes at bytes, carried by the spans sp (in
 * stream order), to the parse machinery as a message sent from src to dst. */
static void
emit(struct wire_scan *ws, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    const char *bytes, size_t n, const struct wire_span *sp, size_t nsp)
{
	struct model *m = ws->m;
	const struct wire_span *last = &sp[nsp - 1];
	struct log_pending p;
	memset(&p, 0, sizeof p);
	p.s.file = ws->fi;
	p.s.line = p.s.msg_line = ws->packet ? ws->packet : last->packet;
	p.s.time = p.s.ctime = (ws->packet ? ws->packet_us : last->us) / 1000;
	p.s.twin = -1;
	p.s.call = -1;
	p.s.action = ACT_SENT; /* as the sender sees it, until the capture point is known */
	p.s.local_ip = ws->addrs[src].text;
	p.s.remote_ip = ws->addrs[dst].text;
	p.s.local_port = sport;
	p.s.remote_port = dport;
	p.s.off = m->wire.npieces;
	for (size_t i = 0; i < nsp; i++) {
		struct wire_piece pc = {sp[i].ip_off, sp[i].us, sp[i].ip_len,
		    (uint32_t)(sp[i].off - sp[i].ip_off), sp[i].len, sp[i].packet};
		VEC_PUSH(m->wire.pieces, m->wire.npieces, m->wire.piececap, pc);
	}
	p.closed = 1;
	log_scan_block_bytes(&ws->sc, &p, bytes, n);
	pair_add(ws, src, dst);
}

/* Returns the bytes of span sp in the capture file, or NULL when it is not
 * all there. */
static const char *
span_bytes(const struct wire_scan *ws, const struct wire_span *sp)
{
	const struct log_file *f = &ws->m->files[ws->fi];
	return sp->off <= f->len && sp->len <= f->len - sp->off ? f->data + sp->off : NULL;
}

/* Reads a UDP datagram p (its payload's bytes at sp, nsp spans): a message
 * when it starts like one. */
static void
udp(struct wire_scan *ws, const struct wire_pkt *p, const struct wire_span *sp, size_t nsp)
{
	if (!wire_sip_start((const char *)p->payload, p->len))
		return;
	if (p->cut)
		problem(ws, P_CUT, sp[nsp - 1].packet, "SIP message cut by the capture's snap "
		    "length: read as far as it was captured");
	uint32_t src = addr_of(ws, p->family, p->src), dst = addr_of(ws, p->family, p->dst);
	bool response = p->len >= 4 && memcmp(p->payload, "SIP/", 4) == 0;
	port_add(ws, response ? p->sport : p->dport);
	emit(ws, src, p->sport, dst, p->dport, (const char *)p->payload, p->len, sp, nsp);
}

/* Connections. */

/* Returns true when the ends (a, ap) and (b, bp) of p are flow fl's, either way. */
static bool
flow_is(const struct flow *fl, const struct wire_pkt *p)
{
	size_t n = p->family == 4 ? 4 : 16;
	if (fl->family != p->family)
		return false;
	return (fl->cp == p->sport && fl->sp == p->dport && memcmp(fl->c, p->src, n) == 0 &&
	    memcmp(fl->s, p->dst, n) == 0) ||
	    (fl->cp == p->dport && fl->sp == p->sport && memcmp(fl->c, p->dst, n) == 0 &&
	    memcmp(fl->s, p->src, n) == 0);
}

/* Returns the hash of p's ends, the same either way. */
static uint64_t
ends_hash(const struct wire_pkt *p)
{
	uint8_t k[37], a[18], b[18];
	memcpy(a, p->src, 16), a[16] = (uint8_t)(p->sport >> 8), a[17] = (uint8_t)p->sport;
	memcpy(b, p->dst, 16), b[16] = (uint8_t)(p->dport >> 8), b[17] = (uint8_t)p->dport;
	bool ab = memcmp(a, b, 18) < 0;
	k[0] = p->family;
	memcpy(k + 1, ab ? a : b, 18);
	memcpy(k + 19, ab ? b : a, 18);
	return xhash(k, sizeof k);
}

/* Returns the place in ws->tab of p's flow: where it is, or the empty place
 * where it would go. */
static size_t
flow_slot(const struct wire_scan *ws, const struct wire_pkt *p)
{
	size_t j = (size_t)ends_hash(p) & (ws->tabcap - 1);
	while (ws->tab[j] != 0 && !flow_is(&ws->flows[ws->tab[j] - 1], p))
		j = (j + 1) & (ws->tabcap - 1);
	return j;
}

/* Returns nothing; doubles the flow table. */
static void
flow_grow(struct wire_scan *ws)
{
	uint32_t *old = ws->tab;
	size_t oc = ws->tabcap;
	ws->tabcap = oc ? oc * 2 : 1024;
	ws->tab = xcalloc(ws->tabcap, sizeof *ws->tab);
	for (size_t i = 0; i < oc; i++) {
		if (old[i] == 0)
			continue;
		const struct flow *fl = &ws->flows[old[i] - 1];
		struct wire_pkt k = {.family = fl->family, .sport = fl->cp, .dport = fl->sp};
		memcpy(k.src, fl->c, 16);
		memcpy(k.dst, fl->s, 16);
		size_t j = flow_slot(ws, &k);
		ws->tab[j] = old[i];
	}
	free(old);
}

/* Returns a new flow for p's connection (put at table place j), with its
 * connection in the model. The client sent the SYN; caught later, it is the
 * end with the higher port. */
static uint32_t
flow_new(struct wire_scan *ws, const struct wire_pkt *p, size_t j, int64_t us)
{
	bool syn = (p->flags & (WIRE_SYN | WIRE_ACK)) == WIRE_SYN;
	bool synack = (p->flags & (WIRE_SYN | WIRE_ACK)) == (WIRE_SYN | WIRE_ACK);
	bool src_client = syn || (!synack && p->sport >= p->dport);
	struct flow fl = {.family = p->family};
	memcpy(fl.c, src_client ? p->src : p->dst, 16);
	memcpy(fl.s, src_client ? p->dst : p->src, 16);
	fl.cp = src_client ? p->sport : p->dport;
	fl.sp = src_client ? p->dport : p->sport;
	fl.ca = addr_of(ws, p->family, fl.c);
	fl.sa = addr_of(ws, p->family, fl.s);
	pair_add(ws, fl.ca, fl.sa);
	struct model *m = ws->m;
	struct wire_conn c = {.file = ws->fi, .client_ip = ws->addrs[fl.ca].text,
		.server_ip = ws->addrs[fl.sa].text, .client_port = fl.cp, .server_port = fl.sp,
		.chain = {-1, -1}, .first = us / 1000};
	VEC_PUSH(m->wire.conns, m->wire.nconns, m->wire.conncap, c);
	fl.conn = (uint32_t)m->wire.nconns - 1;
	VEC_PUSH(ws->flows, ws->nflows, ws->flowcap, fl);
	ws->tab[j] = (uint32_t)ws->nflows;
	return (uint32_t)ws->nflows - 1;
}

/* Returns the flow of TCP packet p, new when p opens or joins one worth
 * following; UINT32_MAX when it is not followed. */
static uint32_t
flow_of(struct wire_scan *ws, const struct wire_pkt *p, int64_t us)
{
	if ((ws->nflows + 1) * 2 > ws->tabcap)
		flow_grow(ws);
	size_t j = flow_slot(ws, p);
	bool syn = (p->flags & (WIRE_SYN | WIRE_ACK)) == WIRE_SYN;
	if (ws->tab[j] != 0) {
		struct flow *fl = &ws->flows[ws->tab[j] - 1];
		bool over = fl->rst || (fl->d[0].fin && fl->d[1].fin);
		if (!(syn && over && fl->nsteps > 0))
			return ws->tab[j] - 1;
		/* the ports are used again by a new connection: the old one stays as it is */
	} else if (!port_on(ws, p->sport) && !port_on(ws, p->dport) &&
	    !wire_sip_start((const char *)p->payload, p->len)) {
		return UINT32_MAX;
	}
	return flow_new(ws, p, j, us);
}

/* Returns nothing; keeps a step of fl, unless one of its kind and side is
 * kept already (SYNs and alerts: up to their caps). */
static void
step(struct wire_scan *ws, struct flow *fl, enum wire_step_kind kind, int side, uint16_t detail,
    uint32_t packet, int64_t us)
{
	uint32_t bit = 1u << (kind * 2 + side);
	if (kind == WS_SYN) {
		if (fl->nsyn >= MAX_SYN_STEPS)
			return;
		fl->nsyn++;
	} else if (kind == WS_ALERT) {
		if (fl->nalert[side] >= MAX_ALERT_STEPS)
			return;
		fl->nalert[side]++;
	} else if (fl->seen & bit) {
		return;
	}
	fl->seen |= bit;
	struct wire_step s = {us / 1000, packet, detail, (uint8_t)kind, side == 1};
	VEC_PUSH(fl->steps, fl->nsteps, fl->stepcap, s);
	(void)ws;
}

/* TLS. */

/* What a TLS fact is about: a flow's direction and the packet that
 * completed it. */
struct fact_ctx {
	struct wire_scan *ws;
	uint32_t flow;
	int side;
	const struct wire_span *sp;
};

/* Returns nothing; adds the certificates of a Certificate message that side
 * of fl sent to m->wire.certs, as its chain. */
static void
certs_add(struct wire_scan *ws, struct flow *fl, int side, const struct wire_tls_fact *f,
    const struct wire_span *sp)
{
	struct model *m = ws->m;
	struct wire_conn *c = &m->wire.conns[fl->conn];
	if (c->chain[side] >= 0)
		return; /* the first one each side sent is the one that counts */
	size_t first = m->wire.ncerts;
	for (size_t i = 0; i < f->ncerts; i++) {
		struct wire_cert x = {0};
		uint64_t k = xhash(f->cert[i], f->certlen[i]);
		uint32_t *v = u64map_at(&ws->cert_ix, k, true);
		if (*v != 0 && m->wire.certs[*v - 1].digest == k) {
			x = m->wire.certs[*v - 1]; /* decoded before: its own fields are the same */
		} else if (!cert_decode(m->pool, f->cert[i], f->certlen[i], &x)) {
			problem(ws, P_CERT, sp->packet, "a certificate of this TLS handshake cannot be "
			    "read (libcrypto refused its DER)");
			continue;
		}
		x.file = m->files[ws->fi].path;
		x.line = sp->packet;
		x.packet = true;
		x.conn = (int32_t)fl->conn;
		x.from_server = side == 1;
		x.pos = (uint8_t)(i < 255 ? i : 255);
		x.count = (uint8_t)(f->allcerts < 255 ? f->allcerts : 255);
		x.time = sp->us / 1000;
		VEC_PUSH(m->wire.certs, m->wire.ncerts, m->wire.certcap, x);
		if (*v == 0)
			*v = (uint32_t)m->wire.ncerts;
	}
	c = &m->wire.conns[fl->conn];
	c->chain[side] = m->wire.ncerts > first ? (int32_t)first : -1;
	c->nchain[side] = (uint8_t)(m->wire.ncerts - first);
}

/* Returns nothing; records one TLS fact (a fact_ctx's) on its connection. */
static void
tls_fact(void *arg, const struct wire_tls_fact *f)
{
	struct fact_ctx *x = arg;
	struct wire_scan *ws = x->ws;
	struct flow *fl = &ws->flows[x->flow];
	struct wire_conn *c = &ws->m->wire.conns[fl->conn];
	uint32_t pk = x->sp->packet;
	int64_t us = x->sp->us;
	switch (f->kind) {
	case WIRE_TLS_CLIENT_HELLO:
		c->tls = true;
		if (f->sni != NULL && c->sni == NULL)
			c->sni = strpool_intern(ws->m->pool, f->sni, f->snilen);
		step(ws, fl, WS_CLIENT_HELLO, x->side, f->version, pk, us);
		break;
	case WIRE_TLS_SERVER_HELLO:
		c->tls = true;
		c->version = f->version;
		c->tls13 = f->version == 0x0304;
		step(ws, fl, WS_SERVER_HELLO, x->side, f->version, pk, us);
		break;
	case WIRE_TLS_CERTIFICATE:
		step(ws, fl, WS_CERTIFICATE, x->side, (uint16_t)f->allcerts, pk, us);
		certs_add(ws, fl, x->side, f, x->sp);
		break;
	case WIRE_TLS_CERT_REQUEST:
		c->cert_request = true;
		step(ws, fl, WS_CERT_REQUEST, x->side, 0, pk, us);
		break;
	case WIRE_TLS_CHANGE_CIPHER:
		step(ws, fl, WS_CHANGE_CIPHER, x->side, 0, pk, us);
		break;
	case WIRE_TLS_ALERT:
		step(ws, fl, WS_ALERT, x->side, (uint16_t)(f->level << 8 | f->desc), pk, us);
		break;
	case WIRE_TLS_APPDATA:
		c->records[x->side]++;
		step(ws, fl, WS_APPDATA, x->side, 0, pk, us);
		break;
	case WIRE_TLS_NOT_TLS:
		break;
	}
}

/* Streams. */

/* Returns nothing; drops the first n bytes of d's SIP bytes and their spans. */
static void
consume(struct dir *d, size_t n)
{
	memmove(d->buf.s, d->buf.s + n, d->buf.len - n);
	d->buf.len -= n;
	size_t k = 0;
	while (k < d->nspans && n >= d->spans[k].len)
		n -= d->spans[k++].len;
	if (k < d->nspans && n > 0) {
		d->spans[k].off += n;
		d->spans[k].len -= (uint32_t)n;
	}
	memmove(d->spans, d->spans + k, (d->nspans - k) * sizeof *d->spans);
	d->nspans -= k;
}

/* Returns nothing; hands the whole message of the first n bytes of d (sent
 * by side of fl) to the parse machinery. */
static void
emit_stream(struct wire_scan *ws, struct flow *fl, int side, size_t n)
{
	struct dir *d = &fl->d[side];
	size_t nsp = 0, got = 0;
	while (got < n && nsp < d->nspans)
		got += d->spans[nsp++].len;
	struct wire_span last = d->spans[nsp - 1];
	last.len -= (uint32_t)(got - n); /* the message ends inside its last span */
	struct wire_span keep = d->spans[nsp - 1];
	d->spans[nsp - 1] = last;
	uint32_t src = side ? fl->sa : fl->ca, dst = side ? fl->ca : fl->sa;
	emit(ws, src, side ? fl->sp : fl->cp, dst, side ? fl->cp : fl->sp, d->buf.s, n, d->spans,
	    nsp);
	d->spans[nsp - 1] = keep;
	ws->m->wire.conns[fl->conn].sip++;
	port_add(ws, fl->sp);
}

/* Returns nothing; cuts the whole SIP messages out of side of fl's bytes;
 * at_end: no more will come. */
static void
sip_cut(struct wire_scan *ws, struct flow *fl, int side, bool at_end)
{
	struct dir *d = &fl->d[side];
	while (d->buf.len > 0) {
		size_t n = 0;
		enum wire_sip_cut r = wire_sip_cut(d->buf.s, d->buf.len, at_end, &n);
		if (r == WIRE_SIP_MORE) {
			if (at_end)
				problem(ws, P_TAIL, d->spans[d->nspans - 1].packet, "the capture ends "
				    "inside a SIP message: its start was not read");
			break;
		}
		if (r == WIRE_SIP_WHOLE)
			emit_stream(ws, fl, side, n);
		consume(d, n > 0 ? n : d->buf.len);
	}
}

/* Returns nothing; after bytes of a stream were lost, drops what depended
 * on them: a SIP message begun, or the TLS parser (out of step now). */
static void
after_gap(struct wire_scan *ws, struct dir *d, uint32_t packet)
{
	d->tcp.gap = false;
	if (d->mode == D_SIP && d->buf.len > 0) {
		problem(ws, P_LOST, packet, "TCP bytes were not captured: the SIP message they "
		    "were part of is lost");
		consume(d, d->buf.len);
	}
	if (d->mode == D_TLS)
		d->tls.stopped = true;
}

/* Returns the mode of a direction whose first bytes are the n at b. */
static uint8_t
first_mode(const struct wire_scan *ws, const struct flow *fl, const char *b, size_t n)
{
	size_t k;
	if (wire_tls_start((const uint8_t *)b, n))
		return D_TLS;
	if (wire_sip_cut(b, n, false, &k) != WIRE_SIP_JUNK || wire_sip_start(b, n) ||
	    port_on(ws, fl->sp))
		return D_SIP;
	return D_OTHER;
}

/* The flow and direction in-order stream bytes are delivered to. */
struct deliver_ctx {
	struct wire_scan *ws;
	uint32_t flow;
	int side;
};

/* Returns nothing; takes in-order bytes of a stream (a deliver_ctx's). */
static void
deliver(void *arg, const struct wire_span *sp)
{
	struct deliver_ctx *x = arg;
	struct wire_scan *ws = x->ws;
	struct flow *fl = &ws->flows[x->flow];
	struct dir *d = &fl->d[x->side];
	const char *b = span_bytes(ws, sp);
	if (d->tcp.gap)
		after_gap(ws, d, sp->packet);
	if (b == NULL || sp->len == 0)
		return;
	if (d->mode == D_UNKNOWN) {
		d->mode = first_mode(ws, fl, b, sp->len);
		if (d->mode == D_TLS)
			ws->m->wire.conns[fl->conn].tls = true;
	}
	if (d->mode == D_TLS) {
		struct fact_ctx fx = {ws, x->flow, x->side, sp};
		wire_tls_feed(&d->tls, (const uint8_t *)b, sp->len, tls_fact, &fx);
	} else if (d->mode == D_SIP) {
		sbuf_add(&d->buf, b, sp->len);
		VEC_PUSH(d->spans, d->nspans, d->spancap, *sp);
		sip_cut(ws, fl, x->side, false);
	}
}

/* Returns nothing; gives back a flow's stream state, delivering what waits
 * for bytes that will not come and cutting its last messages. */
static void
flow_close(struct wire_scan *ws, uint32_t fi)
{
	struct flow *fl = &ws->flows[fi];
	if (fl->freed)
		return;
	for (int side = 0; side < 2; side++) {
		struct deliver_ctx x = {ws, fi, side};
		wire_tcp_flush(&fl->d[side].tcp, deliver, &x);
		fl = &ws->flows[fi];
		if (fl->d[side].mode == D_SIP)
			sip_cut(ws, fl, side, true);
		struct dir *d = &fl->d[side];
		wire_tcp_free(&d->tcp);
		sbuf_free(&d->buf);
		free(d->spans);
		d->spans = NULL;
		d->nspans = d->spancap = 0;
		wire_tls_free(&d->tls);
	}
	fl->freed = true;
}

/* Returns nothing; keeps the TCP facts of packet p of flow fi. */
static void
tcp_steps(struct wire_scan *ws, uint32_t fi, const struct wire_pkt *p, int side,
    uint32_t packet, int64_t us)
{
	struct flow *fl = &ws->flows[fi];
	struct wire_conn *c = &ws->m->wire.conns[fl->conn];
	c->packets[side]++;
	c->last = us / 1000;
	if ((p->flags & (WIRE_SYN | WIRE_ACK)) == WIRE_SYN)
		step(ws, fl, WS_SYN, side, 0, packet, us);
	else if (p->flags & WIRE_SYN)
		step(ws, fl, WS_SYNACK, side, 0, packet, us);
	if (p->flags & WIRE_RST) {
		step(ws, fl, WS_RST, side, 0, packet, us);
		fl->rst = true;
	}
	if (p->flags & WIRE_FIN) {
		step(ws, fl, WS_FIN, side, 0, packet, us);
		fl->d[side].fin = true;
	}
}

/* Reads a TCP packet p of frame fr. */
static void
tcp(struct wire_scan *ws, const struct wire_pkt *p, const struct wire_frame *fr)
{
	int64_t us = fr->ns / 1000;
	uint32_t fi = flow_of(ws, p, us);
	if (fi == UINT32_MAX)
		return;
	struct flow *fl = &ws->flows[fi];
	int side = memcmp(p->src, fl->c, 16) == 0 && p->sport == fl->cp ? 0 : 1;
	tcp_steps(ws, fi, p, side, fr->number, us);
	fl = &ws->flows[fi];
	if (fl->freed)
		return;
	struct wire_span sp = {fr->off + (uint64_t)(p->payload - fr->data), (uint32_t)p->len,
		fr->number, fr->off + p->ip_off, (uint32_t)p->ip_len, us};
	struct deliver_ctx x = {ws, fi, side};
	struct wire_tcp *t = &fl->d[side].tcp;
	wire_tcp_segment(t, p->seq, (p->flags & WIRE_SYN) != 0, &sp, deliver, &x);
	fl = &ws->flows[fi];
	t = &fl->d[side].tcp;
	uint32_t end = p->seq + ((p->flags & WIRE_SYN) != 0) + (uint32_t)p->full;
	if (p->cut && (int32_t)(end - t->next) > 0) {
		t->next = end; /* the snap length cut it: go on after the bytes not captured */
		t->gap = true;
	}
	if (fl->rst || (fl->d[0].fin && fl->d[1].fin))
		flow_close(ws, fi);
}

/* Frames. */

/* Returns nothing; counts what a Linux cooked capture says of who sent p. */
static void
told_direction(struct wire_scan *ws, const struct wire_pkt *p)
{
	uint32_t a = addr_of(ws, p->family, p->outgoing == 1 ? p->src : p->dst);
	ws->addrs[a].told++; /* looked up first: adding an address moves the array */
}

/* Reads fragment p of frame fr; returns true when it completed a datagram,
 * which p then describes (its payload's spans in ws->frags.sp). */
static bool
fragment(struct wire_scan *ws, struct wire_pkt *p, const struct wire_frame *fr)
{
	struct wire_span sp = {fr->off + (uint64_t)(p->frag - fr->data), (uint32_t)p->len,
		fr->number, fr->off + p->ip_off, (uint32_t)p->ip_len, fr->ns / 1000};
	size_t before = ws->frags.dropped;
	bool whole = wire_frag_add(&ws->frags, p, &sp, fr->ns / 1000);
	if (ws->frags.dropped > before)
		problem(ws, P_FRAGS, fr->number, "fragments of an IP datagram are missing or "
		    "too many: the datagram is not read");
	return whole;
}

void
wire_scan_frame(struct wire_scan *ws, const struct wire_frame *fr)
{
	struct wire_pkt p;
	if (fr->off == WIRE_NOWHERE) {
		problem(ws, P_UNLOCATED, fr->number, "packet not found in the file's bytes: not read");
		return;
	}
	log_scan_at(&ws->sc, fr->at);
	ws->packet = fr->number;
	ws->packet_us = fr->ns / 1000;
	if (!wire_decode(fr->dlt, fr->data, fr->caplen, &p))
		return;
	if (p.outgoing >= 0)
		told_direction(ws, &p);
	if (p.fragment) {
		if (!fragment(ws, &p, fr))
			return;
		if (p.proto == 17)
			udp(ws, &p, ws->frags.sp, ws->frags.nsp);
		return; /* a TCP segment in fragments: too rare to follow */
	}
	if (p.proto == 17) {
		struct wire_span sp = {fr->off + (uint64_t)(p.payload - fr->data), (uint32_t)p.len,
			fr->number, fr->off + p.ip_off, (uint32_t)p.ip_len, fr->ns / 1000};
		udp(ws, &p, &sp, 1);
	} else if (p.proto == 6) {
		tcp(ws, &p, fr);
	}
}

/* Returns nothing; passes the unchanged bytes of a capture's message to
 * the parser (the crew's framing step). */
static bool
as_is(const char *p, size_t n, struct sbuf *out)
{
	sbuf_add(out, p, n);
	return true;
}

struct wire_scan *
wire_scan_begin(struct model *m, uint32_t fi)
{
	struct wire_scan *ws = xcalloc(1, sizeof *ws);
	ws->m = m;
	ws->fi = fi;
	ws->first_msg = m->nmsgs;
	ws->first_conn = m->wire.nconns;
	static const uint16_t sip_ports[] = {5060, 5061, 5062, 5073, 5074, 5075, 7001, 7002, 7003};
	for (size_t i = 0; i < sizeof sip_ports / sizeof sip_ports[0]; i++)
		port_add(ws, sip_ports[i]);
	log_scan_begin(&ws->sc, m, fi, as_is);
	return ws;
}

/* The capture point. */

/* Returns true for a private, loopback or link-local address. */
static bool
private_addr(const struct addr *a)
{
	const uint8_t *b = a->a;
	if (a->family == 4)
		return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		    (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
	static const uint8_t lo[16] = {[15] = 1};
	return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
	    memcmp(b, lo, 16) == 0;
}

/* Returns nothing; counts the agents of the file's messages for the
 * addresses that sent them: an Expressway's for, Unified CM's and Webex's
 * against being the capture point. */
static void
agent_votes(struct wire_scan *ws)
{
	struct model *m = ws->m;
	for (size_t i = ws->first_msg; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		const char *ag = s->sip->is_request ? s->sip->user_agent : s->sip->server;
		uint32_t *v = u64map_at(&ws->text_ix, (uint64_t)(uintptr_t)s->local_ip, false);
		if (ag == NULL || v == NULL || *v == 0)
			continue;
		if (strstr(ag, "TANDBERG") != NULL || strcasestr(ag, "Expressway") != NULL)
			ws->addrs[*v - 1].agent++;
		else if (strstr(ag, "Cisco-CUCM") != NULL || strstr(ag, "Cisco-L2SIP") != NULL)
			ws->addrs[*v - 1].agent--;
	}
}

/* Returns true when address a should be taken before b as the capture
 * point, each covering the weight given. */
static bool
better(const struct addr *a, uint64_t wa, const struct addr *b, uint64_t wb, size_t ia,
    size_t ib)
{
	if ((a->told > 0) != (b->told > 0))
		return a->told > 0; /* what the capture itself says comes first */
	if (wa != wb)
		return wa > wb;
	if (a->agent != b->agent)
		return a->agent > b->agent;
	if (private_addr(a) != private_addr(b))
		return private_addr(a);
	return ia < ib;
}

/* Returns the first address of the capture point (marking each of its
 * addresses local), or -1 when the capture saw none: the addresses that,
 * taken greedily, take part in every flow and message. */
static long
capture_point(struct wire_scan *ws)
{
	long first = -1;
	bool *covered = xcalloc(ws->npairs + 1, 1);
	uint64_t *w = xcalloc(ws->naddrs + 1, sizeof *w);
	for (int round = 0; round < MAX_LOCAL; round++) {
		memset(w, 0, (ws->naddrs + 1) * sizeof *w);
		for (size_t i = 0; i < ws->npairs; i++)
			if (!covered[i]) {
				w[ws->pairs[i].a] += ws->pairs[i].weight;
				w[ws->pairs[i].b] += ws->pairs[i].weight;
			}
		long best = -1;
		for (size_t a = 0; a < ws->naddrs; a++)
			if (!ws->addrs[a].local && (w[a] > 0 || ws->addrs[a].told > 0) && (best < 0 ||
			    better(&ws->addrs[a], w[a], &ws->addrs[best], w[best], a, (size_t)best)))
				best = (long)a;
		if (best < 0 || (w[best] == 0 && ws->addrs[best].told == 0))
			break;
		ws->addrs[best].local = true;
		if (first < 0)
			first = best;
		for (size_t i = 0; i < ws->npairs; i++)
			covered[i] = covered[i] || ws->pairs[i].a == (uint32_t)best ||
			    ws->pairs[i].b == (uint32_t)best;
	}
	free(covered);
	free(w);
	return first;
}

/* Returns true when the pooled address text is one of the capture point's. */
static bool
is_local(struct wire_scan *ws, const char *text)
{
	uint32_t *v = u64map_at(&ws->text_ix, (uint64_t)(uintptr_t)text, false);
	return v != NULL && *v != 0 && ws->addrs[*v - 1].local;
}

/* Returns nothing; makes the capture point the host of the file's records
 * and connections, each record Sent or Received as it sees it. */
static void
place_records(struct wire_scan *ws, int host)
{
	struct model *m = ws->m;
	for (size_t i = ws->first_msg; i < m->nmsgs; i++) {
		struct sip_msg *s = &m->msgs[i];
		s->host = (uint32_t)host;
		if (!is_local(ws, s->local_ip) && is_local(ws, s->remote_ip)) {
			const char *ip = s->local_ip;
			uint16_t port = s->local_port;
			s->local_ip = s->remote_ip, s->local_port = s->remote_port;
			s->remote_ip = ip, s->remote_port = port;
			s->action = ACT_RECEIVED;
		}
	}
	for (size_t i = ws->first_conn; i < m->wire.nconns; i++) {
		struct wire_conn *c = &m->wire.conns[i];
		c->host = (uint32_t)host;
		c->client_local = is_local(ws, c->client_ip);
	}
}

/* Returns nothing; names the capture point's host and ties the file, its
 * records and connections to it. */
static void
name_host(struct wire_scan *ws)
{
	struct model *m = ws->m;
	agent_votes(ws);
	long first = capture_point(ws);
	if (first < 0)
		return;
	int h = model_host(m, ws->addrs[first].text);
	if (m->hosts[h].role == ROLE_UNKNOWN && !m->hosts[h].role_forced)
		m->hosts[h].role = ROLE_CAPTURE;
	model_host_addr(m, h, ws->addrs[first].text);
	for (size_t a = 0; a < ws->naddrs; a++)
		if (ws->addrs[a].local)
			model_host_addr(m, h, ws->addrs[a].text);
	struct log_file *f = &m->files[ws->fi];
	f->host_idx = h;
	f->host = m->hosts[h].name;
	place_records(ws, h);
}

/* Returns nothing; orders a flow's steps by packet (a reordered stream
 * completes facts out of capture order), keeping equal packets in order. */
static void
sort_steps(struct flow *fl)
{
	for (size_t i = 1; i < fl->nsteps; i++) {
		struct wire_step s = fl->steps[i];
		size_t j = i;
		while (j > 0 && fl->steps[j - 1].packet > s.packet) {
			fl->steps[j] = fl->steps[j - 1];
			j--;
		}
		fl->steps[j] = s;
	}
}

/* Returns nothing; gives every followed connection its steps in the model. */
static void
keep_steps(struct wire_scan *ws)
{
	struct model *m = ws->m;
	for (size_t i = 0; i < ws->nflows; i++) {
		struct flow *fl = &ws->flows[i];
		sort_steps(fl);
		struct wire_conn *c = &m->wire.conns[fl->conn];
		c->step = (uint32_t)m->wire.nsteps;
		c->nsteps = (uint32_t)fl->nsteps;
		for (size_t k = 0; k < fl->nsteps; k++)
			VEC_PUSH(m->wire.steps, m->wire.nsteps, m->wire.stepcap, fl->steps[k]);
		free(fl->steps);
	}
}

/* Returns nothing; says on the file what it holds that was not read: the
 * counts past the problems reported one by one, and the SIP inside TLS. */
static void
report(struct wire_scan *ws)
{
	struct model *m = ws->m;
	struct log_file *f = &m->files[ws->fi];
	static const char *const what[P_KINDS] = {"packets not found in the file's bytes",
		"IP datagrams not put back together", "SIP messages lost in TCP bytes not captured",
		"SIP messages cut by the snap length", "certificates that cannot be read",
		"SIP messages the capture ends inside"};
	for (int k = 0; k < P_KINDS; k++)
		if (ws->count[k] > PROBLEMS_EACH)
			model_problem(m, f, ws->first_packet[k], false, "%zu %s in all", ws->count[k],
			    what[k]);
	size_t conns = 0, packets = 0, records = 0;
	uint32_t first = 0;
	for (size_t i = ws->first_conn; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		if (!c->tls || c->records[0] + c->records[1] == 0)
			continue;
		conns++;
		packets += c->packets[0] + c->packets[1];
		records += c->records[0] + c->records[1];
		if (first == 0 && c->nsteps > 0)
			first = m->wire.steps[c->step].packet;
	}
	if (conns > 0)
		model_problem(m, f, first ? first : 1, true, "%zu TLS connection%s on SIP ports (%zu "
		    "packets, %zu encrypted records): the SIP inside is encrypted and not read",
		    conns, conns == 1 ? "" : "s", packets, records);
}

void
wire_scan_end(struct wire_scan *ws)
{
	ws->packet = 0; /* what ends now ends with its own last packet */
	for (size_t i = 0; i < ws->nflows; i++)
		flow_close(ws, (uint32_t)i);
	log_scan_finish(&ws->sc);
	keep_steps(ws);
	name_host(ws);
	report(ws);
	log_scan_end(&ws->sc, 0);
	wire_frag_free(&ws->frags);
	free(ws->flows);
	free(ws->tab);
	free(ws->addrs);
	free(ws->pairs);
	u64map_free(&ws->addr_ix);
	u64map_free(&ws->text_ix);
	u64map_free(&ws->pair_ix);
	u64map_free(&ws->cert_ix);
	free(ws);
}
