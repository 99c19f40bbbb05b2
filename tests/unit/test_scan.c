/* test_scan.c - finding, unframing and parsing logged SIP messages. */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "log.h"
#include "log_text.h"
#include "logbuild.h"
#include "sip.h"
#include "t.h"

static const char *OPTIONS_MSG =
    "OPTIONS sip:192.168.1.6:7003 SIP/2.0\n"
    "Via: SIP/2.0/TLS 192.168.1.5:25001;branch=z9hG4bKopt1;rport\n"
    "Call-ID: opt-1@192.168.1.5\n"
    "CSeq: 1 OPTIONS\n"
    "From: <sip:192.168.1.5>;tag=a1\n"
    "To: <sip:192.168.1.6:7003>\n"
    "Max-Forwards: 70\n"
    "Content-Length: 0\n"
    "\n";

static const char *SDP =
    "v=0\n"
    "o=tandberg 0 1 IN IP4 64.102.241.236\n"
    "s=-\n"
    "c=IN IP4 64.102.241.236\n"
    "t=0 0\n"
    "m=audio 52668 RTP/SAVP 9 0 101\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=sendrecv\n"
    "m=video 0 RTP/SAVP 126\n"
    "a=rtpmap:126 H264/90000\n";

/* Returns an INVITE with SDP and a Contact carrying call-type=squared. */
static char *
invite(const char *callid)
{
	char *h = xasprintf(
	    "INVITE sip:bob@rtp.example.com SIP/2.0\n"
	    "Via: SIP/2.0/TLS 192.168.5.164:5062;branch=z9hG4bK564c;proxy-call-id=p-%s\n"
	    "Call-ID: %s\n"
	    "CSeq: 1 INVITE\n"
	    "Contact: \"l2sip-UA\" <sip:l2sip-UA@l2sip-cfa-01.wbx2.com:5062;transport=tls>;call-type=squared\n"
	    "From: \"Alice\" <sip:alice@example.call.ciscospark.com>;tag=540300020\n"
	    "To: <sip:bob@rtp.example.com>\n"
	    "Route: <sip:cucm.rtp.example.com;lr>\n"
	    "User-Agent: Cisco-L2SIP\n"
	    "Session-ID: ed35426ed3ade6fdc3b058792333df2b;remote=00000000000000000000000000000000\n",
	    callid, callid);
	char *m = lb_with_body(h, SDP);
	free(h);
	return m;
}


static void
test_real_sample(void)
{
	const char *dir = getenv("XW_SHARED") ? getenv("XW_SHARED") : "tests/data";
	char *path = xasprintf("%s/real-logs/mra_expressway_e_x8.11.txt", dir);
	struct model *m = model_new();
	char err[256];
	CHECK_INT(log_load(m, path, err, sizeof err), 0);
	CHECK_INT(m->nmsgs, 6); /* the developer.sip.leg dumps are not traffic */
	if (m->nmsgs < 6) { /* the checks below index the six */
		model_free(m);
		free(path);
		return;
	}
	CHECK_INT(m->files[0].nproblems, 0);
	CHECK_STR(m->files[0].host, "vm-bluck-fed-vcse1");
	const struct sip_msg *s = &m->msgs[0];
	CHECK_STR(s->sip->method, "INVITE");
	CHECK_INT(s->sip->content_length, 4874);
	CHECK(!s->sip->cl_repaired); /* the unframed body is exactly Content-Length long */
	CHECK_INT(s->msg_line, 4);
	CHECK_STR(s->local_ip, "10.81.54.5");
	CHECK_INT(s->remote_port, 47177);
	CHECK_INT(s->sip->nroutes, 3);
	CHECK_STR(sip_audio_codecs(s) ? "yes" : "no", "yes");
	CHECK_STR(m->msgs[1].sip->reason_phrase, "Trying");
	CHECK_STR(m->msgs[1].sip->session_remote, "c6a7e32d00255000a0000988efd00000");
	size_t n = 0;
	char *raw = sip_raw(m, s, &n);
	CHECK(raw != NULL && strncmp(raw, "INVITE sip:1004@", 16) == 0);
	CHECK(raw != NULL && n > 4874 && strcmp(raw + n - 12, "a=sendrecv\r\n") == 0);
	free(raw);
	model_free(m);
	free(path);
}

