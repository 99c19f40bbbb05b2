/* test_wire.c - the capture reader's parts: a TCP stream put back in order
 * (in order, out of order, repeated, overlapping, lost), SIP messages cut by
 * their framing (several in one segment, one over many, Content-Length and
 * its compact form, junk and keep-alives), the TLS record and handshake
 * parser (split anywhere, alerts, certificates, not TLS), certificate
 * decoding (DER and PEM), and a whole capture through the model. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "corr.h"
#include "log.h"
#include "sip.h"
#include "t.h"
#include "wire.h"
#include "wire_tls.h"

/* TCP. */

/* What a stream delivered: the bytes in order, and the stretches. */
struct got {
	char buf[4096];
	size_t n, spans;
	bool gap_seen;
	struct wire_tcp *t;
	const char *src;        /* the "file" the spans point into */
};

/* Returns nothing; appends a delivered stretch to the got in arg. */
static void
take_span(void *arg, const struct wire_span *sp)
{
	struct got *g = arg;
	g->gap_seen = g->gap_seen || g->t->gap;
	g->t->gap = false;
	memcpy(g->buf + g->n, g->src + sp->off, sp->len);
	g->n += sp->len;
	g->spans++;
}

/* Returns nothing; feeds segment [from, to) of the text (sequence numbers
 * count from isn + 1) to t. */
static void
seg(struct wire_tcp *t, struct got *g, uint32_t isn, size_t from, size_t to)
{
	struct wire_span sp = {from, (uint32_t)(to - from), 1, 0, 0, 0};
	wire_tcp_segment(t, isn + 1 + (uint32_t)from, false, &sp, take_span, g);
}

static const char stream[] = "0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

static void
test_tcp_in_order(void)
{
	struct wire_tcp t = {0};
	struct got g = {.t = &t, .src = stream};
	struct wire_span syn = {0, 0, 1, 0, 0, 0};
	wire_tcp_segment(&t, 1000, true, &syn, take_span, &g);
	seg(&t, &g, 1000, 0, 10);
	seg(&t, &g, 1000, 10, 20);
	seg(&t, &g, 1000, 20, 36);
	CHECK_INT(g.n, 36);
	CHECK(memcmp(g.buf, stream, 36) == 0);
	CHECK(!g.gap_seen);
	wire_tcp_free(&t);
}

static void
test_tcp_out_of_order_and_repeats(void)
{
	struct wire_tcp t = {0};
	struct got g = {.t = &t, .src = stream};
	struct wire_span syn = {0, 0, 1, 0, 0, 0};
	wire_tcp_segment(&t, 0xfffffff0u, true, &syn, take_span, &g); /* wraps */
	seg(&t, &g, 0xfffffff0u, 0, 10);
	seg(&t, &g, 0xfffffff0u, 20, 30);  /* ahead: waits */
	seg(&t, &g, 0xfffffff0u, 20, 30);  /* a repeat of it waits once */
	CHECK_INT(g.n, 10);
	seg(&t, &g, 0xfffffff0u, 5, 15);   /* overlaps what came: only 10..15 is new */
	seg(&t, &g, 0xfffffff0u, 0, 10);   /* all seen */
	seg(&t, &g, 0xfffffff0u, 15, 20);  /* fills the hole: 20..30 follows */
	seg(&t, &g, 0xfffffff0u, 30, 36);
	CHECK_INT(g.n, 36);
	CHECK(g.n == 36 && memcmp(g.buf, stream, 36) == 0);
	CHECK(!g.gap_seen);
	wire_tcp_free(&t);
}

static void
test_tcp_lost_bytes(void)
{
	struct wire_tcp t = {0};
	struct got g = {.t = &t, .src = stream};
	seg(&t, &g, 99, 0, 10);            /* caught after the SYN: starts here */
	seg(&t, &g, 99, 20, 36);           /* 10..20 never comes */
	CHECK_INT(g.n, 10);
	wire_tcp_flush(&t, take_span, &g);
	CHECK_INT(g.n, 26);
	CHECK(g.gap_seen);
	CHECK(memcmp(g.buf + 10, stream + 20, 16) == 0);
	/* more segments ahead than are kept: the oldest hole is given up */
	struct wire_tcp u = {0};
	struct got h = {.t = &u, .src = stream};
	seg(&u, &h, 0, 0, 1);
	for (size_t i = 0; i < WIRE_TCP_PENDING + 2; i++)
		seg(&u, &h, 0, 2 + i, 3 + i);
	CHECK(h.gap_seen && h.n > 1);
	CHECK(u.npend <= WIRE_TCP_PENDING);
	wire_tcp_free(&t);
	wire_tcp_free(&u);
}

