/* diag_call.c - signatures of how a call went, read from its own messages:
 * codecs Webex cannot use, Q.850 causes, messages too large for Unified CM,
 * and INVITEs that never got a final response. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "q850.h"
#include "sip.h"

#define MAX_CAUSES 8    /* distinct Q.850 causes reported per call */
#define MAX_INVITES 256 /* INVITEs of one call looked at: bounds hostile calls */

/* Q.850 */

/* Returns the severity of a cause: the normal ends of a call (busy, no
 * answer, a forked leg cleared) are information; refusals are warnings. */
static enum diag_severity
cause_severity(int cause)
{
	static const int info[] = {17, 18, 19, 26};
	static const int warn[] = {20, 21, 22, 23, 24, 31};
	for (size_t i = 0; i < sizeof info / sizeof info[0]; i++)
		if (cause == info[i])
			return DIAG_INFO;
	for (size_t i = 0; i < sizeof warn / sizeof warn[0]; i++)
		if (cause == warn[i])
			return DIAG_WARNING;
	return q850_name(cause) != NULL ? DIAG_ERROR : DIAG_WARNING;
}

/* Returns a hint on what to look at for a cause (static text). */
static const char *
cause_hint(int cause)
{
	static const struct {
		int cause;
		const char *hint;
	} hints[] = {
		{1, "The number or URI is not known where the call ended: check the dialled "
		    "alias and the directory URI of the user on Unified CM."},
		{3, "No route to the destination: check the route pattern, SIP trunk and search "
		    "rules that should carry the call."},
		{17, "The called user was busy; nothing to fix unless that was unexpected."},
		{18, "Nothing answered in time; check that the called device is registered."},
		{19, "The user was alerted but did not answer."},
		{21, "The call was declined, by the user or by a policy of the sender."},
		{26, "A forked leg was cleared because another device answered: normal with "
		    "Hybrid Call Service."},
		{27, "The destination is out of service: check that it is registered and reachable."},
		{31, "The sender ended the call without saying why. If nobody hung up, look at "
		    "what happened just before on that side: media that never flowed (codecs, "
		    "encryption, a firewall) or a session refresh that failed."},
		{34, "No channel was free: check trunk and gateway capacity."},
		{38, "The network reported itself out of order: check the trunks between the "
		    "sender and the destination."},
		{41, "A temporary failure: look at the sender's traces around this time."},
		{47, "The sender had no resource for the call, usually no codec in common (see "
		    "sdp-codec-mismatch), no media resource or no bandwidth: check the region "
		    "and location settings of the devices and trunks on Unified CM."},
		{58, "The bearer (codec or media) asked for is not available: check the regions "
		    "on Unified CM."},
		{65, "The bearer (codec or media) is not implemented by the sender."},
		{88, "The destination cannot handle the call's media: check codecs and "
		    "encryption on both ends."},
		{102, "A timer expired waiting for the other side: look for a message that got "
		    "no answer (for example one too large for Unified CM)."},
		{127, "The sender relayed a failure from another network without detail."},
	};
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
		if (hints[i].cause == cause)
			return hints[i].hint;
	return "Look at the traces of the machine that sent it for why it cleared the call.";
}

/* Returns true when the record carries a Q.850 cause the check reports. */
static bool
has_cause(const struct sip_msg *s)
{
	if (s->sip->q850 < 0 || s->sip->q850 == 16)
		return false;
	return !s->sip->is_request || model_is(s, "BYE") || model_is(s, "CANCEL");
}

/* Adds a finding for the first arrow of a call that carries cause. */
static struct diag_finding *
add_cause(const struct diag_sig *sig, struct model *m, struct diag_result *r, size_t ci,
    size_t ai)
{
	const struct call *c = &m->calls[ci];
	const struct sip_msg *s = &m->msgs[c->arrows[ai].msg];
	const char *agent = s->sip->is_request ? s->sip->user_agent : s->sip->server;
	char who[96], what[64], cause[160], by[160] = "", sum[640];
	model_machine_label(m, c->arrows[ai].from, who, sizeof who);
	sip_label(s, what, sizeof what);
	q850_describe(s->sip->q850, cause, sizeof cause);
	if (agent != NULL)
		snprintf(by, sizeof by, " (%s: %s)", s->sip->is_request ? "User-Agent" : "Server", agent);
	snprintf(sum, sizeof sum, "%s from %s%s carries Q.850 cause %s", what, who, by, cause);
	const char *fix = cause_hint(s->sip->q850);
	struct diag_finding *f = diag_add(m, r, sig, (int)ci, (int)ai, (int)s->host, sum, fix);
	f->severity = cause_severity(s->sip->q850);
	return f;
}

