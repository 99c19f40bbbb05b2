/* test_diag.c - the findings: Q.850 decoding, the signature table, the
 * helpers the checks share, and a few checks on logs built in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "diag.h"
#include "log.h"
#include "logbuild.h"
#include "q850.h"
#include "t.h"

static void
test_q850_names(void)
{
	CHECK_STR(q850_name(16), "Normal call clearing");
	CHECK_STR(q850_name(1), "Unallocated (unassigned) number");
	CHECK_STR(q850_name(17), "User busy");
	CHECK_STR(q850_name(31), "Normal, unspecified");
	CHECK_STR(q850_name(47), "Resource unavailable, unspecified");
	CHECK_STR(q850_name(65), "Bearer capability not implemented");
	CHECK_STR(q850_name(102), "Recovery on timer expiry");
	CHECK_STR(q850_name(127), "Interworking, unspecified");
	/* values the standard leaves unassigned, and out of range */
	CHECK(q850_name(0) == NULL);
	CHECK(q850_name(10) == NULL);
	CHECK(q850_name(13) == NULL);
	CHECK(q850_name(126) == NULL);
	CHECK(q850_name(128) == NULL);
	CHECK(q850_name(-1) == NULL);
	CHECK(q850_name(1000000) == NULL);
}

static void
test_q850_table(void)
{
	int named = 0;
	for (int c = 1; c <= 127; c++) {
		const char *n = q850_name(c);
		if (n == NULL)
			continue;
		named++;
		CHECK(*n != '\0');
		for (int d = 1; d < c; d++)
			CHECK(q850_name(d) == NULL || strcmp(q850_name(d), n) != 0);
	}
	CHECK_INT(named, 71); /* every cause Q.850 (with its amendment) assigns */
	CHECK_STR(q850_class(16), "normal event");
	CHECK_STR(q850_class(3), "normal event");
	CHECK_STR(q850_class(47), "resource unavailable");
	CHECK_STR(q850_class(63), "service or option not available");
	CHECK_STR(q850_class(79), "service or option not implemented");
	CHECK_STR(q850_class(95), "invalid message");
	CHECK_STR(q850_class(111), "protocol error");
	CHECK_STR(q850_class(127), "interworking");
	CHECK(q850_class(128) == NULL);
	CHECK(q850_class(-5) == NULL);
}

static void
test_q850_describe(void)
{
	char b[160];
	CHECK_STR(q850_describe(47, b, sizeof b), "47 (Resource unavailable, unspecified)");
	CHECK(strstr(q850_describe(13, b, sizeof b), "unassigned") != NULL);
	CHECK(strncmp(b, "13 (", 4) == 0);
	CHECK(strstr(q850_describe(200, b, sizeof b), "not a Q.850 cause") != NULL);
	CHECK(strstr(q850_describe(-3, b, sizeof b), "not a Q.850 cause") != NULL);
	char tiny[8];
	q850_describe(98, tiny, sizeof tiny); /* cut, never overrun */
	CHECK_INT(strlen(tiny), 7);
}