/* SIP framing. */

static const char opt[] = "OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
static const char inv[] = "INVITE sip:b SIP/2.0\r\nl: 5\r\nCSeq: 2 INVITE\r\n\r\nv=0\r\n";

static void
test_sip_cut(void)
{
	char two[512];
	size_t n;
	snprintf(two, sizeof two, "%s%s", opt, inv);
	CHECK_INT(wire_sip_cut(two, strlen(two), false, &n), WIRE_SIP_WHOLE);
	CHECK_INT(n, strlen(opt));
	CHECK_INT(wire_sip_cut(two + n, strlen(inv), false, &n), WIRE_SIP_WHOLE);
	CHECK_INT(n, strlen(inv)); /* the compact l: counted the body */
	for (size_t k = 1; k < strlen(inv); k++) /* every cut of a message is not whole yet */
		CHECK_INT(wire_sip_cut(inv, k, false, &n), WIRE_SIP_MORE);
	CHECK_INT(wire_sip_cut("\r\n\r\nOPTIONS", 11, false, &n), WIRE_SIP_JUNK);
	CHECK_INT(n, 4); /* keep-alives */
	const char junk[] = "garbage\r\nmore\r\nSIP/2.0 200 OK\r\n\r\n";
	CHECK_INT(wire_sip_cut(junk, strlen(junk), false, &n), WIRE_SIP_JUNK);
	CHECK_INT(n, 15); /* up to the line that starts a message */
	CHECK_INT(wire_sip_cut("GET / HTTP/1.1\r\n\r\n", 18, false, &n), WIRE_SIP_JUNK);
	CHECK_INT(wire_sip_cut("INVITE sip:x SIP/2.0\r\nContent-Length: x\r\n\r\n", 44, false, &n),
	    WIRE_SIP_JUNK);
	CHECK_INT(wire_sip_cut("INV", 3, true, &n), WIRE_SIP_JUNK); /* never finished */
	CHECK(wire_sip_start(opt, sizeof opt - 1));
	CHECK(wire_sip_start("SIP/2.0 180 Ringing\r\n", 21));
	CHECK(!wire_sip_start("SIP/2.0 18 Ringing\r\n", 20));
	CHECK(!wire_sip_start("\x16\x03\x01\x00", 4));
}

/* TLS. */

/* What the TLS parser reported. */
struct facts {
	int kinds[16];
	size_t n, certs;
	size_t first_certlen;
	uint16_t version;
	uint8_t alert;
	char sni[64];
};

/* Returns nothing; records a fact in the facts at arg. */
static void
fact(void *arg, const struct wire_tls_fact *f)
{
	struct facts *x = arg;
	if (x->n < 16)
		x->kinds[x->n++] = (int)f->kind;
	if (f->kind == WIRE_TLS_CERTIFICATE) {
		x->certs = f->ncerts;
		x->first_certlen = f->ncerts ? f->certlen[0] : 0;
	}
	if (f->kind == WIRE_TLS_ALERT)
		x->alert = f->desc;
	if (f->kind == WIRE_TLS_SERVER_HELLO || f->kind == WIRE_TLS_CLIENT_HELLO)
		x->version = f->version;
	if (f->sni != NULL && f->snilen < sizeof x->sni) {
		memcpy(x->sni, f->sni, f->snilen);
		x->sni[f->snilen] = '\0';
	}
}

/* A ClientHello with SNI "a.example" and supported_versions {1.3, 1.2}, a
 * ServerHello choosing 1.2, a Certificate with two 3-byte "certificates",
 * a CertificateRequest, a ChangeCipherSpec, then an encrypted record, as
 * one direction's bytes (the test only checks the framing). */
