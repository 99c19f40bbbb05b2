/* diag.h - findings: what broke, where, why, and what to change.
 *
 * A signature is one const row (struct diag_sig) holding all that is known
 * about it: id, severity, marker, check, explanation and the check's own
 * arguments. Each check file holds its rows next to its checks, as one
 * group (diag_sip.c, diag_net.c, diag_tls.c, diag_call.c, xconf_lint.c);
 * diag_sigs.c puts the groups in the order findings are made. diag_run
 * (diag_run.c) sets up what the checks share, runs every row's check over
 * the model and the xConfiguration dumps, and indexes the findings; the
 * checks use the helpers of diag.c. The TUI and the exports read findings;
 * they never compute them.
 *
 *   diag_run.c -> diag_sigs.c -> the check files -> diag.c
 */
#ifndef XW_DIAG_H
#define XW_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum diag_severity { DIAG_INFO, DIAG_WARNING, DIAG_ERROR };

/* A log or configuration line, a captured packet or a certificate that
 * proves a finding. */
struct diag_evidence {
	const char *file;      /* pooled: a log, dump, capture or certificate file */
	uint32_t line;         /* 1-based line, or with packet, a packet number */
	bool packet;           /* line counts the packets of a capture */
	const char *text;      /* the line (or packet) quoted: pooled, untrusted, cut to
	                        * DIAG_QUOTE_MAX bytes; NULL when nothing can be quoted */
	int32_t cert;          /* the certificate it shows (m->wire.certs), or -1; its
	                        * text then names it: subject, issuer, names, dates */
};

#define DIAG_QUOTE_MAX 400 /* bytes of an evidence line kept: views cut to their width */

struct diag_finding {
	const char *id;        /* stable id from the table, e.g. "cpl-reject" */
	enum diag_severity severity;
	int call;              /* index in m->calls, or -1 (connection or config finding) */
	int arrow;             /* index in that call's arrows the finding concerns, or -1 */
	int host;              /* index in m->hosts, or -1 */
	const char *summary;   /* one line, pooled */
	const char *fix;       /* a sentence or two, pooled */
	struct diag_evidence *ev; /* owned by the finding */
	size_t nev, evcap;
	const char *peer;      /* connection findings: the peer "ip:port", pooled; else NULL */
	const char *config;    /* configuration findings: the dump's name, pooled; else NULL */
	const char *link;      /* what in the logs ties the evidence to the call (diag_tie.c),
	                        * pooled; NULL when the call's own messages are the evidence */
	uint32_t *cand;        /* evidence no single call could be tied to: the numbers of the
	                        * calls it may belong to, ascending; owned; NULL when none */
	size_t ncand;
};

/* The findings indexed once, by call and by arrow, for every view (list,
 * show, the browser, the exports): built by diag_run, read-only after. */
struct diag_index {
	size_t ncalls;
	size_t *order;         /* indices in f, grouped by call in finding order */
	size_t *call_start;    /* ncalls + 2 places: call ci's findings are order[call_start[ci]
	                        * .. call_start[ci + 1]]; group ncalls holds those of no call */
	int8_t *call_worst;    /* per call: worst severity, -1 when none */
	size_t *arrow_base;    /* per call: its first place in arrow_worst */
	int32_t *arrow_worst;  /* per arrow of each call: index in f of its worst finding, or -1 */
};

struct diag_result {
	struct diag_finding *f;
	size_t n, cap;
	struct diag_index ix;  /* built by diag_run */
};

/* One signature: a row of its check file's group. Everything is static. */
struct diag_sig {
	const char *id;        /* stable, e.g. "cpl-reject" */
	enum diag_severity severity; /* of its findings, unless the check says otherwise */
	char marker;           /* one character for compact views (list, ladder, help), unique
	                        * in the table: a configuration cause is the lower case of the
	                        * symptom's letter when it has one (s for S) */
	/* Adds this signature's findings for the model to r; ctx is the
	 * struct diag_ctx diag_run set up. */
	void (*check)(const struct diag_sig *sig, struct model *m, struct diag_result *r,
	    void *ctx);
	const char *explain;   /* what it means and the general fix (help, man page) */
	const void *arg;       /* the check's own arguments for this row, of a type its
	                        * file defines (phrase, wording, fix...), or NULL */
};

