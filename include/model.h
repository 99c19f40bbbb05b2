/* model.h - what xwtrace knows after reading its inputs.
 *
 * The ingest (log_*, fmt_*, sip*) fills files, hosts, messages and events
 * with their fields; the correlator (corr_*) fills roles, machines, twins,
 * skew and calls. Every other part (diagnose, TUI, exports) only reads this
 * model, and never the input text: what it needs of it is parsed once, at
 * ingest. The model is the layer below ingest: it never calls it.
 *
 * Ownership: the model owns everything reachable from it. Strings are pooled
 * (m->pool) and live as long as the model; never free them one by one.
 * File text is kept mapped, not copied: raw message text is rebuilt on
 * demand with sip_raw() by the format of the file that logged it.
 */
#ifndef XW_MODEL_H
#define XW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmem.h"

/* Milliseconds since the Unix epoch, UTC. */
typedef int64_t xw_time;
#define XW_TIME_NONE INT64_MIN

/* What a host that produced evidence is; an open set: each role is a row of
 * model_roles (model.c), which says all that views need of it. */
enum host_role {
	ROLE_UNKNOWN,
	ROLE_EXPRESSWAY_C,
	ROLE_EXPRESSWAY_E,
	ROLE_CUCM,       /* a Unified CM node whose trace was read */
	ROLE_CAPTURE,    /* a capture point (a packet capture's interface) */
	ROLE_COUNT
};

/* A row of the role table. */
struct model_role {
	const char *name;    /* "expressway-c": JSON, the man page */
	const char *flag;    /* the HOST=VALUE of --role: "c", "e", "cucm", "capture" */
	char letter;         /* compact views: 'C', 'E', 'U', 'P', '?' */
	const char *label;   /* prose: "Expressway-C" */
};

/* The kind of machine a ladder column stands for; each is a row of
 * model_kinds (model.c). */
enum machine_kind {
	MACH_EXPRESSWAY, /* one of the hosts whose evidence was read */
	MACH_WEBEX,      /* Webex cloud (L2SIP), all its addresses in one column */
	MACH_CUCM,       /* a Unified CM node */
	MACH_ENDPOINT,   /* anything else: phones, MRA clients, other proxies */
	MACH_EXPRESSWAY_PEER, /* an Expressway or VCS whose log was not read, seen from the
	                  * other side: traversal peer, neighbour, cluster peer */
	MACH_CUBE,       /* a Cisco Unified Border Element or IOS gateway */
	MACH_SKYPE,      /* a Skype for Business / Lync edge or mediation server */
	MACH_COUNT
};

/* A row of the machine kind table. */
struct model_kind {
	const char *name;    /* "webex": JSON, ladder headers */
	const char *label;   /* prose: "Webex" */
};

/* A block or line that could not be used, or was used with a repair. */
struct log_problem {
	uint32_t line;
	bool recovered; /* true: kept after a repair (e.g. Content-Length fixed) */
	const char *reason;
};

struct log_format; /* how a kind of input is read: a row of ingest's table (log_format.h) */

/* One input file kept as evidence (a plain file, a .gz, or a member of a
 * bundle). Its text is held by ingest, which hands model_free the means to
 * give it back (release), so the model never calls up into ingest. */
struct log_file {
	const char *path;   /* as the user named it; "bundle.tar.gz:member" for members */
	const struct log_format *fmt; /* the format it was read as; NULL when no row knew it */
	const char *host;   /* most frequent host name of the line prefixes */
	int host_idx;       /* index in m->hosts, -1 when no line named a host */
	const char *data;   /* the text, mapped read-only (or decompressed copy) */
	size_t len;
	void *map_base;     /* private to ingest: the mapping; NULL for a heap copy */
	size_t map_len;
	bool map_is_heap;   /* private to ingest: data is a heap copy */
	/* set by ingest: gives the text back (called by model_free); NULL when
	 * whoever loaded the file keeps its text */
	void (*release)(struct log_file *f);
	/* private to ingest: when data is a repaired copy of the file's text
	 * (pasted, quoted, folded...), the file's line of each of its lines */
	uint32_t *line_map;
	uint32_t nline_map;
	uint32_t nlines;
	uint32_t sip_messages;   /* messages taken from this file */
	uint32_t info_only;      /* messages built from INFO summaries alone */
	/* What it was taken for: fmt->what, or ignored (no row reads it): what
	 * it looked like, "packet capture (not read)", "binary data". */
	const char *ignored;
	/* The input account: what the file held against what was read. Every
	 * SIP block seen is read or reported (a problem names its line); an
	 * INFO summary is read when it made a message or its message was read
	 * from its DEBUG block. */
	uint32_t blocks_seen, blocks_read, blocks_reported;
	uint32_t info_seen, info_read, info_reported;
	uint32_t events_seen, events_read;
	struct log_problem *problems;
	size_t nproblems, problemcap;
};

