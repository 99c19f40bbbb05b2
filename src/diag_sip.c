/* diag_sip.c - signatures of what an Expressway did to the SIP messages it
 * forwarded: a stripped call-type=squared, a rejected preloaded Route. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "corr.h"
#include "diag.h"
#include "xconf.h"

/* Returns true when the record is an INVITE crossing between two machines. */
static bool
wire_invite(const struct sip_msg *s)
{
	return model_is(s, "INVITE") && !s->retrans && s->from_mach != s->to_mach &&
	    !s->summary_only;
}

/* Returns true when the INVITE out was forwarded from the INVITE in: out's
 * Via list holds in's top Via, or (a B2BUA that rebuilt the Vias) both carry
 * the same From tag. */
static bool
forwarded_from(const struct sip_msg *out, const struct sip_msg *in)
{
	if (in->sip->nvias > 0 && in->sip->vias[0].branch != NULL)
		for (int k = 1; k < out->sip->nvias; k++)
			if (out->sip->vias[k].branch && strcmp(out->sip->vias[k].branch, in->sip->vias[0].branch) == 0)
				return true;
	return in->sip->from_tag != NULL && out->sip->from_tag != NULL &&
	    strcmp(in->sip->from_tag, out->sip->from_tag) == 0 && strcmp(in->sip->call_id, out->sip->call_id) == 0;
}

/* Returns the first INVITE host h received with call-type=squared, or -1. */
static int64_t
squared_in(const struct model *m, const struct diag_ctx *ctx, const struct call *c, uint32_t h)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_WIRE_INVITE))
			continue;
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		if (s->host == h && s->action == ACT_RECEIVED && wire_invite(s) &&
		    s->sip->call_type_squared)
			return c->msgs[i];
	}
	return -1;
}

/* Returns the first INVITE host h forwarded from in without call-type=squared, or -1. */
static int64_t
stripped_out(const struct model *m, const struct diag_ctx *ctx, const struct call *c,
    const struct sip_msg *in)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_WIRE_INVITE))
			continue;
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		if (s->host == in->host && s->action == ACT_SENT && wire_invite(s) &&
		    s->ctime >= in->ctime && !s->sip->call_type_squared && forwarded_from(s, in))
			return c->msgs[i];
	}
	return -1;
}

/* Returns the zone's name as configured when the dump has it (Via headers
 * print it without blanks), else the name as the Via gave it. */
static const char *
zone_name(const struct diag_dump *d, const char *via_zone)
{
	const struct xconf_zone *z = d && via_zone ? xconf_zone_by_name(d->x, via_zone) : NULL;
	return z != NULL && z->name.s != NULL ? z->name.s : via_zone;
}

/* Writes how a fix names a zone: zone "NAME", or the words without a name
 * (none: a fix never shows a placeholder). */
static void
zone_words(char *buf, size_t size, const char *zone, const char *none)
{
	if (zone != NULL)
		snprintf(buf, size, "zone \"%s\"", zone);
	else
		snprintf(buf, size, "%s", none);
}

/* Appends what the host's dump says about a zone setting, and cites its line. */
static void
zone_setting_note(struct model *m, struct diag_finding *f, const struct diag_dump *d,
    const char *zone, size_t off, const char *what, struct sbuf *fix)
{
	if (d == NULL || zone == NULL)
		return;
	const struct xconf_zone *z = xconf_zone_by_name(d->x, zone);
	if (z == NULL)
		return;
	const struct xconf_val *v = (const struct xconf_val *)((const char *)z + off);
	if (!xconf_is_off(v->s))
		return;
	sbuf_printf(fix, " The configuration %s has %s Off on that zone (line %u).", d->name,
	    what, v->line);
	diag_dump_evidence(m, f, d, v->line);
}

/* Adds a contact-param-stripped finding: host h received in with
 * call-type=squared and forwarded it as out without. */