/* The rows of one check file, in the order their findings are made. */
struct diag_group {
	const struct diag_sig *rows;
	size_t n;
};

/* The runner (diag_run.c). */

/* Returns 0 after running every signature over the model and the given
 * xConfiguration dumps (paths, read during the call; dumps found in bundles
 * are added) and indexing the findings (r->ix). On failure returns -1 with
 * err. r is the caller's, zeroed before; its findings point into m's pool;
 * free it with diag_result_free. */
int diag_run(struct model *m, const char **xconfigs, size_t nxconfigs, struct diag_result *r,
    char *err, size_t errlen);
/* Frees the findings and the index (not the pooled strings). */
void diag_result_free(struct diag_result *r);
/* Returns the number of findings of call ci (ci < 0: of no call: connection
 * and configuration findings) and sets *idx to their indices in r->f
 * (owned by r). */
size_t diag_call_findings(const struct diag_result *r, long ci, const size_t **idx);
/* Returns the worst severity of call ci's findings, or -1 when none. */
int diag_call_worst(const struct diag_result *r, size_t ci);
/* Returns the worst finding on arrow ai of call ci (first made among equals,
 * owned by r), or NULL. */
const struct diag_finding *diag_arrow_worst(const struct diag_result *r, size_t ci, size_t ai);
/* Returns nothing; (re)builds r's index over the calls of m (diag_run does). */
void diag_index_build(const struct model *m, struct diag_result *r);

/* The table (diag_sigs.c). */

/* Returns signature i (static) in the order findings are made, or NULL
 * when there are no more: for (i = 0; (s = diag_table(i)) != NULL; i++). */
const struct diag_sig *diag_table(size_t i);
/* Returns the marker of the signature with this id, '!' for none. */
char diag_marker(const char *id);
/* Returns true when the id names a signature of the table. */
bool diag_known_id(const char *id);
/* The groups of the check files (static), walked by diag_sigs.c. */
extern const struct diag_group diag_sip_group, diag_net_group, diag_tls_group, diag_wire_group,
    diag_call_group;
/* Returns nothing; adds what the captures show of the TLS failures of sig
 * (a diag_tls.c row) to its findings r->f[first ..], and makes findings of
 * sig for the connections only a capture shows, with fix (the row's) as
 * their fix (diag_wire.c; called at the end of the row's check). */
void diag_wire_proof(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx, size_t first, const char *fix);
struct diag_conn;
/* What a capture shows of a connection a log says failed. */
enum diag_wire_seen {
	DIAG_WIRE_NONE,       /* no capture holds it */
	DIAG_WIRE_UNANSWERED, /* SYNs, and no answer */
	DIAG_WIRE_REFUSED,    /* the peer answered the SYN with a reset */
	DIAG_WIRE_ANSWERED,   /* the peer answered the SYN with a SYN/ACK */
};
/* Returns what a capture shows of the connection with the ends the log gave
 * (c), after adding its TCP steps (SYNs and their answer) to f: the
 * capture's proof of a connection the log says failed (diag_wire.c). */
enum diag_wire_seen diag_wire_conn_evidence(struct model *m, struct diag_finding *f,
    const struct diag_conn *c);
/* Returns the fix of a connection the Expressway opened and its peer refused
 * with a reset (static text; diag_wire.c). */
const char *diag_wire_refused_fix(void);
/* Returns true when f cites a packet of captured connection c (diag_wire.c). */
bool diag_wire_cites(const struct model *m, const struct diag_finding *f,
    const struct wire_conn *c);

/* Findings (diag.c). */

/* Returns "error", "warning" or "info" (static). */
const char *diag_severity_name(enum diag_severity s);
/* Adds a finding and returns it, owned by r until the next diag_add
 * (evidence added with diag_evidence); summary and fix are copied into
 * the pool. */
struct diag_finding *diag_add(struct model *m, struct diag_result *r, const struct diag_sig *sig,
    int call, int arrow, int host, const char *summary, const char *fix);
