/* xconf_lint.c - the xconfig-* signatures: lint an xConfiguration dump for
 * what breaks Webex Hybrid calls, and make the issues findings.
 *
 * Each lint function looks at the zones a Webex Hybrid call crosses on this
 * Expressway (the "Webex path", see path_build) and adds issues to the
 * context. The lint functions only report settings the dump has: a missing
 * setting is never taken for Off, so a partial dump gives fewer findings,
 * not wrong ones.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xconf_lint.h"
#include "xmem.h"

#define CS_SPARK "callservice.ciscospark.com"
#define CS_WEBEX "callservice.webex.com"
#define MAX_SHADOW_SOURCES 4 /* a real Expressway has one or two Hybrid zones */

struct rule_pair {
	unsigned stopper, shadowed;
};

/* What the lint functions share while one dump is linted. */
struct xconf_lintctx {
	const struct xconf *x;
	const struct diag_sig *row;      /* the row whose lint function runs */
	const struct xconf_zone *webex;  /* NULL on an Expressway-C */
	const struct xconf_zone **path;  /* zones on the Webex path */
	size_t npath, pathcap;
	struct rule_pair *seen;          /* shadowing already reported */
	size_t nseen, seencap;
	struct xconf_issue *out;
	size_t n, cap;
};

/* The argument of an xconfig row: the function that finds its issues, and
 * the background a reader of the row may want beyond its explain line. */
struct lint_arg {
	void (*lint)(struct xconf_lintctx *c);
	const char *detail;
};

/* Returns the new issue of the running row; it takes summary and fix. */
static struct xconf_issue *
issue_add(struct xconf_lintctx *c, char *summary, char *fix)
{
	struct xconf_issue is = {c->row, c->row->severity, summary, fix, {0}, 0};
	VEC_PUSH(c->out, c->n, c->cap, is);
	return &c->out[c->n - 1];
}

/* Returns nothing; adds a config line as evidence (0 means none). */
static void
issue_line(struct xconf_issue *is, uint32_t line)
{
	if (line == 0 || is->nlines >= XCONF_LINT_MAXLINES)
		return;
	for (size_t i = 0; i < is->nlines; i++)
		if (is->lines[i] == line)
			return;
	size_t i = is->nlines++;
	while (i > 0 && is->lines[i - 1] > line) {
		is->lines[i] = is->lines[i - 1];
		i--;
	}
	is->lines[i] = line;
}

/* Returns s, or a placeholder for a missing name. */
static const char *
nm(const char *s)
{
	return s != NULL ? s : "(unnamed)";
}

/* Returns true when zone z is a traversal server or client. */
static bool
is_traversal(const struct xconf_zone *z)
{
	return z->type == XCONF_ZONE_TRAVERSAL_SERVER || z->type == XCONF_ZONE_TRAVERSAL_CLIENT;
}

/* Returns true when the rule target or source name s names zone z. */
static bool
names_zone(const char *s, const struct xconf_zone *z)
{
	return s != NULL && z->name.s != NULL && strcasecmp(s, z->name.s) == 0;
}

/* Returns true when rule r is enabled and names both its source zone and
 * its target zone; sets *src and *dst to them. */
static bool
rule_zones(const struct xconf *x, const struct xconf_rule *r, const struct xconf_zone **src,
    const struct xconf_zone **dst)
{
	if (!r->sr.enabled || r->sr.source != SRULE_SRC_NAMED)
		return false;
	*src = xconf_zone_by_name(x, r->source_name.s);
	*dst = *src != NULL ? xconf_zone_by_name(x, r->target_name.s) : NULL;
	return *dst != NULL;
}

/* Returns true when z is on the Webex path already. */
static bool
path_has(const struct xconf_lintctx *c, const struct xconf_zone *z)
{
	for (size_t i = 0; i < c->npath; i++)
		if (c->path[i] == z)
			return true;
	return false;
}