/* Adds a finding per call and Q.850 cause, at the first arrow carrying it. */
static void
check_q850(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		int causes[MAX_CAUSES];
		size_t fidx[MAX_CAUSES], nc = 0;
		for (size_t ai = 0; ai < c->narrows; ai++) {
			if (!(ctx->mflags[c->arrows[ai].msg] & DM_Q850))
				continue;
			const struct sip_msg *s = &m->msgs[c->arrows[ai].msg];
			if (!has_cause(s))
				continue;
			size_t k = 0;
			while (k < nc && causes[k] != s->sip->q850)
				k++;
			if (k == nc) {
				if (nc == MAX_CAUSES)
					continue;
				causes[nc] = s->sip->q850;
				add_cause(sig, m, r, ci, ai);
				fidx[nc++] = r->n - 1;
			}
			diag_msg_line_evidence(m, &r->f[fidx[k]], c->arrows[ai].msg, "Reason:");
		}
	}
}

/* Codecs */

/* Returns true when the codec list names one Webex takes: G.711, G.722, AAC-LD. */
static bool
webex_codec(const char *codecs)
{
	static const char *const ok[] = {"PCMU", "PCMA", "G722", "MP4A-LATM"};
	const char *p = codecs;
	while (p != NULL && *p) {
		size_t n = strcspn(p, ",");
		for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
			if (n == strlen(ok[i]) && strncasecmp(p, ok[i], n) == 0)
				return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Returns the audio section of a message, or NULL. */
static const struct sdp_media *
audio_of(const struct sip_msg *s)
{
	for (int i = 0; i < s->sip->nmedia; i++)
		if (s->sip->media[i].media && strcmp(s->sip->media[i].media, "audio") == 0)
			return &s->sip->media[i];
	return NULL;
}

/* Returns true when the arrow ends at Webex. */
static bool
reaches_webex(const struct model *m, const struct call_arrow *a)
{
	return a->to >= 0 && (size_t)a->to < m->nmachines && m->machines[a->to].kind == MACH_WEBEX;
}

/* Returns true when the arrow carries an offer toward Webex. */
static bool
offer_to_webex(const struct model *m, const struct call_arrow *a, const struct sip_msg *s)
{
	if (!model_is(s, "INVITE") || !s->sip->has_sdp || s->retrans)
		return false;
	if (reaches_webex(m, a))
		return true;
	return a->from >= 0 && (size_t)a->from < m->nmachines && a->from != a->to &&
	    m->machines[a->from].kind == MACH_EXPRESSWAY && diag_webex_uri(s->sip->ruri);
}

/* What an SDP body is in the offer/answer exchange of its hop. */
enum sdp_role { SDP_NONE, SDP_OFFER, SDP_ANSWER };

#define OA_PENDING 16 /* hops with an offer waiting for its answer, per call */

/* An offer waiting for its answer on one hop (either direction). */
struct oa_pending {
	int a, b;          /* the hop's machines, a < b */
	const char *cid;   /* the dialog's Call-ID */
	long offer;        /* arrow of the offer */
	int from;          /* the machine that sent it */
};

/* Returns the pending offer of the arrow's hop and Call-ID in p (n of them),
 * adding an empty one (offer -1) when new and there is room; NULL when full. */
static struct oa_pending *
oa_slot(struct oa_pending *p, size_t *n, const struct call_arrow *ar, const char *cid)
{
	int a = ar->from < ar->to ? ar->from : ar->to, b = ar->from < ar->to ? ar->to : ar->from;
	for (size_t i = 0; i < *n; i++)
		if (p[i].a == a && p[i].b == b && strcmp(p[i].cid, cid) == 0)
			return &p[i];
	if (*n == OA_PENDING)
		return NULL;
	p[*n] = (struct oa_pending){a, b, cid, -1, -1};
	return &p[(*n)++];
}

/* Returns true when the request of response s on its hop (same Call-ID,
 * CSeq and method, the other way) carried SDP. */
static bool
request_had_sdp(const struct model *m, const struct call *c, size_t upto,
    const struct call_arrow *ar, const struct sip_msg *s)
{
	for (size_t i = upto; i-- > 0;) {
		const struct sip_msg *q = &m->msgs[c->arrows[i].msg];
		if (c->arrows[i].from == ar->to && c->arrows[i].to == ar->from && q->sip->is_request &&
		    q->sip->cseq == s->sip->cseq && q->sip->method && s->sip->method &&
		    strcmp(q->sip->method, s->sip->method) == 0 &&
		    strcmp(q->sip->call_id, s->sip->call_id) == 0)
			return q->sip->has_sdp;
	}
	return false;
}

/* Returns the role of the SDP of arrow ai (record s): an INVITE or UPDATE
 * offers; an ACK answers (the offer of a 2xx: delayed offer); a PRACK or a
 * response answers the offer pending on its hop from the other side, else
 * offers (a 200 or 183 to an INVITE without SDP). */
static enum sdp_role
sdp_role(const struct model *m, const struct call *c, size_t ai, const struct sip_msg *s,
    const struct oa_pending *p)
{
	const struct call_arrow *ar = &c->arrows[ai];
	if (!s->sip->has_sdp || s->retrans || s->sip->method == NULL || (!s->sip->is_request && s->sip->status >= 300))
		return SDP_NONE;
	if (model_is(s, "INVITE") || model_is(s, "UPDATE"))
		return SDP_OFFER;
	if (model_is(s, "ACK"))
		return SDP_ANSWER;
	bool waiting = p != NULL && p->offer >= 0 && p->from != ar->from;
	if (s->sip->is_request) /* PRACK, and anything else that carries SDP */
		return waiting ? SDP_ANSWER : SDP_OFFER;
	if (strcmp(s->sip->method, "INVITE") == 0 && !request_had_sdp(m, c, ai, ar, s))
		return waiting ? SDP_ANSWER : SDP_OFFER;
	return SDP_ANSWER;
}

/* Returns true when the call touches Webex: a machine of its ladder is
 * Webex, or its first request is to a Webex URI. */
static bool
call_webex(const struct model *m, const struct call *c)
{
	for (size_t i = 0; i < c->narrows; i++)
		if (reaches_webex(m, &c->arrows[i]) || (c->arrows[i].from >= 0 &&
		    (size_t)c->arrows[i].from < m->nmachines &&
		    m->machines[c->arrows[i].from].kind == MACH_WEBEX))
			return true;
	return c->to != NULL && diag_webex_uri(c->to);
}

/* What the offer/answer walk of one call found. */
struct oa_found {
	long bad;      /* an audio offer toward Webex without a codec Webex takes, or -1 */
	long offer;    /* the offer an answer refused, or -1 */
	long zero;     /* the answer that refused audio (m=audio 0), or -1 */
};

/* Walks the call's SDP in order through every offer/answer shape: INVITE/200,
 * 200/ACK (delayed offer), re-INVITE, UPDATE, 183/PRACK. */
static void
walk_offers(const struct model *m, const struct diag_ctx *ctx, const struct call *c,
    struct oa_found *o)
{
	struct oa_pending p[OA_PENDING];
	size_t np = 0;
	*o = (struct oa_found){-1, -1, -1};
	bool webex = call_webex(m, c);
	for (size_t ai = 0; ai < c->narrows && o->zero < 0; ai++) {
		if (!(ctx->mflags[c->arrows[ai].msg] & DM_SDP))
			continue; /* neither an offer nor an answer */
		const struct sip_msg *s = &m->msgs[c->arrows[ai].msg];
		struct oa_pending *slot = s->sip->call_id ? oa_slot(p, &np, &c->arrows[ai], s->sip->call_id) : NULL;
		enum sdp_role role = sdp_role(m, c, ai, s, slot);
		const struct sdp_media *au = audio_of(s);
		if (role == SDP_OFFER) {
			if (slot != NULL) {
				slot->offer = au != NULL && au->port != 0 ? (long)ai : -1;
				slot->from = c->arrows[ai].from;
			}
			if (au != NULL && au->port != 0 && !webex_codec(au->codecs) &&
			    (o->bad < 0 || reaches_webex(m, &c->arrows[ai])) &&
			    (reaches_webex(m, &c->arrows[ai]) || offer_to_webex(m, &c->arrows[ai], s)))
				o->bad = (long)ai; /* the hop into Webex says it best */
		} else if (role == SDP_ANSWER && slot != NULL && slot->offer >= 0 &&
		    slot->from != c->arrows[ai].from) {
			if (webex && au != NULL && au->port == 0) {
				o->offer = slot->offer;
				o->zero = (long)ai;
			}
			slot->offer = -1;
		}
	}
}

/* Adds a finding per call whose audio offer or answer rules Webex out. */
static void
check_codecs(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		struct oa_found o;
		walk_offers(m, ctx, c, &o);
		if (o.bad < 0 && o.zero < 0)
			continue;
		long offer = o.bad >= 0 ? o.bad : o.offer;
		const struct sip_msg *os = &m->msgs[c->arrows[offer].msg];
		const char *codecs = audio_of(os)->codecs;
		char sum[640], what[64] = "", who[96] = "";
		sip_label(os, what, sizeof what);
		model_machine_label(m, c->arrows[offer].from, who, sizeof who);
		if (o.bad >= 0)
			snprintf(sum, sizeof sum, "the audio offer toward Webex lists %s: none of G.711 "
			    "(PCMU/PCMA), G.722 or AAC-LD (MP4A-LATM), the only audio codecs Webex "
			    "takes%s", codecs && *codecs ? codecs : "no codec",
			    o.zero >= 0 ? "; the answer refused audio (m=audio 0)" : "");
		else
			snprintf(sum, sizeof sum, "the answer to the audio offer (%s, in the %s from %s) "
			    "refused audio (m=audio 0): the two sides have no audio codec in common",
			    codecs && *codecs ? codecs : "no codec", what, who);
		long at = o.zero >= 0 ? o.zero : offer;
		struct diag_finding *f = diag_add(m, r, sig, (int)ci, (int)at,
		    (int)m->msgs[c->arrows[at].msg].host, sum, "Make Unified CM offer G.711, "
		    "G.722 or AAC-LD on calls to Webex: the region relationship between the device "
		    "pool of the Webex (or CTI) remote device and the device pool of the "
		    "Expressway-C SIP trunk decides the codecs (System > Region Information > "
		    "Region); allow one of those codecs there, or move the trunk to a device pool "
		    "whose region does.");
		for (size_t ai = 0; ai < c->narrows && f->nev < 12 && o.bad >= 0; ai++) {
			const struct sip_msg *s = &m->msgs[c->arrows[ai].msg];
			const struct sdp_media *au = audio_of(s);
			if (offer_to_webex(m, &c->arrows[ai], s) && au != NULL && au->port != 0 &&
			    !webex_codec(au->codecs))
				diag_msg_line_evidence(m, f, c->arrows[ai].msg, "m=audio");
		}
		diag_msg_line_evidence(m, f, c->arrows[offer].msg, "m=audio");
		if (o.zero >= 0)
			diag_msg_line_evidence(m, f, c->arrows[o.zero].msg, "m=audio");
	}
}

/* Unified CM message size */

/* Returns true when Unified CM answered record s: a response to a request,
 * an ACK to a 2xx of an INVITE. */
static bool
cucm_answered(const struct model *m, const struct call *c, const struct sip_msg *s)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *a = &m->msgs[c->msgs[i]];
		if (a->from_mach != s->to_mach || a->sip->cseq != s->sip->cseq ||
		    strcmp(a->sip->call_id, s->sip->call_id) != 0 || a->ctime < s->ctime)
			continue;
		if (s->sip->is_request && !a->sip->is_request && a->sip->method && s->sip->method &&
		    strcmp(a->sip->method, s->sip->method) == 0)
			return true;
		if (!s->sip->is_request && model_is(a, "ACK"))
			return true;
	}
	return false;
}

