/* test_xconf.c - xConfiguration parsing, search rule matching, lint. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "srule.h"
#include "t.h"
#include "xconf.h"
#include "xconf_lint.h"
#include "xmem.h"

#define FIX "tests/data/xconfig/"

/* Returns a parsed inline dump (NUL-terminated text). */
static struct xconf *
parse(const char *text)
{
	return xconf_parse("inline", text, strlen(text));
}

/* Returns the parsed fixture, or NULL (and a failed check) when missing. */
static struct xconf *
fixture(const char *name)
{
	char err[256], path[256];
	snprintf(path, sizeof path, FIX "%s", name);
	struct xconf *x = xconf_load(path, err, sizeof err);
	if (x == NULL)
		fprintf(stderr, "  %s (run from the top of the tree)\n", err);
	CHECK(x != NULL);
	return x;
}

/* Returns 1 when alias matches, 0 when not, -1 on error; *out gets the
 * transformed alias (caller frees) on a match. */
static int
try_match(enum srule_ptype t, const char *pat, const char *alias, enum srule_behavior b,
    const char *rep, const struct srule_vars *v, char **out)
{
	struct srule_err err;
	struct srule_pattern *p = srule_compile(t, pat, v, &err);
	if (p == NULL)
		return -2;
	int m = srule_apply(p, alias, b, rep, out, &err);
	srule_free(p);
	return m;
}

static const char dump_basic[] =
    "*c xConfiguration SIP Domains Domain 1 Name: \"example.com\"\n"
    "*c xConfiguration SIP Domains Domain 2 Name:\n"
    "*c xConfiguration SIP Domains Domain 3 Name: \"rtp.ciscotac.net\"\n"
    "*c xConfiguration Policy AdministratorPolicy Mode: \"Off\"\n"
    "*c xConfiguration Zones Zone 6 DNS SIP TLS Verify Mode: \"On\"\n"
    "*c xConfiguration Zones Zone 6 DNS SIP TLS Verify Subject Name: \"callservice.ciscospark.com\"\n"
    "*c xConfiguration Zones Zone 6 Name: \"Hybrid Call Services DNS\"\n"
    "*c xConfiguration Zones Zone 6 Type: \"DNS\"\n"
    "*c xConfiguration Zones Zone 2 Neighbor SIP Port: \"5065\"\n"
    "*c xConfiguration Zones Zone 2 Name: \"CUCM11\"\n"
    "*c xConfiguration Zones Zone 2 Type: \"Neighbor\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Pattern Replace:\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Pattern String: \".*@.*\\.ciscospark\\.com\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Pattern Type: \"Regex\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Priority: \"15\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Progress: \"Stop\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Source Mode: \"Named\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Source Name: \"CUCM11\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Target Name: \"Hybrid Call Services DNS\"\n"
    "*c xConfiguration Zones Policy SearchRules Rule 3 Name: \"Webex\"\n";

static void
test_parse_basic(void)
{
	struct xconf *x = parse(dump_basic);
	CHECK_INT(x->nsettings, 20);
	CHECK_INT(x->nproblems, 0);
	CHECK_STR(xconf_value(x, "Zones Zone 6 DNS SIP TLS Verify Mode"), "On");
	CHECK_STR(xconf_value(x, "  zones  zone 6 dns sip tls verify MODE "), "On");
	CHECK_STR(xconf_value(x, "Zones Policy SearchRules Rule 3 Pattern Replace"), "");
	CHECK(xconf_value(x, "Zones Zone 6 DNS SIP TLS Verify") == NULL);
	CHECK_INT(xconf_get(x, "Zones Zone 6 Name")->line, 7);
	CHECK_INT(x->nzones, 2);
	CHECK_INT(x->zones[0].num, 2); /* sorted by number, not file order */
	CHECK_INT(x->zones[0].type, XCONF_ZONE_NEIGHBOR);
	CHECK_STR(x->zones[0].sip_port.s, "5065");
	CHECK_STR(x->zones[1].tls_subject_name.s, "callservice.ciscospark.com");
	CHECK_INT(x->zones[1].tls_subject_name.line, 6);
	CHECK_INT(x->zones[1].first_line, 5);
	CHECK(x->zones[1].inbound_classification.s == NULL);
	CHECK(xconf_zone_by_name(x, "HybridCallServicesDNS") == &x->zones[1]);
	CHECK(xconf_zone_by_name(x, "hybrid call services dns") == &x->zones[1]);
	CHECK(xconf_zone_by_num(x, 2) == &x->zones[0]);
	CHECK_INT(x->nrules, 1);
	const struct xconf_rule *r = &x->rules[0];
	CHECK_INT(r->sr.num, 3);
	CHECK_INT(r->sr.prio, 15);
	CHECK(r->sr.stop && r->sr.enabled && r->sr.bad == NULL);
	CHECK_INT(r->sr.ptype, SRULE_REGEX);
	CHECK_INT(r->sr.behavior, SRULE_LEAVE);
	CHECK_INT(r->sr.source, SRULE_SRC_NAMED);
	CHECK_STR(r->pattern_string.s, ".*@.*\\.ciscospark\\.com");
	CHECK(r->sr.pattern == r->pattern_string.s && r->sr.target == r->target_name.s);
	CHECK_INT(x->ndomains, 2); /* the empty Domain 2 is skipped */
	CHECK_STR(x->domain_names[1], "rtp.ciscotac.net");
	CHECK_STR(x->admin_policy.s, "Off");
	CHECK(!xconf_is_expressway_e(x) && !xconf_is_expressway_c(x));
	xconf_free(x);
}

