/* diag_sigs.c - the table of failure signatures, and no-final-response. */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "sip.h"

#define MAX_INVITES 256 /* INVITEs of one call looked at: bounds hostile calls */

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
 * (established, failed, closed) followed, or NULL: the host was still
 * trying to reach the next hop when its log ends. */
static const struct log_event *
pending_connect(const struct model *m, const struct diag_ctx *ctx, int h, xw_time t)
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
	const struct log_event *open = h >= 0 ? pending_connect(m, ctx, h, a->t) : NULL;
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

/* Every signature, in the order findings are made. The checks live in
 * diag_sip.c, diag_net.c, diag_tls.c and diag_xconf.c. */
const struct diag_sig diag_sigs[] = {
	{
		.id = "contact-param-stripped",
		.severity = DIAG_WARNING,
		.check = diag_check_contact_stripped,
		.explain = "An Expressway received an INVITE whose Contact carries "
		    "call-type=squared and forwarded it without: SIP parameter preservation is Off "
		    "on the egress zone, and the Webex app shows a second call notification.",
	},
	{
		.id = "preloaded-route-rejected",
		.severity = DIAG_ERROR,
		.check = diag_check_preloaded_route,
		.explain = "An INVITE routed by a Route header was answered 404 (Policy Response) "
		    "without any search for the Route's host: the zone has Preloaded SIP routes "
		    "support Off.",
	},
	{
		.id = "cpl-reject",
		.severity = DIAG_ERROR,
		.check = diag_check_cpl,
		.explain = "The call policy (CPL) rejected the call and 403 Forbidden followed; "
		    "the matched rule's origin and destination are quoted.",
	},
	{
		.id = "webex-srv-wrong-domain",
		.severity = DIAG_ERROR,
		.check = diag_check_srv_domain,
		.explain = "A call to Webex made the Expressway look up the SRV records of the "
		    "request-URI's domain instead of callservice.ciscospark.com: DNS override is "
		    "off on the Webex zone, or another search rule took the call.",
	},
	{
		.id = "tcp-connect-failed",
		.severity = DIAG_ERROR,
		.check = diag_check_tcp,
		.explain = "A TCP connection the Expressway opened failed; port 5061 toward Webex "
		    "means a wrong SRV lookup, port 5062 a blocked firewall.",
	},
	{
		.id = "tls-untrusted-ca",
		.severity = DIAG_ERROR,
		.check = diag_check_tls,
		.explain = "TLS error \"self signed certificate in certificate chain\": the "
		    "Expressway does not trust the CA that signed the peer's (Webex's) certificate.",
	},
	{
		.id = "tls-identity-unacceptable",
		.severity = DIAG_ERROR,
		.check = diag_check_tls,
		.explain = "TLS error \"Peer's TLS certificate identity was unacceptable\": wrong "
		    "TLS verify subject name, or TLS verify inbound mapping Off, on the Webex zone.",
	},
	{
		.id = "tls-cert-unknown",
		.severity = DIAG_ERROR,
		.check = diag_check_tls,
		.explain = "TLS alert \"certificate unknown\": the peer (Webex) rejected this "
		    "Expressway's certificate (untrusted CA, missing chain, or an older certificate "
		    "in Control Hub).",
	},
	{
		.id = "tls-remote-disconnect",
		.severity = DIAG_ERROR,
		.check = diag_check_tls,
		.explain = "The TLS handshake was torn down without a TLS alert, usually by a "
		    "firewall inspecting the traffic.",
	},
	{
		.id = "sdp-codec-mismatch",
		.severity = DIAG_ERROR,
		.check = diag_check_codecs,
		.explain = "The audio offer toward Webex has none of G.711, G.722 or AAC-LD, or "
		    "the answer refuses audio (m=audio 0).",
	},
	{
		.id = "q850-cause",
		.severity = DIAG_ERROR,
		.check = diag_check_q850,
		.explain = "A BYE, CANCEL or response carries a Q.850 cause other than 16 (normal "
		    "clearing), decoded with the machine that sent it; busy, no answer and "
		    "cleared forks are information only.",
	},
	{
		.id = "cucm-message-too-large",
		.severity = DIAG_ERROR,
		.check = diag_check_cucm_size,
		.explain = "A SIP message above 5000 bytes sent to Unified CM got no answer: raise "
		    "SIP Max Incoming Message Size on Unified CM.",
	},
	{
		.id = "no-final-response",
		.severity = DIAG_WARNING,
		.check = check_no_final,
		.explain = "An INVITE that never got a final response in the logs: the call "
		    "was cut, timed out, or the logs end too early.",
	},
	{
		.id = "xconfig-tls-subject-name",
		.severity = DIAG_ERROR,
		.check = diag_check_xconfig,
		.explain = "The Webex zone's TLS verify subject name is not "
		    "callservice.ciscospark.com or callservice.webex.com.",
	},
	{
		.id = "xconfig-inbound-classification-off",
		.severity = DIAG_ERROR,
		.check = diag_check_xconfig,
		.explain = "The Webex zone's TLS verify inbound mapping (InboundClassification) "
		    "is Off.",
	},
	{
		.id = "xconfig-preloaded-routes-off",
		.severity = DIAG_ERROR,
		.check = diag_check_xconfig,
		.explain = "A traversal or neighbor zone on the Webex path has Preloaded SIP routes "
		    "support Off.",
	},
	{
		.id = "xconfig-parameter-preservation-off",
		.severity = DIAG_WARNING,
		.check = diag_check_xconfig,
		.explain = "A zone on the Webex path has SIP parameter preservation Off.",
	},
	{
		.id = "xconfig-dns-override-off",
		.severity = DIAG_ERROR,
		.check = diag_check_xconfig,
		.explain = "The Webex DNS zone does not override the DNS request to callservice.*.",
	},
	{
		.id = "xconfig-mtls-off",
		.severity = DIAG_ERROR,
		.check = diag_check_xconfig,
		.explain = "The Expressway-E does not listen for mutual TLS on 5062 (SIP MTLS Mode "
		    "Off, or another port).",
	},
	{
		.id = "xconfig-search-rule-shadowed",
		.severity = DIAG_ERROR,
		.check = diag_check_xconfig,
		.explain = "A search rule that does not target the Webex zone stops the search "
		    "for Webex aliases before the Webex rule is tried.",
	},
};
const size_t diag_nsigs = sizeof diag_sigs / sizeof diag_sigs[0];