/* Returns nothing; adds z to the Webex path once. */
static void
path_add(struct xconf_lintctx *c, const struct xconf_zone *z)
{
	if (path_has(c, z))
		return;
	VEC_PUSH(c->path, c->npath, c->pathcap, z);
}

/* Returns <0, 0, >0 ordering zone pointers by zone number. */
static int
zone_order(const void *a, const void *b)
{
	const struct xconf_zone *x = *(const struct xconf_zone *const *)a;
	const struct xconf_zone *y = *(const struct xconf_zone *const *)b;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* Returns true when traversal zone z looks like the Hybrid Call one on an
 * Expressway without a Webex zone (a C): a rule with a Webex pattern sends
 * calls to it, or its name says so. */
static bool
hybrid_traversal(const struct xconf *x, const struct xconf_zone *z)
{
	return xconf_webex_targets(x, z) || xconf_webex_named(z);
}

/*
 * The Webex path is a judgement call, since a dump does not say which zones
 * are for Hybrid Call:
 * - the Webex zone (an Expressway-E has one);
 * - with a Webex zone, the traversal zones that rules link to it, in either
 *   direction, or when no rule does, every traversal zone that is not for
 *   Mobile and Remote Access (Collaboration Edge On);
 * - without one (an Expressway-C), the traversal zones that a rule with a
 *   Webex pattern targets or whose name says Webex, Hybrid or Spark; an
 *   Expressway that shows no sign of Hybrid Call gets no path, hence no
 *   findings about B2B zones;
 * - the neighbor zones that rules send calls to from one of those traversal
 *   zones: on a C, the Unified CM that inbound Webex calls go to.
 */
static void
path_build(struct xconf_lintctx *c)
{
	const struct xconf *x = c->x;
	const struct xconf_zone *w = c->webex, *src, *dst;
	if (w != NULL)
		path_add(c, w);
	size_t before = c->npath;
	for (size_t i = 0; w != NULL && i < x->nrules; i++) {
		if (!rule_zones(x, &x->rules[i], &src, &dst))
			continue;
		if (src == w && is_traversal(dst))
			path_add(c, dst);
		else if (dst == w && is_traversal(src))
			path_add(c, src);
	}
	for (size_t i = 0; c->npath == before && i < x->nzones; i++) {
		const struct xconf_zone *z = &x->zones[i];
		if (is_traversal(z) && (w != NULL ? !xconf_is_on(z->collaboration_edge.s)
		                                  : hybrid_traversal(x, z)))
			path_add(c, z);
	}
	for (size_t i = 0; i < x->nrules; i++) {
		if (rule_zones(x, &x->rules[i], &src, &dst) && is_traversal(src) &&
		    dst->type == XCONF_ZONE_NEIGHBOR && path_has(c, src))
			path_add(c, dst);
	}
	if (c->npath > 1)
		qsort(c->path, c->npath, sizeof *c->path, zone_order);
}

/* Returns the edit distance of a and b, ignoring case. */
size_t
xconf_lint_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 256 || lb > 256)
		return la > lb ? la : lb;
	size_t row[257], prev;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			prev = row[j];
			row[j] = best;
		}
	}
	return row[lb];
}

/* Returns a caller-owned phrase saying how far s is from a Webex name. */
static char *
subject_closeness(const char *s)
{
	size_t d1 = xconf_lint_edit_distance(s, CS_SPARK), d2 = xconf_lint_edit_distance(s, CS_WEBEX);
	const char *want = d1 <= d2 ? CS_SPARK : CS_WEBEX;
	size_t d = d1 <= d2 ? d1 : d2;
	if (d == 1)
		return xasprintf("'%s' is one letter off '%s', a typo", s, want);
	if (d <= 3)
		return xasprintf("'%s' is %zu letters off '%s', probably a typo", s, d, want);
	return xasprintf("'%s' is not a Webex name (expected '%s' or '%s')", s, CS_SPARK, CS_WEBEX);
}

/* Returns nothing; checks the TLS verify subject name of the Webex zone.
 * A zone of Type Webex fills this in by itself, so only DNS zones count. */