static void
test_parse_mangled(void)
{
	static const char t[] =
	    "\xef\xbb\xbfxConfiguration\r\n"
	    "\r\n"
	    "*c xConfiguration Zones Zone 7 TraversalServer SIP TLS Verify Subject Name: \"rtp12-tpdmz-118-\r\n"
	    "\r\n"
	    "VCSC.rtp.ciscotac.net\"\r\n"
	    "*c xConfiguration Zones Zone 7 TraversalServer SIP ParameterPreservation Mode: \"Off\" <--\r\n"
	    "Possible Suspect Value\r\n"
	    "*c xConfiguration Zones Zone 7 Name: \"Hybrid\r\n"
	    "*c xConfiguration Zones Zone 7 Type: \"TraversalServer\"\r\n"
	    "2017-09-20T11:17:42 host *c xConfiguration   SystemUnit\tName:  \"exp\"\r\n"
	    "*c xConfiguration Zones Zone 7 TraversalServer SIP Port: 7003\r\n"
	    "*c xConfiguration no colon here\r\n"
	    "*c xConfiguration : \"empty key\"\r\n"
	    "*c xConfiguration Zones Zone 7 TraversalServer Registrations: \"Al\0low\"\r\n"
	    "OK";
	struct xconf *x = xconf_parse("m", t, sizeof t - 1);
	CHECK_STR(xconf_value(x, "Zones Zone 7 TraversalServer SIP TLS Verify Subject Name"),
	    "rtp12-tpdmz-118-VCSC.rtp.ciscotac.net");
	CHECK_INT(xconf_get(x, "Zones Zone 7 TraversalServer SIP TLS Verify Subject Name")->line, 3);
	CHECK_STR(xconf_value(x, "Zones Zone 7 TraversalServer SIP ParameterPreservation Mode"), "Off");
	CHECK_INT(xconf_get(x, "Zones Zone 7 TraversalServer SIP ParameterPreservation Mode")->line, 6);
	CHECK_STR(xconf_value(x, "Zones Zone 7 Name"), "Hybrid");
	CHECK_STR(xconf_value(x, "SystemUnit Name"), "exp");
	CHECK_STR(xconf_value(x, "Zones Zone 7 TraversalServer SIP Port"), "7003");
	CHECK_STR(xconf_value(x, "Zones Zone 7 TraversalServer Registrations"), "Allow");
	CHECK_INT(x->nzones, 1);
	CHECK_INT(x->zones[0].type, XCONF_ZONE_TRAVERSAL_SERVER);
	CHECK(xconf_is_off(x->zones[0].parameter_preservation.s));
	CHECK(xconf_is_expressway_e(x));
	CHECK_INT(x->nproblems, 5); /* wrap, missing quote, no colon, empty key, NUL */
	CHECK_INT(x->nlines, 15);
	xconf_free(x);
}

/* Returns the next value of a small deterministic generator. */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Returns nothing; parses, lints and searches x's text, for crash tests. */
static void
exercise(const char *text, size_t n)
{
	struct xconf *x = xconf_parse("fuzz", text, n);
	struct xconf_issue *v;
	size_t ni;
	struct srule_result r;
	xconf_lint(x, &v, &ni);
	xconf_lint_free(v, ni);
	xconf_search(x, "user@example.call.ciscospark.com", x->nzones ? x->zones[0].name.s : NULL,
	    SRULE_PROTO_SIP, &r);
	CHECK(r.nsteps == x->nrules);
	srule_result_free(&r);
	xconf_free(x);
}

static void
test_parse_hostile(void)
{
	static const char *const odd[] = {
		"", "\n", "*c", "*c xConfiguration", "*c xConfiguration ", "*c xConfiguration :",
		"*c xConfiguration a:", "*c xConfiguration a: \"", "*c xConfiguration a: \"\"\"",
		"*c xConfiguration Zones Zone 99999999999999999999 Name: \"x\"",
		"*c xConfiguration Zones Zone 4294967297 Name: \"x\"",
		"*c xConfiguration Zones Zone  Name: \"x\"", "*c xConfiguration Zones Zone 1",
		"*c xConfiguration Zones Policy SearchRules Rule 1 Priority: \"-5\"",
		"*c xConfiguration Zones Policy SearchRules Rule 1 Pattern Type: \"Glob\"",
		"*c xConfiguration a: \"x\n\n\n\n\"",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		exercise(odd[i], strlen(odd[i]));
	struct xconf *x = xconf_parse("null", NULL, 0);
	CHECK_INT(x->nsettings, 0);
	xconf_free(x);
	x = parse(odd[13]);
	CHECK(x->nrules == 1 && x->rules[0].sr.bad != NULL && x->rules[0].sr.prio == 65535);
	xconf_free(x);

	/* a huge line, then a real setting */
	size_t big = 3u << 20;
	char *t = xmalloc(big + 64);
	memset(t, 'A', big);
	memcpy(t, "*c xConfiguration K: \"", 22);
	strcpy(t + big, "\n*c xConfiguration K2: \"v\"\n");
	x = xconf_parse("big", t, strlen(t));
	CHECK_STR(xconf_value(x, "K2"), "v");
	CHECK(xconf_value(x, "K") == NULL);
	CHECK_INT(x->nproblems, 1);
	xconf_free(x);
	free(t);

	/* random bytes, biased towards the characters the parser cares about */
	static const char alphabet[] = "*c xConfiguration Zones Zone 1 Rule 2 SearchRules Policy:\"\n\r\0\t%\\";
	uint32_t s = 42;
	for (int round = 0; round < 300; round++) {
		size_t n = rnd(&s) % 2000;
		char *b = xmalloc(n + 1);
		for (size_t i = 0; i < n; i++)
			b[i] = (rnd(&s) & 3) ? alphabet[rnd(&s) % (sizeof alphabet - 1)] : (char)rnd(&s);
		exercise(b, n);
		free(b);
	}
}

static void
test_parse_mutated_fixture(void)
{
	struct sbuf b = {0};
	FILE *fp = fopen(FIX "healthy-e.txt", "rb");
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, fp)) > 0)
		sbuf_add(&b, buf, k);
	fclose(fp);
	uint32_t s = 7;
	for (int round = 0; round < 200; round++) {
		char *m = xmalloc(b.len);
		memcpy(m, b.s, b.len);
		for (int j = 0; j < 20; j++)
			m[rnd(&s) % b.len] = (char)rnd(&s);
		size_t n = rnd(&s) % (b.len + 1); /* also cut it short */
		exercise(m, n);
		free(m);
	}
	sbuf_free(&b);
}

