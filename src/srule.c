/* srule.c - search rule patterns (PCRE2) and the search over decoded rules. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "srule.h"
#include "xmem.h"

#define MAX_RESULT 65536u /* bytes of a transformed alias */

struct srule_pattern {
	enum srule_ptype type;
	char *regex;
	bool vars;
	pcre2_code *code;
	pcre2_match_context *mctx;
};

static const char *const ptype_names[] = {"Exact", "Prefix", "Suffix", "Regex"};
static const char *const behavior_names[] = {"Leave", "Strip", "Replace"};

/* Returns the index of s (any case) in names, or -1. */
static int
find_name(const char *s, const char *const *names, int n)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* Returns 0 after setting *t to the pattern type s names, else -1. */
int
srule_ptype_parse(const char *s, enum srule_ptype *t)
{
	int i = find_name(s, ptype_names, 4);
	if (i < 0)
		return -1;
	*t = (enum srule_ptype)i;
	return 0;
}

/* Returns 0 after setting *b to the behavior s names, else -1. */
int
srule_behavior_parse(const char *s, enum srule_behavior *b)
{
	int i = find_name(s, behavior_names, 3);
	if (i < 0)
		return -1;
	*b = (enum srule_behavior)i;
	return 0;
}

/* Returns the static name of pattern type t. */
const char *
srule_ptype_name(enum srule_ptype t)
{
	return (unsigned)t < 4 ? ptype_names[t] : "?";
}

/* Returns the static name of behavior b. */
const char *
srule_behavior_name(enum srule_behavior b)
{
	return (unsigned)b < 3 ? behavior_names[b] : "?";
}

/* Returns nothing; appends n bytes of s to b as regex literals. Escaping
 * every ASCII punctuation byte is always safe in PCRE2. */
static void
add_literal(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 && ispunct(c))
			sbuf_add(b, "\\", 1);
		sbuf_add(b, s + i, 1);
	}
}

/* Returns nothing; appends (?:a|b|...) of the n strings, taking those with
 * a colon when want is ':', those without when want is '.', all when 0.
 * No string gives (?!), which never matches. */
static void
add_alternation(struct sbuf *b, const char *const *v, size_t n, char want)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool v6 = strchr(v[i], ':') != NULL;
		if ((want == ':' && !v6) || (want == '.' && v6))
			continue;
		sbuf_puts(b, k++ ? "|" : "(?:");
		add_literal(b, v[i], strlen(v[i]));
	}
	sbuf_puts(b, k ? ")" : "(?!)");
}

/* Returns the length of the pattern variable at s (which starts with '%')
 * after appending its expansion to b, or 0 when s starts no variable. */
static size_t
add_var(struct sbuf *b, const char *s, const struct srule_vars *v)
{
	static const struct srule_vars none = {0};
	if (v == NULL)
		v = &none;
	if (strncasecmp(s, "%localdomains%", 14) == 0) {
		add_alternation(b, v->domains, v->ndomains, 0);
		return 14;
	}
	if (strncasecmp(s, "%ip%", 4) == 0 || strncasecmp(s, "%ipv4%", 6) == 0 ||
	    strncasecmp(s, "%ipv6%", 6) == 0) {
		char want = s[3] == '%' ? 0 : s[4] == '4' ? '.' : ':';
		add_alternation(b, v->ips, v->nips, want);
		return want ? 6 : 4;
	}
	if (strncasecmp(s, "%localdomain", 12) == 0 && isdigit((unsigned char)s[12])) {
		size_t i = 12, num = 0;
		while (isdigit((unsigned char)s[i]) && num < 100000)
			num = num * 10 + (size_t)(s[i++] - '0');
		if (s[i] != '%')
			return 0;
		if (num >= 1 && num <= v->ndomains)
			add_literal(b, v->domains[num - 1], strlen(v->domains[num - 1]));
		else
			sbuf_puts(b, "(?!)");
		return i + 1;
	}
	return 0;
}