static void
test_fields_and_sdp(void)
{
	struct sbuf b = {0};
	char *inv = invite("abc@127.0.0.1");
	lb_msg(&b, "exp-e", "2017-09-19 18:01:48,140", 0, "172.16.2.2", 5062, "146.20.193.73",
	    40342, inv);
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 1);
	const struct sip_msg *s = &m->msgs[0];
	CHECK(s->sip->call_type_squared);
	CHECK_STR(s->sip->from_name, "\"Alice\"");
	CHECK_STR(s->sip->from_tag, "540300020");
	CHECK_STR(s->sip->vias[0].proxy_call_id, "p-abc@127.0.0.1");
	CHECK_STR(s->sip->user_agent, "Cisco-L2SIP");
	CHECK_INT(s->sip->nmedia, 2);
	CHECK_STR(s->sip->media[0].codecs, "G722,PCMU,telephone-event");
	CHECK_INT(s->sip->media[1].port, 0);
	CHECK_STR(s->sip->media[0].dir, "sendrecv");
	CHECK_INT(s->time, 1505844108140LL);
	CHECK(!s->sip->cl_repaired);
	model_free(m);
	free(inv);
	sbuf_free(&b);
}

/* Returns text with every "\n" replaced by eol. */
static char *
with_eol(const char *text, const char *eol)
{
	struct sbuf b = {0};
	for (const char *p = text; *p; p++)
		*p == '\n' ? sbuf_puts(&b, eol) : sbuf_add(&b, p, 1);
	return sbuf_take(&b);
}

static void
test_line_endings(void)
{
	struct sbuf b = {0};
	char *inv = invite("eol@x");
	lb_msg(&b, "exp-e", "2017-09-19 18:01:48,140", 0, "172.16.2.2", 5062, "1.2.3.4", 5062, inv);
	lb_msg(&b, "exp-e", "2017-09-19 18:01:48,150", 1, "172.16.2.2", 5062, "1.2.3.4", 5062,
	    OPTIONS_MSG);
	const char *eols[] = {"\r\n", "\r"};
	for (int i = 0; i < 2; i++) {
		char *t = with_eol(b.s, eols[i]);
		struct model *m = lb_load(t);
		CHECK_INT(m->nmsgs, 2);
		CHECK_INT(m->files[0].nproblems, 0);
		CHECK(m->nmsgs == 2 && !m->msgs[0].sip->cl_repaired && m->msgs[0].sip->nmedia == 2);
		model_free(m);
		free(t);
	}
	free(inv);
	sbuf_free(&b);
}

static void
test_pasted_without_spaces(void)
{
	struct sbuf b = {0};
	char *inv = invite("paste@x");
	lb_head(&b, "exp-e", "2017-09-19 18:01:48,140", "network.sip", "DEBUG",
	    "Action=\"Received\" Local-ip=\"172.16.2.2\" Local-port=\"5062\" Src-ip=\"1.2.3.4\" Src-port=\"5062\"");
	lb_frame(&b, inv, 0);
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 1);
	CHECK(m->nmsgs == 1 && !m->msgs[0].sip->cl_repaired && m->msgs[0].sip->call_type_squared);
	model_free(m);
	free(inv);
	sbuf_free(&b);
}