/* Adds a file:line to a finding's evidence (file copied into the pool). */
void diag_evidence(struct model *m, struct diag_finding *f, const char *file, uint32_t line,
    const char *text);
/* Adds packet number packet of capture file to a finding's evidence,
 * quoting text (a one-line summary of the packet). */
void diag_packet_evidence(struct model *m, struct diag_finding *f, const char *file,
    uint32_t packet, const char *text);
/* Adds certificate ci of m->wire.certs to a finding's evidence: where it
 * was seen (its packet, or its PEM file's BEGIN line) and what it says. */
void diag_cert_evidence(struct model *m, struct diag_finding *f, uint32_t ci);
/* Returns buf (size bytes) holding one line about certificate c: its place
 * in its chain, subject, issuer, DNS names and validity. */
char *diag_cert_text(const struct wire_cert *c, char *buf, size_t size);

/*
 * For the checks: what diag_run gives every check as its ctx, and the
 * helpers of diag.c. Everything in the ctx is owned by diag_run and lives
 * until it returns.
 */
struct xconf;
struct xconf_issue;

/* One xConfiguration dump, parsed and linted. */
struct diag_dump {
	const char *name;          /* path or bundle member, pooled */
	struct xconf *x;           /* owned */
	struct xconf_issue *iss;   /* xconf_lint output (xconf_lint.h), owned */
	size_t niss;
	int host;                  /* the logging host it belongs to, or -1 */
	bool is_e;                 /* an Expressway-E configuration */
};

/* Where a call's INVITE was inside one Expressway: from its arrival to the
 * final response the host sent back (times corrected); what diag_tie.c
 * reads to tie connection-level evidence to it. */
struct diag_window {
	int call;
	int host;
	uint32_t invite;           /* the INVITE record the host received */
	int32_t final;             /* the final response it sent, or -1 */
	xw_time start, end;
	int32_t sent;              /* the INVITE it forwarded to another machine, or -1 */
	xw_time sent_at;           /* when (XW_TIME_NONE when never) */
	xw_time search0, search1;  /* its search on the host (Search Attempted .. Completed
	                            * of the call), XW_TIME_NONE when not logged */
};

/* Phrases that checks look for in the text of many events, often of the
 * same events again (windows overlap): each is searched for at most once
 * per event (diag_event_phrase). */
enum diag_phrase {
	DP_CERTIFICATE,           /* part of three of the TLS phrases below */
	DP_UNTRUSTED_CA,
	DP_IDENTITY_UNACCEPTABLE,
	DP_CERT_UNKNOWN,
	DP_REMOTE_DISCONNECT,
	DP_SEARCH_RULE,
	DP_DNS_QUERY,
	DP_RESOLVED,
	DP_TCP_FAILED,
	DP_TCP_CONNECTING,
	DP_COUNT
};

/* What checks ask of a message before anything else, one bit each: a check
 * reads the bit of a message (ctx->mflags) before its record, which is big
 * and seldom in cache; each bit is implied by the test that follows it. */
enum {
	DM_INVITE = 1 << 0,       /* an INVITE request: model_is(s, "INVITE") */
	DM_WIRE_INVITE = 1 << 1,  /* ... and not a retransmission, between two machines,
	                           * logged in full */
	DM_INVITE_FINAL = 1 << 2, /* status >= 200, CSeq method INVITE */
	DM_Q850 = 1 << 3,         /* a Q.850 cause other than 16 */
	DM_SDP = 1 << 4,          /* has SDP */
	DM_LARGE = 1 << 5,        /* above DIAG_CUCM_MAX_MESSAGE bytes */
};

#define DIAG_CUCM_MAX_MESSAGE 5000 /* Unified CM's default SIP Max Incoming Message Size */
#define DIAG_MAX_CANDIDATES 64 /* messages of one call a check pairs up: bounds hostile calls */