static void
test_match_types(void)
{
	CHECK_INT(try_match(SRULE_EXACT, "alice@example.com", "Alice@Example.com", SRULE_LEAVE, NULL, NULL, NULL), 1);
	CHECK_INT(try_match(SRULE_EXACT, "alice@example.com", "alice@example.com.au", SRULE_LEAVE, NULL, NULL, NULL), 0);
	CHECK_INT(try_match(SRULE_EXACT, "a.c", "abc", SRULE_LEAVE, NULL, NULL, NULL), 0); /* literal dot */
	CHECK_INT(try_match(SRULE_PREFIX, "cucm.rtp.ciscotac.net", "cucm.rtp.ciscotac.net;lr", SRULE_LEAVE, NULL, NULL, NULL), 1);
	CHECK_INT(try_match(SRULE_PREFIX, "cucm", "xcucm", SRULE_LEAVE, NULL, NULL, NULL), 0);
	CHECK_INT(try_match(SRULE_PREFIX, "", "anything", SRULE_LEAVE, NULL, NULL, NULL), 1);
	CHECK_INT(try_match(SRULE_SUFFIX, "@example.com", "bob@example.com", SRULE_LEAVE, NULL, NULL, NULL), 1);
	CHECK_INT(try_match(SRULE_SUFFIX, "@example.com", "bob@example.com.evil", SRULE_LEAVE, NULL, NULL, NULL), 0);
	CHECK_INT(try_match(SRULE_SUFFIX, "(x)", "a(x)", SRULE_LEAVE, NULL, NULL, NULL), 1);
	/* a regex must match the whole alias */
	CHECK_INT(try_match(SRULE_REGEX, ".*@.*\\.ciscospark\\.com", "pstojano-test@dmzlab.call.ciscospark.com", SRULE_LEAVE, NULL, NULL, NULL), 1);
	CHECK_INT(try_match(SRULE_REGEX, ".*@.*\\.ciscospark\\.com", "bob@x.ciscospark.com.evil", SRULE_LEAVE, NULL, NULL, NULL), 0);
	CHECK_INT(try_match(SRULE_REGEX, "@example", "a@example.com", SRULE_LEAVE, NULL, NULL, NULL), 0);
	CHECK_INT(try_match(SRULE_REGEX, "a|b", "ab", SRULE_LEAVE, NULL, NULL, NULL), 0);
	CHECK_INT(try_match(SRULE_REGEX, "a|b", "b", SRULE_LEAVE, NULL, NULL, NULL), 1);
	CHECK_INT(try_match(SRULE_REGEX, "abc", "abc\n", SRULE_LEAVE, NULL, NULL, NULL), 0);
	enum srule_ptype t;
	enum srule_behavior b;
	CHECK(srule_ptype_parse("REGEX", &t) == 0 && t == SRULE_REGEX);
	CHECK(srule_ptype_parse("glob", &t) == -1);
	CHECK(srule_behavior_parse("strip", &b) == 0 && b == SRULE_STRIP);
	CHECK_STR(srule_ptype_name(SRULE_SUFFIX), "Suffix");
	CHECK_STR(srule_behavior_name(SRULE_REPLACE), "Replace");
}

/* Returns nothing; checks that pattern transforms alias into want. */
static void
check_transform(enum srule_ptype t, const char *pat, const char *alias, enum srule_behavior b,
    const char *rep, const char *want)
{
	char *out = NULL;
	CHECK_INT(try_match(t, pat, alias, b, rep, NULL, &out), 1);
	CHECK_STR(out, want);
	free(out);
}

static void
test_strip_replace(void)
{
	check_transform(SRULE_PREFIX, "9", "9123", SRULE_STRIP, NULL, "123");
	check_transform(SRULE_PREFIX, "9", "9123", SRULE_LEAVE, NULL, "9123");
	check_transform(SRULE_SUFFIX, "@example.com", "bob@example.com", SRULE_STRIP, NULL, "bob");
	check_transform(SRULE_PREFIX, "9", "9123", SRULE_REPLACE, "0044", "0044123");
	check_transform(SRULE_SUFFIX, ".old.com", "bob@x.old.com", SRULE_REPLACE, ".new.com", "bob@x.new.com");
	check_transform(SRULE_PREFIX, "9", "9123", SRULE_REPLACE, "\\1", "\\1123"); /* literal */
	check_transform(SRULE_EXACT, "abc", "ABC", SRULE_REPLACE, "xyz", "xyz");
	check_transform(SRULE_REGEX, "(.*)@(.*)\\.old\\.com", "bob@x.old.com", SRULE_REPLACE,
	    "\\1@\\2.new.com", "bob@x.new.com");
	check_transform(SRULE_REGEX, "(a)?(b)", "b", SRULE_REPLACE, "[\\1][\\2][\\9]\\\\", "[][b][]\\");
	check_transform(SRULE_REGEX, "(.*)", "x", SRULE_REPLACE, "\\0-\\1", "x-x");
	check_transform(SRULE_REGEX, "abc", "abc", SRULE_STRIP, NULL, "");
	/* hostile replace strings cannot blow up the result */
	struct sbuf rep = {0};
	for (int i = 0; i < 5000; i++)
		sbuf_puts(&rep, "\\1");
	char alias[200];
	memset(alias, 'a', sizeof alias - 1);
	alias[sizeof alias - 1] = '\0';
	char *out = NULL;
	CHECK_INT(try_match(SRULE_REGEX, "(.*)", alias, SRULE_REPLACE, rep.s, NULL, &out), -1);
	CHECK(out == NULL);
	sbuf_free(&rep);
}

