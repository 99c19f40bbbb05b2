/* wire_pkt.c - a captured frame down to its TCP or UDP payload, and IP
 * fragments put back together (see wire.h). Every length is checked against
 * what was captured: a header that does not fit rejects the frame, a
 * payload cut by the snap length is kept as far as it goes (p->cut). */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define LINKTYPE_RAW 101     /* libpcap gives DLT_RAW for it; taken either way */
#define MAX_VLAN_TAGS 4      /* stacked 802.1Q/802.1ad tags passed over */
#define MAX_TUNNELS 4        /* tunnels unwrapped inside one another */
#define VXLAN_PORT 4789

/* Returns the big-endian 16 bits at p. */
static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Returns the big-endian 32 bits at p. */
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool
wire_link_known(int dlt)
{
	switch (dlt) {
	case DLT_NULL: case DLT_EN10MB: case DLT_RAW: case LINKTYPE_RAW: case 14:
	case DLT_LOOP: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_IPV4: case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

/* Returns the ethertype of an Ethernet frame (after its VLAN tags) and sets
 * *off to where its payload starts; 0 when it does not fit. */
static uint16_t
ethernet(const uint8_t *f, size_t n, size_t *off)
{
	if (n < 14)
		return 0;
	size_t at = 12;
	uint16_t type = be16(f + at);
	for (int k = 0; k < MAX_VLAN_TAGS && (type == 0x8100 || type == 0x88a8 || type == 0x9100);
	    k++) {
		at += 4;
		if (at + 2 > n)
			return 0;
		type = be16(f + at);
	}
	*off = at + 2;
	return type;
}

/* Returns the IP version a link header announces (4, 6, or 0 for another
 * protocol) and sets *off past the link header; *out is the direction a
 * Linux cooked header tells. */
static int
link_layer(int dlt, const uint8_t *f, size_t n, size_t *off, int8_t *out)
{
	uint16_t type = 0;
	*out = -1;
	switch (dlt) {
	case DLT_EN10MB:
		type = ethernet(f, n, off);
		break;
	case DLT_LINUX_SLL:
		if (n < 16)
			return 0;
		*out = be16(f) == 4 ? 1 : be16(f) <= 3 ? 0 : -1;
		type = be16(f + 14);
		*off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (n < 20)
			return 0;
		*out = f[10] == 4 ? 1 : f[10] <= 3 ? 0 : -1;
		type = be16(f);
		*off = 20;
		break;
	case DLT_NULL: case DLT_LOOP: {
		if (n < 4)
			return 0;
		uint32_t af = dlt == DLT_LOOP ? be32(f) : (uint32_t)f[0] | (uint32_t)f[1] << 8 |
		    (uint32_t)f[2] << 16 | (uint32_t)f[3] << 24;
		if (af > 0xffff) /* written in the other byte order */
			af = (af >> 24) | ((af >> 8) & 0xff00);
		*off = 4;
		return af == 2 ? 4 : af == 10 || af == 24 || af == 28 || af == 30 ? 6 : 0;
	}
	default: /* raw IP: the version nibble says which */
		*off = 0;
		return n > 0 && (f[0] >> 4 == 4 || f[0] >> 4 == 6) ? f[0] >> 4 : 0;
	}
	return type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
}

/* Returns true after reading the TCP or UDP header at t (n bytes captured
 * of a datagram of dlen bytes) into p. */
static bool
transport(struct wire_pkt *p, const uint8_t *t, size_t n, size_t dlen)
{
	size_t hl;
	if (p->proto == 6) {
		if (n < 20 || (hl = (size_t)(t[12] >> 4) * 4) < 20 || hl > n || hl > dlen)
			return false;
		p->seq = be32(t + 4);
		p->ack = be32(t + 8);
		p->flags = t[13];
	} else if (p->proto == 17) {
		if (n < 8 || dlen < 8)
			return false;
		hl = 8;
		size_t ul = be16(t + 4);
		if (ul >= 8 && ul < dlen)
			dlen = ul; /* trailing bytes after the datagram are not its payload */
	} else {
		return true; /* another protocol: nothing past IP */
	}
	p->sport = be16(t);
	p->dport = be16(t + 2);
	p->payload = t + hl;
	p->len = (n < dlen ? n : dlen) - hl;
	p->full = dlen - hl;
	p->cut = p->cut || n < dlen;
	return true;
}

static bool ip_any(struct wire_pkt *p, const uint8_t *ip, size_t n, int depth);

/* Returns true after decoding the IP packet in the Ethernet frame at f (n
 * bytes) a tunnel carries. */
static bool
inner_ethernet(struct wire_pkt *p, const uint8_t *f, size_t n, int depth)
{
	size_t off = 0;
	uint16_t type = ethernet(f, n, &off);
	if ((type != 0x0800 && type != 0x86dd) || off >= n)
		return false;
	return ip_any(p, f + off, n - off, depth);
}

/* Returns true after decoding what the GRE packet at g (n bytes) carries:
 * IP, Ethernet, or a mirrored frame (ERSPAN type I and II: 0 or 8 bytes of
 * header, told by the sequence bit; type III: 12, or 20 with its platform
 * subheader). */
static bool
gre(struct wire_pkt *p, const uint8_t *g, size_t n, int depth)
{
	if (n < 4)
		return false;
	uint16_t fl = be16(g), type = be16(g + 2);
	if ((fl & 7) != 0 || (fl & 0x4000) != 0)
		return false; /* version 1 (PPTP) or source routing: not a mirror's */
	size_t hl = 4 + (fl & 0x8000 ? 4 : 0) + (fl & 0x2000 ? 4 : 0) + (fl & 0x1000 ? 4 : 0);
	size_t eh = type == 0x88be ? (fl & 0x1000 ? 8 : 0) : type == 0x22eb ? 12 : 0;
	if (hl + eh > n)
		return false;
	if (type == 0x22eb && (g[hl + 11] & 1) != 0)
		eh += 8;
	if (hl + eh > n)
		return false;
	switch (type) {
	case 0x0800: case 0x86dd: return ip_any(p, g + hl, n - hl, depth);
	case 0x6558: case 0x88be: case 0x22eb: return inner_ethernet(p, g + hl + eh, n - hl - eh, depth);
	default: return false;
	}
}

/* Returns true after replacing p by the packet its tunnel carries in the n
 * bytes at t: what follows the IP header for IP in IP and GRE, the UDP
 * payload for VXLAN (p->proto tells which); false leaves p as it was. */
static bool
tunnel(struct wire_pkt *p, const uint8_t *t, size_t n, int depth)
{
	if (depth >= MAX_TUNNELS)
		return false;
	struct wire_pkt q = {.outgoing = p->outgoing};
	bool ok = false;
	if ((p->proto == 4 || p->proto == 41) && n > 0 && t[0] >> 4 == (p->proto == 4 ? 4 : 6))
		ok = ip_any(&q, t, n, depth + 1);
	else if (p->proto == 47)
		ok = gre(&q, t, n, depth + 1);
	else if (p->proto == 17 && n >= 8 && (t[0] & 8)) /* VXLAN: 8 bytes, then Ethernet */
		ok = inner_ethernet(&q, t + 8, n - 8, depth + 1);
	if (ok)
		*p = q;
	return ok;
}

/* Returns true after reading what follows an IP header (p->proto set): a
 * tunnel's inner packet, else the TCP or UDP header (see transport). */
static bool
after_ip(struct wire_pkt *p, const uint8_t *t, size_t n, size_t dlen, int depth)
{
	if ((p->proto == 4 || p->proto == 41 || p->proto == 47) &&
	    tunnel(p, t, n < dlen ? n : dlen, depth))
		return true;
	if (!transport(p, t, n, dlen))
		return false;
	if (p->proto == 17 && p->dport == VXLAN_PORT)
		tunnel(p, p->payload, p->len, depth);
	return true;
}

/* Returns true after reading the IPv4 packet at ip (n bytes captured). */
static bool
ipv4(struct wire_pkt *p, const uint8_t *ip, size_t n, int depth)
{
	size_t hl;
	if (n < 20 || (hl = (size_t)(ip[0] & 15) * 4) < 20 || hl > n)
		return false;
	size_t total = be16(ip + 2);
	if (total < hl)
		total = n; /* TSO captures write 0: take what was captured */
	p->family = 4;
	memcpy(p->src, ip + 12, 4);
	memcpy(p->dst, ip + 16, 4);
	uint16_t fo = be16(ip + 6);
	p->cut = n < total;
	if ((fo & 0x3fff) != 0) { /* MF set or an offset: a fragment */
		p->fragment = true;
		p->frag_id = be16(ip + 4);
		p->frag_off = (uint32_t)(fo & 0x1fff) * 8;
		p->frag_more = (fo & 0x2000) != 0;
		p->frag_proto = ip[9];
		p->frag = ip + hl;
		p->len = (n < total ? n : total) - hl;
		return true;
	}
	p->proto = ip[9];
	return after_ip(p, ip + hl, n - hl, total - hl, depth);
}

/* Returns true after reading the IPv6 packet at ip (n bytes captured),
 * passing over its extension headers. */
static bool
ipv6(struct wire_pkt *p, const uint8_t *ip, size_t n, int depth)
{
	if (n < 40)
		return false;
	p->family = 6;
	memcpy(p->src, ip + 8, 16);
	memcpy(p->dst, ip + 24, 16);
	size_t total = 40 + (size_t)be16(ip + 4), at = 40;
	if (total == 40)
		total = n; /* a jumbogram, or TSO: take what was captured */
	uint8_t next = ip[6];
	p->cut = n < total;
	for (int k = 0; k < 8; k++) {
		if (next == 0 || next == 43 || next == 60 || next == 51) {
			if (at + 8 > n)
				return false;
			size_t el = next == 51 ? ((size_t)ip[at + 1] + 2) * 4 : ((size_t)ip[at + 1] + 1) * 8;
			next = ip[at];
			at += el;
		} else if (next == 44) {
			if (at + 8 > n)
				return false;
			uint16_t fo = be16(ip + at + 2);
			p->fragment = true;
			p->frag_off = fo & 0xfff8;
			p->frag_more = fo & 1;
			p->frag_id = be32(ip + at + 4);
			p->frag_proto = ip[at];
			at += 8;
			if (at > n || at > total)
				return false;
			p->frag = ip + at;
			p->len = (n < total ? n : total) - at;
			return true;
		} else {
			break;
		}
	}
	if (at > n || at > total)
		return false;
	p->proto = next;
	return after_ip(p, ip + at, n - at, total - at, depth);
}

/* Returns true after reading the IPv4 or IPv6 packet at ip (n bytes
 * captured), as its version nibble says; p->ip_hdr is where it starts. */
static bool
ip_any(struct wire_pkt *p, const uint8_t *ip, size_t n, int depth)
{
	if (n == 0)
		return false;
	p->ip_hdr = ip;
	return ip[0] >> 4 == 4 ? ipv4(p, ip, n, depth) : ip[0] >> 4 == 6 ? ipv6(p, ip, n, depth) : false;
}

bool
wire_decode(int dlt, const uint8_t *frame, size_t caplen, struct wire_pkt *p)
{
	size_t off = 0;
	memset(p, 0, sizeof *p);
	int v = link_layer(dlt, frame, caplen, &off, &p->outgoing);
	if (v == 0 || off >= caplen)
		return false;
	if ((frame[off] >> 4) != v || !ip_any(p, frame + off, caplen - off, 0))
		return false;
	p->ip_off = (size_t)(p->ip_hdr - frame);
	if (p->payload != NULL)
		p->ip_len = (size_t)(p->payload - p->ip_hdr) + p->len;
	else
		p->ip_len = caplen - p->ip_off;
	return true;
}

char *
wire_addr(const struct wire_pkt *p, bool dst, char *buf, size_t size)
{
	const uint8_t *a = dst ? p->dst : p->src;
	if (inet_ntop(p->family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

/* IP fragments. */

/* Returns nothing; frees slot s's buffers and marks it free. */
static void
slot_drop(struct wire_frag_slot *s)
{
	free(s->buf);
	free(s->have);
	memset(s, 0, sizeof *s);
}

/* Returns the slot of p's datagram: the one that holds it, else a free one
 * (the oldest is given up when none is free; *dropped counts it). */
static struct wire_frag_slot *
slot_of(struct wire_frags *fr, const struct wire_pkt *p, int64_t us)
{
	struct wire_frag_slot *free_slot = NULL, *oldest = NULL;
	for (size_t i = 0; i < WIRE_FRAG_SLOTS; i++) {
		struct wire_frag_slot *s = &fr->slot[i];
		if (s->used && us - s->first_us > WIRE_FRAG_AGE_US) {
			slot_drop(s);
			fr->dropped++;
		}
		if (!s->used) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (s->family == p->family && s->proto == p->frag_proto && s->id == p->frag_id &&
		    memcmp(s->src, p->src, 16) == 0 && memcmp(s->dst, p->dst, 16) == 0)
			return s;
		if (oldest == NULL || s->first_us < oldest->first_us)
			oldest = s;
	}
	if (free_slot == NULL) {
		slot_drop(oldest);
		fr->dropped++;
		free_slot = oldest;
	}
	struct wire_frag_slot *s = free_slot;
	s->used = true;
	s->family = p->family;
	s->proto = p->frag_proto;
	s->id = p->frag_id;
	memcpy(s->src, p->src, 16);
	memcpy(s->dst, p->dst, 16);
	s->first_us = us;
	s->buf = xmalloc(WIRE_FRAG_MAX);
	s->have = xcalloc(WIRE_FRAG_MAX / 8 + 1, 1);
	return s;
}

/* Returns true when every 8-byte unit of s's datagram has come. */
static bool
slot_whole(const struct wire_frag_slot *s)
{
	if (s->total == 0)
		return false;
	for (uint32_t u = 0; u < (s->total + 7) / 8; u++)
		if (!(s->have[u / 8] & (1u << (u % 8))))
			return false;
	return true;
}

/* Returns nothing; fills fr->sp with where the bytes [from, total) of slot
 * s's datagram are in the file, in datagram order, each byte once. */
static void
payload_spans(struct wire_frags *fr, const struct wire_frag_slot *s, uint32_t from)
{
	fr->nsp = 0;
	for (uint32_t upto = from; upto < s->total;) {
		size_t best = s->nsp; /* the fragment that holds byte upto and reaches furthest */
		for (size_t i = 0; i < s->nsp; i++)
			if (s->sp_at[i] <= upto && s->sp_at[i] + s->sp[i].len > upto &&
			    (best == s->nsp || s->sp_at[i] + s->sp[i].len > s->sp_at[best] + s->sp[best].len))
				best = i;
		if (best == s->nsp)
			return; /* cannot happen once whole: every unit came */
		struct wire_span sp = s->sp[best];
		uint32_t skip = upto - s->sp_at[best];
		sp.off += skip;
		sp.len -= skip;
		fr->sp[fr->nsp++] = sp;
		upto += sp.len;
	}
}

bool
wire_frag_add(struct wire_frags *fr, struct wire_pkt *p, const struct wire_span *sp, int64_t us)
{
	struct wire_frag_slot *s = slot_of(fr, p, us);
	size_t len = p->len;
	if ((size_t)p->frag_off + len > WIRE_FRAG_MAX || p->cut || s->nsp == WIRE_FRAG_PIECES) {
		slot_drop(s); /* a datagram we cannot hold whole */
		fr->dropped++;
		return false;
	}
	memcpy(s->buf + p->frag_off, p->frag, len);
	s->sp[s->nsp] = *sp;
	s->sp_at[s->nsp++] = p->frag_off;
	for (uint32_t u = p->frag_off / 8; u < (p->frag_off + (uint32_t)len + 7) / 8; u++)
		s->have[u / 8] |= (uint8_t)(1u << (u % 8));
	if (!p->frag_more)
		s->total = p->frag_off + (uint32_t)len;
	if (!slot_whole(s))
		return false;
	/* the whole datagram: its transport header and payload, decoded as one */
	size_t total = s->total;
	free(fr->whole);
	fr->whole = xmalloc(total + 1);
	memcpy(fr->whole, s->buf, total);
	p->fragment = false;
	p->proto = p->frag_proto;
	p->payload = NULL;
	p->len = 0;
	p->ip_len = 0; /* no one packet holds it */
	bool ok = transport(p, fr->whole, total, total) && p->payload != NULL;
	if (ok)
		payload_spans(fr, s, (uint32_t)(p->payload - fr->whole));
	slot_drop(s);
	return ok;
}

void
wire_frag_free(struct wire_frags *fr)
{
	for (size_t i = 0; i < WIRE_FRAG_SLOTS; i++)
		if (fr->slot[i].used)
			slot_drop(&fr->slot[i]);
	free(fr->whole);
	fr->whole = NULL;
}