static void
test_table(void)
{
	static const char *const ids[] = {
		"contact-param-stripped", "preloaded-route-rejected", "cpl-reject",
		"webex-srv-wrong-domain", "tcp-connect-failed", "tls-untrusted-ca",
		"tls-identity-unacceptable", "tls-cert-unknown", "tls-remote-disconnect",
		"sdp-codec-mismatch", "q850-cause", "cucm-message-too-large", "no-final-response",
		"xconfig-tls-subject-name", "xconfig-inbound-classification-off",
		"xconfig-preloaded-routes-off", "xconfig-parameter-preservation-off",
		"xconfig-dns-override-off", "xconfig-mtls-off", "xconfig-search-rule-shadowed",
	};
	size_t k = 0;
	const struct diag_sig *t;
	/* every id above, in this order of findings; a new row may come anywhere */
	for (size_t i = 0; (t = diag_table(i)) != NULL; i++) {
		if (k < sizeof ids / sizeof ids[0] && strcmp(t->id, ids[k]) == 0)
			k++;
		CHECK(t->check != NULL);
		CHECK(t->explain != NULL && strlen(t->explain) > 20);
		CHECK(t->marker > ' ' && t->marker < 0x7f && t->marker != '!' &&
		    diag_marker(t->id) == t->marker);
		for (size_t j = 0; j < i; j++) { /* ids and markers are unique */
			CHECK(strcmp(t->id, diag_table(j)->id) != 0);
			CHECK(t->marker != diag_table(j)->marker);
		}
	}
	CHECK_INT(k, sizeof ids / sizeof ids[0]);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		CHECK(diag_known_id(ids[i]));
	/* the compact views' letters: a configuration cause is the lower case of
	 * the call's symptom when it has one */
	CHECK(diag_marker("tls-cert-unknown") == 'K' && diag_marker("xconfig-mtls-off") == 'm');
	CHECK(diag_marker("contact-param-stripped") == 'S' &&
	    diag_marker("xconfig-parameter-preservation-off") == 's');
	CHECK(diag_marker("no-such-finding") == '!');
	CHECK(!diag_known_id("no-such-finding"));
	CHECK(!diag_known_id(NULL));
	CHECK_STR(diag_severity_name(DIAG_ERROR), "error");
	CHECK_STR(diag_severity_name(DIAG_WARNING), "warning");
	CHECK_STR(diag_severity_name(DIAG_INFO), "info");
}

static void
test_uri_host(void)
{
	char b[64];
	CHECK_STR(diag_uri_host("<sip:cucm.rtp.ciscotac.net;lr>", b, sizeof b),
	    "cucm.rtp.ciscotac.net");
	CHECK_STR(diag_uri_host("sip:bob@dmzlab.call.ciscospark.com", b, sizeof b),
	    "dmzlab.call.ciscospark.com");
	CHECK_STR(diag_uri_host("<sip:l2sip@64.102.241.236:5062;transport=tls;lr>", b, sizeof b),
	    "64.102.241.236");
	CHECK_STR(diag_uri_host("\"A\" <SIPS:a@[2001:db8::1]:5061>", b, sizeof b), "[2001:db8::1]");
	CHECK_STR(diag_uri_host("callservice.webex.com", b, sizeof b), "callservice.webex.com");
	CHECK_STR(diag_uri_host("", b, sizeof b), "");
	CHECK_STR(diag_uri_host(NULL, b, sizeof b), "");
	char small[6];
	CHECK_STR(diag_uri_host("sip:a@abcdefghij.com", small, sizeof small), "abcde");
	CHECK_STR(diag_uri_host("sip:[::::::::::::::::::", small, sizeof small), "[:::");
}

static void
test_webex_uri(void)
{
	CHECK(diag_webex_uri("sip:bob@dmzlab.call.ciscospark.com"));
	CHECK(diag_webex_uri("<sip:bob@acme.calls.webex.com>"));
	CHECK(diag_webex_uri("sip:l2sip-cfa-01.wbx2.com:5062;transport=tls"));
	CHECK(diag_webex_uri("sip:callservice.ciscospark.com"));
	CHECK(!diag_webex_uri("sip:bob@notwebex.com"));
	CHECK(!diag_webex_uri("sip:bob@ciscospark.com.example.org"));
	CHECK(!diag_webex_uri("sip:bob@rtp.ciscotac.net"));
	CHECK(!diag_webex_uri(NULL));
}

/* A minimal inbound call on an Expressway-E: INVITE from Webex, 200 OK,
 * then a BYE from Webex with the given Reason value (may be NULL). */