static const uint8_t flight[] = {
	0x16, 0x03, 0x01, 0x00, 0x4a,
	0x01, 0x00, 0x00, 0x46, 0x03, 0x03,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00,
	0x00, 0x1b,
	0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09, 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l',
	'e',
	0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,
	0x16, 0x03, 0x03, 0x00, 0x18,
	0x0b, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x09, 0x00, 0x00, 0x01, 0xaa, 0x00, 0x00, 0x02, 0xbb, 0xcc,
	0x0d, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00,
	0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
	0x16, 0x03, 0x03, 0x00, 0x02, 0x99, 0x99, /* encrypted now: not read as a handshake */
	0x17, 0x03, 0x03, 0x00, 0x02, 0x55, 0x66,
};

static void
test_tls_parser(void)
{
	size_t bad = 0;
	for (size_t step = 1; step <= sizeof flight; step++) { /* split at every size */
		struct wire_tls t = {0};
		struct facts x = {0};
		for (size_t at = 0; at < sizeof flight; at += step)
			wire_tls_feed(&t, flight + at, at + step < sizeof flight ? step : sizeof flight - at,
			    fact, &x);
		bad += x.n != 5 || x.kinds[0] != WIRE_TLS_CLIENT_HELLO ||
		    x.kinds[1] != WIRE_TLS_CERTIFICATE || x.kinds[2] != WIRE_TLS_CERT_REQUEST ||
		    x.kinds[3] != WIRE_TLS_CHANGE_CIPHER || x.kinds[4] != WIRE_TLS_APPDATA ||
		    strcmp(x.sni, "a.example") != 0 || x.version != 0x0304 || x.certs != 2 ||
		    x.first_certlen != 1;
		wire_tls_free(&t);
	}
	CHECK_INT(bad, 0); /* every split reads the same */
	struct wire_tls t = {0};
	struct facts x = {0};
	const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30};
	wire_tls_feed(&t, alert, sizeof alert, fact, &x);
	CHECK_INT(x.alert, 48);
	CHECK_STR(wire_tls_alert_name(x.alert), "unknown_ca");
	wire_tls_feed(&t, (const uint8_t *)"HTTP/1.1 200", 12, fact, &x);
	CHECK(t.stopped && x.kinds[x.n - 1] == WIRE_TLS_NOT_TLS);
	wire_tls_free(&t);
	/* a handshake message longer than is kept: the rest is not read */
	struct wire_tls u = {0};
	struct facts y = {0};
	const uint8_t big[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0xff, 0xff, 0xff};
	wire_tls_feed(&u, big, sizeof big, fact, &y);
	CHECK(u.hs_skip && y.n == 0);
	wire_tls_free(&u);
	CHECK(wire_tls_start(flight, sizeof flight));
	CHECK(!wire_tls_start((const uint8_t *)"INVITE", 6));
}

/* Certificates. */

/* Returns the text of a file of tests/data/certs (the caller frees it). */
static char *
cert_file(const char *name, size_t *n)
{
	char *path = xasprintf("tests/data/certs/%s", name);
	FILE *fp = fopen(path, "rb");
	free(path);
	if (fp == NULL)
		return NULL;
	char *d = xmalloc(1 << 16);
	*n = fread(d, 1, (1 << 16) - 1, fp);
	d[*n] = '\0';
	fclose(fp);
	return d;
}

