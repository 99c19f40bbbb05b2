/* test_busy.c - what busy, untidy logs need: Reason lists, multipart SDP, a
 * body libosip2 rejects, CSeq tokens, entries read twice, forks, the
 * reference clock. */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "log.h"
#include "logbuild.h"
#include "sip.h"
#include "t.h"

/* Returns the fields of the message text (lines "\n"-separated, made CRLF)
 * in *f, pooled in pool; returns sip_parse's result. */
static int
parse(struct strpool *pool, struct sip_fields *f, const char *text)
{
	struct sbuf b = {0};
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			sbuf_add(&b, "\r", 1);
		sbuf_add(&b, p, 1);
	}
	char why[256];
	memset(f, 0, sizeof *f);
	f->q850 = -1;
	sip_init();
	int rc = sip_parse(pool, NULL, f, b.s, b.len, why, sizeof why);
	sbuf_free(&b);
	return rc;
}

#define HEAD "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bKa\nCall-ID: c1@x\n" \
	"From: <sip:a@x>;tag=1\nTo: <sip:b@y>;tag=2\n"

static void
test_reason_every_header_and_element(void)
{
	struct strpool *pool = strpool_new();
	struct sip_fields f;
	CHECK_INT(parse(pool, &f, "BYE sip:b@y SIP/2.0\n" HEAD "CSeq: 2 BYE\n"
	    "Reason: SIP;cause=480;text=\"Temporarily unavailable\"\nReason: Q.850;cause=102\n"
	    "Content-Length: 0\n\n"), 0);
	CHECK_INT(f.q850, 102);
	CHECK_INT(f.sip_cause, 480);
	CHECK_STR(f.reason_text, "Temporarily unavailable");
	CHECK(f.reason != NULL && strstr(f.reason, "Q.850;cause=102") != NULL);
	/* one header, a comma list, a comma inside the quoted text */
	CHECK_INT(parse(pool, &f, "BYE sip:b@y SIP/2.0\n" HEAD "CSeq: 2 BYE\n"
	    "Reason: SIP;cause=480;text=\"Gone, away\", Q.850 ;cause=47;text=\"No resource\"\n"
	    "Content-Length: 0\n\n"), 0);
	CHECK_INT(f.q850, 47);
	CHECK_INT(f.sip_cause, 480);
	CHECK_STR(f.reason_text, "No resource");
	/* a SIP cause alone is no Q.850 cause */
	CHECK_INT(parse(pool, &f, "CANCEL sip:b@y SIP/2.0\n" HEAD "CSeq: 1 CANCEL\n"
	    "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\nContent-Length: 0\n\n"), 0);
	CHECK_INT(f.q850, -1);
	CHECK_INT(f.sip_cause, 200);
	strpool_free(pool);
}

static const char *SDP = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
    "m=audio 4000 RTP/SAVP 18 101\na=rtpmap:18 G729/8000\na=rtpmap:101 telephone-event/8000\n";

/* Returns an INVITE with a multipart body (caller frees): Content-Type ct,
 * the SDP part between the delimiter lines of boundary b. */
static char *
multipart_invite(const char *ct, const char *b)
{
	char *body = xasprintf("--%s\nContent-Type: application/sdp\n\n%s--%s\n"
	    "Content-Type: application/pidf+xml\n\n<presence/>\n--%s--\n", b, SDP, b, b);
	struct sbuf crlf = {0};
	for (const char *p = body; *p; p++) {
		if (*p == '\n')
			sbuf_add(&crlf, "\r", 1);
		sbuf_add(&crlf, p, 1);
	}
	char *m = xasprintf("INVITE sip:b@y SIP/2.0\n" HEAD "CSeq: 1 INVITE\nContent-Type: %s\n"
	    "Content-Length: %zu\n\n%s", ct, crlf.len, body);
	free(body);
	sbuf_free(&crlf);
	return m;
}

static void
test_multipart_sdp(void)
{
	struct strpool *pool = strpool_new();
	struct sip_fields f;
	char *m = multipart_invite("multipart/mixed;boundary=\"b1\"", "b1");
	CHECK_INT(parse(pool, &f, m), 0);
	CHECK(f.has_sdp);
	CHECK(!f.body_dropped);
	CHECK_INT(f.nmedia, 1);
	CHECK(f.nmedia == 1 && strcmp(f.media[0].codecs, "G729,telephone-event") == 0);
	free(m);
	/* no boundary parameter: libosip2 may refuse the body; the headers stay, and
	 * the SDP is still read through the body's first delimiter line */
	m = multipart_invite("multipart/mixed", "zz");
	CHECK_INT(parse(pool, &f, m), 0);
	CHECK_STR(f.method, "INVITE");
	CHECK_STR(f.call_id, "c1@x");
	CHECK_INT(f.nmedia, 1);
	free(m);
	strpool_free(pool);
}

static void
test_cseq_method_token(void)
{
	struct strpool *pool = strpool_new();
	struct sip_fields f;
	CHECK_INT(parse(pool, &f, "SIP/2.0 504 Server Time-out\n" HEAD
	    "CSeq: 1 INVITE From : \"DX70\" <sip:dx@x>;tag=9\nContent-Length: 0\n\n"), 0);
	CHECK_STR(f.method, "INVITE");
	CHECK_INT(f.status, 504);
	strpool_free(pool);
}