static void
build_bye(struct sbuf *b, const char *reason)
{
	const char *hdr = "Via: SIP/2.0/TLS 192.168.5.1:5062;branch=z9hG4bKw1\n"
	    "Call-ID: bye@127.0.0.1\nFrom: <sip:alice@example.call.ciscospark.com>;tag=1\n";
	char *inv = xasprintf("INVITE sip:bob@rtp.example.com SIP/2.0\n%s"
	    "To: <sip:bob@rtp.example.com>\nCSeq: 1 INVITE\n"
	    "Contact: <sip:l2sip-UA@l2sip-cfa-01.wbx2.com:5062;transport=tls>;call-type=squared\n"
	    "User-Agent: Cisco-L2SIP\nContent-Length: 0\n\n", hdr);
	char *ok = xasprintf("SIP/2.0 200 OK\n%sTo: <sip:bob@rtp.example.com>;tag=2\nCSeq: 1 INVITE\n"
	    "Server: TANDBERG/4135\nContent-Length: 0\n\n", hdr);
	char *bye = xasprintf("BYE sip:bob@192.168.1.6 SIP/2.0\nVia: SIP/2.0/TLS 192.168.5.1:5062;"
	    "branch=z9hG4bKw2\nCall-ID: bye@127.0.0.1\nFrom: <sip:alice@example.call.ciscospark.com>"
	    ";tag=1\nTo: <sip:bob@rtp.example.com>;tag=2\nCSeq: 2 BYE\nUser-Agent: Cisco-L2SIP\n"
	    "%s%s%sContent-Length: 0\n\n", reason ? "Reason: " : "", reason ? reason : "",
	    reason ? "\n" : "");
	const char *e = "exp-e", *lo = "172.16.2.2", *wx = "146.20.193.73";
	lb_msg(b, e, "2017-09-19 18:00:00,000", 0, lo, 5062, wx, 40342, inv);
	lb_msg(b, e, "2017-09-19 18:00:00,500", 1, lo, 5062, wx, 40342, ok);
	lb_msg(b, e, "2017-09-19 18:00:09,000", 0, lo, 5062, wx, 40342, bye);
	free(inv);
	free(ok);
	free(bye);
}

/* Returns the diagnosed model of one log text; findings in *r. */
static struct model *
diagnose(const struct sbuf *b, struct diag_result *r)
{
	struct model *m = model_new();
	log_load_memory(m, "e.log", b->s, b->len);
	char err[128];
	struct corr_opts o = {0};
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	memset(r, 0, sizeof *r);
	CHECK_INT(diag_run(m, NULL, 0, r, err, sizeof err), 0);
	return m;
}

/* Returns the first finding with this id, or NULL. */
static const struct diag_finding *
find(const struct diag_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].id, id) == 0)
			return &r->f[i];
	return NULL;
}

/* Returns the q850-cause finding of a call ended with reason (NULL when none). */
static void
check_cause(const char *reason, int want, enum diag_severity sev, const char *text)
{
	struct sbuf b = {0};
	struct diag_result r;
	build_bye(&b, reason);
	struct model *m = diagnose(&b, &r);
	const struct diag_finding *f = find(&r, "q850-cause");
	if (want) {
		CHECK(f != NULL);
		if (f != NULL) {
			CHECK_INT(f->severity, sev);
			CHECK(strstr(f->summary, text) != NULL);
			CHECK(strstr(f->summary, "Cisco-L2SIP") != NULL);
			CHECK(f->call == 0 && f->arrow == 2 && f->nev == 1);
			CHECK(f->nev == 1 && f->ev[0].line > 1);
		}
	} else {
		CHECK(f == NULL);
	}
	CHECK(find(&r, "no-final-response") == NULL);
	diag_result_free(&r);
	model_free(m);
	sbuf_free(&b);
}

static void
test_q850_findings(void)
{
	check_cause("Q.850 ;cause=16", 0, DIAG_INFO, "");
	check_cause(NULL, 0, DIAG_INFO, "");
	check_cause("SIP;cause=200;text=\"Call completed elsewhere\"", 0, DIAG_INFO, "");
	check_cause("Q.850;cause=47", 1, DIAG_ERROR, "47 (Resource unavailable, unspecified)");
	check_cause("Q.850;cause=26", 1, DIAG_INFO, "Non-selected user clearing");
	check_cause("Q.850;cause=31", 1, DIAG_WARNING, "Normal, unspecified");
	check_cause("Q.850;cause=13", 1, DIAG_WARNING, "13 (unassigned cause value");
	check_cause("Q.850;cause=200", 1, DIAG_WARNING, "200 (not a Q.850 cause value)");
}