static void
test_localdomains(void)
{
	static const char *const doms[] = {"example.com", "rtp.ciscotac.net"};
	static const char *const ips[] = {"192.168.1.6", "2001:db8::1"};
	struct srule_vars v = {doms, 2, ips, 2};
	char *e = srule_expand(SRULE_REGEX, ".*@%localdomains%", &v);
	CHECK_STR(e, ".*@(?:example\\.com|rtp\\.ciscotac\\.net)");
	free(e);
	e = srule_expand(SRULE_SUFFIX, "@%LocalDomains%", &v);
	CHECK_STR(e, "\\@(?:example\\.com|rtp\\.ciscotac\\.net)");
	free(e);
	e = srule_expand(SRULE_REGEX, "%localdomain2%|%localdomain9%|%ipv4%|%ipv6%|%other%", &v);
	CHECK_STR(e, "rtp\\.ciscotac\\.net|(?!)|(?:192\\.168\\.1\\.6)|(?:2001\\:db8\\:\\:1)|%other%");
	free(e);
	e = srule_expand(SRULE_REGEX, "%localdomains%", NULL);
	CHECK_STR(e, "(?!)");
	free(e);
	CHECK_INT(try_match(SRULE_REGEX, ".*@%localdomains%", "bob@rtp.ciscotac.net", SRULE_LEAVE, NULL, &v, NULL), 1);
	CHECK_INT(try_match(SRULE_REGEX, ".*@%localdomains%", "bob@rtpxciscotac.net", SRULE_LEAVE, NULL, &v, NULL), 0);
	CHECK_INT(try_match(SRULE_SUFFIX, "@%localdomains%", "bob@example.com", SRULE_LEAVE, NULL, &v, NULL), 1);
	CHECK_INT(try_match(SRULE_REGEX, "(?!.*@%localdomains%.*$).*", "bob@example.com", SRULE_LEAVE, NULL, &v, NULL), 0);
	CHECK_INT(try_match(SRULE_REGEX, "(?!.*@%localdomains%.*$).*", "bob@x.call.ciscospark.com", SRULE_LEAVE, NULL, &v, NULL), 1);
	CHECK_INT(try_match(SRULE_REGEX, ".*@%ip%", "bob@192.168.1.6", SRULE_LEAVE, NULL, &v, NULL), 1);
	char *out = NULL;
	CHECK_INT(try_match(SRULE_SUFFIX, "@%localdomains%", "bob@example.com", SRULE_STRIP, NULL, &v, &out), 1);
	CHECK_STR(out, "bob");
	free(out);
	/* a domain name from a hostile dump is literal text in the regex */
	static const char *const evil[] = {"a)|(.*"};
	struct srule_vars ev = {evil, 1, NULL, 0};
	CHECK_INT(try_match(SRULE_REGEX, "x@%localdomains%", "anything", SRULE_LEAVE, NULL, &ev, NULL), 0);
	CHECK_INT(try_match(SRULE_REGEX, "x@%localdomains%", "x@a)|(.*", SRULE_LEAVE, NULL, &ev, NULL), 1);
}

static void
test_compile_errors(void)
{
	struct srule_err err;
	static const char *const doms[] = {"example.com"};
	struct srule_vars v = {doms, 1, NULL, 0};
	CHECK(srule_compile(SRULE_REGEX, "ab(c", NULL, &err) == NULL);
	CHECK_INT(err.offset, 4);
	CHECK(!err.expanded);
	CHECK(strstr(err.msg, "parenthesis") != NULL);
	CHECK(srule_compile(SRULE_REGEX, "%localdomains%[", &v, &err) == NULL);
	CHECK(err.expanded && err.offset > 0);
	CHECK(srule_compile(SRULE_REGEX, "a\\C", NULL, &err) == NULL); /* \C is refused */
	struct sbuf b = {0};
	for (int i = 0; i < 5000; i++)
		sbuf_puts(&b, "ab");
	CHECK(srule_compile(SRULE_REGEX, b.s, NULL, &err) == NULL);
	CHECK(err.offset == -1 && strstr(err.msg, "too long") != NULL);
	sbuf_free(&b);
	/* literal pattern types never fail on special characters */
	struct srule_pattern *p = srule_compile(SRULE_PREFIX, "(*ACCEPT)[\\", NULL, &err);
	CHECK(p != NULL);
	srule_free(p);
}

static void
test_backtracking(void)
{
	static const char *const pats[] = {"(a+)+", "(a|aa)+", "(.*a){12}", "((a*)*)*b?c?d?"};
	char alias[64];
	memset(alias, 'a', 40);
	strcpy(alias + 40, "!");
	for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		struct srule_err err;
		clock_t t0 = clock();
		struct srule_pattern *p = srule_compile(SRULE_REGEX, pats[i], NULL, &err);
		CHECK(p != NULL);
		if (p == NULL)
			continue;
		int m = srule_apply(p, alias, SRULE_LEAVE, NULL, NULL, &err);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		CHECK(m == -1 || m == 0);
		if (m == -1)
			CHECK(strstr(err.msg, "limit") != NULL);
		CHECK(secs < 2.0);
		srule_free(p);
	}
	/* the classic one must hit the limit, not quietly say no */
	struct srule_err err;
	struct srule_pattern *p = srule_compile(SRULE_REGEX, "(a+)+", NULL, &err);
	CHECK_INT(srule_apply(p, alias, SRULE_LEAVE, NULL, NULL, &err), -1);
	srule_free(p);
	/* ordinary patterns on long aliases still work under the limits */
	char longa[600];
	memset(longa, 'b', sizeof longa - 1);
	longa[sizeof longa - 1] = '\0';
	longa[300] = '@';
	static const char *const doms[] = {"example.com", "rtp.ciscotac.net"};
	struct srule_vars v = {doms, 2, NULL, 0};
	CHECK_INT(try_match(SRULE_REGEX, "(?!.*@%localdomains%.*$).*", longa, SRULE_LEAVE, NULL, &v, NULL), 1);
	CHECK_INT(try_match(SRULE_REGEX, "(.*)@(.*)", longa, SRULE_LEAVE, NULL, &v, NULL), 1);
}