static void
test_old_format(void)
{
	/* X7/X8.7: no milliseconds, no Action or Local-ip, two spaces, SIPMSG: on the line */
	const char *t =
	    "2014-03-01T10:00:00+01:00 vcs1 tvcs: UTCTime=\"2014-03-01 09:00:00\" Module=\"network.sip\" "
	    "Level=\"DEBUG\":  Src-ip=\"10.0.0.9\"  Src-port=\"5060\"  Dst-ip=\"10.0.0.1\"  Dst-port=\"5060\"  SIPMSG:\n"
	    "|OPTIONS sip:10.0.0.1 SIP/2.0\n"
	    "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKold\n"
	    "Call-ID: old-1\n"
	    "CSeq: 7 OPTIONS\n"
	    "From: <sip:a@10.0.0.9>;tag=1\n"
	    "To: <sip:10.0.0.1>\n"
	    "Content-Length: 0\n"
	    "\n"
	    "|\n";
	struct model *m = lb_load(t);
	CHECK_INT(m->nmsgs, 1);
	if (m->nmsgs == 1) {
		CHECK_INT(m->msgs[0].sip->cseq, 7);
		CHECK_STR(m->msgs[0].remote_ip, "10.0.0.9");
		CHECK_STR(m->msgs[0].local_ip, "10.0.0.1");
		CHECK_INT(m->msgs[0].time, 1393664400000LL);
	}
	model_free(m);
}

static void
test_broken_blocks(void)
{
	struct sbuf b = {0};
	/* 1: good; 2: garbage; 3: no closing pipe before the next entry; 4: good */
	lb_msg(&b, "e", "2017-09-19 18:00:00,000", 1, "10.0.0.1", 5060, "10.0.0.2", 5060, OPTIONS_MSG);
	lb_head(&b, "e", "2017-09-19 18:00:01,000", "network.sip", "DEBUG", "Action=\"Sent\"");
	sbuf_puts(&b, " SIPMSG:\n |\x01\x02 garbage that is no SIP\n |\n\n");
	lb_head(&b, "e", "2017-09-19 18:00:02,000", "network.sip", "DEBUG", "Action=\"Sent\"");
	sbuf_puts(&b, " SIPMSG:\n |SIP/2.0 200 OK\n Via: SIP/2.0/TLS 10.0.0.1:5060;branch=z9hG4bKx\n"
	    " Call-ID: cut-1\n CSeq: 1 OPTIONS\n From: <sip:a@b>;tag=1\n To: <sip:c@d>;tag=2\n"
	    " Content-Length: 0\n \n");
	lb_msg(&b, "e", "2017-09-19 18:00:03,000", 1, "10.0.0.1", 5060, "10.0.0.2", 5060, OPTIONS_MSG);
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 3);
	CHECK_INT(m->files[0].nproblems, 2);
	if (m->files[0].nproblems == 2) {
		CHECK(!m->files[0].problems[0].recovered);
		CHECK(strstr(m->files[0].problems[0].reason, "skipped") != NULL);
		CHECK(m->files[0].problems[1].recovered); /* the cut block was still read */
		CHECK_INT(m->files[0].problems[0].line, 16); /* the first line of the bad message */
	}
	model_free(m);
	sbuf_free(&b);
}

static void
test_content_length_lies(void)
{
	const char *lies[] = {"5", "900"};
	for (int i = 0; i < 2; i++) {
		struct sbuf b = {0};
		char *msg = xasprintf("MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/TCP 1.2.3.4:5060;branch=z9hG4bK1\n"
		    "Call-ID: cl-%d\nCSeq: 1 MESSAGE\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>\n"
		    "Content-Type: text/plain\nContent-Length: %s\n\nhello there, twenty-seven\n", i, lies[i]);
		lb_msg(&b, "e", "2017-09-19 18:00:00,000", 0, "1.2.3.5", 5060, "1.2.3.4", 5060, msg);
		struct model *m = lb_load(b.s);
		CHECK_INT(m->nmsgs, 1);
		CHECK(m->nmsgs == 1 && m->msgs[0].sip->cl_repaired);
		CHECK(m->nmsgs == 1 && m->msgs[0].sip->content_length == (uint32_t)atoi(lies[i]));
		CHECK_INT(m->files[0].nproblems, 1);
		model_free(m);
		free(msg);
		sbuf_free(&b);
	}
}