/* Returns true when s is a message Unified CM has to answer. */
static bool
expects_answer(const struct sip_msg *s)
{
	if (s->sip->is_request)
		return !model_is(s, "ACK");
	return s->sip->status >= 200 && s->sip->status < 300 && s->sip->method && strcmp(s->sip->method, "INVITE") == 0;
}

/* Returns the first message after s that ended the call in failure, or -1. */
static int64_t
call_failure_after(const struct model *m, const struct call *c, const struct sip_msg *s)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *e = &m->msgs[c->msgs[i]];
		if (e->ctime < s->ctime || e == s)
			continue;
		if (e->sip->status == 408 || e->sip->status == 603 || e->sip->status >= 500 ||
		    model_is(e, "BYE") || model_is(e, "CANCEL"))
			return c->msgs[i];
	}
	return -1;
}

/* Returns true when record s goes to Unified CM: a machine known as one, or
 * what an Expressway-C talks to that is neither an Expressway nor Webex (a
 * silent Unified CM never announces its User-Agent). */
static bool
to_cucm(const struct model *m, const struct sip_msg *s)
{
	if (s->to_mach < 0 || (size_t)s->to_mach >= m->nmachines)
		return false;
	enum machine_kind k = m->machines[s->to_mach].kind;
	return k == MACH_CUCM || (k == MACH_ENDPOINT &&
	    m->hosts[s->host].role == ROLE_EXPRESSWAY_C);
}