static void
test_tls_connection(void)
{
	struct sbuf b = {0};
	sbuf_puts(&b, "2017-09-19T11:12:09.721-04:00 amer-expressway01 tvcs: Event=\"Inbound TLS "
	    "Negotiation Error\" Service=\"SIP\" Src-ip=\"146.20.193.45\" Src-port=\"33441\" "
	    "Dst-ip=\"172.16.2.2\" Dst-port=\"5062\" Detail=\"sslv3 alert certificate unknown\" "
	    "Protocol=\"TLS\" Level=\"1\" UTCTime=\"2017-09-19 15:12:09,721\"\n");
	lb_head(&b, "amer-expressway01", "2017-09-19 15:12:09,721", "network.tcp", "DEBUG",
	    "Src-ip=\"146.20.193.45\" Src-port=\"33441\" Dst-ip=\"172.16.2.2\" Dst-port=\"5062\" "
	    "Detail=\"TCP Connection Closed\" Reason=\"Got EOF on socket\"");
	/* a hostile line: the phrase without any address must not count or crash */
	lb_head(&b, "amer-expressway01", "2017-09-19 15:12:10,000", "developer.ssl", "ERROR",
	    "sslv3 alert certificate unknown remoteAddress=\"['IPv4''TCP''");
	struct diag_result r;
	struct model *m = diagnose(&b, &r);
	const struct diag_finding *f = find(&r, "tls-cert-unknown");
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_INT(f->call, -1);
		CHECK_STR(f->peer, "146.20.193.45:33441");
		CHECK_INT(f->severity, DIAG_ERROR);
		CHECK_INT(f->nev, 2);
		CHECK(strstr(f->fix, "Control Hub") != NULL);
	}
	CHECK(find(&r, "tls-untrusted-ca") == NULL);
	size_t nt = 0;
	for (size_t i = 0; i < r.n; i++)
		nt += strncmp(r.f[i].id, "tls-", 4) == 0;
	CHECK_INT(nt, 1);
	diag_result_free(&r);
	model_free(m);
	sbuf_free(&b);
}

/* Appends a network.tcp line of the E to 146.20.193.64:5062. */
static void
tcp_line(struct sbuf *b, const char *utc, const char *sport, const char *what)
{
	char f[256];
	snprintf(f, sizeof f, "Src-ip=\"172.16.2.2\" Src-port=\"%s\" Dst-ip=\"146.20.193.64\" "
	    "Dst-port=\"5062\" Detail=\"%s\"", sport, what);
	lb_head(b, "exp-e", utc, "network.tcp", strstr(what, "Failed") ? "ERROR" : "DEBUG", f);
}

/* Checks the TCP findings of an outbound call answered with final (a status
 * line): tied to the call with severity sev, and one more for failures
 * later with no call around. */