struct diag_ctx {
	struct diag_dump *dumps;
	size_t ndumps, dumpcap;
	uint32_t **hev;            /* per host: event indices ordered by corrected time */
	xw_time **hevt;            /* the same events' corrected times */
	uint8_t **hevk;            /* and kinds (enum ev_kind): scans skip without the events */
	size_t *nhev;
	struct diag_window *win;   /* ordered by start */
	size_t nwin;
	bool ascii_case;           /* tolower() folds as ASCII: phrases found without it */
	uint32_t *ev_asked;        /* per event: bit per diag_phrase looked for */
	uint32_t *ev_found;        /* per event: bit per diag_phrase found */
	uint8_t anchor[DP_COUNT];  /* per phrase: the byte looked for first (a rare one) */
	uint8_t *mflags;           /* per message: DM_* bits */
	struct diag_ties *ties;    /* what diag_tie.c looks up (its own, built on first use) */
};

/* Returns the first event index of host h at or after time t in ctx->hev[h]
 * order (a position in that array, up to ctx->nhev[h]). */
size_t diag_events_from(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t);
/* Returns the window of host h that holds time t (the latest started one),
 * owned by ctx, or NULL. */
const struct diag_window *diag_window_at(const struct model *m, const struct diag_ctx *ctx,
    int h, xw_time t);
/* Returns the index in ctx->win of the first window that starts after t
 * (ctx->nwin when none does): the windows are in order of their start. */
size_t diag_windows_after(const struct diag_ctx *ctx, xw_time t);
/* Returns the latest started window of host h that holds time t and whose
 * INVITE came from ip (and port, unless 0), owned by ctx, or NULL. */
const struct diag_window *diag_window_from(const struct model *m, const struct diag_ctx *ctx,
    int h, xw_time t, const char *ip, unsigned port);
/* Returns the index in c's arrows of the arrow that carries record msg, or -1. */
int diag_arrow_of(const struct call *c, uint32_t msg);
/* Adds the evidence of record msg and of its twin (file:line of each). */
void diag_msg_evidence(struct model *m, struct diag_finding *f, uint32_t msg);
/* Adds the line of record msg (and of its twin) that starts with prefix (a
 * header name and its colon, "Contact:", or an SDP line, "m=audio"; any
 * case), quoted; the message's first line when no line does. */
void diag_msg_line_evidence(struct model *m, struct diag_finding *f, uint32_t msg,
    const char *prefix);
/* Adds the evidence of an event (file:line). */
void diag_event_evidence(struct model *m, struct diag_finding *f, const struct log_event *e);
/* Adds line of dump d to f's evidence, quoting the setting read from it. */
void diag_dump_evidence(struct model *m, struct diag_finding *f, const struct diag_dump *d,
    uint32_t line);
/* Returns the dump tied to host h; else the first dump tied to no host whose
 * role is h's (or, for a host of unknown role, want_e's); else NULL. The
 * dump is owned by ctx. */
const struct diag_dump *diag_dump_for(const struct model *m, const struct diag_ctx *ctx, int h,
    bool want_e);
/* Returns true when the host part of uri (or a bare host) is a Webex domain:
 * *.ciscospark.com, *.webex.com, *.wbx2.com. */
bool diag_webex_uri(const char *uri);
/* Returns true when host (as diag_uri_host gives it, cut to 255 bytes) is a
 * Webex domain, as diag_webex_uri tells of its URI. */
bool diag_webex_host(const char *host);
/* Copies the host part of a SIP URI or name-addr ("<sip:a@b.c;lr>") to buf;
 * returns buf, "" when there is none. */
char *diag_uri_host(const char *uri, char *buf, size_t size);
/* Copies the value of key="..." in an event's text to buf (cut to size);
 * returns true when the key was found. */
bool diag_event_kv(const struct log_event *e, const char *key, char *buf, size_t size);
/* Returns true when the event text holds s (case-insensitive). */
bool diag_event_has(const struct log_event *e, const char *s);
/* Returns true when the text of event ei holds phrase p (case-insensitive,
 * as diag_event_has); remembers the answer in ctx. */
bool diag_event_phrase(const struct model *m, const struct diag_ctx *ctx, uint32_t ei,
    enum diag_phrase p);
/* Returns nothing; sets up ctx's phrase memo for the events of m: diag_run
 * calls it and frees ev_asked and ev_found when the checks are done. */
