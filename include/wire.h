/* wire.h - reading packets (ingest: the capture reader's helpers).
 *
 * wire_pkt.c decodes a captured frame down to its TCP or UDP payload (the
 * link layers a capture of an Expressway has: Ethernet with or without
 * 802.1Q tags, Linux cooked v1 and v2, raw IP, BSD loopback), and puts the
 * fragments of IPv4 and IPv6 datagrams back together. wire_tcp.c puts a TCP
 * stream's segments back in order and cuts SIP messages out of a stream or
 * a datagram by their Content-Length. Everything here reads untrusted bytes
 * and holds bounded memory; nothing here knows the model but its times.
 */
#ifndef XW_WIRE_H
#define XW_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmem.h"

/* A decoded packet: the ends, the transport header and where the payload is. */
struct wire_pkt {
	uint8_t family;         /* 4 or 6 */
	uint8_t proto;          /* 6 TCP, 17 UDP, else the payload is not decoded */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	uint8_t flags;          /* TCP flags (WIRE_SYN ...) */
	uint32_t seq, ack;
	const uint8_t *payload; /* inside the frame (or the reassembly's buffer) */
	size_t len;             /* payload bytes captured */
	size_t full;            /* payload bytes the packet had (more than len when cut) */
	const uint8_t *ip_hdr;  /* the IP header read (a tunnel's innermost), inside the frame */
	size_t ip_off;          /* where that IP header is in the frame */
	size_t ip_len;          /* bytes of the frame from the IP header to the payload's end */
	int8_t outgoing;        /* 1 sent by the capturing machine, 0 received, -1 unknown */
	bool cut;               /* captured shorter than the packet: the payload is cut */
	bool fragment;          /* a fragment of an IP datagram: not decoded past IP */
	uint32_t frag_id;       /* its datagram's identification */
	uint32_t frag_off;      /* its payload's place in the datagram */
	bool frag_more;         /* more fragments follow */
	const uint8_t *frag;    /* the fragment's payload (len bytes at frag) */
	uint8_t frag_proto;     /* the datagram's transport protocol */
};

enum { WIRE_FIN = 0x01, WIRE_SYN = 0x02, WIRE_RST = 0x04, WIRE_PSH = 0x08, WIRE_ACK = 0x10 };

/* Returns true after decoding the caplen bytes of a frame of link type dlt
 * (a DLT_ value, as libpcap gives it) into p, down to its IP header and,
 * unless it is a fragment, its TCP or UDP header; false when the frame is
 * not IP or too short for its headers. A packet a tunnel carries (IP in IP,
 * IPv6 in IPv4, GRE, ERSPAN I-III, VXLAN: how mirrored traffic reaches a
 * capture point) is decoded instead of the tunnel's, up to 4 deep. */
bool wire_decode(int dlt, const uint8_t *frame, size_t caplen, struct wire_pkt *p);
/* Returns true when the link type is one wire_decode reads. */
bool wire_link_known(int dlt);
/* Returns p's source or destination address as text into buf (size >= 46). */
char *wire_addr(const struct wire_pkt *p, bool dst, char *buf, size_t size);

/* A stretch of stream bytes and where they are: in the capture file (off)
 * and in which packet. */
struct wire_span {
	uint64_t off;           /* of the first byte, in the capture file */
	uint32_t len;
	uint32_t packet;
	uint64_t ip_off;        /* the packet's IP header in the file */
	uint32_t ip_len;
	int64_t us;
};

/* The IP fragments being put back together: a few datagrams at a time. */
#define WIRE_FRAG_SLOTS 32
#define WIRE_FRAG_MAX 65535     /* bytes of a datagram */
#define WIRE_FRAG_PIECES 64     /* fragments of one datagram */
#define WIRE_FRAG_AGE_US 30000000 /* a datagram whose last fragment never came is dropped */

struct wire_frag_slot {
	bool used;
	uint8_t family, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	int64_t first_us;
	uint8_t *buf;           /* WIRE_FRAG_MAX bytes */
	uint8_t *have;          /* a bit per 8 bytes received */
	uint32_t total;         /* the datagram's length once its last fragment came, else 0 */
	struct wire_span sp[WIRE_FRAG_PIECES]; /* where each fragment's bytes are */
	uint32_t sp_at[WIRE_FRAG_PIECES];      /* and their place in the datagram */
	size_t nsp;
};

struct wire_frags {
	struct wire_frag_slot slot[WIRE_FRAG_SLOTS];
	uint8_t *whole;         /* the last whole datagram, from its transport header on */
	struct wire_span sp[WIRE_FRAG_PIECES]; /* where its payload's bytes are, in order */
	size_t nsp;
	size_t dropped;         /* datagrams given up (too many at once, too old, too big) */
};

/* Returns true when fragment p, whose bytes are at sp in the capture file,
 * completed its datagram: p then describes the whole datagram (its payload
 * in fr->whole, valid until the next call) and fr->sp where its payload's
 * bytes are in the file; false while fragments are missing. us is the
 * packet's time. */
bool wire_frag_add(struct wire_frags *fr, struct wire_pkt *p, const struct wire_span *sp,
    int64_t us);
/* Frees what fr holds. */
void wire_frag_free(struct wire_frags *fr);

/* One direction of a TCP connection, put back in order. Segments ahead of
 * the next expected byte wait (WIRE_TCP_PENDING of them at most); bytes
 * seen before are passed over. */
#define WIRE_TCP_PENDING 64
struct wire_tcp_wait {
	uint32_t seq;
	struct wire_span sp;
};

struct wire_tcp {
	bool started;           /* next is known */
	bool gap;               /* bytes were lost: the consumer should resynchronise */
	uint32_t next;          /* sequence number of the next byte to deliver */
	uint32_t npend, pendcap;
	struct wire_tcp_wait *pend; /* segments ahead of next (allocated when one comes) */
};

/* Returns nothing; hands the in-order bytes of segment (seq, sp) of t to
 * deliver, with any waiting segment it lets through; syn tells that it
 * carried the SYN (its first byte is seq + 1). deliver gets each stretch
 * in order; t->gap is set before the first stretch that follows lost bytes. */
void wire_tcp_segment(struct wire_tcp *t, uint32_t seq, bool syn, const struct wire_span *sp,
    void (*deliver)(void *arg, const struct wire_span *sp), void *arg);
/* Returns nothing; gives up waiting for lost bytes: the waiting segments
 * are delivered from the lowest on (after a gap). */
void wire_tcp_flush(struct wire_tcp *t, void (*deliver)(void *arg, const struct wire_span *sp),
    void *arg);
/* Frees what t holds (the waiting segments are dropped). */
void wire_tcp_free(struct wire_tcp *t);

/* What a look at the start of some bytes says. */
enum wire_sip_cut {
	WIRE_SIP_MORE,          /* a SIP message begins but is not whole yet */
	WIRE_SIP_WHOLE,         /* a whole message: *len bytes */
	WIRE_SIP_JUNK,          /* not SIP here: *len bytes to pass over before trying again */
};

#define WIRE_SIP_MAX (256u << 10) /* bytes of a SIP message over TCP: a longer one is junk */

/* Returns what the n bytes at p start with (see enum wire_sip_cut), with
 * *len set: a message's length by its Content-Length (0 when absent, as
 * over TCP), or the junk to pass over (CRLF keep-alives, bytes before the
 * next line that starts a SIP message). at_end: no more bytes will come. */
enum wire_sip_cut wire_sip_cut(const char *p, size_t n, bool at_end, size_t *len);
/* Returns true when the n bytes at p start with a SIP request or status line. */
bool wire_sip_start(const char *p, size_t n);

#endif
