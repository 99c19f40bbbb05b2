/* test_hostile.c - regressions for what the fuzzers found: each input is
 * copied into a block of exactly its size, so that under ASan (make
 * check-asan) a read one byte past the end fails the test. */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "log.h"
#include "logbuild.h"
#include "model.h"
#include "sdp.h"
#include "sip.h"
#include "t.h"

/* Under ASan, string functions must not read past the end of a buffer that
 * has no NUL (the texts below have none). Unused in plain builds. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "strict_string_checks=1";
}

/* Returns a heap copy of s without its NUL: exactly strlen(s) bytes. */
static char *
exact(const char *s, size_t *n)
{
	*n = strlen(s);
	char *p = xmalloc(*n ? *n : 1);
	memcpy(p, s, *n);
	return p;
}

/* Returns nothing; summarises body as SDP into s (a fresh message of m). */
static void
summarise(struct model *m, struct sip_fields *s, const char *body)
{
	size_t n;
	char *b = exact(body, &n);
	memset(s, 0, sizeof *s);
	sdp_summarise(m->pool, s, b, n);
	free(b);
}

/* fuzz_sdp crash-203e1a4a: atoi/strtoul ran past a body ending in digits. */
static void
test_sdp_number_at_end(void)
{
	struct model *m = model_new();
	struct sip_fields s;
	summarise(m, &s, "m=audio 5004 RTP/AVP 0 104\r\na=rtpmap:104");
	CHECK_INT(s.nmedia, 1);
	CHECK_INT(s.media[0].port, 5004);
	CHECK_STR(s.media[0].codecs, "PCMU,104");
	summarise(m, &s, "m=audio 12345");
	CHECK_INT(s.nmedia, 1);
	CHECK_INT(s.media[0].port, 12345);
	summarise(m, &s, "m=video 9 RTP/AVP 99999999999999999999 31");
	CHECK_INT(s.nmedia, 1);
	CHECK_STR(s.media[0].codecs, "2147483647,H261");
	model_free(m);
}

/* A payload map with no number must not name a format that has none. */
static void
test_sdp_rtpmap_without_number(void)
{
	struct model *m = model_new();
	struct sip_fields s;
	summarise(m, &s, "m=application 5008 UDP/BFCP *\r\na=rtpmap:x foo/1\r\n");
	CHECK_INT(s.nmedia, 1);
	CHECK_STR(s.media[0].codecs, "?");
	model_free(m);
}

/* fuzz_scan crash-da39a3ee (the empty input): corr_twins passed qsort a NULL
 * array (UBSan: nonnull argument) when no message had two known hosts. */
static void
test_corr_no_messages(void)
{
	struct model *m = model_new();
	char err[128];
	struct corr_opts o = {0};
	log_load_memory(m, "empty.log", "", 0);
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	CHECK_INT(m->ncalls, 0);
	model_free(m);
}

/* Dates that do not parse ("2017-13-19") on both logs of a twin pair: the
 * time was XW_TIME_NONE (INT64_MIN) and corr_twins overflowed taking
 * t - TWIN_WINDOW_MS (UBSan). Such entries now take the previous entry's time. */
static void
test_garbled_dates(void)
{
	const char *inv = "INVITE sip:bob@example.com SIP/2.0\n"
	    "Via: SIP/2.0/TLS 192.168.1.6:7003;branch=z9hG4bKe1\nCall-ID: G@1\nCSeq: 1 INVITE\n"
	    "From: <sip:a@example.com>;tag=1\nTo: <sip:bob@example.com>\nContent-Length: 0\n\n";
	struct sbuf e = {0}, c = {0};
	lb_msg(&e, "exp-e", "2017-09-19 18:00:00,000", 1, "192.168.1.6", 7003, "192.168.1.5", 26686, inv);
	lb_msg(&e, "exp-e", "2017-13-19 18:00:00,100", 1, "192.168.1.6", 7003, "192.168.1.5", 26686, inv);
	lb_msg(&c, "exp-c", "2017-19-99 18:00:00,452", 0, "192.168.1.5", 26686, "192.168.1.6", 7003, inv);
	struct model *m = model_new();
	log_load_memory(m, "e.log", e.s, e.len);
	log_load_memory(m, "c.log", c.s, c.len);
	char err[128];
	struct corr_opts o = {0};
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	CHECK_INT(m->nmsgs, 3);
	for (size_t i = 0; i < m->nmsgs; i++)
		CHECK(m->msgs[i].time != XW_TIME_NONE && m->msgs[i].ctime != XW_TIME_NONE);
	CHECK_INT(m->msgs[1].time, m->msgs[0].time); /* the time of the entry before */
	CHECK_INT(m->ncalls, 1);
	model_free(m);
	sbuf_free(&e);
	sbuf_free(&c);
}

/* A real capture (sngrep's ipv6frag.pcap, packet 24): a 200 OK with its
 * Content-Type twice, word for word. libosip2 refuses it, tshark shows it:
 * parsed with one, and said; a repeat that differs stays refused. */