/* A machine that produced evidence: an Expressway whose log was read, and
 * in time a Unified CM node whose trace was, or a capture point. What it
 * is comes from its role (an open set, model_roles), never assumed. */
struct host {
	const char *name;          /* as its evidence names it (a log line prefix) */
	enum host_role role;
	bool role_forced;          /* set by --role */
	const char **addrs;        /* its own IPs: the local addresses its evidence gives */
	size_t naddrs, addrcap;
	int machine;               /* its column in ladders */
};

/* A ladder column: a machine, with every address it was seen with. */
struct machine {
	const char *name;          /* host name, "Webex", "CUCM 10.1.1.1", an IP */
	enum machine_kind kind;
	int host;                  /* index in m->hosts for MACH_EXPRESSWAY, else -1 */
	const char **addrs;
	size_t naddrs, addrcap;
	const char *agent;         /* User-Agent/Server it announced, if any */
	const char *why;           /* for a kind only inferred from traffic, what showed it
	                            * (pooled); NULL for a loaded host or a plain endpoint */
	enum host_role role;       /* an Expressway peer's role as its traffic shows it (a
	                            * traversal client is a C), else ROLE_UNKNOWN */
};

struct sip_via {
	const char *proto;         /* "TLS", "TCP", "UDP" */
	const char *host;
	uint16_t port;
	const char *branch, *received, *egress_zone, *ingress_zone, *proxy_call_id;
	/* other parameters are in the raw text (sip_raw): not kept per message */
};

struct sdp_media {
	const char *media;         /* "audio", "video", "application" */
	uint16_t port;
	const char *proto;         /* "RTP/SAVP" */
	const char *codecs;        /* "G722,PCMU,telephone-event" (names, or payload numbers when unmapped) */
	const char *dir;           /* "sendrecv", "sendonly", "recvonly", "inactive" */
};

enum sip_action { ACT_RECEIVED, ACT_SENT };

/* What a SIP message's bytes say: start line, headers and SDP summary. The
 * records of the same bytes (another host's copy of a message between
 * them, a B2BUA hop, a retransmission) share one by reference, so a field
 * added here is never copied by hand. Pooled; never changed once parsed. */
struct sip_fields {
	const char *method;        /* request method, or the CSeq method of a response */
	const char *reason_phrase;
	const char *ruri;
	const char *call_id;
	const char *from_uri, *from_tag, *from_name;
	const char *to_uri, *to_tag, *to_name;
	struct sip_via *vias;
	const char *contact;       /* first Contact, as written (URI and params) */
	const char *contact_uri;
	const char *contact_params;/* ";call-type=squared;video" style, or NULL */
	const char **routes;       /* Route entries, top first */
	const char **rroutes;      /* Record-Route entries */
	const char *session_local, *session_remote; /* Session-ID UUIDs, lower case */
	const char *reason;        /* every Reason header value, ", "-joined */
	const char *reason_text;   /* text= of the Reason element the causes came from
	                            * (the Q.850 one first), or NULL */
	const char *user_agent, *server, *warning, *taatag, *content_type;
	struct sdp_media *media;
	uint32_t cseq;
	uint32_t size;             /* bytes of the message on the wire */
	uint32_t content_length;   /* declared Content-Length */
	int status;                /* response code, 0 for requests */
	int q850;                  /* Q.850 cause from Reason, -1 if none */
	uint16_t sip_cause;        /* SIP cause from Reason ("SIP;cause=480"), 0 if none */
	uint16_t nvias;
	uint16_t nroutes;
	uint16_t nrroutes;
	uint8_t nmedia;
	bool is_request;
	bool call_type_squared;
	bool has_sdp;
	bool cl_repaired;          /* parsed after fixing a wrong Content-Length */
	bool blank_added;          /* parsed after putting back the blank line before the body */
	bool repeat_dropped;       /* parsed after dropping a single header repeated word for
	                            * word (two Content-Type lines): libosip2 refuses those */
	bool body_dropped;         /* libosip2 rejected the body: parsed without it (headers,
	                            * start line); its SDP is still read from the text */
	uint8_t cut;               /* what was kept only in part: SIP_CUT_* bits (sip.h) */
};

