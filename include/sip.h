/* sip.h - one logged SIP message: parsing with libosip2 (sip.c, ingest's),
 * and what views ask of a record (sip_msg.c).
 *
 * Parsed libosip2 structures never outlive sip_parse(): the summary that the
 * model needs is copied into the pooled fields of struct sip_fields, and the
 * wire text is rebuilt from the log on demand with sip_raw().
 */
#ifndef XW_SIP_H
#define XW_SIP_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "sdp.h"

#define SIP_MAX_LIST 64 /* Via, Route and Record-Route entries kept per message */
#define SIP_MAX_UUID 63 /* characters kept of a Session-ID UUID (32 in RFC 7989) */

/* What a parse kept only in part (bits of struct sip_fields.cut); each is
 * reported on the file with the message's line. */
enum {
	SIP_CUT_VIAS = 1,       /* more than SIP_MAX_LIST Via headers */
	SIP_CUT_ROUTES = 2,     /* Route entries */
	SIP_CUT_RROUTES = 4,    /* Record-Route entries */
	SIP_CUT_MEDIA = 8,      /* more than SDP_MAX_MEDIA m= lines */
	SIP_CUT_FORMATS = 16,   /* more than SDP_MAX_FORMATS formats on an m= line */
	SIP_CUT_SDP_NAMES = 32, /* an SDP name longer than SDP_MAX_MEDIA_NAME or SDP_MAX_NAME */
	SIP_CUT_SESSION_ID = 64, /* a Session-ID UUID longer than SIP_MAX_UUID */
};

/* Initialises libosip2 once (parser tables, silent trace, allocator hooks);
 * call before parsing, before any thread starts. */
void sip_init(void);

/* A parsing thread's scratch memory for libosip2 (see sip_arena.c). */
struct sip_arena;
/* Returns a new empty arena; the caller owns it (sip_arena_free). */
struct sip_arena *sip_arena_new(void);
/* Frees the arena and all its memory. */
void sip_arena_free(struct sip_arena *a);
/* Routes this thread's libosip2 allocations to a until sip_arena_leave. */
void sip_arena_enter(struct sip_arena *a);
/* Stops routing and empties a: every block taken since enter is gone. */
void sip_arena_leave(struct sip_arena *a);
/* Hands libosip2 the allocator hooks (done by sip_init). */
void sip_arena_install(void);
/* Returns 0 after filling s's SIP fields from the unframed text (n bytes);
 * on failure returns -1 with the reason in why. Strings go to pool, which
 * must outlive the message (parse threads each have their own). libosip2
 * works in arena when not NULL (one per thread), else on the heap. */
int sip_parse(struct strpool *pool, struct sip_arena *arena, struct sip_fields *s,
    const char *text, size_t n, char *why, size_t whylen);
/* Returns buf (size bytes) holding the reason to report for cut bit bit. */
const char *sip_cut_reason(int bit, char *buf, size_t size);
/* Returns the wire text of a logged message (caller frees, length in *n when
 * n is not NULL), rebuilt by the format of the file that logged it; NULL when
 * only a summary was logged. */
char *sip_raw(const struct model *m, const struct sip_msg *s, size_t *n);
/* Returns sip_raw's text of s, for a reader that will not come back to the
 * message's neighbours (a finding quoting a line of it): the log's pages it
 * faulted in are given back (log_scan_release), so quoting a thousand
 * messages does not keep a large log resident. A view that reads message
 * after message (an export, the browser) uses sip_raw. */
char *sip_raw_once(const struct model *m, const struct sip_msg *s, size_t *n);
/* Returns the line of its file that holds line k (0 first) of sip_raw's text
 * of s, or 0 when its format has no lines (a summary, a capture). */
uint32_t sip_raw_line(const struct model *m, const struct sip_msg *s, size_t k);
/* Returns true when s is a packet capture's record: its line is a packet
 * number, not a line. */
bool sip_is_captured(const struct model *m, const struct sip_msg *s);
/* Returns how many original packets that carried s were handed to emit
 * (time in microseconds since the epoch, the bytes from the IP header on),
 * from its capture or, for a log's record, from its captured copy; 0 when
 * no capture holds it. */
size_t sip_packets(const struct model *m, const struct sip_msg *s,
    void (*emit)(void *arg, int64_t us, const uint8_t *ip, size_t n), void *arg);
/* Returns the first line of the message ("INVITE sip:...", "SIP/2.0 200 OK")
 * into buf (size bytes). */
char *sip_first_line(const struct sip_msg *s, char *buf, size_t size);
/* Returns a short label for ladders: "INVITE", "200 OK", "183 Session Progress". */
char *sip_label(const struct sip_msg *s, char *buf, size_t size);
/* Returns the reason phrase RFC 3261 (and the RFCs after it) gives status,
 * "Not Found" for 404 (static), or NULL for a status it names not. */
const char *sip_default_phrase(int status);
/* Returns the audio codecs of the SDP ("G722,PCMU") or NULL when no audio. */
const char *sip_audio_codecs(const struct sip_msg *s);
/* Returns true when two records are the same kind of message (method, and
 * status for responses), as they are on the hops of one transaction. */
bool sip_same_kind(const struct sip_msg *a, const struct sip_msg *b);

#endif