#define SEND_PORTS 16 /* connections one message was sent on (first send, retransmissions) */

/* Returns how many local ports host s->host sent record s (and its
 * retransmissions) from, to s's destination, into ports. */
static size_t
send_ports(const struct model *m, const struct call *c, const struct sip_msg *s,
    unsigned *ports)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nmsgs && n < SEND_PORTS; i++) {
		const struct sip_msg *t = &m->msgs[c->msgs[i]];
		if (t->host != s->host || t->action != ACT_SENT || t->remote_ip == NULL ||
		    strcmp(t->remote_ip, s->remote_ip) != 0 || t->remote_port != s->remote_port ||
		    t->sip->cseq != s->sip->cseq || t->sip->status != s->sip->status ||
		    t->sip->is_request != s->sip->is_request || strcmp(t->sip->call_id, s->sip->call_id) != 0)
			continue;
		size_t k = 0;
		while (k < n && ports[k] != t->local_port)
			k++;
		if (k == n)
			ports[n++] = t->local_port;
	}
	return n;
}

/* Adds the "TCP Connection Closed" lines of the connections the host sent s
 * (or a retransmission of it) on, between s and t1; returns how many. Other
 * calls' connections to the same destination are not s's story. */
static size_t
closed_lines(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f,
    const struct call *c, const struct sip_msg *s, xw_time t1)
{
	size_t n = 0;
	int h = (int)s->host;
	unsigned ports[SEND_PORTS];
	size_t np = s->remote_ip != NULL ? send_ports(m, c, s, ports) : 0;
	for (size_t k = diag_events_from(m, ctx, h, s->ctime), seen = 0;
	    k < ctx->nhev[h] && seen < 4096 && f->nev < 16 && np > 0; k++, seen++) {
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		char dst[64], port[16], sport[16];
		if (e->ctime > t1)
			break;
		if (e->kind != EV_TCP || !diag_event_has(e, "TCP Connection Closed") ||
		    !diag_event_kv(e, "Dst-ip", dst, sizeof dst) ||
		    !diag_event_kv(e, "Dst-port", port, sizeof port) ||
		    !diag_event_kv(e, "Src-port", sport, sizeof sport) ||
		    strcmp(dst, s->remote_ip) != 0 || strtoul(port, NULL, 10) != s->remote_port)
			continue;
		size_t i = 0;
		while (i < np && ports[i] != strtoul(sport, NULL, 10))
			i++;
		if (i == np)
			continue;
		diag_event_evidence(m, f, e);
		n++;
	}
	return n;
}