/* One SIP message as one host logged it: where and when (the record's own),
 * and what it says (sip, shared with every record of the same bytes). A 1 GB
 * pair holds 150,000 of these. */
struct sip_msg {
	uint64_t off;              /* byte offset of the first message line's framing; a
	                            * capture's record: index of its first piece (m->wire) */
	uint64_t msg_hash;         /* hash of the Msg-Hash value logged, 0 when none */
	uint64_t frame_hash;       /* hash of the framed bytes, 0 for summaries */
	xw_time time;              /* UTCTime as logged */
	xw_time ctime;             /* time corrected for this host's clock skew */
	const char *local_ip, *remote_ip;
	const struct sip_fields *sip; /* never NULL once the record is in the model */

	uint32_t file;             /* index in m->files */
	uint32_t line;             /* line of the log entry header (1-based); a capture's
	                            * record: the packet that completed the message */
	uint32_t msg_line;         /* line of the message's first line, 0 if summary only
	                            * (a capture's record: its packet again) */
	uint32_t flen;             /* framed byte length from off (0 if summary only) */
	uint32_t host;             /* index in m->hosts */
	int32_t twin;              /* the same wire message in another host's evidence, or -1 */
	int32_t call;              /* index in m->calls, -1 before correlation */
	int from_mach, to_mach;    /* ladder columns (index in m->machines) */
	enum sip_action action;

	uint16_t local_port, remote_port;
	bool summary_only;         /* built from the INFO line; the body was not logged */
	bool twin_primary;         /* of a twin pair, the one a ladder draws */
	bool retrans;              /* same message seen earlier on the same hop */
	uint8_t fork;              /* a response of a forked request: which early dialog
	                            * (To-tag) on its hop, 1 first; 0 when not forked */
	uint8_t msg_sub;           /* in a repaired file, how many lines of the repaired copy
	                            * before the message's first line come from the same
	                            * line of the file (a line with #012 breaks), else 0 */
};

enum ev_kind {
	EV_EVENT,     /* Event="..." lines */
	EV_SEARCH,    /* network.search */
	EV_CPL,       /* network.cpl */
	EV_DNS,       /* network.dns */
	EV_TCP,       /* network.tcp */
	EV_SSL,       /* developer.ssl */
	EV_ZONEMGR,   /* developer.zone.zonemgr */
	EV_SIPINFO,   /* network.sip INFO summary kept for evidence */
	EV_KINDS
};

/* A non-SIP log entry a diagnosis needs. Its text is the header line without
 * its prefix (time, host, process, UTCTime, Module, Level: those are in the
 * other fields) plus any continuation lines, joined with single spaces.
 * Its fields are every key="value" of the text, in text order, then the
 * ones ingest derives from text not written that way, kept after the text's
 * NUL; their keys have a dot, which the text's keys never have. A
 * developer.ssl entry gives ssl.remote.ip and ssl.remote.port (from
 * remoteAddress=['IPv4''TCP''1.2.3.4:5062']), ssl.local.ip and ssl.local.port
 * (localAddress), and ssl.server "true" (bServer="true": it accepted the
 * connection). Read them with model_event_value.
 *
 * The fields take about three bytes each (events are many): at text + kvat,
 * for each field in order, three numbers as varints (7 bits a byte, low bits
 * first, the high bit set on all bytes but the last): where its key starts,
 * counted from where the key before it ends (from the text's start for the
 * first), twice the key's length (plus one when the value was padded
 * inside its quotes, Event=" Name ": then a fourth number follows, the
 * blanks skipped before it), and the value's length; the value starts two
 * bytes after the key (="), past the blanks skipped. Keys and values are
 * spans of the event's text: values are not NUL-terminated. */