static void
test_certificates(void)
{
	size_t n, bad = 0;
	char *d = cert_file("e-trusted-ca.pem", &n);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	struct strpool *pool = strpool_new();
	struct cert_pem st = {0, 1};
	struct sbuf der = {0};
	uint32_t begin, lines[8];
	struct wire_cert c[8];
	size_t k = 0;
	while (k < 8 && cert_pem_next(d, n, &st, &begin, &der, &bad)) {
		memset(&c[k], 0, sizeof c[k]);
		CHECK(cert_decode(pool, (const uint8_t *)der.s, der.len, &c[k]));
		lines[k++] = begin;
	}
	CHECK_INT(k, 4);
	CHECK_INT(bad, 0);
	CHECK(k == 4 && lines[0] == 1 && lines[1] > lines[0] && lines[3] > lines[2]);
	CHECK_STR(c[0].cn, "XW Test Root CA");
	CHECK(c[0].self_signed && c[0].ca);
	CHECK(!c[1].self_signed && c[1].ca);
	CHECK_STR(c[1].serial, "1002");
	CHECK(c[1].issuer != NULL && strcmp(c[1].issuer, c[0].subject) == 0);
	free(d);
	d = cert_file("webex-l2sip.pem", &n);
	st = (struct cert_pem){0, 1};
	struct wire_cert w = {0};
	CHECK(d != NULL && cert_pem_next(d, n, &st, &begin, &der, &bad) &&
	    cert_decode(pool, (const uint8_t *)der.s, der.len, &w));
	CHECK_INT(w.nsans, 25);
	CHECK(w.sans != NULL && strstr(w.sans, "callservice.ciscospark.com") != NULL);
	CHECK(!w.ca && !w.self_signed && !w.temporary);
	CHECK_INT(w.not_before, 1704067200000LL); /* 2024-01-01 */
	CHECK_INT(w.not_after, 2019686400000LL);  /* 2034-01-01 */
	free(d);
	d = cert_file("e-selfsigned.pem", &n);
	st = (struct cert_pem){0, 1};
	struct wire_cert s = {0};
	CHECK(d != NULL && cert_pem_next(d, n, &st, &begin, &der, &bad) &&
	    cert_decode(pool, (const uint8_t *)der.s, der.len, &s));
	CHECK(s.self_signed && s.temporary && s.sans == NULL);
	free(d);
	/* bytes that are not a certificate, base64 that is not DER */
	CHECK(!cert_decode(pool, (const uint8_t *)"\x30\x03\x02\x01\x01", 5, &s));
	const char junk[] = "x\n-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	st = (struct cert_pem){0, 1};
	bad = 0;
	CHECK(!cert_pem_next(junk, sizeof junk - 1, &st, &begin, &der, &bad));
	CHECK_INT(bad, 1);
	sbuf_free(&der);
	strpool_free(pool);
}

/* A whole capture through the model: the reorder case's INVITE is put
 * back from its three segments, the capture point is the Expressway-C, and
 * the raw text of a record is its message. */
static void
test_capture_model(void)
{
	struct model *m = model_new();
	char err[256];
	CHECK_INT(log_load(m, "tests/data/captures/sip-tcp-reorder.pcap", err, sizeof err), 0);
	struct corr_opts o = {0};
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	CHECK_INT(m->nmsgs, 9);
	CHECK_INT(m->nhosts, 1);
	CHECK(m->nhosts == 1 && strcmp(m->hosts[0].name, "192.168.1.5") == 0);
	size_t invites = 0;
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (!model_is(s, "INVITE"))
			continue;
		invites++;
		CHECK_INT(s->line, 13); /* completed by the segment that came late */
		CHECK(s->action == ACT_RECEIVED && strcmp(s->remote_ip, "192.168.1.21") == 0);
		size_t n = 0;
		char *raw = sip_raw(m, s, &n);
		CHECK(raw != NULL && n == s->flen && strncmp(raw, "INVITE sip:", 11) == 0);
		CHECK(raw != NULL && strstr(raw, "\r\n\r\nv=0") != NULL);
		CHECK_INT(sip_raw_line(m, s, 0), 0);
		free(raw);
	}
	CHECK_INT(invites, 1);
	CHECK_INT(m->wire.nconns, 1);
	CHECK(m->wire.nconns == 1 && !m->wire.conns[0].client_local);
	model_free(m);
}

/* Tunnels: mirrored traffic reaches a capture point wrapped. */

/* Returns the length after writing at f an IPv4 header (proto, n payload
 * bytes following) from 10.0.0.src to 10.0.0.dst. */
static size_t
ip4(uint8_t *f, uint8_t proto, size_t n, uint8_t src, uint8_t dst)
{
	memset(f, 0, 20);
	f[0] = 0x45;
	f[2] = (uint8_t)((20 + n) >> 8);
	f[3] = (uint8_t)(20 + n);
	f[8] = 64;
	f[9] = proto;
	f[12] = 10, f[15] = src;
	f[16] = 10, f[19] = dst;
	return 20;
}