static void
lint_tls_subject(struct xconf_lintctx *c)
{
	const struct xconf_zone *z = c->webex;
	if (z == NULL || z->type != XCONF_ZONE_DNS)
		return;
	const char *s = z->tls_subject_name.s;
	if (s != NULL && (strcasecmp(s, CS_SPARK) == 0 || strcasecmp(s, CS_WEBEX) == 0))
		return;
	char *how = s != NULL && s[0] != '\0' ? subject_closeness(s)
	                                      : xstrdup("no subject name is set");
	struct xconf_issue *is = issue_add(c,
	    xasprintf("Zone %u '%s' (the Webex DNS zone) checks Webex's TLS certificate for "
	              "the wrong name: %s. The Expressway-E rejects Webex's certificate "
	              "(\"Peer's TLS certificate identity was unacceptable\") and inbound "
	              "calls fail.", z->num, nm(z->name.s), how),
	    xasprintf("Edit zone '%s' (Configuration > Zones > Zones) and set TLS verify "
	              "subject name to %s; on X12.5 or later, a zone of type Webex sets it "
	              "for you.", nm(z->name.s), CS_SPARK));
	free(how);
	issue_line(is, z->tls_subject_name.line);
	issue_line(is, z->tls_verify_mode.line);
	issue_line(is, z->name.line);
}

/* Returns nothing; checks that the Webex DNS zone maps inbound TLS. */
static void
lint_inbound_classification(struct xconf_lintctx *c)
{
	const struct xconf_zone *z = c->webex;
	if (z == NULL || z->type != XCONF_ZONE_DNS || !xconf_is_off(z->inbound_classification.s))
		return;
	struct xconf_issue *is = issue_add(c,
	    xasprintf("Zone %u '%s' (the Webex DNS zone) has TLS verify inbound mapping Off, "
	              "so Webex's TLS connections are not mapped to it: inbound calls land "
	              "in the Default Zone and follow the business-to-business rules.",
	              z->num, nm(z->name.s)),
	    xasprintf("Edit zone '%s' and set TLS verify inbound mapping to On "
	              "(xConfiguration: SIP TLS Verify InboundClassification).", nm(z->name.s)));
	issue_line(is, z->inbound_classification.line);
	issue_line(is, z->name.line);
}

/* Returns nothing; checks Preloaded SIP routes support on the traversal
 * and neighbor zones of the Webex path. */
static void
lint_preloaded_routes(struct xconf_lintctx *c)
{
	for (size_t i = 0; i < c->npath; i++) {
		const struct xconf_zone *z = c->path[i];
		if ((!is_traversal(z) && z->type != XCONF_ZONE_NEIGHBOR) ||
		    !xconf_is_off(z->preloaded_routes.s))
			continue;
		struct xconf_issue *is = issue_add(c,
		    xasprintf("Zone %u '%s' (%s, on the Webex path) has Preloaded SIP routes "
		              "support Off, so it rejects Webex's INVITEs, which carry a Route "
		              "header to the Unified CM cluster: inbound calls fail with 404.",
		              z->num, nm(z->name.s), xconf_zone_type_name(z->type)),
		    xasprintf("Edit zone '%s' and set Preloaded SIP routes support to On "
		              "(xConfiguration: SIP PreloadedSipRoutes Accept).", nm(z->name.s)));
		issue_line(is, z->preloaded_routes.line);
		issue_line(is, z->name.line);
	}
}

/* Returns nothing; checks SIP parameter preservation on the Webex path. */
static void
lint_parameter_preservation(struct xconf_lintctx *c)
{
	for (size_t i = 0; i < c->npath; i++) {
		const struct xconf_zone *z = c->path[i];
		if (!xconf_is_off(z->parameter_preservation.s))
			continue;
		struct xconf_issue *is = issue_add(c,
		    xasprintf("Zone %u '%s' (%s, on the Webex path) has SIP parameter "
		              "preservation Off, so the B2BUA may rewrite the Contact and drop "
		              "call-type=squared: the Webex app then shows two notifications "
		              "for one call.", z->num, nm(z->name.s), xconf_zone_type_name(z->type)),
		    xasprintf("Edit zone '%s' and set SIP parameter preservation to On; every "
		              "zone a Hybrid call crosses needs it.", nm(z->name.s)));
		issue_line(is, z->parameter_preservation.line);
		issue_line(is, z->name.line);
	}
}