/* A dump builder: rule N with the given settings. */
static void
add_rule(struct sbuf *b, int n, const char *name, int prio, const char *mode, const char *ptype,
    const char *pat, const char *progress, const char *src_mode, const char *src, const char *target)
{
	const char *p = "*c xConfiguration Zones Policy SearchRules Rule";
	sbuf_printf(b, "%s %d Name: \"%s\"\n%s %d Priority: \"%d\"\n", p, n, name, p, n, prio);
	sbuf_printf(b, "%s %d Mode: \"%s\"\n%s %d Pattern Type: \"%s\"\n", p, n, mode, p, n, ptype);
	sbuf_printf(b, "%s %d Pattern String: \"%s\"\n%s %d Progress: \"%s\"\n", p, n, pat, p, n, progress);
	sbuf_printf(b, "%s %d Source Mode: \"%s\"\n%s %d Source Name: \"%s\"\n", p, n, src_mode, p, n, src);
	sbuf_printf(b, "%s %d Target Name: \"%s\"\n%s %d State: \"Enabled\"\n", p, n, target, p, n);
}

/* Returns the rule numbers of the steps with verdict v, as "1,2,3". */
static char *
steps_with(const struct srule_result *r, int v)
{
	struct sbuf b = {0};
	sbuf_add(&b, "", 0);
	for (size_t i = 0; i < r->nsteps; i++)
		if (v < 0 || (int)r->steps[i].verdict == v)
			sbuf_printf(&b, "%s%u", b.len ? "," : "", r->steps[i].rule->num);
	return sbuf_take(&b);
}

static void
test_search_order_stop(void)
{
	struct sbuf b = {0};
	add_rule(&b, 1, "catch all", 100, "AliasPatternMatch", "Regex", ".*", "Stop", "Any", "", "DNS");
	add_rule(&b, 2, "local", 1, "AnyAlias", "Prefix", "", "Continue", "Any", "", "LocalZone");
	add_rule(&b, 3, "neighbor", 10, "AliasPatternMatch", "Suffix", "@example.com", "Continue", "Any", "", "N1");
	add_rule(&b, 4, "tie b", 50, "AliasPatternMatch", "Prefix", "bob", "Stop", "Any", "", "T4");
	add_rule(&b, 5, "tie a", 50, "AliasPatternMatch", "Prefix", "b", "Stop", "Any", "", "T5");
	add_rule(&b, 6, "after", 60, "AliasPatternMatch", "Prefix", "b", "Stop", "Any", "", "T6");
	struct xconf *x = parse(b.s);
	struct srule_result r;
	CHECK_INT(xconf_search(x, "sip:bob@example.com", NULL, SRULE_PROTO_SIP, &r), 4);
	CHECK_STR(r.alias, "bob@example.com");
	CHECK_STR(r.source, "DefaultZone");
	char *s = steps_with(&r, -1);
	CHECK_STR(s, "2,3,4,5,6,1"); /* priority, ties by number */
	free(s);
	s = steps_with(&r, SRULE_MATCHED);
	CHECK_STR(s, "2,3,4,5"); /* Stop at 50 still lets the other 50 run */
	free(s);
	s = steps_with(&r, SRULE_NOT_REACHED);
	CHECK_STR(s, "6,1");
	free(s);
	CHECK_INT(r.first_match, 0);
	CHECK_INT(r.stopped_by, 2);
	CHECK(r.steps[4].would_match && r.steps[5].would_match);
	CHECK(strstr(r.steps[4].why, "rule 4 'tie b'") != NULL);
	CHECK(strstr(r.steps[1].why, "continue") != NULL);
	srule_result_free(&r);
	/* an alias that only the catch-all takes */
	CHECK_INT(xconf_search(x, "zed@other.org", NULL, SRULE_PROTO_SIP, &r), 2);
	s = steps_with(&r, SRULE_NO_MATCH);
	CHECK_STR(s, "3,4,5,6");
	free(s);
	CHECK_INT(r.stopped_by, 5);
	CHECK(strstr(r.steps[5].why, "matched, target 'DNS', stop") != NULL);
	srule_result_free(&r);
	xconf_free(x);
	sbuf_free(&b);
}