/* Returns the length of an Ethernet header for type at f. */
static size_t
eth(uint8_t *f, uint16_t type)
{
	memset(f, 0, 14);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

static const char sip_opt[] = "OPTIONS sip:x SIP/2.0\r\n\r\n";

/* Returns the length of the packet written at f: 10.0.0.1:5060 to
 * 10.0.0.2:5061 over UDP carrying sip_opt, IP header first. */
static size_t
inner_udp(uint8_t *f)
{
	size_t n = sizeof sip_opt - 1, h = ip4(f, 17, 8 + n, 1, 2);
	uint8_t *u = f + h;
	memset(u, 0, 8);
	u[0] = 5060 >> 8, u[1] = 5060 & 255, u[2] = 5061 >> 8, u[3] = 5061 & 255;
	u[4] = (uint8_t)((8 + n) >> 8), u[5] = (uint8_t)(8 + n);
	memcpy(u + 8, sip_opt, n);
	return h + 8 + n;
}

/* Returns true when p holds the inner UDP packet, its IP header at inner. */
static bool
is_inner(const struct wire_pkt *p, size_t inner)
{
	char a[64], b[64];
	return p->proto == 17 && p->sport == 5060 && p->dport == 5061 &&
	    p->len == sizeof sip_opt - 1 && memcmp(p->payload, sip_opt, p->len) == 0 &&
	    strcmp(wire_addr(p, false, a, sizeof a), "10.0.0.1") == 0 &&
	    strcmp(wire_addr(p, true, b, sizeof b), "10.0.0.2") == 0 && p->ip_off == inner;
}

/* Returns true when the frame at f, n bytes of tunnel headers then the
 * inner packet in (il bytes, copied in), decodes to that inner packet. */
static bool
unwraps(uint8_t *f, size_t n, const uint8_t *in, size_t il)
{
	struct wire_pkt p;
	memcpy(f + n, in, il);
	return wire_decode(DLT_EN10MB, f, n + il, &p) && is_inner(&p, n);
}

static void
test_tunnels(void)
{
	uint8_t f[512], in[128];
	size_t il = inner_udp(in), n;
	struct wire_pkt p;
	/* IP in IP (sngrep's ipip.pcap) */
	n = eth(f, 0x0800);
	n += ip4(f + n, 4, il, 7, 8);
	CHECK(unwraps(f, n, in, il));
	/* GRE with checksum, key and sequence number, carrying IP */
	n = eth(f, 0x0800);
	n += ip4(f + n, 47, 16 + il, 7, 8);
	memset(f + n, 0, 16);
	f[n] = 0xb0, f[n + 2] = 0x08, f[n + 3] = 0x00;
	CHECK(unwraps(f, n + 16, in, il));
	/* ERSPAN type II: GRE with a sequence number, 8 bytes, then Ethernet */
	n = eth(f, 0x0800);
	n += ip4(f + n, 47, 8 + 8 + 14 + il, 7, 8);
	memset(f + n, 0, 16);
	f[n] = 0x10, f[n + 2] = 0x88, f[n + 3] = 0xbe;
	n += 16;
	n += eth(f + n, 0x0800);
	CHECK(unwraps(f, n, in, il));
	/* VXLAN: UDP to 4789, 8 bytes with the I flag, then Ethernet */
	n = eth(f, 0x0800);
	n += ip4(f + n, 17, 8 + 8 + 14 + il, 7, 8);
	memset(f + n, 0, 16);
	f[n + 2] = 4789 >> 8, f[n + 3] = 4789 & 255, f[n + 5] = (uint8_t)(8 + 8 + 14 + il);
	f[n + 8] = 0x08;
	n += 16;
	n += eth(f + n, 0x0800);
	CHECK(unwraps(f, n, in, il));
	/* five IP-in-IP layers: four are unwrapped, the fifth is left as it is */
	n = eth(f, 0x0800);
	for (int k = 0; k < 5; k++)
		n += ip4(f + n, 4, 20 * (size_t)(4 - k) + il, 7, 8);
	memcpy(f + n, in, il);
	CHECK(wire_decode(DLT_EN10MB, f, n + il, &p) && p.proto == 4 && p.payload == NULL);
	/* a GRE tunnel cut inside its header: the outer packet, no payload */
	n = eth(f, 0x0800);
	n += ip4(f + n, 47, 2, 7, 8);
	f[n] = 0x20, f[n + 1] = 0;
	CHECK(wire_decode(DLT_EN10MB, f, n + 2, &p) && p.proto == 47 && p.payload == NULL);
}

T_LIST(T(test_tcp_in_order), T(test_tcp_out_of_order_and_repeats), T(test_tcp_lost_bytes),
    T(test_sip_cut), T(test_tls_parser), T(test_certificates), T(test_capture_model),
    T(test_tunnels))