/* Adds a finding for the unanswered large message record idx. */
static void
add_size_finding(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, size_t ci, uint32_t idx)
{
	const struct call *c = &m->calls[ci];
	const struct sip_msg *s = &m->msgs[idx];
	char who[96], to[96], what[64], last[64], end[160] = "", sum[768];
	model_machine_label(m, s->from_mach, who, sizeof who);
	model_machine_label(m, s->to_mach, to, sizeof to);
	sip_label(s, what, sizeof what);
	int64_t fail = call_failure_after(m, c, s);
	struct diag_finding *f = diag_add(m, r, sig, (int)ci, diag_arrow_of(c, idx), (int)s->host,
	    "", "On Unified CM, raise SIP Max Incoming Message Size to 18000 (System > Service "
	    "Parameters > Cisco CallManager > Advanced > Clusterwide Parameters (Device - SIP)) "
	    "on every node running the CallManager service, then reset the Expressway-C SIP "
	    "trunk so that it takes the new value.");
	diag_msg_evidence(m, f, idx);
	for (size_t i = 0; i < c->nmsgs && f->nev < 16; i++) {
		const struct sip_msg *t = &m->msgs[c->msgs[i]];
		if (t->retrans && t->to_mach == s->to_mach && t->sip->cseq == s->sip->cseq &&
		    t->sip->status == s->sip->status && strcmp(t->sip->call_id, s->sip->call_id) == 0)
			diag_msg_evidence(m, f, c->msgs[i]);
	}
	size_t closed = closed_lines(m, ctx, f, c, s, fail >= 0 ? m->msgs[fail].ctime :
	    s->ctime + 64000);
	if (fail >= 0)
		diag_msg_evidence(m, f, (uint32_t)fail);
	int n = closed ? snprintf(end, sizeof end, "; Unified CM closed the TCP connection %zu "
	    "time%s", closed, closed == 1 ? "" : "s") : 0;
	if (fail >= 0 && n >= 0 && (size_t)n < sizeof end)
		snprintf(end + n, sizeof end - (size_t)n, "; the call then ended with %s",
		    sip_label(&m->msgs[fail], last, sizeof last));
	snprintf(sum, sizeof sum, "%s sent a %u-byte %s to Unified CM (%s) and got no %s: "
	    "Unified CM drops SIP messages larger than its SIP Max Incoming Message Size "
	    "(5000 bytes by default on upgraded clusters)%s", who, s->sip->size, what, to,
	    s->sip->is_request ? "response" : "ACK", end);
	f->summary = strpool_str(m->pool, sum);
}