static void
test_info_summaries(void)
{
	const char *info =
	    "Action=\"Received\" Local-ip=\"192.168.1.5\" Local-port=\"26847\" Src-ip=\"192.168.1.6\" "
	    "Src-port=\"7003\" Detail=\"Receive Request Method=INVITE, CSeq=1, "
	    "Request-URI=sip:jorobb@rtp.ciscotac.net, Call-ID=9062bca7@127.0.0.1, From-Tag=87, To-Tag=, "
	    "Msg-Hash=%s, Local-SessionID=daf7c278732bb5a557fb57925dffcbf7, "
	    "Remote-SessionID=00000000000000000000000000000000\"";
	struct sbuf b = {0};
	char *f = xasprintf(info, "111");
	lb_head(&b, "c", "2017-09-19 18:16:15,830", "network.sip", "INFO", f);
	free(f);
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 1);
	if (m->nmsgs == 1) {
		CHECK(m->msgs[0].summary_only);
		CHECK_STR(m->msgs[0].sip->call_id, "9062bca7@127.0.0.1");
		CHECK_STR(m->msgs[0].sip->session_local, "daf7c278732bb5a557fb57925dffcbf7");
		CHECK(sip_raw(m, &m->msgs[0], NULL) == NULL);
	}
	CHECK_INT(m->files[0].info_only, 1);
	model_free(m);
	/* an INFO line followed by its DEBUG block describes one message, not two */
	sbuf_free(&b);
	char *inv = invite("dup@x");
	char *hash = xasprintf("%u", (unsigned)xhash(inv, strlen(inv)));
	f = xasprintf(info, hash);
	lb_head(&b, "c", "2017-09-19 18:16:15,830", "network.sip", "INFO", f);
	lb_msg(&b, "c", "2017-09-19 18:16:15,830", 0, "192.168.1.5", 26847, "192.168.1.6", 7003, inv);
	m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 1);
	CHECK(m->nmsgs == 1 && !m->msgs[0].summary_only);
	model_free(m);
	free(f);
	free(hash);
	free(inv);
	sbuf_free(&b);
}

static void
test_decoys_and_events(void)
{
	struct sbuf b = {0};
	lb_head(&b, "e", "2017-09-19 18:00:00,000", "developer.sip.leg", "DEBUG",
	    "Detail=\"Calling manipulationComplete() with INVITE sip:1@2 SIP/2.0\"");
	sbuf_puts(&b, " Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bKdecoy\n Call-ID: decoy\n CSeq: 1 INVITE\n\n");
	sbuf_puts(&b, "2017-09-25T16:54:43.725-04:00 e tvcs: UTCTime=\"2017-09-25 20:54:43,726\" "
	    "Module=\"network.cpl\" Level=\"DEBUG\":  Remote-ip=\"192.168.1.5\" Remote-port=\"26404\" "
	    "Detail=\"CPL: <rule unauthenticated-origin=\".*\" destination=\".*@dmzlab\\.call\\.ciscospark\\.com.*\" "
	    "message-regex=\"\"> matched \"\n");
	sbuf_puts(&b, "2017-09-20T10:49:18.724-04:00 e tvcs: Event=\"Inbound TLS Negotiation Error\" "
	    "Service=\"SIP\" Src-ip=\"146.20.193.73\" Src-port=\"58531\" Detail=\"self signed certificate "
	    "in certificate chain\" Protocol=\"TLS\" Level=\"1\" UTCTime=\"2017-09-20 14:49:18,724\"\n");
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 0);
	CHECK_INT(m->nevents, 2);
	if (m->nevents == 2) {
		CHECK_INT(m->events[0].kind, EV_CPL);
		CHECK(strstr(m->events[0].name, "destination=\".*@dmzlab") != NULL);
		CHECK(strstr(m->events[0].name, "matched") != NULL);
		CHECK_INT(m->events[1].kind, EV_EVENT);
		CHECK_STR(m->events[1].name, "Inbound TLS Negotiation Error");
		CHECK_INT(m->events[1].time, 1505918958724LL);
	}
	model_free(m);
	sbuf_free(&b);
}