struct log_event {
	uint32_t file, line;
	uint32_t host;
	int32_t call;              /* index in m->calls when tied to one, else -1 */
	xw_time time, ctime;
	const char *name;          /* Event= value, or the Detail= value */
	const char *text;          /* the whole entry, untrusted; pooled */
	enum ev_kind kind;
	uint16_t nkv;              /* its fields, */
	uint16_t kvat;             /* encoded at text + kvat (after the derived fields) */
};

/* How a Call-ID joined a call. */
struct call_link {
	const char *call_id;
	const char *by;            /* "session-id", "proxy-call-id", "tag" */
};

/* One arrow of a ladder (a wire message; twins are merged). */
struct call_arrow {
	uint32_t msg;              /* index in m->msgs (the primary record) */
	int32_t twin;              /* the other record, or -1 */
	int from, to;              /* machine indices */
	xw_time t;                 /* corrected time */
	bool same_host;            /* a host talking to itself (a B2BUA hop) */
};

struct call {
	uint32_t number;           /* 1-based, in order of start time */
	const char **call_ids;     /* first is the call's own */
	size_t ncall_ids, call_idcap;
	struct call_link *links;   /* every Call-ID but the first, with its rule */
	size_t nlinks, linkcap;
	const char **session_ids;
	size_t nsession_ids, sessioncap;
	uint32_t *msgs;            /* indices in m->msgs, by corrected time */
	size_t nmsgs, msgcap;
	uint32_t *events;          /* indices in m->events tied to this call */
	size_t nevents, eventcap;
	struct call_arrow *arrows; /* the ladder: one per wire message */
	size_t narrows;
	xw_time start, end;
	const char *from, *to;     /* URIs of the first request */
	const char *method;        /* method of the first request */
	int final_status;          /* final response to the first INVITE, 0 if none */
	bool options_only;         /* keepalive traffic */
	uint32_t *hosts;           /* indices in m->hosts that logged a message of it, ascending */
	size_t nhosts;
};

/* What packet captures and certificate files add: filled by their readers
 * (fmt_pcap.c, fmt_pem.c), tied to the logs by correlation (corr_wire.c),
 * read by the diagnosis and the views. */

/* A stretch of a captured SIP message and the packet that carried it. A
 * captured record's off is the index of its first piece in m->wire.pieces;
 * its pieces follow one another, in stream order, and their lengths add up
 * to its flen. */
struct wire_piece {
	uint64_t ip_off;           /* where the packet's IP header is in the capture file */
	int64_t us;                /* the packet's time, microseconds since the epoch */
	uint32_t ip_len;           /* bytes captured of the packet from its IP header on */
	uint32_t at, len;          /* the piece: len bytes from at (counted from ip_off) */
	uint32_t packet;           /* the packet's number in its capture (1 first) */
};

/* What a packet of a TCP connection did, when a diagnosis or a ladder needs it. */
enum wire_step_kind {
	WS_SYN,                    /* a connection attempt (each retransmission too) */
	WS_SYNACK,                 /* the answer that accepts it */
	WS_RST,                    /* a reset (the first of each side) */
	WS_FIN,                    /* a close (the first of each side) */
	WS_CLIENT_HELLO, WS_SERVER_HELLO,
	WS_CERTIFICATE,            /* a cleartext TLS Certificate message; detail: certificates */
	WS_CERT_REQUEST,           /* the server asks for the client's (mutual TLS) */
	WS_CHANGE_CIPHER,          /* from here on that side's records are encrypted */
	WS_ALERT,                  /* a cleartext TLS alert; detail: level << 8 | description */
	WS_APPDATA,                /* the first encrypted application data of each side */
	WS_KINDS
};