static void
test_search_source(void)
{
	struct sbuf b = {0};
	add_rule(&b, 1, "any", 10, "AnyAlias", "Prefix", "", "Continue", "Any", "", "A");
	add_rule(&b, 2, "all", 20, "AnyAlias", "Prefix", "", "Continue", "AllZones", "", "B");
	add_rule(&b, 3, "local", 30, "AnyAlias", "Prefix", "", "Continue", "LocalZone", "", "C");
	add_rule(&b, 4, "named", 40, "AnyAlias", "Prefix", "", "Continue", "Named", "Trav", "D");
	sbuf_puts(&b, "*c xConfiguration Zones Zone 1 Name: \"Trav\"\n");
	struct xconf *x = parse(b.s);
	struct srule_result r;
	static const struct {
		const char *src, *want;
	} cases[] = {
		{NULL, "1"}, {"DefaultZone", "1"}, {"LocalZone", "1,2,3"}, {"Trav", "1,2,4"},
		{"trav", "1,2,4"}, {"Other", "1,2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xconf_search(x, "a@b", cases[i].src, SRULE_PROTO_SIP, &r);
		char *s = steps_with(&r, SRULE_MATCHED);
		CHECK_STR(s, cases[i].want);
		free(s);
		srule_result_free(&r);
	}
	xconf_search(x, "a@b", "Other", SRULE_PROTO_SIP, &r);
	CHECK_INT(r.steps[3].verdict, SRULE_SOURCE_FILTERED);
	CHECK_STR(r.steps[3].why, "ignored due to source filtering (source must be 'Trav')");
	srule_result_free(&r);
	xconf_free(x);
	sbuf_free(&b);
}

static void
test_search_state_protocol(void)
{
	struct sbuf b = {0};
	add_rule(&b, 1, "h323", 1, "AnyAlias", "Prefix", "", "Stop", "Any", "", "H");
	sbuf_puts(&b, "*c xConfiguration Zones Policy SearchRules Rule 1 Protocol: \"H323\"\n");
	add_rule(&b, 2, "off", 2, "AnyAlias", "Prefix", "", "Stop", "Any", "", "O");
	sbuf_puts(&b, "*c xConfiguration Zones Policy SearchRules Rule 2 State: \"Disabled\"\n");
	add_rule(&b, 3, "ms", 3, "AnyAlias", "Prefix", "", "Stop", "Any", "", "M");
	sbuf_puts(&b, "*c xConfiguration Zones Policy SearchRules Rule 3 SIPTrafficType: \"Microsoft\"\n");
	add_rule(&b, 4, "bad", 4, "AliasPatternMatch", "Regex", "(", "Stop", "Any", "", "E");
	add_rule(&b, 5, "ip", 5, "AnyIPAddress", "Prefix", "", "Stop", "Any", "", "IP");
	add_rule(&b, 6, "sip", 6, "AliasPatternMatch", "Regex", ".*", "Stop", "Any", "", "S");
	sbuf_puts(&b, "*c xConfiguration Zones Policy SearchRules Rule 6 Protocol: \"SIP\"\n");
	struct xconf *x = parse(b.s);
	struct srule_result r;
	xconf_search(x, "a@b.com", NULL, SRULE_PROTO_SIP, &r);
	CHECK_INT(r.steps[0].verdict, SRULE_WRONG_PROTOCOL);
	CHECK_INT(r.steps[1].verdict, SRULE_DISABLED);
	CHECK_INT(r.steps[2].verdict, SRULE_WRONG_VARIANT);
	CHECK_INT(r.steps[3].verdict, SRULE_PATTERN_ERROR);
	CHECK(strstr(r.steps[3].why, "offset 1") != NULL);
	CHECK_INT(r.steps[4].verdict, SRULE_NO_MATCH);
	CHECK_INT(r.steps[5].verdict, SRULE_MATCHED);
	srule_result_free(&r);
	xconf_search(x, "a@192.168.1.6", NULL, SRULE_PROTO_SIP, &r);
	CHECK_INT(r.steps[4].verdict, SRULE_MATCHED);
	srule_result_free(&r);
	xconf_search(x, "[2001:db8::1]", NULL, SRULE_PROTO_H323, &r);
	CHECK_INT(r.steps[0].verdict, SRULE_MATCHED);
	CHECK_INT(r.steps[5].verdict, SRULE_NOT_REACHED);
	srule_result_free(&r);
	CHECK_STR(srule_verdict_name(SRULE_SOURCE_FILTERED), "source filtered");
	xconf_free(x);
	sbuf_free(&b);
}

static void
test_search_budget(void)
{
	/* a dump full of catastrophic patterns costs a bounded time */
	struct sbuf b = {0};
	for (int i = 1; i <= 40; i++)
		add_rule(&b, i, "evil", i, "AliasPatternMatch", "Regex", "((.*)*)*\\d", "Stop", "Any", "", "E");
	add_rule(&b, 41, "any", 41, "AnyAlias", "Prefix", "", "Stop", "Any", "", "LAST");
	struct xconf *x = parse(b.s);
	struct srule_result r;
	clock_t t0 = clock();
	CHECK_INT(xconf_search(x, "user@example.call.ciscospark.com", NULL, SRULE_PROTO_SIP, &r), 1);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	CHECK_INT(r.nsteps, 41);
	CHECK(strstr(r.steps[0].why, "too costly") != NULL);
	CHECK(strstr(r.steps[SRULE_MAX_COSTLY].why, "not tried") != NULL);
	CHECK_INT(r.first_match, 40);
	srule_result_free(&r);
	xconf_free(x);
	sbuf_free(&b);
}

/* Returns the number of issues the fixture gives; *id gets the first id. */
static size_t
lint_fixture(const char *name, const char **id, struct xconf_issue *first)
{
	struct xconf *x = fixture(name);
	struct xconf_issue *v;
	size_t n;
	if (x == NULL)
		return 99;
	xconf_lint(x, &v, &n);
	*id = n ? v[0].sig->id : "";
	if (n > 0 && first != NULL) {
		*first = v[0];
		first->summary = xstrdup(v[0].summary);
		first->fix = xstrdup(v[0].fix);
	}
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i].nlines > 0);
		CHECK(v[i].summary[0] != '\0' && v[i].fix[0] != '\0');
	}
	if (n != 1)
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s: %s %s\n", name, v[i].sig->id, v[i].summary);
	xconf_lint_free(v, n);
	xconf_free(x);
	return n;
}

static void
test_lint_healthy(void)
{
	static const char *const ok[] = {"healthy-e.txt", "healthy-c.txt", "mangled-e.txt"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		const char *id;
		size_t n = lint_fixture(ok[i], &id, NULL);
		if (n != 0)
			fprintf(stderr, "  %s: %zu issues, first %s\n", ok[i], n, id);
		CHECK_INT(n, 0);
	}
	struct xconf *x = fixture("healthy-e.txt");
	if (x != NULL) {
		CHECK(xconf_is_expressway_e(x) && !xconf_is_expressway_c(x));
		CHECK_INT(xconf_webex_zone(x)->num, 6);
	}
	xconf_free(x);
	x = fixture("healthy-c.txt");
	if (x != NULL)
		CHECK(xconf_is_expressway_c(x) && xconf_webex_zone(x) == NULL);
	xconf_free(x);
}