/* Returns the expansion of s as in srule_expand; sets *used when a
 * variable was expanded. */
static char *
expand(enum srule_ptype t, const char *s, const struct srule_vars *v, bool *used)
{
	struct sbuf b = {0};
	sbuf_add(&b, "", 0);
	*used = false;
	while (*s != '\0') {
		size_t k = *s == '%' ? add_var(&b, s, v) : 0;
		if (k > 0) {
			*used = true;
			s += k;
			continue;
		}
		size_t run = 1 + strcspn(s + 1, "%");
		if (t == SRULE_REGEX)
			sbuf_add(&b, s, run);
		else
			add_literal(&b, s, run);
		s += run;
	}
	return sbuf_take(&b);
}

/* Returns the caller-owned regex pattern s of type t stands for. */
char *
srule_expand(enum srule_ptype t, const char *s, const struct srule_vars *v)
{
	bool used;
	return expand(t, s != NULL ? s : "", v, &used);
}

/* Returns the PCRE2 anchoring options that make a regex behave like
 * pattern type t: Regex and Exact must match the whole alias. */
static uint32_t
anchors(enum srule_ptype t)
{
	switch (t) {
	case SRULE_PREFIX:
		return PCRE2_ANCHORED;
	case SRULE_SUFFIX:
		return PCRE2_ENDANCHORED;
	default:
		return PCRE2_ANCHORED | PCRE2_ENDANCHORED;
	}
}

/* Returns nothing; fills err with msg and offset. */
static void
set_err(struct srule_err *err, long offset, bool expanded, const char *msg)
{
	if (err == NULL)
		return;
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	err->offset = offset;
	err->expanded = expanded;
	err->limit = false;
}

/* Returns a new match context with the limits for untrusted patterns. */
static pcre2_match_context *
limited_context(void)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);
	if (m == NULL) {
		fprintf(stderr, "xwtrace: out of memory (pcre2 match context)\n");
		abort();
	}
	pcre2_set_match_limit(m, SRULE_MATCH_LIMIT);
	pcre2_set_depth_limit(m, SRULE_DEPTH_LIMIT);
	pcre2_set_heap_limit(m, SRULE_HEAP_LIMIT_KIB);
	return m;
}