/* One packet of a connection's steps. */
struct wire_step {
	xw_time time;              /* the packet's (on its host's log clock once correlated) */
	uint32_t packet;           /* its number in the capture */
	uint16_t detail;           /* what the kind says it holds, else 0 */
	uint8_t kind;              /* enum wire_step_kind */
	bool from_server;          /* sent by the connection's server (else its client) */
};

/* A TCP connection a capture holds on a SIP or traversal port (5060-5062,
 * 5073-5075, 7001-7003 or a port SIP used), or one that carried SIP. Its
 * client sent the SYN (or, caught after it, used the higher port). */
struct wire_conn {
	uint32_t file;             /* the capture (index in m->files) */
	uint32_t host;             /* the capture point's host (index in m->hosts) */
	const char *client_ip, *server_ip; /* pooled */
	uint16_t client_port, server_port;
	bool client_local;         /* the capture point is the client */
	bool tls;                  /* a TLS handshake began on it */
	bool tls13;                /* TLS 1.3: the certificates are encrypted, not seen */
	bool cert_request;         /* the server asked for the client's certificate */
	uint16_t version;          /* the TLS version the ServerHello chose (0x0303), or 0 */
	const char *sni;           /* the server name the ClientHello asked for, or NULL */
	uint32_t step, nsteps;     /* its steps: m->wire.steps[step ..], in packet order */
	int32_t chain[2];          /* the first certificate the client [0] and the server [1]
	                            * sent (index in m->wire.certs), or -1 */
	uint8_t nchain[2];         /* and how many */
	uint32_t packets[2];       /* packets the client and the server sent */
	uint32_t records[2];       /* encrypted application data records each sent */
	uint32_t sip;              /* cleartext SIP messages it carried */
	xw_time first, last;       /* its first and last packet */
};

/* A certificate a capture's TLS handshake carried or a PEM file holds. */
struct wire_cert {
	const char *file;          /* the capture or PEM file (pooled path) */
	uint32_t line;             /* its packet (packet set), or its BEGIN line */
	bool packet;
	bool self_signed;          /* its signature checks with its own key */
	bool ca;                   /* a CA certificate */
	bool temporary;            /* the Expressway's default ("Temporary Certificate" O/OU) */
	uint8_t pos, count;        /* its place in the chain or file (0: the leaf or first),
	                            * and the certificates there */
	int32_t conn;              /* the connection that carried it (m->wire.conns), or -1 */
	bool from_server;          /* sent by that connection's server */
	xw_time time;              /* when the capture saw it; XW_TIME_NONE for a file */
	xw_time not_before, not_after;
	const char *subject, *issuer; /* one line each, "CN=x, O=y" (pooled, untrusted) */
	const char *cn;            /* the subject's common name, or NULL */
	const char *sans;          /* its DNS names, ", "-joined, or NULL */
	uint32_t nsans;
	const char *serial;        /* hexadecimal, "3001" */
	uint64_t digest;           /* hash of its DER bytes: the same certificate seen twice */
};

struct wire_model {
	/* captured copies of records a log holds: correlation takes them out of
	 * m->msgs; each one's twin is the log's record, and they are in the
	 * order of it (model_wire_copy finds one) */
	struct sip_msg *copies;
	size_t ncopies, copycap;
	struct wire_piece *pieces;
	size_t npieces, piececap;
	struct wire_conn *conns;
	size_t nconns, conncap;
	struct wire_step *steps;
	size_t nsteps, stepcap;
	struct wire_cert *certs;
	size_t ncerts, certcap;
};

/* Progress of a long load: called now and then with bytes done and total. */
typedef void (*model_progress_fn)(void *arg, uint64_t done, uint64_t total);