/* Adds a finding per call with a large message Unified CM never answered. */
static void
check_cucm_size(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		for (size_t i = 0, tried = 0; i < c->nmsgs && tried < DIAG_MAX_CANDIDATES; i++) {
			if (!(ctx->mflags[c->msgs[i]] & DM_LARGE))
				continue;
			const struct sip_msg *s = &m->msgs[c->msgs[i]];
			if (s->action != ACT_SENT || s->retrans || s->summary_only ||
			    s->sip->size <= DIAG_CUCM_MAX_MESSAGE || !to_cucm(m, s) || !expects_answer(s))
				continue;
			tried++;
			if (cucm_answered(m, c, s))
				continue;
			add_size_finding(sig, m, r, ctx, ci, c->msgs[i]);
			break;
		}
	}
}

/* No final response */
/* Returns true when the call holds a final response to the INVITE s. */
static bool
has_final(const struct model *m, const struct diag_ctx *ctx, const struct call *c,
    const struct sip_msg *s)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_INVITE_FINAL))
			continue;
		const struct sip_msg *r = &m->msgs[c->msgs[i]];
		if (!r->sip->is_request && r->sip->status >= 200 && r->sip->cseq == s->sip->cseq && r->sip->method &&
		    strcmp(r->sip->method, "INVITE") == 0 && strcmp(r->sip->call_id, s->sip->call_id) == 0)
			return true;
	}
	return false;
}


/* Returns true when machine `by` answered the INVITE s provisionally (1xx). */
static bool
has_provisional(const struct model *m, const struct call *c, const struct sip_msg *s, int by)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *r = &m->msgs[c->msgs[i]];
		if (!r->sip->is_request && r->sip->status >= 100 && r->sip->status < 200 && r->from_mach == by &&
		    r->sip->cseq == s->sip->cseq && strcmp(r->sip->call_id, s->sip->call_id) == 0)
			return true;
	}
	return false;
}

/* Returns the "TCP Connecting" line host h logged after t that nothing
 * (established, failed, closed) followed and that is call ci's own (as
 * diag_tie_conn tells), or NULL: the host was still trying to reach the
 * next hop for it when its log ends. */
static const struct log_event *
pending_connect(struct model *m, const struct diag_ctx *ctx, int h, xw_time t, int ci)
{
	const struct log_event *open = NULL;
	char src[64] = "", sport[16] = "";
	for (size_t k = diag_events_from(m, ctx, h, t), n = 0; k < ctx->nhev[h] && n < 8192;
	    k++, n++) {
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		char s1[64], p1[16];
		if (e->kind != EV_TCP || !diag_event_kv(e, "Src-ip", s1, sizeof s1) ||
		    !diag_event_kv(e, "Src-port", p1, sizeof p1))
			continue;
		if (diag_event_has(e, "TCP Connecting")) {
			struct diag_conn c;
			struct diag_tie tie;
			if (!diag_conn_of(m, e, &c))
				continue;
			diag_tie_conn(m, ctx, h, &c, e->ctime, e->ctime, &tie);
			if (tie.call != ci)
				continue;
			open = e;
			snprintf(src, sizeof src, "%s", s1);
			snprintf(sport, sizeof sport, "%s", p1);
		} else if (open != NULL && strcmp(s1, src) == 0 && strcmp(p1, sport) == 0) {
			open = NULL; /* that attempt ended one way or another */
		}
	}
	return open;
}

