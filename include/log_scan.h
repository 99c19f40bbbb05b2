/* log_scan.h - the machinery every reader of SIP-carrying text shares
 * (ingest only: the fmt_*.c scanners).
 *
 * A reader walks its file's text and, for each entry, says where it is
 * (log_scan_at), which host it names (log_scan_host), and hands over the
 * framed SIP blocks it finds (log_scan_block) and the diagnostic entries it
 * keeps (log_scan_event). The machinery batches the blocks: every
 * LOG_CHUNK_BYTES of text the batch goes to the parse crew (log_crew.h) while
 * the reader goes on, the batch before is committed to the model in log
 * order, and its pages are given back to the kernel, so that a log of any
 * size is never resident in full. A block whose framed bytes were read
 * before (the same message in a file read earlier) shares that parse.
 *
 * Life of a scan: log_scan_begin, the reader's walk, log_scan_finish (the
 * last batches are in the model), the reader's own finishing, log_scan_end.
 */
#ifndef XW_LOG_SCAN_H
#define XW_LOG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log_crew.h"
#include "log_text.h"
#include "model.h"

#define LOG_MAX_BLOCK (4u << 20)    /* bytes of a framed SIP message; one never
                                     * comes near, a longer block is cut */
#define LOG_MAX_EVENT_TEXT 16384    /* bytes of text kept of a diagnostic entry */
#define LOG_MAX_CONT_LINES 40       /* continuation lines joined to an entry */
#define LOG_MAX_EVENT_DERIVED 1024  /* bytes of the fields a reader derives per entry */
#define LOG_CHUNK_BLOCKS 128        /* SIP blocks parsed together */
#define LOG_CHUNK_BYTES (512u << 10) /* text scanned per batch; released once parsed */

/* A hash table of 64-bit keys (0 marks an empty slot) to message indices. */
struct log_keymap {
	uint64_t *key;
	uint32_t *val;
	size_t n, cap;
};

/* A field a reader derives from an entry's text (not written key="value"). */
struct log_field {
	const char *key, *val;       /* NUL-terminated */
};

/* The state of one file's scan. */
struct log_scan {
	struct model *m;
	uint32_t fi;
	const char *d;               /* the file's text */
	size_t len;
	int *hosts;                  /* host index per distinct host named */
	uint32_t *hostn;             /* entries per host */
	size_t nhosts, hostcap, hostncap;
	struct log_keymap seen;      /* log_scan_msg_key of the messages committed */
	struct log_keymap known;     /* frame hash -> index in m->msgs, of messages read */
	struct log_job jobs[2];      /* one filled by the reader while the other is parsed */
	struct log_job *job;         /* the one being filled */
	struct log_crew crew;
	size_t dropped;              /* bytes of the mapping already released */
	size_t tick;                 /* where progress was last reported */
	struct log_pair *pairs;      /* scratch for an entry's fields */
	size_t paircap;
	struct sbuf kv;              /* scratch for their encoding */
	int last_host;               /* the host of the previous entry, a cache */
	size_t last_slot;            /* its index in hosts */
	const char *last_hostname;
	size_t last_hostlen;
	uint32_t padded_line;        /* the first line with a value padded inside its quotes,
	                              * which readers read without (noted once, at the end) */
};

/* Returns nothing; starts the scan of m->files[fi] (its parse threads run
 * until log_scan_end). unframe turns a block's framed bytes into wire text
 * (run by the parse threads). */
void log_scan_begin(struct log_scan *sc, struct model *m, uint32_t fi,
    bool (*unframe)(const char *p, size_t n, struct sbuf *out));
/* Returns nothing; ends the batch being filled at text position at and
 * hands it over (log_scan_at does when the batch is full). */
void log_scan_chunk(struct log_scan *sc, size_t at);
/* Returns nothing; tells the machinery that an entry starts at text
 * position at: a full batch is handed over before it. */
static inline void
log_scan_at(struct log_scan *sc, size_t at)
{
	if (sc->job->n >= LOG_CHUNK_BLOCKS || at - sc->job->text_from >= LOG_CHUNK_BYTES)
		log_scan_chunk(sc, at);
}
/* Returns the model host index of a host name met first (see log_scan_host). */
int log_scan_host_slow(struct log_scan *sc, const char *name, size_t n);
/* Returns the model host index of the n bytes of name that an entry gives,
 * counting it for the file: the host most entries name is the file's. */
static inline int
log_scan_host(struct log_scan *sc, const char *name, size_t n)
{
	if (sc->last_hostname != NULL && sc->last_hostlen == n &&
	    memcmp(sc->last_hostname, name, n) == 0) {
		sc->hostn[sc->last_slot]++;
		return sc->last_host;
	}
	return log_scan_host_slow(sc, name, n);
}
/* Returns nothing; queues the framed block [p->off, p->end) of the text for
 * parsing, with p->s (where and when it was logged), p->closed and p->cut
 * set by the reader. The block is parsed in a batch, and committed to the
 * model with its problems in log order; it counts as seen in the file's
 * account, then as read or reported. */
void log_scan_block(struct log_scan *sc, struct log_pending *p);
/* Returns nothing; gives back the mapped pages of file f around the n bytes
 * at off once a reader's raw hook has copied them out. A fault maps the
 * pages around it too (64 KB, or a large folio of up to 2 MB), so a
 * diagnosis that quotes a thousand messages would otherwise keep much of a
 * large log resident. A heap copy
 * (a repaired or decompressed file) is left alone. */
void log_scan_release(const struct log_file *f, uint64_t off, size_t n);
/* Returns nothing; queues the n bytes at bytes (copied) for parsing as one
 * framed block, for a reader whose messages are not a stretch of its file
 * (a capture's, cut from packets): p->s is kept as the reader set it but
 * for flen (n), p->closed and p->cut as log_scan_block's. */
void log_scan_block_bytes(struct log_scan *sc, struct log_pending *p, const char *bytes,
    size_t n);
/* Returns a pooled copy of a message's fields, which the records of the same
 * bytes share. */
const struct sip_fields *log_scan_fields(struct model *m, const struct sip_fields *f);
/* Returns the key naming a message for telling whether it was seen: its
 * logged hash, else its direction, Call-ID, CSeq, method and status. */
uint64_t log_scan_msg_key(const struct sip_msg *s);
/* Returns true when a message with key k was committed by this scan. */
bool log_scan_seen(struct log_scan *sc, uint64_t k);
/* Returns the event added to the model from e (file, line, host, time,
 * kind set), with its text the n bytes at text (n <= LOG_MAX_EVENT_TEXT; cut
 * at a NUL) and its fields: those of the text, then the nd derived ones (of
 * LOG_MAX_EVENT_DERIVED bytes in all at most; more are left out). The
 * pointer lasts until the next event is added. */
struct log_event *log_scan_event(struct log_scan *sc, const struct log_event *e,
    const char *text, size_t n, const struct log_field *derived, size_t nd);
/* Returns nothing; parses and commits every block still queued. */
void log_scan_finish(struct log_scan *sc);
/* Returns nothing; gives the scanned pages of the whole file back, names the
 * file's host and line count (nlines) and frees the scan state. */
void log_scan_end(struct log_scan *sc, uint32_t nlines);

#endif