struct model {
	struct strpool *pool;
	struct strpool **xpools;   /* pools filled by parse threads, freed with the model */
	size_t nxpools, xpoolcap;
	struct log_file *files;
	size_t nfiles, filecap;
	const char **xconfigs;     /* xConfiguration dumps found (paths or bundle members) */
	char **xconfig_texts;      /* their text when they came from a bundle, else NULL */
	size_t nxconfigs, xconfigcap;
	struct host *hosts;
	size_t nhosts, hostcap;
	struct machine *machines;
	size_t nmachines, machinecap;
	struct sip_msg *msgs;
	size_t nmsgs, msgcap;
	struct log_event *events;
	size_t nevents, eventcap;
	struct call *calls;
	size_t ncalls, callcap;
	int ref_host;              /* the host whose clock corrected times are on, -1: none */
	int64_t *skew;             /* per host: ms to subtract from its times */
	uint32_t *skew_pairs;      /* per host: matched pairs behind its skew */
	struct wire_model wire;    /* what captures and certificate files add */
	model_progress_fn progress;
	void *progress_arg;
};

/* Returns a new, empty model; free it with model_free. */
struct model *model_new(void);
/* Frees the model and everything it owns; gives back every file's text. */
void model_free(struct model *m);
/* Returns the index of host name (added if new). */
int model_host(struct model *m, const char *name);
/* Returns nothing; adds ip (pooled; NULL is ignored) to host hi's own
 * addresses unless it is there. */
void model_host_addr(struct model *m, int hi, const char *ip);
/* Adds a problem to a file's list; reason is copied into the pool. */
void model_problem(struct model *m, struct log_file *f, uint32_t line, bool recovered,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define MODEL_CALL_PREFIX 6 /* characters of a Call-ID that can name its call */
/* Returns the call named by spec: all digits, a number from list and
 * nothing else; otherwise a Call-ID, or a prefix of one Call-ID only, of
 * MODEL_CALL_PREFIX characters or more. NULL with a reason in err (size
 * errlen) when there is no such call ("no call 5: calls are 1-4") or spec
 * is ambiguous (the candidates named). */
struct call *model_find_call(struct model *m, const char *spec, char *err, size_t errlen);
/* Returns the row of role r (any value: out of range is ROLE_UNKNOWN's). */
const struct model_role *model_role(enum host_role r);
/* Returns the role whose --role flag is name (any case), or -1. */
int model_role_by_flag(const char *name);
/* Returns the short role name: "expressway-c", "expressway-e", "unknown", ... */
const char *model_role_name(enum host_role r);
/* Returns the row of machine kind k. */
const struct model_kind *model_kind(enum machine_kind k);
/* Returns a short machine kind name: "expressway", "webex", "cucm", "endpoint". */
const char *model_kind_name(enum machine_kind k);
/* Returns true when host h logged a message of call c. */
bool model_call_has_host(const struct call *c, size_t h);
/* Writes the role letters of the hosts that logged call c, "E,C", into buf. */
char *model_call_hosts(const struct model *m, const struct call *c, char *buf, size_t size);
/* Formats t as "2017-09-19T18:01:48.140Z" into buf (size >= 32); returns buf. */
char *model_time_iso(xw_time t, char *buf, size_t size);
/* Formats t as "18:01:48.140" into buf (size >= 16); returns buf. */
char *model_time_short(xw_time t, char *buf, size_t size);
/* Returns the value of the event's first field called key (exact case; its
 * length in *len), pointing into the event's text: not NUL-terminated; or
 * NULL when it has none. */
const char *model_event_value(const struct log_event *e, const char *key, size_t *len);
/* Returns true when the message is a request with method meth. */
bool model_is(const struct sip_msg *s, const char *meth);
/* Returns the captured copy merged into record msg (see struct wire_model),
 * or NULL when no capture holds it. */
const struct sip_msg *model_wire_copy(const struct model *m, uint32_t msg);
/* Returns the time of step st of connection c on the reference clock: its
 * capture host's clock corrected by that host's skew, as a message's ctime. */
xw_time model_step_ctime(const struct model *m, const struct wire_conn *c,
    const struct wire_step *st);
/* Returns the machine (index in m->machines) that was seen with address ip,
 * the first of them, or -1. */
int model_machine_at(const struct model *m, const char *ip);
/* Returns the host label of a machine with its role, e.g. "amer-exp01 (E)". */
const char *model_machine_label(const struct model *m, int machine, char *buf, size_t size);

#endif