/* Returns pattern s of type t compiled, or NULL with err. */
struct srule_pattern *
srule_compile(enum srule_ptype t, const char *s, const struct srule_vars *v, struct srule_err *err)
{
	bool used;
	char *re = expand(t, s != NULL ? s : "", v, &used);
	size_t len = strlen(re);
	if (len > SRULE_MAX_PATTERN) {
		char msg[128];
		snprintf(msg, sizeof msg, "pattern too long (%zu bytes; the limit is %u)", len,
		    SRULE_MAX_PATTERN);
		set_err(err, -1, used, msg);
		free(re);
		return NULL;
	}
	int ec;
	PCRE2_SIZE eo;
	uint32_t opts = PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C | anchors(t);
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, len, opts, &ec, &eo, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[200];
		if (pcre2_get_error_message(ec, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", ec);
		set_err(err, (long)eo, used, (const char *)msg);
		free(re);
		return NULL;
	}
	struct srule_pattern *p = xcalloc(1, sizeof *p);
	p->type = t;
	p->regex = re;
	p->vars = used;
	p->code = code;
	p->mctx = limited_context();
	return p;
}

/* Frees pattern p. */
void
srule_free(struct srule_pattern *p)
{
	if (p == NULL)
		return;
	pcre2_code_free(p->code);
	pcre2_match_context_free(p->mctx);
	free(p->regex);
	free(p);
}

/* Returns the expanded regex of p. */
const char *
srule_regex(const struct srule_pattern *p)
{
	return p->regex;
}

/* Returns true when variables were expanded in p. */
bool
srule_has_vars(const struct srule_pattern *p)
{
	return p->vars;
}

/* Returns 0 after appending the replace string to b with \1..\9 taken
 * from the match (unset groups give nothing, \\ gives a backslash), or -1
 * when the result would grow past MAX_RESULT. */
static int
add_backrefs(struct sbuf *b, const char *rep, const char *alias, const PCRE2_SIZE *ov, int ngroups)
{
	for (const char *p = rep; *p != '\0'; p++) {
		if (p[0] == '\\' && isdigit((unsigned char)p[1])) {
			int g = *++p - '0';
			if (g < ngroups && ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] >= ov[2 * g])
				sbuf_add(b, alias + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		} else if (p[0] == '\\' && p[1] == '\\') {
			sbuf_add(b, p++, 1);
		} else {
			sbuf_add(b, p, 1);
		}
		if (b->len > MAX_RESULT)
			return -1;
	}
	return 0;
}

/* Returns the caller-owned alias after behavior b, or NULL when it would be
 * too long. The match is ov[0]..ov[1]; only Regex replace strings take
 * backreferences, the others are literal text. */
static char *
transform(const struct srule_pattern *p, const char *alias, const PCRE2_SIZE *ov, int ngroups,
    enum srule_behavior b, const char *replace)
{
	struct sbuf out = {0};
	if (b == SRULE_LEAVE)
		return xstrdup(alias);
	sbuf_add(&out, alias, ov[0]);
	if (b == SRULE_REPLACE && replace != NULL) {
		if (p->type != SRULE_REGEX)
			sbuf_puts(&out, replace);
		else if (add_backrefs(&out, replace, alias, ov, ngroups) != 0) {
			sbuf_free(&out);
			return NULL;
		}
	}
	sbuf_puts(&out, alias + ov[1]);
	if (out.len > MAX_RESULT) {
		sbuf_free(&out);
		return NULL;
	}
	return sbuf_take(&out);
}

/* Returns nothing; fills err for a failed pcre2_match. */
static void
match_err(struct srule_err *err, int rc)
{
	PCRE2_UCHAR msg[160];
	char buf[256];
	if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
		snprintf((char *)msg, sizeof msg, "error %d", rc);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		snprintf(buf, sizeof buf, "pattern too costly for this alias, gave up (%s)",
		    (const char *)msg);
	else
		snprintf(buf, sizeof buf, "matching failed: %s", (const char *)msg);
	set_err(err, -1, false, buf);
	if (err != NULL)
		err->limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT;
}

/* Returns 1, 0 or -1 as alias matches p; sets *out to the alias after b. */
int
srule_apply(const struct srule_pattern *p, const char *alias, enum srule_behavior b,
    const char *replace, char **out, struct srule_err *err)
{
	if (out != NULL)
		*out = NULL;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->code, NULL);
	if (md == NULL) {
		fprintf(stderr, "xwtrace: out of memory (pcre2 match data)\n");
		abort();
	}
	int rc = pcre2_match(p->code, (PCRE2_SPTR)alias, strlen(alias), 0, 0, md, p->mctx);
	int ret = 1;
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	if (rc == PCRE2_ERROR_NOMATCH) {
		ret = 0;
	} else if (rc < 0) {
		match_err(err, rc);
		ret = -1;
	} else if (ov[1] < ov[0]) {
		set_err(err, -1, false, "match ends before it starts (\\K in a lookaround)");
		ret = -1;
	} else if (out != NULL) {
		int ng = rc > 0 ? rc : (int)pcre2_get_ovector_count(md);
		*out = transform(p, alias, ov, ng, b, replace);
		if (*out == NULL) {
			set_err(err, -1, false, "transformed alias too long");
			ret = -1;
		}
	}
	pcre2_match_data_free(md);
	return ret;
}

/* Returns true when the host of alias (after any user@, without port or
 * parameters) is an IPv4 or IPv6 address. */
