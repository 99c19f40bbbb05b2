/* export_pcap.c - the pcap export: each message of the calls as the packets
 * a capture holds of it (its original IP packets and times), else rebuilt
 * as one IP/UDP packet with the logged addresses, ports and corrected time.
 *
 * Classic libpcap format (microsecond stamps, little-endian), link type
 * LINKTYPE_RAW so IPv4 and IPv6 mix in one file. UDP keeps the logged ports
 * and needs no stream state; Wireshark's SIP heuristics find SIP on any UDP
 * port. The log holds no real packet: a message the log kept only as an INFO
 * summary becomes a minimal SIP message rebuilt from that summary, and SRTP
 * keys the Expressway redacted become zeros (see unredact_keys).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export_util.h"
#include "sip.h"

#define LINKTYPE_RAW 101
#define SNAPLEN 262144
#define MAX_PAYLOAD 65000 /* fits one UDP datagram over IPv4 or IPv6 */

/* Stores v little-endian at p (pcap headers). */
static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Stores the low 16 bits of v big-endian at p (IP and UDP headers). */
static void
be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

/* Returns the ones' complement sum of n bytes added to sum (not folded). */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* Returns the folded, complemented checksum of a running sum. */
static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One packet's ends, both as 16-byte IPv6 addresses (IPv4 mapped). */
struct ends {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool v4;
};

/* Fills a 16-byte address from text; anything unparseable becomes 0.0.0.0. */
static void
parse_addr(const char *s, uint8_t a[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(a, 0, 16);
	if (s != NULL && inet_pton(AF_INET6, s, a) == 1)
		return;
	memcpy(a, mapped, 12);
	if (s == NULL || inet_pton(AF_INET, s, a + 12) != 1)
		memset(a + 12, 0, 4);
}

/* Returns the ends of a logged message: who sent it to whom. */
static struct ends
msg_ends(const struct sip_msg *s)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	struct ends e;
	bool sent = s->action == ACT_SENT;
	parse_addr(sent ? s->local_ip : s->remote_ip, e.src);
	parse_addr(sent ? s->remote_ip : s->local_ip, e.dst);
	e.sport = sent ? s->local_port : s->remote_port;
	e.dport = sent ? s->remote_port : s->local_port;
	e.v4 = memcmp(e.src, mapped, 12) == 0 && memcmp(e.dst, mapped, 12) == 0;
	return e;
}

/* Returns the IP and UDP header length written into h (room for 48 bytes)
 * for a payload of n bytes, checksums included. */
static size_t
ip_udp(uint8_t *h, const struct ends *e, const uint8_t *pl, size_t n, uint16_t id)
{
	size_t ip = e->v4 ? 20 : 40, alen = e->v4 ? 4 : 16, aoff = e->v4 ? 12 : 8;
	const uint8_t *src = e->v4 ? e->src + 12 : e->src, *dst = e->v4 ? e->dst + 12 : e->dst;
	uint8_t *u = h + ip;
	memset(h, 0, ip + 8);
	if (e->v4) {
		h[0] = 0x45, be16(h + 2, (uint32_t)(20 + 8 + n)), be16(h + 4, id);
		h[6] = 0x40, h[8] = 64, h[9] = 17;
	} else {
		h[0] = 0x60, be16(h + 4, (uint32_t)(8 + n)), h[6] = 17, h[7] = 64;
	}
	memcpy(h + aoff, src, alen);
	memcpy(h + aoff + alen, dst, alen);
	if (e->v4)
		be16(h + 10, csum_fold(csum_add(0, h, 20)));
	be16(u, e->sport), be16(u + 2, e->dport), be16(u + 4, (uint32_t)(8 + n));
	uint32_t sum = csum_add(0, src, alen);
	sum = csum_add(sum, dst, alen) + 17 + (uint32_t)(8 + n);
	uint16_t ck = csum_fold(csum_add(csum_add(sum, u, 8), pl, n));
	be16(u + 6, ck ? ck : 0xffff); /* 0 would mean "no checksum" */
	return ip + 8;
}

/* Appends s with CR, LF and other controls replaced, for a rebuilt header. */
static void
hdr_value(struct sbuf *b, const char *s, const char *none)
{
	for (s = s != NULL ? s : none; *s; s++) {
		char c = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
		sbuf_add(b, &c, 1);
	}
}

/* Appends a minimal SIP message rebuilt from the INFO summary of s. */
static void
rebuild(struct sbuf *b, const struct sip_msg *s)
{
	char first[512];
	hdr_value(b, sip_first_line(s, first, sizeof first), "");
	sbuf_puts(b, "\r\nCall-ID: ");
	hdr_value(b, s->sip->call_id, "unknown");
	sbuf_printf(b, "\r\nCSeq: %u ", s->sip->cseq);
	hdr_value(b, s->sip->method, "UNKNOWN");
	sbuf_puts(b, "\r\nFrom: <");
	hdr_value(b, s->sip->from_uri, "sip:unknown.invalid");
	sbuf_puts(b, ">;tag=");
	hdr_value(b, s->sip->from_tag, "unknown");
	sbuf_puts(b, "\r\nTo: <");
	hdr_value(b, s->sip->to_uri, "sip:unknown.invalid");
	sbuf_puts(b, ">");
	if (s->sip->to_tag != NULL) {
		sbuf_puts(b, ";tag=");
		hdr_value(b, s->sip->to_tag, "");
	}
	sbuf_puts(b, "\r\nX-Xwtrace-Note: rebuilt from the log summary; the message was not "
	    "logged\r\nContent-Length: 0\r\n\r\n");
}