void diag_phrases_init(const struct model *m, struct diag_ctx *ctx);
/* Returns a label for the machine that uses address ip ("Webex 1.2.3.4",
 * "CUCM 10.0.0.1", or the bare address) into buf; returns buf. */
char *diag_addr_label(const struct model *m, const char *ip, char *buf, size_t size);
/* Returns a new finding about a connection of host to ip:port, in call
 * window w (or NULL, call -1), owned by r as diag_add's: the window's INVITE
 * is its evidence, and a call that another address answered makes it a
 * warning. */
struct diag_finding *diag_add_conn(struct model *m, struct diag_result *r,
    const struct diag_sig *sig, int host, const char *ip, unsigned port,
    const struct diag_window *w, int call);
/* Returns true when ip is an address of a machine of kind k. */
bool diag_addr_is(const struct model *m, const char *ip, enum machine_kind k);

/*
 * Tying connection-level evidence to the call that caused it (diag_tie.c):
 * by what the logs carry, never by nearness in time alone. A DNS lookup and
 * a search rule line belong to the search the host ran for one call (its
 * Search Attempted .. Completed, with its Call-serial-number and Tag) and
 * must fit that call (the name looked up is its request-URI's domain or the
 * Webex override name; the rule's alias is its destination); a connection
 * belongs to the call whose SIP messages crossed it (its ports), else to the
 * one call that was being routed when it was opened and had not gone out
 * through another connection before it ended; a CPL reject to the call that
 * came from the line's address and was never forwarded. What fits several
 * calls stays theirs to share: the tie names the candidates.
 */

#define DIAG_TIE_CANDIDATES 16 /* candidate calls named at most */

/* What tied a piece of evidence to a call, or the calls it may be of. */
struct diag_tie {
	const struct diag_window *w; /* the one call's window on the host, owned by ctx; or NULL */
	int call;                    /* w->call, or -1 */
	const char *link;            /* pooled: what tied it; NULL when nothing did */
	int cand[DIAG_TIE_CANDIDATES]; /* when no single call: the calls it fits (indices) */
	size_t ncand;
};

/* One TCP connection as a host logged it. */
struct diag_conn {
	char lip[64], rip[64];       /* the host's address and the peer's */
	unsigned lport, rport;
	bool inbound;                /* the peer opened it */
};

/* Returns nothing; fills the windows' sent, sent_at, search0 and search1
 * (diag_run calls it once the windows are built). */
void diag_tie_prepare(const struct model *m, struct diag_ctx *ctx);
/* Returns nothing; frees what diag_tie.c kept in ctx. */
void diag_tie_free(struct diag_ctx *ctx);
/* Returns nothing; ties connection c of host h, opened at `opened` (its TCP
 * Connecting line; XW_TIME_NONE when not logged) and ended at `ended`, to a
 * call in *t. */
void diag_tie_conn(struct model *m, const struct diag_ctx *ctx, int h,
    const struct diag_conn *c, xw_time opened, xw_time ended, struct diag_tie *t);
/* Returns nothing; ties event ei (a DNS query or answer, a search rule line,
 * a CPL line) to a call in *t. */
void diag_tie_event(struct model *m, const struct diag_ctx *ctx, uint32_t ei,
    struct diag_tie *t);
/* Returns nothing; gives finding f the link and the candidates of t (the
 * candidates only when t tied it to no call). */
void diag_tie_note(struct model *m, struct diag_finding *f, const struct diag_tie *t);
/* Returns true when call ci is t's call or one of its candidates. */
bool diag_tie_fits(const struct diag_tie *t, int ci);
/* Returns the "TCP Connecting" event of host h for connection c logged at or
 * before t (up to `back` ms before), or NULL. */
const struct log_event *diag_conn_opened(const struct model *m, const struct diag_ctx *ctx,
    int h, const struct diag_conn *c, xw_time t, xw_time back);
/* Returns true after reading the connection of a network.tcp line or an
 * Event line with Src/Dst fields into c, from host h's side. */
bool diag_conn_of(const struct model *m, const struct log_event *e, struct diag_conn *c);

#endif