static void
test_lint_faulty(void)
{
	static const struct {
		const char *file, *id, *phrase;
	} cases[] = {
		{"e-subject-typo.txt", "xconfig-tls-subject-name", "one letter off"},
		{"e-inbound-off.txt", "xconfig-inbound-classification-off", "inbound mapping Off"},
		{"e-preloaded-off.txt", "xconfig-preloaded-routes-off", "TraversalServer"},
		{"c-preloaded-off.txt", "xconfig-preloaded-routes-off", "TraversalClient"},
		{"e-parameter-preservation-off.txt", "xconfig-parameter-preservation-off", "Zone 7"},
		{"c-parameter-preservation-off.txt", "xconfig-parameter-preservation-off", "'CUCM11'"},
		{"e-dns-override-off.txt", "xconfig-dns-override-off", "Override Off"},
		{"e-mtls-off.txt", "xconfig-mtls-off", "does not listen on 5062"},
		{"e-mtls-port.txt", "xconfig-mtls-off", "listens on port 5063"},
		{"e-shadowed.txt", "xconfig-search-rule-shadowed", "rule 1 'to DNS' (priority 100"},
		{"c-shadowed.txt", "xconfig-search-rule-shadowed", "rule 3 'Calls to Cisco Webex' (priority 10"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *id;
		struct xconf_issue is = {0};
		CHECK_INT(lint_fixture(cases[i].file, &id, &is), 1);
		CHECK_STR(id, cases[i].id);
		if (is.summary == NULL || strstr(is.summary, cases[i].phrase) == NULL) {
			fprintf(stderr, "  %s: no '%s' in: %s\n", cases[i].file, cases[i].phrase,
			    is.summary ? is.summary : "(none)");
			CHECK(0);
		}
		free(is.summary);
		free(is.fix);
	}
	/* another MTLS port may be what the SRV record names: a warning */
	struct xconf *p = fixture("e-mtls-port.txt");
	struct xconf_issue *pv;
	size_t pn;
	if (p != NULL) {
		xconf_lint(p, &pv, &pn);
		CHECK(pn == 1 && pv[0].severity == DIAG_WARNING && pv[0].lines[0] == 8);
		xconf_lint_free(pv, pn);
		xconf_free(p);
	}
	/* the evidence cites the faulty lines */
	struct xconf *x = fixture("e-subject-typo.txt");
	struct xconf_issue *v;
	size_t n;
	if (x == NULL)
		return;
	xconf_lint(x, &v, &n);
	uint32_t want = xconf_get(x, "Zones Zone 6 DNS SIP TLS Verify Subject Name")->line;
	bool cited = false;
	for (size_t i = 0; n == 1 && i < v[0].nlines; i++)
		cited |= v[0].lines[i] == want;
	CHECK(n == 1 && cited);
	CHECK_INT(v[0].severity, DIAG_ERROR);
	xconf_lint_free(v, n);
	xconf_free(x);
}

static void
test_lint_inline(void)
{
	/* a Webex-type zone is trusted for its TLS settings; an MRA traversal
	 * zone is not on the Webex path */
	static const char t[] =
	    "*c xConfiguration Zones Zone 1 Name: \"Webex\"\n"
	    "*c xConfiguration Zones Zone 1 Type: \"Webex\"\n"
	    "*c xConfiguration Zones Zone 2 Name: \"MRA\"\n"
	    "*c xConfiguration Zones Zone 2 Type: \"TraversalServer\"\n"
	    "*c xConfiguration Zones Zone 2 TraversalServer Collaboration Edge: \"On\"\n"
	    "*c xConfiguration Zones Zone 2 TraversalServer SIP PreloadedSipRoutes Accept: \"Off\"\n"
	    "*c xConfiguration Zones Zone 3 Name: \"Hybrid\"\n"
	    "*c xConfiguration Zones Zone 3 Type: \"TraversalServer\"\n"
	    "*c xConfiguration Zones Zone 3 TraversalServer SIP PreloadedSipRoutes Accept: \"Off\"\n"
	    "*c xConfiguration Zones Zone 3 TraversalServer SIP ParameterPreservation Mode: \"off\"\n";
	struct xconf *x = parse(t);
	struct xconf_issue *v;
	size_t n;
	CHECK(xconf_webex_zone(x) == &x->zones[0]);
	xconf_lint(x, &v, &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(v[0].sig == &xconf_lint_group.rows[XCONF_LINT_PRELOADED_ROUTES_OFF]);
		CHECK(strstr(v[0].summary, "'Hybrid'") != NULL);
		CHECK_STR(v[1].sig->id, "xconfig-parameter-preservation-off");
		CHECK_INT(v[1].severity, DIAG_WARNING);
		CHECK_INT(v[0].lines[0], 7);
		CHECK_INT(v[0].lines[1], 9);
	}
	xconf_lint_free(v, n);
	xconf_free(x);
	/* subject names far from Webex's, and a DNS override to the wrong name */
	static const char u[] =
	    "*c xConfiguration Zones Zone 4 Name: \"Webex Hybrid DNS\"\n"
	    "*c xConfiguration Zones Zone 4 Type: \"DNS\"\n"
	    "*c xConfiguration Zones Zone 4 DNS SIP TLS Verify Subject Name: \"example.com\"\n"
	    "*c xConfiguration Zones Zone 4 DNS SIP DnsOverride Override: \"On\"\n"
	    "*c xConfiguration Zones Zone 4 DNS SIP DnsOverride Name: \"ciscospark.com\"\n";
	x = parse(u);
	xconf_lint(x, &v, &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(strstr(v[0].summary, "not a Webex name") != NULL);
		CHECK(strstr(v[1].summary, "searches for 'ciscospark.com'") != NULL);
	}
	xconf_lint_free(v, n);
	xconf_free(x);
	/* an empty dump has nothing to say */
	x = parse("");
	xconf_lint(x, &v, &n);
	CHECK_INT(n, 0);
	CHECK(v == NULL);
	xconf_lint_free(v, n);
	xconf_free(x);
}

static void
test_lint_not_hybrid(void)
{
	/* B2B-only Expressways: their zones are not on a Webex path */
	static const char e[] =
	    "*c xConfiguration Zones Zone 1 Name: \"DNS\"\n"
	    "*c xConfiguration Zones Zone 1 Type: \"DNS\"\n"
	    "*c xConfiguration Zones Zone 1 DNS SIP TLS Verify InboundClassification: \"Off\"\n"
	    "*c xConfiguration Zones Zone 1 DNS SIP DnsOverride Override: \"Off\"\n"
	    "*c xConfiguration Zones Zone 2 Name: \"B2B Traversal\"\n"
	    "*c xConfiguration Zones Zone 2 Type: \"TraversalServer\"\n"
	    "*c xConfiguration Zones Zone 2 TraversalServer SIP PreloadedSipRoutes Accept: \"Off\"\n"
	    "*c xConfiguration Zones Zone 2 TraversalServer SIP ParameterPreservation Mode: \"Off\"\n";
	static const char c[] =
	    "*c xConfiguration Zones Zone 2 Name: \"To E\"\n"
	    "*c xConfiguration Zones Zone 2 Type: \"TraversalClient\"\n"
	    "*c xConfiguration Zones Zone 2 TraversalClient SIP PreloadedSipRoutes Accept: \"Off\"\n"
	    "*c xConfiguration Zones Zone 3 Name: \"CUCM\"\n"
	    "*c xConfiguration Zones Zone 3 Type: \"Neighbor\"\n"
	    "*c xConfiguration Zones Zone 3 Neighbor SIP ParameterPreservation Mode: \"Off\"\n"
	    "*c xConfiguration Zones Policy SearchRules Rule 1 Source Mode: \"Named\"\n"
	    "*c xConfiguration Zones Policy SearchRules Rule 1 Source Name: \"To E\"\n"
	    "*c xConfiguration Zones Policy SearchRules Rule 1 Target Name: \"CUCM\"\n";
	const char *const texts[] = {e, c};
	for (size_t i = 0; i < 2; i++) {
		struct xconf *x = parse(texts[i]);
		struct xconf_issue *v;
		size_t n;
		CHECK(xconf_webex_zone(x) == NULL);
		xconf_lint(x, &v, &n);
		CHECK_INT(n, 0);
		xconf_lint_free(v, n);
		xconf_free(x);
	}
	/* the same C with a Webex rule to its traversal zone is a Hybrid C */
	struct sbuf b = {0};
	sbuf_puts(&b, c);
	add_rule(&b, 2, "to Webex", 10, "AliasPatternMatch", "Regex", ".*@.*\\.ciscospark\\.com",
	    "Stop", "Named", "CUCM", "To E");
	struct xconf *x = parse(b.s);
	struct xconf_issue *v;
	size_t n;
	xconf_lint(x, &v, &n);
	CHECK_INT(n, 2); /* preloaded routes on To E, parameter preservation on CUCM */
	xconf_lint_free(v, n);
	xconf_free(x);
	sbuf_free(&b);
}

static void
test_checks_table(void)
{
	const struct diag_sig *c = xconf_lint_group.rows;
	CHECK_INT(xconf_lint_group.n, XCONF_LINT_COUNT);
	for (size_t i = 0; i < XCONF_LINT_COUNT; i++) {
		CHECK(strncmp(c[i].id, "xconfig-", 8) == 0);
		CHECK(c[i].check != NULL && c[i].arg != NULL && strlen(c[i].explain) > 40);
		CHECK(c[i].severity == DIAG_ERROR || c[i].severity == DIAG_WARNING);
		CHECK(diag_known_id(c[i].id) && c[i].marker >= 'a' && c[i].marker <= 'z');
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(c[i].id, c[k].id) != 0);
	}
	CHECK_STR(c[XCONF_LINT_MTLS_OFF].id, "xconfig-mtls-off");
}