static void
add_stripped(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, size_t ci, uint32_t h, uint32_t in, uint32_t out)
{
	const struct sip_msg *o = &m->msgs[out];
	const struct diag_dump *d = diag_dump_for(m, ctx, (int)h,
	    m->hosts[h].role != ROLE_EXPRESSWAY_C);
	const char *via_zone = o->sip->nvias ? o->sip->vias[0].egress_zone : NULL;
	const char *zone = zone_name(d, via_zone);
	char who[96], to[96], sum[768];
	model_machine_label(m, (int)m->hosts[h].machine, who, sizeof who);
	model_machine_label(m, o->to_mach, to, sizeof to);
	snprintf(sum, sizeof sum, "%s received the INVITE with Contact call-type=squared but "
	    "forwarded it to %s%s%s%s without it: Webex cannot tell its own leg and the Webex "
	    "app shows a second call notification", who, to, zone ? " through zone \"" : "",
	    zone ? zone : "", zone ? "\"" : "");
	struct sbuf fix = {0};
	char zq[160];
	zone_words(zq, sizeof zq, zone, "the zone the INVITE left by");
	sbuf_printf(&fix, "Set SIP parameter preservation On for %s on %s "
	    "(Configuration > Zones > Zones), and check it on every zone the Hybrid call "
	    "crosses: the traversal zones of both Expressways and the Unified CM neighbor zone "
	    "of the Expressway-C.", zq, m->hosts[h].name);
	struct diag_finding *f = diag_add(m, r, sig, (int)ci, diag_arrow_of(&m->calls[ci], out),
	    (int)h, sum, "");
	diag_msg_line_evidence(m, f, in, "Contact:"); /* with call-type=squared */
	diag_msg_line_evidence(m, f, out, "Contact:"); /* without */
	zone_setting_note(m, f, d, via_zone, offsetof(struct xconf_zone, parameter_preservation),
	    "SIP parameter preservation", &fix);
	f->fix = strpool_str(m->pool, fix.s);
	sbuf_free(&fix);
}

/* Adds a finding per host that dropped call-type=squared from a call. */
static void
check_contact_stripped(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		for (size_t k = 0; k < c->nhosts; k++) {
			uint32_t h = c->hosts[k];
			int64_t in = squared_in(m, ctx, c, h);
			int64_t out = in < 0 ? -1 : stripped_out(m, ctx, c, &m->msgs[in]);
			if (out >= 0)
				add_stripped(sig, m, r, ctx, ci, h, (uint32_t)in, (uint32_t)out);
		}
	}
}

/* Returns the 404 host h sent to the INVITE record inv, or -1. */
static int64_t
policy_404(const struct model *m, const struct diag_ctx *ctx, const struct call *c,
    const struct sip_msg *inv)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_INVITE_FINAL))
			continue;
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		if (s->host != inv->host || s->action != ACT_SENT || s->sip->status != 404 ||
		    s->sip->cseq != inv->sip->cseq || !s->sip->method || strcmp(s->sip->method, "INVITE") != 0 ||
		    strcmp(s->sip->call_id, inv->sip->call_id) != 0 || s->ctime < inv->ctime)
			continue;
		if (s->summary_only || (s->sip->warning && strcasestr(s->sip->warning, "Policy Response")))
			return c->msgs[i];
	}
	return -1;
}

/* Returns the host named by the last Route entry that is not host h itself,
 * into buf; false when there is none. */
static bool
route_target(const struct model *m, const struct sip_msg *s, char *buf, size_t size)
{
	for (int i = (int)s->sip->nroutes - 1; i >= 0; i--) {
		diag_uri_host(s->sip->routes[i], buf, size);
		if (buf[0] && !corr_host_has(m, (int)s->host, buf))
			return true;
	}
	return false;
}

/* Returns true when host h logged a search for name between t0 and t1 that
 * may be call ci's: a search line another call's search holds is not. */
static bool
searched(struct model *m, const struct diag_ctx *ctx, int h, xw_time t0, xw_time t1,
    const char *name, int ci)
{
	for (size_t k = diag_events_from(m, ctx, h, t0), n = 0; k < ctx->nhev[h] && n < 4096;
	    k++, n++) {
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		if (e->ctime > t1)
			break;
		if (e->kind != EV_SEARCH || !diag_event_has(e, name))
			continue;
		struct diag_tie t;
		diag_tie_event(m, ctx, ctx->hev[h][k], &t);
		if (t.call < 0 || t.call == ci)
			return true;
	}
	return false;
}

/* Adds the Event lines host h logged about the rejection between t0 and t1. */
static void
reject_events(struct model *m, const struct diag_ctx *ctx, struct diag_finding *f, int h,
    xw_time t0, xw_time t1)
{
	int call = f->call;
	for (size_t k = diag_events_from(m, ctx, h, t0), n = 0; k < ctx->nhev[h] && n < 4096;
	    k++, n++) {
		const struct log_event *e = &m->events[ctx->hev[h][k]];
		if (e->ctime > t1)
			break;
		if (e->kind != EV_EVENT || (e->call >= 0 && e->call != call) || e->name == NULL)
			continue;
		bool about = strcmp(e->name, "Call Rejected") == 0 ||
		    strcmp(e->name, "Search Completed") == 0;
		if (about && (diag_event_has(e, "Policy Response") ||
		    diag_event_has(e, "Response-code=\"404\"")))
			diag_event_evidence(m, f, e);
	}
}