/* The same bytes logged twice (by E as Sent, by C as Received, and again by
 * C as a retransmission) are parsed once: the copies take the SIP fields of
 * the first and keep their own file, line, action and addresses. */
static void
test_same_bytes_read_once(void)
{
	char *inv = invite("dup-1"), *other = invite("dup-2");
	struct sbuf e = {0}, c = {0};
	lb_msg(&e, "exp-e", "2017-09-19 18:01:48,140", 1, "192.168.1.6", 7003, "192.168.1.5",
	    25001, inv);
	lb_msg(&c, "exp-c", "2017-09-19 18:01:48,142", 0, "192.168.1.5", 25001, "192.168.1.6",
	    7003, inv);
	lb_msg(&c, "exp-c", "2017-09-19 18:01:48,900", 0, "192.168.1.5", 25001, "192.168.1.6",
	    7003, other);
	lb_msg(&c, "exp-c", "2017-09-19 18:01:49,142", 0, "192.168.1.5", 25001, "192.168.1.6",
	    7003, inv);
	struct model *m = model_new();
	log_load_memory(m, "e.log", e.s, e.len);
	log_load_memory(m, "c.log", c.s, c.len);
	CHECK_INT(m->nmsgs, 4);
	if (m->nmsgs == 4) {
		const struct sip_msg *a = &m->msgs[0], *b = &m->msgs[1], *d = &m->msgs[3];
		CHECK(a->frame_hash != 0 && b->frame_hash == a->frame_hash);
		CHECK(m->msgs[2].frame_hash != a->frame_hash);
		CHECK_STR(m->msgs[2].sip->call_id, "dup-2");
		for (int k = 0; k < 2; k++) {
			const struct sip_msg *x = k ? d : b;
			CHECK_STR(x->sip->call_id, "dup-1");
			CHECK(x->sip->nvias == a->sip->nvias && x->sip->nmedia == a->sip->nmedia && x->sip->call_type_squared);
			CHECK_STR(x->sip->contact_params, a->sip->contact_params);
			CHECK_INT(x->file, 1);
			CHECK_INT(x->action, ACT_RECEIVED);
			CHECK_STR(x->local_ip, "192.168.1.5");
			CHECK_INT(x->remote_port, 7003);
		}
		CHECK_INT(a->action, ACT_SENT);
		CHECK_INT(b->line, 1);
		CHECK_INT(d->time - b->time, 1000);
		CHECK(b->host != a->host && d->host == b->host); /* each logger keeps its own */
	}
	model_free(m);
	sbuf_free(&e);
	sbuf_free(&c);
	free(inv);
	free(other);
}

static void
test_times(void)
{
	CHECK_INT(log_parse_utctime("2017-09-19 18:01:48,140", 23), 1505844108140LL);
	CHECK_INT(log_parse_utctime("2017-09-19 18:01:48", 19), 1505844108000LL);
	CHECK_INT(log_parse_iso("2017-09-19T14:01:48.140-04:00", 29), 1505844108140LL);
	CHECK_INT(log_parse_utctime("2017-13-19 18:01:48", 19), XW_TIME_NONE);
	CHECK_INT(log_parse_utctime("2017-09", 7), XW_TIME_NONE);
}

T_LIST(T(test_real_sample), T(test_fields_and_sdp), T(test_line_endings),
    T(test_pasted_without_spaces), T(test_old_format), T(test_broken_blocks),
    T(test_content_length_lies), T(test_info_summaries), T(test_decoys_and_events),
    T(test_same_bytes_read_once), T(test_times))