/* Appends a 180 of To-tag tag on the hop E -> Webex at utc. */
static void
ringing(struct sbuf *e, const char *utc, const char *tag)
{
	char *r = xasprintf("SIP/2.0 180 Ringing\nVia: SIP/2.0/TLS 146.20.193.73:5062;branch=z9hG4bKw\n"
	    "Call-ID: f@x\nCSeq: 1 INVITE\nFrom: <sip:a@x.call.ciscospark.com>;tag=1\n"
	    "To: <sip:b@y>;tag=%s\nContent-Length: 0\n\n", tag);
	lb_msg(e, "exp-e", utc, 1, "172.16.2.2", 5062, "146.20.193.73", 40342, r);
	free(r);
}

/* Returns the log of one call whose request was forked: three 180 Ringing
 * with their own To-tags, the second one sent twice (caller frees b.s). */
static struct sbuf
forked(void)
{
	struct sbuf e = {0};
	char *inv = xasprintf("INVITE sip:b@y SIP/2.0\nVia: SIP/2.0/TLS 146.20.193.73:5062;branch=z9hG4bKw\n"
	    "Call-ID: f@x\nCSeq: 1 INVITE\nFrom: <sip:a@x.call.ciscospark.com>;tag=1\nTo: <sip:b@y>\n"
	    "User-Agent: Cisco-L2SIP\nContent-Length: 0\n\n");
	lb_msg(&e, "exp-e", "2023-01-01 10:00:00,000", 0, "172.16.2.2", 5062, "146.20.193.73", 40342,
	    inv);
	free(inv);
	ringing(&e, "2023-01-01 10:00:00,100", "t1");
	ringing(&e, "2023-01-01 10:00:00,120", "t2");
	ringing(&e, "2023-01-01 10:00:00,140", "t3");
	ringing(&e, "2023-01-01 10:00:00,640", "t2");
	return e;
}

/* Returns the correlated model of the texts (names given). */
static struct model *
load(const char **names, const struct sbuf **texts, size_t n)
{
	struct model *m = model_new();
	for (size_t i = 0; i < n; i++)
		log_load_memory(m, names[i], texts[i]->s, texts[i]->len);
	char err[128];
	struct corr_opts o = {0};
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	return m;
}

static void
test_forks_are_no_retransmissions(void)
{
	struct sbuf e = forked();
	const struct sbuf *t[] = {&e};
	const char *names[] = {"e.log"};
	struct model *m = load(names, t, 1);
	CHECK_INT(m->ncalls, 1);
	const struct call *c = &m->calls[0];
	CHECK_INT(c->narrows, 5);
	int retrans = 0, forks[4] = {0};
	for (size_t i = 0; i < c->narrows; i++) {
		const struct sip_msg *s = &m->msgs[c->arrows[i].msg];
		retrans += s->retrans;
		if (s->fork < 4)
			forks[s->fork]++;
	}
	CHECK_INT(retrans, 1);          /* the second t2, only */
	CHECK_INT(forks[1], 1);
	CHECK_INT(forks[2], 2);
	CHECK_INT(forks[3], 1);
	model_free(m);
	free(e.s);
}

static void
test_entries_read_twice_count_once(void)
{
	struct sbuf e = forked();
	const struct sbuf *t[] = {&e, &e};
	const char *names[] = {"e.log", "copy/e.log"};
	struct model *m = load(names, t, 2);
	CHECK_INT(m->nmsgs, 5);
	CHECK_INT(m->ncalls, 1);
	CHECK_INT(m->calls[0].narrows, 5);
	CHECK_INT(m->files[0].sip_messages, 5);
	CHECK_INT(m->files[1].sip_messages, 0);
	CHECK_INT(m->files[1].nproblems, 1);
	CHECK(m->files[1].nproblems == 1 &&
	    strstr(m->files[1].problems[0].reason, "5 entries were already read from e.log"));
	model_free(m);
	free(e.s);
}

static void
test_reference_clock_not_by_order(void)
{
	/* a C and an E log of one message sent C -> E, the C 200 ms ahead */
	struct sbuf e = {0}, c = {0};
	const char *inv = "INVITE sip:b@x.call.ciscospark.com SIP/2.0\n"
	    "Via: SIP/2.0/TLS 10.0.0.5:5061;egress-zone=T;branch=z9hG4bKc;proxy-call-id=p\n"
	    "Call-ID: r@x\nCSeq: 1 INVITE\nFrom: <sip:a@y>;tag=1\nTo: <sip:b@x.call.ciscospark.com>\n"
	    "Content-Length: 0\n\n";
	lb_msg(&c, "exp-c", "2023-01-01 10:00:00,200", 1, "10.0.0.5", 25000, "10.0.0.6", 7003, inv);
	lb_msg(&e, "exp-e", "2023-01-01 10:00:00,001", 0, "10.0.0.6", 7003, "10.0.0.5", 25000, inv);
	for (int order = 0; order < 2; order++) {
		const struct sbuf *t[] = {order ? &c : &e, order ? &e : &c};
		const char *names[] = {order ? "c.log" : "e.log", order ? "e.log" : "c.log"};
		struct model *m = load(names, t, 2);
		CHECK(m->ref_host >= 0 && strcmp(m->hosts[m->ref_host].name, "exp-e") == 0);
		for (size_t i = 0; i < m->nmsgs; i++) /* both on the E's clock: ,001 */
			CHECK_INT(m->msgs[i].ctime % 1000, 1);
		model_free(m);
	}
	free(e.s);
	free(c.s);
}

T_LIST(T(test_reason_every_header_and_element), T(test_multipart_sdp),
    T(test_cseq_method_token), T(test_forks_are_no_retransmissions),
    T(test_entries_read_twice_count_once), T(test_reference_clock_not_by_order))