/* Returns true when s names a callservice domain. */
static bool
is_callservice(const char *s)
{
	return s != NULL && strncasecmp(s, "callservice.", 12) == 0;
}

/* Returns nothing; checks that the Webex DNS zone looks up callservice. */
static void
lint_dns_override(struct xconf_lintctx *c)
{
	const struct xconf_zone *z = c->webex;
	char *what;
	if (z == NULL || z->type != XCONF_ZONE_DNS)
		return;
	if (xconf_is_off(z->dns_override.s))
		what = xstrdup("does not modify the DNS request (DnsOverride Override Off)");
	else if (xconf_is_on(z->dns_override.s) && !is_callservice(z->dns_override_name.s))
		what = xasprintf("modifies the DNS request but searches for '%s'",
		    z->dns_override_name.s != NULL ? z->dns_override_name.s : "");
	else
		return;
	struct xconf_issue *is = issue_add(c,
	    xasprintf("Zone %u '%s' (the Webex DNS zone) %s, so outbound calls look up the "
	              "SRV records of the dialled domain (TLS port 5061) instead of "
	              "%s (port 5062) and never reach Webex.", z->num, nm(z->name.s), what, CS_SPARK),
	    xasprintf("Edit zone '%s': set Modify DNS request to On and Domain to search for "
	              "to %s.", nm(z->name.s), CS_SPARK));
	free(what);
	issue_line(is, z->dns_override.line);
	issue_line(is, z->dns_override_name.line);
	issue_line(is, z->name.line);
}

/* Returns nothing; checks that the Expressway-E listens for Webex's mutual
 * TLS connections on 5062. */
static void
lint_mtls(struct xconf_lintctx *c)
{
	const struct xconf *x = c->x;
	struct xconf_issue *is;
	if (c->webex == NULL || c->webex->type != XCONF_ZONE_DNS)
		return; /* not the Expressway-E of a Hybrid deployment */
	if (xconf_is_off(x->mtls_mode.s)) {
		is = issue_add(c,
		    xstrdup("Mutual TLS mode is Off (SIP MTLS Mode), so the Expressway-E does not "
		            "listen on 5062: every TCP connection Webex opens is reset, no "
		            "\"TCP Connecting\" from Webex is logged and inbound calls never ring."),
		    xstrdup("Configuration > Protocols > SIP: set Mutual TLS mode to On and Mutual TLS "
		            "port to 5062, then check Maintenance tools > Port usage > Local inbound "
		            "ports lists SIP on 5062."));
		issue_line(is, x->mtls_mode.line);
		issue_line(is, x->mtls_port.line);
	} else if (x->mtls_port.s != NULL && x->mtls_port.s[0] != '\0' &&
	    strcmp(x->mtls_port.s, "5062") != 0) {
		is = issue_add(c,
		    xasprintf("Mutual TLS listens on port %s, not 5062: Webex connects to the port "
		              "of the SIP Destination's SRV record, which the Hybrid guides set to "
		              "5062.", x->mtls_port.s),
		    xstrdup("Set Mutual TLS port to 5062 (Configuration > Protocols > SIP), or make "
		            "the public _sips._tcp SRV record of the SIP Destination point at the "
		            "port in use."));
		is->severity = DIAG_WARNING;
		issue_line(is, x->mtls_port.line);
	}
}

/* Returns true when target names a zone a Webex call should go to from
 * the source: the Webex zone on an E, a traversal zone of the path on a C. */