static void
test_sip_repeated_header(void)
{
	struct strpool *pool = strpool_new();
	struct sip_fields s;
	char why[256];
	size_t n;
	const char *head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
	    "Call-ID: c1\r\nCSeq: 3 UPDATE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n";
	const char *sdp = "Content-Length: 52\r\n\r\nv=0\r\nc=IN IP4 10.1.1.1\r\nm=audio 4000 RTP/AVP 0\r\n";
	struct sbuf b = {0};
	sbuf_printf(&b, "%sContent-Type: application/sdp\r\nContent-Type: application/sdp\r\n"
	    "Content-Type: application/sdp\r\n%s", head, sdp);
	char *t = exact(b.s, &n);
	memset(&s, 0, sizeof s);
	CHECK_INT(sip_parse(pool, NULL, &s, t, n, why, sizeof why), 0);
	CHECK(s.repeat_dropped);
	CHECK_INT(s.status, 200);
	CHECK_INT(s.nmedia, 1);
	free(t);
	sbuf_free(&b);
	sbuf_printf(&b, "%sContent-Type: application/sdp\r\nContent-Type: text/plain\r\n%s", head, sdp);
	t = exact(b.s, &n);
	memset(&s, 0, sizeof s);
	CHECK(sip_parse(pool, NULL, &s, t, n, why, sizeof why) != 0);
	CHECK(!s.repeat_dropped);
	free(t);
	sbuf_free(&b);
	/* a list header repeated is no fault: nothing dropped, nothing said */
	sbuf_printf(&b, "%sVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Type: application/sdp\r\n%s",
	    head, sdp);
	t = exact(b.s, &n);
	memset(&s, 0, sizeof s);
	CHECK_INT(sip_parse(pool, NULL, &s, t, n, why, sizeof why), 0);
	CHECK(!s.repeat_dropped);
	CHECK_INT(s.nvias, 2);
	free(t);
	sbuf_free(&b);
	strpool_free(pool);
}

/* fuzz_sip crash-5ad78af2: fix_content_length compared "Content-Length:"
 * at line starts up to the last byte of a text with no NUL after it. */
static void
test_sip_repair_at_end(void)
{
	struct strpool *pool = strpool_new();
	struct sip_fields s;
	char why[256];
	size_t n;
	char *t = exact("SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS h;branch=z9hG4bK1\r\nCall-ID: c1\r\n"
	    "CSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n"
	    "Content-Length: 9\r\n\r\n", &n);
	memset(&s, 0, sizeof s);
	CHECK_INT(sip_parse(pool, NULL, &s, t, n, why, sizeof why), 0);
	CHECK(s.cl_repaired);
	CHECK_INT(s.status, 200);
	free(t);
	strpool_free(pool);
}

/* fuzz_scan crash-c1e023cb: msg_key (log_scan.c) and twin_key (corr.c) hashed
 * snprintf's untruncated length of a 512/640-byte buffer: a Call-ID of a
 * few KB made them read past the stack buffer. */
static void
test_long_call_id(void)
{
	struct sbuf e = {0}, c = {0}, id = {0};
	for (int i = 0; i < 300; i++)
		sbuf_puts(&id, "long-id-");
	char *inv = xasprintf("INVITE sip:bob@example.com SIP/2.0\n"
	    "Via: SIP/2.0/TLS 192.168.1.6:7003;branch=z9hG4bKe1\nCall-ID: %s\nCSeq: 1 INVITE\n"
	    "From: <sip:a@example.com>;tag=1\nTo: <sip:bob@example.com>\nContent-Length: 0\n\n", id.s);
	char *info = xasprintf("Action=\"Received\" Local-ip=\"192.168.1.5\" Local-port=\"5061\" "
	    "Src-ip=\"192.168.1.6\" Src-port=\"7003\" Detail=\"Receive Request Method=INVITE, CSeq=2, "
	    "Request-URI=sip:bob@example.com, Call-ID=%s, From-Tag=1, To-Tag=, Local-SessionID=, "
	    "Remote-SessionID=\"", id.s);
	lb_msg(&e, "exp-e", "2017-09-19 18:00:00,100", 1, "192.168.1.6", 7003, "192.168.1.5", 26686, inv);
	lb_msg(&c, "exp-c", "2017-09-19 18:00:00,452", 0, "192.168.1.5", 26686, "192.168.1.6", 7003, inv);
	lb_head(&c, "exp-c", "2017-09-19 18:00:01,000", "network.sip", "INFO", info);
	struct model *m = model_new();
	log_load_memory(m, "e.log", e.s, e.len);
	log_load_memory(m, "c.log", c.s, c.len);
	char err[128];
	struct corr_opts o = {0};
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	CHECK_INT(m->nmsgs, 3);
	CHECK_INT(m->ncalls, 1);
	model_free(m);
	free(inv);
	free(info);
	sbuf_free(&id);
	sbuf_free(&e);
	sbuf_free(&c);
}

T_LIST(T(test_sdp_number_at_end), T(test_sdp_rtpmap_without_number), T(test_corr_no_messages),
    T(test_garbled_dates), T(test_sip_repair_at_end), T(test_sip_repeated_header),
    T(test_long_call_id))
