/* wire_scan.h - one packet capture read into the model (ingest: the
 * capture format's scan, fmt_pcap.c, hands it the frames; wire_scan.c).
 *
 * Each frame is decoded (wire.h). A UDP datagram that starts with a SIP
 * start line is a message. A TCP connection is followed when it is on a
 * SIP or traversal port (5060-5062, 5073-5075, 7001-7003, and every port
 * SIP was seen on) or starts with SIP: its streams are put back in order
 * and cut into SIP messages, or read as TLS (wire_tls.h), and what its
 * packets did (SYN, RST, hellos, certificates, alerts) becomes its steps
 * (struct wire_conn). Messages go through the shared parse machinery
 * (log_scan.h) as records of the file; where their bytes are is kept as
 * pieces (struct wire_piece). At the end the capture point is worked out:
 * the addresses that take part in every flow (a Linux cooked capture says
 * which packets were sent; agents, private addresses and the order of
 * flows break ties); it becomes the capture's host, named by its first
 * address, and each record is Sent or Received as that host sees it.
 *
 * Memory: per followed connection its small state, its steps and its
 * out-of-order segments (WIRE_TCP_PENDING); per stream the bytes of one
 * SIP message at most; never the packets.
 */
#ifndef XW_WIRE_SCAN_H
#define XW_WIRE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define WIRE_NOWHERE UINT64_MAX /* a frame whose bytes were not found in the file */

/* A captured frame, as the capture format hands it over. */
struct wire_frame {
	int dlt;                  /* its link type (DLT_ value) */
	const uint8_t *data;      /* its captured bytes */
	size_t caplen;
	uint64_t off;             /* where data is in the capture file, or WIRE_NOWHERE */
	int64_t ns;               /* its time, nanoseconds since the epoch */
	uint32_t number;          /* 1 first */
	size_t at;                /* bytes of the file read so far (for batching) */
};

struct wire_scan;

/* Returns the state of the scan of m->files[fi], begun (the caller ends it
 * with wire_scan_end). */
struct wire_scan *wire_scan_begin(struct model *m, uint32_t fi);
/* Returns nothing; reads one frame. */
void wire_scan_frame(struct wire_scan *ws, const struct wire_frame *fr);
/* Returns nothing; finishes the scan (the streams' last messages, the
 * capture point, the connections' steps), reports what could not be read
 * on the file, and frees ws. */
void wire_scan_end(struct wire_scan *ws);

#endif