static bool
webex_target(const struct xconf_lintctx *c, const char *target)
{
	if (c->webex != NULL)
		return names_zone(target, c->webex);
	for (size_t i = 0; i < c->npath; i++)
		if (is_traversal(c->path[i]) && names_zone(target, c->path[i]))
			return true;
	return false;
}

/* Returns true (and remembers the pair) when this shadowing is new. */
static bool
shadow_new(struct xconf_lintctx *c, const struct xconf_rule *a, const struct xconf_rule *b)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].stopper == a->sr.num && c->seen[i].shadowed == b->sr.num)
			return false;
	struct rule_pair p = {a->sr.num, b->sr.num};
	VEC_PUSH(c->seen, c->nseen, c->seencap, p);
	return true;
}

/* Returns nothing; reports that rule a stops the search before rule b. */
static void
shadow_report(struct xconf_lintctx *c, const struct xconf_zone *src, const char *alias,
    const struct xconf_rule *a, const struct xconf_rule *b)
{
	const struct srule_rule *ar = &a->sr, *br = &b->sr;
	char *fix = ar->prio > 1
	    ? xasprintf("Give rule %u '%s' a priority below %ld (for example %ld) so that it is "
	                "tried first, or narrow the pattern of rule %u '%s' so that it does not "
	                "match Webex aliases.", br->num, nm(b->name.s), ar->prio, ar->prio - 1,
	                ar->num, nm(a->name.s))
	    : xasprintf("Narrow the pattern of rule %u '%s' so that it does not match Webex "
	                "aliases, or set its Progress to Continue.", ar->num, nm(a->name.s));
	struct xconf_issue *is = issue_add(c,
	    xasprintf("For a Webex alias such as %s arriving from zone '%s', search rule %u '%s' "
	              "(priority %ld, target '%s') matches first and stops the search, so rule "
	              "%u '%s' (priority %ld, target '%s') is never tried.", alias,
	              nm(src->name.s), ar->num, nm(a->name.s), ar->prio, nm(a->target_name.s),
	              br->num, nm(b->name.s), br->prio, nm(b->target_name.s)),
	    fix);
	issue_line(is, a->priority.line);
	issue_line(is, a->progress.line);
	issue_line(is, a->pattern_string.line);
	issue_line(is, a->target_name.line);
	issue_line(is, b->priority.line);
	issue_line(is, b->target_name.line);
}

/* Returns nothing; searches alias from src and reports a Stop rule that
 * keeps the search from a rule that would send it the Webex way. */
static void
shadow_one(struct xconf_lintctx *c, const struct xconf_zone *src, const char *alias)
{
	struct srule_result res;
	xconf_search(c->x, alias, src->name.s, SRULE_PROTO_SIP, &res);
	const struct srule_step *shadowed = NULL;
	bool reached = false;
	for (size_t i = 0; i < res.nsteps; i++) {
		const struct srule_step *st = &res.steps[i];
		if (st->verdict == SRULE_MATCHED && webex_target(c, st->rule->target))
			reached = true;
		if (shadowed == NULL && st->verdict == SRULE_NOT_REACHED && st->would_match &&
		    webex_target(c, st->rule->target))
			shadowed = st;
	}
	const struct xconf_rule *stopper = res.stopped_by >= 0
	    ? &c->x->rules[res.steps[res.stopped_by].index] : NULL;
	if (stopper != NULL && shadowed != NULL && !reached &&
	    shadow_new(c, stopper, &c->x->rules[shadowed->index]))
		shadow_report(c, src, alias, stopper, &c->x->rules[shadowed->index]);
	srule_result_free(&res);
}

/* Returns nothing; looks for Stop rules that shadow the Webex rule, for
 * Webex aliases coming from the traversal zone (E) or the Unified CM
 * neighbor zone (C). */