static void
tcp_case(const char *final, enum diag_severity sev)
{
	const char *hdr = "Via: SIP/2.0/TLS 192.168.1.5:5061;egress-zone=Trav;branch=z9hG4bKc1;"
	    "proxy-call-id=p1\nCall-ID: out@192.168.1.21\nFrom: <sip:5010@rtp.example.com>;tag=9\n";
	char *inv = xasprintf("INVITE sip:bob@dmzlab.call.ciscospark.com SIP/2.0\n%s"
	    "To: <sip:bob@dmzlab.call.ciscospark.com>\nCSeq: 101 INVITE\nContact: <sip:5010@x>\n"
	    "User-Agent: Cisco-CUCM11.5\nContent-Length: 0\n\n", hdr);
	char *to = xasprintf("%s\n%sTo: <sip:bob@dmzlab.call.ciscospark.com>;tag=3\n"
	    "CSeq: 101 INVITE\nServer: TANDBERG/4135\nContent-Length: 0\n\n", final, hdr);
	struct sbuf b = {0};
	lb_msg(&b, "exp-e", "2017-09-19 14:18:35,000", 0, "192.168.1.6", 7003, "192.168.1.5", 26513,
	    inv);
	tcp_line(&b, "2017-09-19 14:18:35,400", "25026", "TCP Connecting");
	tcp_line(&b, "2017-09-19 14:18:45,300", "25026", "TCP Connection Failed");
	lb_msg(&b, "exp-e", "2017-09-19 14:18:45,400", 1, "192.168.1.6", 7003, "192.168.1.5", 26513,
	    to);
	/* later, with no call around: a connection finding */
	tcp_line(&b, "2017-09-19 16:00:00,000", "25099", "TCP Connecting");
	tcp_line(&b, "2017-09-19 16:00:10,000", "25099", "TCP Connection Failed");
	struct diag_result r;
	struct model *m = diagnose(&b, &r);
	size_t n = 0;
	for (size_t i = 0; i < r.n; i++) {
		const struct diag_finding *f = &r.f[i];
		if (strcmp(f->id, "tcp-connect-failed") != 0)
			continue;
		n++;
		CHECK_STR(f->peer, "146.20.193.64:5062");
		CHECK(strstr(f->summary, "port 5062") != NULL);
		if (f->call >= 0) {
			CHECK_INT(f->arrow, 0); /* the INVITE the E could not forward */
			CHECK_INT(f->nev, 3);   /* INVITE, Connecting, Failed */
			CHECK_INT(f->severity, sev);
		} else {
			CHECK_INT(f->severity, DIAG_ERROR);
			CHECK_INT(f->nev, 2);
			CHECK(f->ev[0].line > 10);
		}
	}
	CHECK_INT(n, 2);
	diag_result_free(&r);
	model_free(m);
	sbuf_free(&b);
	free(inv);
	free(to);
}

static void
test_tcp_tie(void)
{
	tcp_case("SIP/2.0 408 Request Timeout", DIAG_ERROR);
	/* another address took the call: a degradation */
	tcp_case("SIP/2.0 200 OK", DIAG_WARNING);
}

/* Returns line no (1-based) of text, without its line end, in buf. */
static const char *
nth_line(const char *text, uint32_t no, char *buf, size_t size)
{
	for (uint32_t i = 1; i < no && text != NULL; i++)
		if ((text = strchr(text, '\n')) != NULL)
			text++;
	size_t n = text != NULL ? strcspn(text, "\r\n") : 0;
	snprintf(buf, size, "%.*s", (int)n, text != NULL ? text : "");
	return buf;
}

/* Evidence names the exact line and quotes it: the line that proves a
 * finding (q850-cause: the Reason header), a header inside a message, a
 * header it lacks (back to the start line). */
static void
test_evidence_quotes(void)
{
	struct sbuf b = {0};
	struct diag_result r;
	build_bye(&b, "Q.850;cause=47");
	struct model *m = diagnose(&b, &r);
	const struct diag_finding *f = find(&r, "q850-cause");
	CHECK(f != NULL && f->nev == 1 && f->ev[0].text != NULL);
	char line[512];
	if (f != NULL && f->nev == 1) {
		CHECK(strcmp(f->ev[0].text, "Reason: Q.850;cause=47") == 0);
		CHECK(strstr(nth_line(b.s, f->ev[0].line, line, sizeof line), f->ev[0].text) != NULL);
	}
	struct diag_finding g = {0};
	uint32_t bye = m->calls[0].arrows[2].msg;
	diag_msg_line_evidence(m, &g, bye, "reason:");
	CHECK(g.nev == 1 && strcmp(g.ev[0].text, "Reason: Q.850;cause=47") == 0);
	if (g.nev == 1)
		CHECK(strstr(nth_line(b.s, g.ev[0].line, line, sizeof line), "Reason: Q.850") != NULL);
	diag_msg_line_evidence(m, &g, bye, "Contact:"); /* the BYE has none */
	CHECK(g.nev == 2 && strncmp(g.ev[1].text, "BYE ", 4) == 0);
	free(g.ev);
	diag_result_free(&r);
	model_free(m);
	sbuf_free(&b);
}

T_LIST(T(test_q850_names), T(test_q850_table), T(test_q850_describe), T(test_table),
    T(test_uri_host), T(test_webex_uri), T(test_q850_findings), T(test_tls_connection),
    T(test_tcp_tie), T(test_evidence_quotes))