/* Adds one preloaded-route-rejected finding for the INVITE in and its 404. */
static void
add_route_finding(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    const struct diag_ctx *ctx, size_t ci, uint32_t in, uint32_t resp, const char *target)
{
	const struct sip_msg *q = &m->msgs[in], *p = &m->msgs[resp];
	const struct diag_dump *d = diag_dump_for(m, ctx, (int)q->host,
	    m->hosts[q->host].role != ROLE_EXPRESSWAY_C);
	const char *via_zone = p->sip->nvias ? p->sip->vias[0].ingress_zone : NULL;
	const char *zone = zone_name(d, via_zone);
	char who[96], sum[1024];
	model_machine_label(m, (int)m->hosts[q->host].machine, who, sizeof who);
	snprintf(sum, sizeof sum, "%s answered 404 Not Found (Policy Response) to an INVITE "
	    "routed by a preloaded Route to %s, without searching for %s%s%s%s: the zone does "
	    "not accept preloaded SIP routes", who, target, target,
	    zone ? "; it arrived on zone \"" : "", zone ? zone : "", zone ? "\"" : "");
	struct sbuf fix = {0};
	char zq[160];
	zone_words(zq, sizeof zq, zone, "the zone the INVITE arrived on");
	sbuf_printf(&fix, "Turn Preloaded SIP routes support On (SIP PreloadedSipRoutes Accept) "
	    "for %s on %s (Configuration > Zones > Zones). Webex routes inbound calls by the "
	    "Route header naming the Unified CM cluster, so every traversal and neighbor zone the "
	    "call crosses, on the Expressway-E and the Expressway-C, needs it On.", zq,
	    m->hosts[q->host].name);
	const struct call *c = &m->calls[ci];
	struct diag_finding *f = diag_add(m, r, sig, (int)ci, diag_arrow_of(c, resp),
	    (int)q->host, sum, "");
	diag_msg_line_evidence(m, f, in, "Route:");
	diag_msg_line_evidence(m, f, resp, "Warning:"); /* 399 ... "Policy Response" */
	reject_events(m, ctx, f, (int)q->host, q->ctime, p->ctime);
	zone_setting_note(m, f, d, via_zone, offsetof(struct xconf_zone, preloaded_routes),
	    "Preloaded SIP routes support", &fix);
	f->fix = strpool_str(m->pool, fix.s);
	sbuf_free(&fix);
}

/* Adds a finding per call whose routed INVITE got a 404 without search. */
static void
check_preloaded_route(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		for (size_t i = 0, tried = 0; i < c->nmsgs && tried < DIAG_MAX_CANDIDATES; i++) {
			if (!(ctx->mflags[c->msgs[i]] & DM_WIRE_INVITE))
				continue;
			const struct sip_msg *q = &m->msgs[c->msgs[i]];
			char target[256];
			if (q->action != ACT_RECEIVED || !wire_invite(q) || q->sip->nroutes == 0 ||
			    !route_target(m, q, target, sizeof target))
				continue;
			tried++;
			int64_t p = policy_404(m, ctx, c, q);
			if (p < 0 || searched(m, ctx, (int)q->host, q->ctime, m->msgs[p].ctime, target,
			    (int)ci))
				continue;
			add_route_finding(sig, m, r, ctx, ci, c->msgs[i], (uint32_t)p, target);
			break;
		}
	}
}

/* This file's signatures, in the order their findings are made. */
static const struct diag_sig rows[] = {
	{
		.id = "contact-param-stripped",
		.severity = DIAG_WARNING,
		.marker = 'S',
		.check = check_contact_stripped,
		.explain = "An Expressway received an INVITE whose Contact carries "
		    "call-type=squared and forwarded it without: SIP parameter preservation is Off "
		    "on the egress zone, and the Webex app shows a second call notification.",
	},
	{
		.id = "preloaded-route-rejected",
		.severity = DIAG_ERROR,
		.marker = 'R',
		.check = check_preloaded_route,
		.explain = "An INVITE routed by a Route header was answered 404 (Policy Response) "
		    "without any search for the Route's host: the zone has Preloaded SIP routes "
		    "support Off.",
	},
};

const struct diag_group diag_sip_group = {rows, sizeof rows / sizeof rows[0]};