/* Rewrites SRTP keys that the Expressway logged as dots ("inline:....") as
 * base64 zeros of the same length: Wireshark's SDP dissector stops on the
 * dots and marks the whole message malformed. */
static void
unredact_keys(char *p, size_t n)
{
	static const char tag[] = "inline:";
	for (char *q = p; (q = memmem(q, n - (size_t)(q - p), tag, sizeof tag - 1)) != NULL;) {
		q += sizeof tag - 1;
		while (q < p + n && *q == '.')
			*q++ = 'A';
	}
}

/* Where the export writes, and the captured packets written already (a
 * segment that carried two messages is written once). */
struct pcap_out {
	struct sbuf *out;
	const uint8_t **seen;    /* open addressing on the packets' bytes, NULL empty */
	size_t nseen, cap;
};

/* Returns true when the captured packet at ip was written before (else
 * notes it). */
static bool
seen_before(struct pcap_out *o, const uint8_t *ip)
{
	if (o->nseen * 2 >= o->cap) {
		struct pcap_out g = {o->out, xcalloc(o->cap ? o->cap * 2 : 64, sizeof *g.seen), 0,
		    o->cap ? o->cap * 2 : 64};
		for (size_t i = 0; i < o->cap; i++)
			if (o->seen[i] != NULL)
				seen_before(&g, o->seen[i]);
		free(o->seen);
		*o = g;
	}
	size_t j = (size_t)(((uintptr_t)ip >> 4) * 0x9e3779b97f4a7c15ULL >> 20) & (o->cap - 1);
	while (o->seen[j] != NULL && o->seen[j] != ip)
		j = (j + 1) & (o->cap - 1);
	if (o->seen[j] == ip)
		return true;
	o->seen[j] = ip;
	o->nseen++;
	return false;
}

/* Appends a captured packet (its bytes from the IP header on) with its
 * original time, once. */
static void
original(void *arg, int64_t us, const uint8_t *ip, size_t n)
{
	struct pcap_out *o = arg;
	if (seen_before(o, ip))
		return;
	uint8_t rec[16];
	size_t k = n < SNAPLEN ? n : SNAPLEN;
	le32(rec, (uint32_t)(us / 1000000));
	le32(rec + 4, (uint32_t)(us % 1000000));
	le32(rec + 8, (uint32_t)k);
	le32(rec + 12, (uint32_t)n);
	sbuf_add(o->out, (const char *)rec, sizeof rec);
	sbuf_add(o->out, (const char *)ip, k);
}

/* Appends arrow a's message: the packets a capture holds of it, else one
 * packet rebuilt from the log. */
static void
packet(struct pcap_out *o, const struct model *m, const struct call_arrow *a, uint16_t id)
{
	const struct sip_msg *s = &m->msgs[a->msg];
	if (sip_packets(m, s, original, o) > 0 ||
	    (a->twin >= 0 && sip_packets(m, &m->msgs[a->twin], original, o) > 0))
		return;
	struct sbuf *out = o->out;
	struct sbuf pl = {0};
	size_t n = 0;
	char *raw = sip_raw(m, s, &n);
	if (raw != NULL)
		sbuf_add(&pl, raw, n);
	else
		rebuild(&pl, s);
	free(raw);
	if (pl.len > MAX_PAYLOAD)
		pl.len = MAX_PAYLOAD;
	unredact_keys(pl.s, pl.len);
	struct ends e = msg_ends(s);
	uint8_t rec[16], h[48];
	size_t hl = ip_udp(h, &e, (const uint8_t *)pl.s, pl.len, id);
	int64_t t = a->t < 0 ? 0 : a->t;
	le32(rec, (uint32_t)(t / 1000));
	le32(rec + 4, (uint32_t)(t % 1000) * 1000);
	le32(rec + 8, (uint32_t)(hl + pl.len));
	le32(rec + 12, (uint32_t)(hl + pl.len));
	sbuf_add(out, (const char *)rec, sizeof rec);
	sbuf_add(out, (const char *)h, hl);
	sbuf_add(out, pl.s, pl.len);
	sbuf_free(&pl);
}

/* An arrow to write, with its place in the calls' own order. */
struct pkt {
	const struct call_arrow *a;
	size_t order;
};

/* Returns the order of two arrows by time, then by the calls' order: never
 * by address, which differs from run to run. */
static int
by_time(const void *x, const void *y)
{
	const struct pkt *a = x, *b = y;
	if (a->a->t != b->a->t)
		return a->a->t < b->a->t ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

export_write_fn export_pcap; /* the type of the table's writers (export.c) */

/* Returns 0 after appending a pcap file with every message of the calls,
 * in order of corrected time. */
int
export_pcap(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	uint8_t gh[24] = {0};
	le32(gh, 0xa1b2c3d4);
	gh[4] = 2, gh[6] = 4; /* version 2.4, little-endian */
	le32(gh + 16, SNAPLEN);
	le32(gh + 20, LINKTYPE_RAW);
	sbuf_add(out, (const char *)gh, sizeof gh);
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		total += m->calls[calls[i]].narrows;
	struct pkt *v = xcalloc(total + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m->calls[calls[i]].narrows; j++, k++)
			v[k] = (struct pkt){&m->calls[calls[i]].arrows[j], k};
	qsort(v, total, sizeof *v, by_time);
	struct pcap_out o = {out, NULL, 0, 0};
	for (size_t i = 0; i < total; i++)
		packet(&o, m, v[i].a, (uint16_t)(i + 1));
	free(o.seen);
	free(v);
	return 0;
}