static bool
is_ip_alias(const char *alias)
{
	const char *h = strrchr(alias, '@');
	h = h != NULL ? h + 1 : alias;
	char buf[64];
	unsigned char addr[16];
	size_t n = strcspn(h, ";>");
	if (*h == '[') {
		const char *e = memchr(h, ']', n);
		if (e == NULL || (size_t)(e - h - 1) >= sizeof buf)
			return false;
		memcpy(buf, h + 1, (size_t)(e - h - 1));
		buf[e - h - 1] = '\0';
		return inet_pton(AF_INET6, buf, addr) == 1;
	}
	if (n >= sizeof buf)
		return false;
	memcpy(buf, h, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return true;
	buf[strcspn(buf, ":")] = '\0';
	return inet_pton(AF_INET, buf, addr) == 1;
}

/* Returns 1, 0 or -1 as srule_rule_matches; on a match sets *out (when not
 * NULL) to the caller-owned alias sent to the target. */
static int
rule_match(const struct srule_rule *r, const char *alias, const struct srule_vars *vars,
    char **out, struct srule_err *err)
{
	if (out != NULL)
		*out = NULL;
	if (r->bad != NULL) {
		set_err(err, -1, false, r->bad);
		return -1;
	}
	if (r->mode == SRULE_MODE_ANYALIAS || r->mode == SRULE_MODE_ANYIP) {
		if (r->mode == SRULE_MODE_ANYIP && !is_ip_alias(alias))
			return 0;
		if (out != NULL)
			*out = xstrdup(alias);
		return 1;
	}
	if (r->mode != SRULE_MODE_PATTERN) {
		set_err(err, -1, false, "Mode is not AliasPatternMatch, AnyAlias or AnyIPAddress");
		return -1;
	}
	struct srule_pattern *p = srule_compile(r->ptype, r->pattern, vars, err);
	if (p == NULL)
		return -1;
	int m = srule_apply(p, alias, r->behavior, r->replace, out, err);
	srule_free(p);
	return m;
}

/* Returns 1, 0 or -1 as rule r's mode and pattern match alias. */
int
srule_rule_matches(const struct srule_rule *r, const char *alias, const struct srule_vars *vars)
{
	struct srule_err err;
	return rule_match(r, alias, vars, NULL, &err);
}

/* The search. */

/* Returns true when s names the Default Zone (NULL does too). */
static bool
is_default_zone(const char *s)
{
	return s == NULL || strcasecmp(s, "DefaultZone") == 0 || strcasecmp(s, "Default Zone") == 0;
}

/* Returns true when s names the Local Zone (registered endpoints). */
static bool
is_local_zone(const char *s)
{
	return s != NULL && (strcasecmp(s, "LocalZone") == 0 || strcasecmp(s, "Local Zone") == 0);
}

/* Returns NULL when rule r takes searches from source, else a caller-owned
 * reason it does not. */
static char *
source_filter(const struct srule_rule *r, const char *source)
{
	switch (r->source) {
	case SRULE_SRC_ANY:
		return NULL;
	case SRULE_SRC_ALLZONES:
		return !is_default_zone(source) ? NULL
		    : xstrdup("rule takes zones and registered endpoints, not the Default Zone");
	case SRULE_SRC_LOCALZONE:
		return is_local_zone(source) ? NULL
		    : xstrdup("rule takes locally registered endpoints only");
	case SRULE_SRC_NAMED:
		if (r->source_name != NULL && source != NULL && strcasecmp(r->source_name, source) == 0)
			return NULL;
		return xasprintf("source must be '%s'", r->source_name != NULL ? r->source_name : "");
	default:
		return xasprintf("Source Mode '%s' not understood", r->source_mode);
	}
}

/* Returns a caller-owned text for a pattern error. */
static char *
err_text(const struct srule_err *e)
{
	if (e->offset < 0)
		return xasprintf("pattern error: %s", e->msg);
	return xasprintf("pattern error: %s at offset %ld%s", e->msg, e->offset,
	    e->expanded ? " of the expanded pattern" : "");
}

/* Returns NULL when rule r applies to a search over proto, else a static
 * reason why not. */
static const char *
proto_filter(const struct srule_rule *r, enum srule_proto proto)
{
	if (proto == SRULE_PROTO_SIP && r->proto == SRULE_FOR_H323)
		return "ignored: rule is for H.323 only";
	if (proto == SRULE_PROTO_H323 && r->proto == SRULE_FOR_SIP)
		return "ignored: rule is for SIP only";
	if (proto == SRULE_PROTO_SIP && r->sip_traffic_type != NULL &&
	    strcasestr(r->sip_traffic_type, "microsoft") != NULL)
		return "ignored: rule is for Microsoft SIP traffic only";
	return NULL;
}

/* What every rule of one search is evaluated against. */
struct search {
	const char *alias, *source;
	enum srule_proto proto;
	const struct srule_vars *vars;
	unsigned costly; /* patterns that ran into a limit so far */
};

/* Returns nothing; fills *st with the verdict of the pattern of rule r.
 * Once too many patterns of this search have run into the match limits,
 * the rest are not tried, so that a hostile dump costs a bounded time. */
static void
evaluate_match(struct srule_step *st, const struct srule_rule *r, struct search *s)
{
	struct srule_err err = {.offset = -1};
	char *out = NULL;
	const char *target = r->target != NULL ? r->target : "(none)";
	int m = -1;
	if (s->costly >= SRULE_MAX_COSTLY && r->mode == SRULE_MODE_PATTERN)
		snprintf(err.msg, sizeof err.msg, "not tried: %u patterns of this search ran into "
		    "the match limits", s->costly);
	else
		m = rule_match(r, s->alias, s->vars, &out, &err);
	s->costly += err.limit;
	if (m < 0) {
		st->verdict = SRULE_PATTERN_ERROR;
		st->why = err_text(&err);
	} else if (m == 0 && r->mode == SRULE_MODE_ANYIP) {
		st->verdict = SRULE_NO_MATCH;
		st->why = xstrdup("did not match (alias is not an IP address)");
	} else if (m == 0) {
		st->verdict = SRULE_NO_MATCH;
		st->why = xasprintf("did not match (%s '%s')", srule_ptype_name(r->ptype),
		    r->pattern != NULL ? r->pattern : "");
	} else {
		bool changed = strcmp(out, s->alias) != 0;
		st->verdict = SRULE_MATCHED;
		st->stop = r->stop;
		st->alias = out;
		st->why = xasprintf("matched%s, target '%s', %s%s%s%s",
		    r->mode == SRULE_MODE_ANYALIAS ? " (any alias)" : "", target,
		    r->stop ? "stop" : "continue", changed ? ", alias becomes '" : "",
		    changed ? out : "", changed ? "'" : "");
	}
}

/* Returns nothing; fills *st with what rule r does to the search. */
static void
evaluate(struct srule_step *st, const struct srule_rule *r, struct search *s)
{
	const char *no;
	char *why;
	memset(st, 0, sizeof *st);
	st->rule = r;
	if (!r->enabled) {
		st->verdict = SRULE_DISABLED;
		st->why = xasprintf("disabled (State %s)", r->state != NULL ? r->state : "?");
	} else if ((no = proto_filter(r, s->proto)) != NULL) {
		st->verdict = strstr(no, "Microsoft") ? SRULE_WRONG_VARIANT : SRULE_WRONG_PROTOCOL;
		st->why = xstrdup(no);
	} else if ((why = source_filter(r, s->source)) != NULL) {
		st->verdict = SRULE_SOURCE_FILTERED;
		st->why = xasprintf("ignored due to source filtering (%s)", why);
		free(why);
	} else {
		evaluate_match(st, r, s);
	}
}

/* Returns nothing; records rule r as cut off by the Stop rule `by`, noting
 * whether it would have matched (that is what shadowing means). */
static void
not_reached(struct srule_step *st, const struct srule_rule *r, const struct srule_rule *by,
    struct search *s)
{
	evaluate(st, r, s);
	bool would = st->verdict == SRULE_MATCHED;
	free(st->alias);
	free(st->why);
	memset(st, 0, sizeof *st);
	st->rule = r;
	st->verdict = SRULE_NOT_REACHED;
	st->would_match = would;
	st->why = xasprintf("not reached: search stopped at priority %ld by rule %u '%s'%s",
	    by->prio, by->num, by->name != NULL ? by->name : "",
	    would ? "; it would have matched" : "");
}

/* A rule and its place in the caller's array, as the search orders them. */
struct ranked {
	const struct srule_rule *rule;
	size_t index;
};

/* Returns <0, 0, >0 ordering rules by priority, then by number, then by
 * their place in the caller's array. */
static int
rule_order(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rule->prio != y->rule->prio)
		return x->rule->prio < y->rule->prio ? -1 : 1;
	if (x->rule->num != y->rule->num)
		return x->rule->num < y->rule->num ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Returns alias without a leading sip: or sips: (Locate searches for the
 * bare alias, as the search rules see it). */
static const char *
strip_scheme(const char *alias)
{
	if (strncasecmp(alias, "sip:", 4) == 0)
		return alias + 4;
	if (strncasecmp(alias, "sips:", 5) == 0)
		return alias + 5;
	return alias;
}

/* Returns the number of the n rules that matched alias; fills res. */
size_t
srule_search(const struct srule_rule *const *rules, size_t n, const struct srule_vars *v,
    const char *alias, const char *source, enum srule_proto proto, struct srule_result *res)
{
	struct search s = {0};
	size_t matched = 0;
	long stop_prio = -1;
	memset(res, 0, sizeof *res);
	res->first_match = res->stopped_by = -1;
	res->alias = xstrdup(strip_scheme(alias != NULL ? alias : ""));
	res->source = xstrdup(source != NULL ? source : "DefaultZone");
	s.alias = res->alias, s.source = res->source, s.proto = proto, s.vars = v;
	struct ranked *order = xcalloc(n + 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = (struct ranked){rules[i], i};
	qsort(order, n, sizeof *order, rule_order);
	res->steps = xcalloc(n + 1, sizeof *res->steps);
	for (size_t i = 0; i < n; i++) {
		struct srule_step *st = &res->steps[res->nsteps++];
		if (stop_prio >= 0 && order[i].rule->prio > stop_prio) {
			/* Stop still lets rules of the same priority run */
			not_reached(st, order[i].rule, res->steps[res->stopped_by].rule, &s);
		} else {
			evaluate(st, order[i].rule, &s);
		}
		st->index = order[i].index;
		if (st->verdict != SRULE_MATCHED)
			continue;
		matched++;
		if (res->first_match < 0)
			res->first_match = (long)i;
		if (st->stop && stop_prio < 0) {
			stop_prio = order[i].rule->prio;
			res->stopped_by = (long)i;
		}
	}
	free(order);
	return matched;
}

/* Frees what res owns. */
void
srule_result_free(struct srule_result *res)
{
	for (size_t i = 0; i < res->nsteps; i++) {
		free(res->steps[i].alias);
		free(res->steps[i].why);
	}
	free(res->steps);
	free(res->alias);
	free(res->source);
	memset(res, 0, sizeof *res);
	res->first_match = res->stopped_by = -1;
}

/* Returns the static name of verdict v. */
const char *
srule_verdict_name(enum srule_verdict v)
{
	static const char *const names[] = {
		"disabled", "wrong protocol", "wrong SIP variant", "source filtered",
		"no match", "pattern error", "matched", "not reached",
	};
	return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}