static void
lint_search_rule_shadowed(struct xconf_lintctx *c)
{
	static const char *const aliases[] = {
		"user@example.call.ciscospark.com",
		"user@example.calls.webex.com",
	};
	size_t nsrc = 0;
	for (size_t i = 0; i < c->npath && nsrc < MAX_SHADOW_SOURCES; i++) {
		const struct xconf_zone *src = c->path[i];
		bool from = c->webex != NULL ? is_traversal(src) : src->type == XCONF_ZONE_NEIGHBOR;
		if (!from || src->name.s == NULL)
			continue;
		nsrc++;
		for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
			shadow_one(c, src, aliases[a]);
	}
}

/* Adds a finding per issue of this row in every dump linted by diag_run. */
static void
check_issues(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t d = 0; d < ctx->ndumps; d++) {
		const struct diag_dump *dp = &ctx->dumps[d];
		for (size_t i = 0; i < dp->niss; i++) {
			const struct xconf_issue *is = &dp->iss[i];
			if (is->sig != sig)
				continue;
			struct diag_finding *f = diag_add(m, r, sig, -1, -1, dp->host,
			    is->summary ? is->summary : sig->id, is->fix ? is->fix : "");
			f->severity = is->severity;
			f->config = dp->name;
			for (size_t k = 0; k < is->nlines && k < XCONF_LINT_MAXLINES; k++)
				diag_dump_evidence(m, f, dp, is->lines[k]);
		}
	}
}

