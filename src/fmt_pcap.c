/* fmt_pcap.c - packet captures (libpcap and pcapng files): recognising
 * them, reading them with libpcap into wire_scan.c, and giving back a
 * captured message (the bytes of its pieces) and the packets that carried
 * it.
 *
 * libpcap reads the file's text through a memory stream, so the capture is
 * read where it is (mapped, or a bundle member's temporary file) and never
 * copied whole. Where each frame is in the file is found from the stream's
 * position after it and checked byte for byte: a record then points at its
 * bytes by offset, and they are read again when a view asks.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_format.h"
#include "wire.h"
#include "wire_scan.h"

#define PCAP_MAX_SEC 9000000000LL /* 2255: the last second int64 nanoseconds hold */

/* Returns true when the file starts with a libpcap magic number, in either
 * byte order, for microsecond (a1b2c3d4) or nanosecond (a1b23c4d) times. */
static bool
pcap_sniff(const char *d, size_t n)
{
	static const unsigned char magic[][4] = {
		{0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
		{0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
	};
	for (size_t i = 0; n >= 4 && i < sizeof magic / sizeof magic[0]; i++)
		if (memcmp(d, magic[i], 4) == 0)
			return true;
	return false;
}

/* Returns true when the file starts with a pcapng section header block: its
 * type (0a0d0d0a) and, after the block length, the byte-order magic. */
static bool
pcapng_sniff(const char *d, size_t n)
{
	return n >= 12 && memcmp(d, "\x0a\x0d\x0d\x0a", 4) == 0 &&
	    (memcmp(d + 8, "\x1a\x2b\x3c\x4d", 4) == 0 || memcmp(d + 8, "\x4d\x3c\x2b\x1a", 4) == 0);
}

/* Returns true when the caplen bytes at pkt are at off in f. */
static bool
at_offset(const struct log_file *f, uint64_t off, const u_char *pkt, size_t caplen)
{
	return off <= f->len && caplen <= f->len - off && memcmp(f->data + off, pkt, caplen) == 0;
}

/* Returns the 32 bits at p in little (le) or big endian. */
static uint32_t
get32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
	    : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Returns where in f the frame libpcap just read (caplen bytes at pkt,
 * ending the stream's bytes at end) is, or WIRE_NOWHERE: in a pcap file its
 * data ends the record; in a pcapng file its block ends there, and its data
 * is after the header of an enhanced, simple or old packet block. */
static uint64_t
locate(const struct log_file *f, long end, const u_char *pkt, size_t caplen, bool ng)
{
	if (end < 0 || (size_t)end > f->len)
		return WIRE_NOWHERE;
	uint64_t e = (uint64_t)end;
	if (!ng)
		return e >= caplen && at_offset(f, e - caplen, pkt, caplen) ? e - caplen : WIRE_NOWHERE;
	if (e < 16)
		return WIRE_NOWHERE;
	for (int le = 1; le >= 0; le--) {
		uint32_t tl = get32((const unsigned char *)f->data + e - 4, le);
		if (tl < 16 || tl > e)
			continue;
		uint64_t start = e - tl;
		static const unsigned hdr[] = {28, 12};
		for (size_t k = 0; k < 2; k++)
			if (at_offset(f, start + hdr[k], pkt, caplen))
				return start + hdr[k];
	}
	return WIRE_NOWHERE;
}

/* Returns a packet's time in nanoseconds (the capture is opened at that
 * precision). A pcapng block may say any 64-bit time: one past 2255 does not
 * fit, and none before 1970 is real, so both are held to the edge. */
static int64_t
frame_ns(const struct pcap_pkthdr *h)
{
	int64_t sec = h->ts.tv_sec < 0 ? 0 : h->ts.tv_sec > PCAP_MAX_SEC ? PCAP_MAX_SEC : h->ts.tv_sec;
	int64_t frac = h->ts.tv_usec < 0 ? 0 : h->ts.tv_usec > 999999999 ? 999999999 : h->ts.tv_usec;
	return sec * 1000000000 + frac;
}

/* Returns 0 after reading m->files[fi], a capture: its packets through
 * wire_scan; what cannot be read is a problem of the file. */
static int
pcap_scan(struct model *m, uint32_t fi)
{
	struct log_file *f = &m->files[fi];
	char err[PCAP_ERRBUF_SIZE] = "";
	FILE *fp = fmemopen((void *)f->data, f->len, "r");
	pcap_t *p = fp != NULL ? pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, err) : NULL;
	if (p == NULL) {
		if (fp != NULL)
			fclose(fp);
		model_problem(m, f, 1, false, "not readable as a packet capture: %s",
		    *err ? err : "cannot open a stream on it");
		return 0;
	}
	int dlt = pcap_datalink(p);
	if (!wire_link_known(dlt)) {
		model_problem(m, f, 1, false, "link type %s (%d) is not read: only Ethernet, Linux "
		    "cooked, raw IP and loopback captures are", pcap_datalink_val_to_name(dlt)
		    ? pcap_datalink_val_to_name(dlt) : "?", dlt);
		pcap_close(p);
		return 0;
	}
	bool ng = f->fmt != NULL && strcmp(f->fmt->name, "pcapng") == 0;
	struct wire_scan *ws = wire_scan_begin(m, fi);
	struct pcap_pkthdr *h;
	const u_char *d;
	struct wire_frame fr = {.dlt = dlt};
	int rc;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		long end = ftell(fp);
		fr.data = d;
		fr.caplen = h->caplen;
		fr.off = locate(&m->files[fi], end, d, h->caplen, ng);
		fr.ns = frame_ns(h);
		fr.number++;
		fr.at = end > 0 ? (size_t)end : 0;
		wire_scan_frame(ws, &fr);
	}
	if (rc == PCAP_ERROR)
		model_problem(m, &m->files[fi], fr.number + 1, false, "read up to packet %u: %s",
		    fr.number, pcap_geterr(p));
	wire_scan_end(ws);
	pcap_close(p); /* closes fp */
	return 0;
}

/* Returns the pieces of record s, checked against its file: their number in
 * *n, NULL when they do not add up to its length. */
static const struct wire_piece *
pieces(const struct model *m, const struct sip_msg *s, size_t *n)
{
	const struct log_file *f = &m->files[s->file];
	size_t k = 0, got = 0;
	for (uint64_t i = s->off; i < m->wire.npieces && got < s->flen; i++, k++) {
		const struct wire_piece *p = &m->wire.pieces[i];
		if (p->ip_off > f->len || (uint64_t)p->at + p->len > f->len - p->ip_off)
			return NULL;
		got += p->len;
	}
	*n = k;
	return got == s->flen && k > 0 ? &m->wire.pieces[s->off] : NULL;
}

/* Returns the message a capture holds, put together from its pieces. */
static char *
pcap_raw(const struct model *m, const struct sip_msg *s, size_t *n)
{
	size_t k;
	const struct wire_piece *p = pieces(m, s, &k);
	if (p == NULL)
		return NULL;
	const char *d = m->files[s->file].data;
	char *out = xmalloc((size_t)s->flen + 1), *q = out;
	for (size_t i = 0; i < k; i++) {
		memcpy(q, d + p[i].ip_off + p[i].at, p[i].len);
		q += p[i].len;
	}
	*q = '\0';
	if (n != NULL)
		*n = s->flen;
	return out;
}

/* Returns 0: a capture has packets, not lines. */
static uint32_t
pcap_line(const struct model *m, const struct sip_msg *s, size_t k)
{
	(void)m, (void)s, (void)k;
	return 0;
}

/* Returns the number of packets that carried s handed to emit (each once,
 * from its IP header on); 0 when one of them holds no whole packet (a
 * datagram put back together from fragments is given as those). */
static size_t
pcap_packets(const struct model *m, const struct sip_msg *s,
    void (*emit)(void *arg, int64_t us, const uint8_t *ip, size_t n), void *arg)
{
	size_t k, done = 0;
	const struct wire_piece *p = pieces(m, s, &k);
	const struct log_file *f = &m->files[s->file];
	for (size_t i = 0; p != NULL && i < k; i++)
		if (p[i].ip_len == 0 || p[i].ip_off + p[i].ip_len > f->len)
			return 0;
	for (size_t i = 0; p != NULL && i < k; i++) {
		if (i > 0 && p[i].packet == p[i - 1].packet)
			continue;
		emit(arg, p[i].us, (const uint8_t *)f->data + p[i].ip_off, p[i].ip_len);
		done++;
	}
	return done;
}

const struct log_format fmt_pcap = {
	.name = "pcap",
	.what = "packet capture",
	.block = "SIP message",
	.sniff = pcap_sniff,
	.scan = pcap_scan,
	.raw = pcap_raw,
	.line = pcap_line,
	.packets = pcap_packets,
	.counts_packets = true,
};

const struct log_format fmt_pcapng = {
	.name = "pcapng",
	.what = "packet capture (pcapng)",
	.block = "SIP message",
	.sniff = pcapng_sniff,
	.scan = pcap_scan,
	.raw = pcap_raw,
	.line = pcap_line,
	.packets = pcap_packets,
	.counts_packets = true,
};
