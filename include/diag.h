/* diag.h - findings: what broke, where, why, and what to change.
 *
 * Signatures are rows of one const table (see diag.c); each row's check
 * looks at the model (and xConfiguration dumps) and adds findings. The TUI
 * and the exports read findings; they never compute them.
 */
#ifndef XW_DIAG_H
#define XW_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum diag_severity { DIAG_INFO, DIAG_WARNING, DIAG_ERROR };

/* A log or configuration line that proves a finding. */
struct diag_evidence {
	const char *file;      /* pooled */
	uint32_t line;
};

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

/* One signature: a row of the table. */
struct diag_sig {
	const char *id;
	enum diag_severity severity;
	/* Adds this signature's findings for the model to r. */
	void (*check)(const struct diag_sig *sig, struct model *m, struct diag_result *r,
	    void *ctx);
	const char *explain;   /* what it means and the general fix (man page, help) */
};

/* Returns 0 after running every signature over the model and the given
 * xConfiguration dumps (paths; dumps found in bundles are added) and
 * indexing the findings (r->ix). On failure returns -1 with err. */
int diag_run(struct model *m, const char **xconfigs, size_t nxconfigs, struct diag_result *r,
    char *err, size_t errlen);
/* Frees the findings (not the pooled strings). */
void diag_result_free(struct diag_result *r);
/* Returns "error", "warning" or "info". */
const char *diag_severity_name(enum diag_severity s);
/* Returns the table of signatures and its length. */
const struct diag_sig *diag_table(size_t *n);
/* Adds a finding and returns it (evidence added with diag_evidence). */
struct diag_finding *diag_add(struct model *m, struct diag_result *r, const struct diag_sig *sig,
    int call, int arrow, int host, const char *summary, const char *fix);
/* Adds a file:line to a finding's evidence (file copied into the pool). */
void diag_evidence(struct model *m, struct diag_finding *f, const char *file, uint32_t line);
/* Returns the number of findings of call ci (ci < 0: of no call: connection
 * and configuration findings) and sets *idx to their indices in r->f. */
size_t diag_call_findings(const struct diag_result *r, long ci, const size_t **idx);
/* Returns the worst severity of call ci's findings, or -1 when none. */
int diag_call_worst(const struct diag_result *r, size_t ci);
/* Returns the worst finding on arrow ai of call ci (first made among equals),
 * or NULL. */
const struct diag_finding *diag_arrow_worst(const struct diag_result *r, size_t ci, size_t ai);
/* Returns nothing; (re)builds r's index over the calls of m (diag_run does). */
void diag_index_build(const struct model *m, struct diag_result *r);
/* Returns a one-character marker of a finding id for compact views. */
char diag_marker(const char *id);
/* Returns true when the id names a signature of the table. */
bool diag_known_id(const char *id);

/*
 * For the checks (diag_*.c): what diag_run gives every check as its ctx.
 * Everything here is owned by diag_run and lives until it returns.
 */
struct xconf;
struct xconf_issue;

/* One xConfiguration dump, parsed and linted. */
struct diag_dump {
	const char *name;          /* path or bundle member, pooled */
	struct xconf *x;           /* owned */
	struct xconf_issue *iss;   /* xconf_lint output, owned */
	size_t niss;
	int host;                  /* the logging host it belongs to, or -1 */
	bool is_e;                 /* an Expressway-E configuration */
};

/* Where a call's INVITE was inside one Expressway: from its arrival to the
 * final response the host sent back (times corrected). */
struct diag_window {
	int call;
	int host;
	uint32_t invite;           /* the INVITE record the host received */
	int32_t final;             /* the final response it sent, or -1 */
	xw_time start, end;
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
};

/* Returns the first event index of host h at or after time t in ctx->hev[h]
 * order (a position in that array, up to ctx->nhev[h]). */
size_t diag_events_from(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t);
/* Returns the window of host h that holds time t (the latest started one),
 * or NULL. */
const struct diag_window *diag_window_at(const struct model *m, const struct diag_ctx *ctx,
    int h, xw_time t);
/* Returns the latest started window of host h that holds time t and whose
 * INVITE came from ip (and port, unless 0), or NULL. */
const struct diag_window *diag_window_from(const struct model *m, const struct diag_ctx *ctx,
    int h, xw_time t, const char *ip, unsigned port);
/* Returns the index in c's arrows of the arrow that carries record msg, or -1. */
int diag_arrow_of(const struct call *c, uint32_t msg);
/* Adds the evidence of record msg and of its twin (file:line of each). */
void diag_msg_evidence(struct model *m, struct diag_finding *f, uint32_t msg);
/* Adds the evidence of an event (file:line). */
void diag_event_evidence(struct model *m, struct diag_finding *f, const struct log_event *e);
/* Returns the dump tied to host h; else the first dump tied to no host whose
 * role is h's (or, for a host of unknown role, want_e's); else NULL. */
const struct diag_dump *diag_dump_for(const struct model *m, const struct diag_ctx *ctx, int h,
    bool want_e);
/* Returns the lint issue with this id in dump d, or NULL. */
const struct xconf_issue *diag_dump_issue(const struct diag_dump *d, const char *id);
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
/* Returns a label for the machine that uses address ip ("Webex 1.2.3.4",
 * "CUCM 10.0.0.1", or the bare address) into buf; returns buf. */
char *diag_addr_label(const struct model *m, const char *ip, char *buf, size_t size);
/* Returns true when the window's INVITE was answered with success (2xx). */
bool diag_window_answered(const struct model *m, const struct diag_window *w);
/* Returns a new finding about a connection of host to ip:port, in call
 * window w (or NULL, call -1): the window's INVITE is its evidence, and a
 * call that another address answered makes it a warning. */
struct diag_finding *diag_add_conn(struct model *m, struct diag_result *r,
    const struct diag_sig *sig, int host, const char *ip, unsigned port,
    const struct diag_window *w, int call);
/* Returns true when ip is an address of a machine of kind k. */
bool diag_addr_is(const struct model *m, const char *ip, enum machine_kind k);

/* The checks of the table, by concern (diag_sip.c, diag_net.c, diag_tls.c,
 * diag_xconf.c); each adds its signature's findings. */
void diag_check_contact_stripped(const struct diag_sig *sig, struct model *m,
    struct diag_result *r, void *ctx);
void diag_check_preloaded_route(const struct diag_sig *sig, struct model *m,
    struct diag_result *r, void *ctx);
void diag_check_q850(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_codecs(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_cucm_size(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_cpl(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_srv_domain(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_tcp(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_tls(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);
void diag_check_xconfig(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *ctx);

#endif