/* Adds a no-final-response finding for call ci whose latest unanswered
 * INVITE is arrow last, and returns it. */
static struct diag_finding *
add_no_final(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, size_t ci, size_t last)
{
	const struct call *c = &m->calls[ci];
	const struct call_arrow *a = &c->arrows[last];
	const struct sip_msg *s = &m->msgs[a->msg];
	char from[96], to[96], sum[640];
	model_machine_label(m, a->from, from, sizeof from);
	model_machine_label(m, a->to, to, sizeof to);
	int n = snprintf(sum, sizeof sum, "the INVITE (CSeq %u) never got a final response in "
	    "these logs; the last hop it was seen on is %s -> %s%s", s->sip->cseq, from, to,
	    has_provisional(m, c, s, a->to) ? ", which answered only provisionally" : "");
	int h = a->to >= 0 && (size_t)a->to < m->nmachines ? m->machines[a->to].host : -1;
	const struct log_event *open = h >= 0 ? pending_connect(m, ctx, h, a->t, (int)ci) : NULL;
	char dst[64] = "", port[16] = "";
	if (open != NULL && n > 0 && (size_t)n < sizeof sum) {
		diag_event_kv(open, "Dst-ip", dst, sizeof dst);
		diag_event_kv(open, "Dst-port", port, sizeof port);
		snprintf(sum + n, sizeof sum - (size_t)n, "; %s was still connecting to %s:%s when "
		    "its log ends", m->hosts[h].name, dst, port);
	}
	struct diag_finding *f = diag_add(m, r, sig, (int)ci, (int)last, (int)s->host, sum,
	    "Find where the INVITE stopped: the last hop that logged it is the one to "
	    "investigate (its log over a longer time, a packet capture, or the next hop's log "
	    "if it was not collected).");
	if (open != NULL)
		diag_event_evidence(m, f, open);
	return f;
}

/* Adds a finding per call whose INVITE went unanswered. */
static void
check_no_final(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		size_t open[MAX_INVITES], nopen = 0;
		for (size_t i = 0, tried = 0; i < c->narrows && tried < MAX_INVITES; i++) {
			if (!(ctx->mflags[c->arrows[i].msg] & DM_INVITE))
				continue;
			const struct sip_msg *s = &m->msgs[c->arrows[i].msg];
			if (!model_is(s, "INVITE") || s->retrans || c->arrows[i].same_host)
				continue;
			tried++;
			if (!has_final(m, ctx, c, s))
				open[nopen++] = i;
		}
		if (nopen == 0)
			continue;
		struct diag_finding *f = add_no_final(sig, m, r, ctx, ci, open[nopen - 1]);
		for (size_t k = 0; k < nopen; k++)
			diag_msg_evidence(m, f, c->arrows[open[k]].msg);
	}
}

/* This file's signatures, in the order their findings are made. */
static const struct diag_sig rows[] = {
	{
		.id = "sdp-codec-mismatch",
		.severity = DIAG_ERROR,
		.marker = 'M',
		.check = check_codecs,
		.explain = "The audio offer toward Webex has none of G.711, G.722 or AAC-LD, or "
		    "the answer refuses audio (m=audio 0).",
	},
	{
		.id = "q850-cause",
		.severity = DIAG_ERROR,
		.marker = 'Q',
		.check = check_q850,
		.explain = "A BYE, CANCEL or response carries a Q.850 cause other than 16 (normal "
		    "clearing), decoded with the machine that sent it; busy, no answer and "
		    "cleared forks are information only.",
	},
	{
		.id = "cucm-message-too-large",
		.severity = DIAG_ERROR,
		.marker = 'Z',
		.check = check_cucm_size,
		.explain = "A SIP message above 5000 bytes sent to Unified CM got no answer: raise "
		    "SIP Max Incoming Message Size on Unified CM.",
	},
	{
		.id = "no-final-response",
		.severity = DIAG_WARNING,
		.marker = 'N',
		.check = check_no_final,
		.explain = "An INVITE that never got a final response in the logs: the call "
		    "was cut, timed out, or the logs end too early.",
	},
};

const struct diag_group diag_call_group = {rows, sizeof rows / sizeof rows[0]};