/* The xconfig-* signatures, in the order their findings are made. */
static const struct diag_sig rows[XCONF_LINT_COUNT] = {
	[XCONF_LINT_TLS_SUBJECT_NAME] = {
		.id = "xconfig-tls-subject-name",
		.severity = DIAG_ERROR,
		.marker = 'n',
		.check = check_issues,
		.explain = "The Webex zone's TLS verify subject name is not "
		    "callservice.ciscospark.com or callservice.webex.com.",
		.arg = &(const struct lint_arg){
			.lint = lint_tls_subject,
			.detail = "The Expressway-E checks that the certificate Webex presents in "
			    "the mutual TLS handshake carries the name set as TLS verify subject "
			    "name on the Webex DNS zone. Webex's certificate carries "
			    "callservice.ciscospark.com (and callservice.webex.com); any other "
			    "value, even one letter off, makes the Expressway reset the connection "
			    "with \"Peer's TLS certificate identity was unacceptable\".",
		},
	},
	[XCONF_LINT_INBOUND_CLASSIFICATION_OFF] = {
		.id = "xconfig-inbound-classification-off",
		.severity = DIAG_ERROR,
		.marker = 'i',
		.check = check_issues,
		.explain = "The Webex zone's TLS verify inbound mapping (InboundClassification) "
		    "is Off.",
		.arg = &(const struct lint_arg){
			.lint = lint_inbound_classification,
			.detail = "TLS verify inbound mapping (InboundClassification) lets the "
			    "Expressway-E map a TLS connection whose certificate matches the "
			    "subject name to the Webex DNS zone. With it Off, Webex calls arrive "
			    "in the Default Zone and the Webex search rules, whose source is the "
			    "Webex zone, never see them.",
		},
	},
	[XCONF_LINT_PRELOADED_ROUTES_OFF] = {
		.id = "xconfig-preloaded-routes-off",
		.severity = DIAG_ERROR,
		.marker = 'r',
		.check = check_issues,
		.explain = "A traversal or neighbor zone on the Webex path has Preloaded SIP routes "
		    "support Off.",
		.arg = &(const struct lint_arg){
			.lint = lint_preloaded_routes,
			.detail = "Webex routes inbound calls by a Route header naming the Unified "
			    "CM cluster. A zone with Preloaded SIP routes support Off rejects "
			    "INVITEs that carry a Route header, so every traversal and neighbor "
			    "zone a Hybrid call crosses needs it On, on both Expressways.",
		},
	},
	[XCONF_LINT_PARAMETER_PRESERVATION_OFF] = {
		.id = "xconfig-parameter-preservation-off",
		.severity = DIAG_WARNING,
		.marker = 's',
		.check = check_issues,
		.explain = "A zone on the Webex path has SIP parameter preservation Off.",
		.arg = &(const struct lint_arg){
			.lint = lint_parameter_preservation,
			.detail = "With SIP parameter preservation Off, the B2BUA may rewrite the "
			    "Request-URI and Contact parameters of calls through the zone and drop "
			    "call-type=squared. The call still works, but the Webex app shows a "
			    "second notification for it.",
		},
	},
	[XCONF_LINT_DNS_OVERRIDE_OFF] = {
		.id = "xconfig-dns-override-off",
		.severity = DIAG_ERROR,
		.marker = 'd',
		.check = check_issues,
		.explain = "The Webex DNS zone does not override the DNS request to callservice.*.",
		.arg = &(const struct lint_arg){
			.lint = lint_dns_override,
			.detail = "Outbound Hybrid calls are dialled to "
			    "user@example.call.ciscospark.com, but must be sent to the SRV records "
			    "of callservice.ciscospark.com, which point at port 5062. The Webex "
			    "DNS zone does that when Modify DNS request (DnsOverride Override) is "
			    "On and Domain to search for (DnsOverride Name) is "
			    "callservice.ciscospark.com.",
		},
	},
	[XCONF_LINT_MTLS_OFF] = {
		.id = "xconfig-mtls-off",
		.severity = DIAG_ERROR,
		.marker = 'm',
		.check = check_issues,
		.explain = "The Expressway-E does not listen for mutual TLS on 5062 (SIP MTLS Mode "
		    "Off, or another port).",
		.arg = &(const struct lint_arg){
			.lint = lint_mtls,
			.detail = "Webex opens its mutual TLS connection to the port of the SRV "
			    "record named as SIP Destination in Control Hub, 5062 by the Hybrid "
			    "guides. With Mutual TLS mode Off the Expressway-E does not listen "
			    "there and resets the connection; the diagnostic log then shows "
			    "nothing from Webex, which is easily taken for a firewall blocking "
			    "5062.",
		},
	},
	[XCONF_LINT_SEARCH_RULE_SHADOWED] = {
		.id = "xconfig-search-rule-shadowed",
		.severity = DIAG_ERROR,
		.marker = 'o',
		.check = check_issues,
		.explain = "A search rule that does not target the Webex zone stops the search "
		    "for Webex aliases before the Webex rule is tried.",
		.arg = &(const struct lint_arg){
			.lint = lint_search_rule_shadowed,
			.detail = "Search rules are tried from the lowest priority number up; a "
			    "rule whose Progress is Stop ends the search when it matches, except "
			    "for rules of the same priority. A broad rule, such as a \"to DNS\" "
			    "rule for every non-local domain, placed before the Webex rule sends "
			    "Webex calls the wrong way and the Webex rule is never tried.",
		},
	},
};

const struct diag_group xconf_lint_group = {rows, XCONF_LINT_COUNT};

/* Returns the number of issues every row finds in x; sets *out. */
int
xconf_lint(const struct xconf *x, struct xconf_issue **out, size_t *n)
{
	struct xconf_lintctx c = {0};
	c.x = x;
	c.webex = xconf_webex_zone(x);
	path_build(&c);
	for (size_t i = 0; i < XCONF_LINT_COUNT; i++) {
		c.row = &rows[i];
		((const struct lint_arg *)c.row->arg)->lint(&c);
	}
	free(c.path);
	free(c.seen);
	*out = c.out;
	*n = c.n;
	return (int)c.n;
}

/* Returns the issue row found in dump d, or NULL. */
const struct xconf_issue *
xconf_lint_issue(const struct diag_dump *d, enum xconf_lint_row row)
{
	for (size_t i = 0; d != NULL && i < d->niss; i++)
		if (d->iss[i].sig == &rows[row])
			return &d->iss[i];
	return NULL;
}

/* Frees the n issues of v. */
void
xconf_lint_free(struct xconf_issue *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].summary);
		free(v[i].fix);
	}
	free(v);
}