static void
test_edit_distance_and_load(void)
{
	CHECK_INT(xconf_lint_edit_distance("calllservice.ciscospark.com", "callservice.ciscospark.com"), 1);
	CHECK_INT(xconf_lint_edit_distance("callservice.ciscospark.con", "callservice.ciscospark.com"), 1);
	CHECK_INT(xconf_lint_edit_distance("", "abc"), 3);
	CHECK_INT(xconf_lint_edit_distance("ABC", "abc"), 0);
	char err[256] = "";
	CHECK(xconf_load("tests/data/xconfig/no-such-file.txt", err, sizeof err) == NULL);
	CHECK(strstr(err, "no-such-file.txt") != NULL);
	CHECK(xconf_is_on(" on ") && xconf_is_off("OFF") && !xconf_is_off(NULL) && !xconf_is_on("Onx"));
}

T_LIST(T(test_parse_basic), T(test_parse_mangled), T(test_parse_hostile),
    T(test_parse_mutated_fixture), T(test_match_types), T(test_strip_replace),
    T(test_localdomains), T(test_compile_errors), T(test_backtracking),
    T(test_search_order_stop), T(test_search_source), T(test_search_state_protocol), T(test_search_budget),
    T(test_lint_healthy), T(test_lint_faulty), T(test_lint_inline), T(test_lint_not_hybrid), T(test_checks_table),
    T(test_edit_distance_and_load))
