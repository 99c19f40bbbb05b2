/* test_repair.c - pasted and mangled text put back (log_repair.c), the
 * input account, and exact call selection. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "log_repair.h"
#include "logbuild.h"
#include "model.h"
#include "t.h"

static const char *SDP =
    "v=0\n"
    "o=tandberg 0 1 IN IP4 64.102.241.236\n"
    "s=-\n"
    "c=IN IP4 64.102.241.236\n"
    "t=0 0\n"
    "m=audio 52668 RTP/SAVP 9 0 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=sendrecv\n";

/* Returns a clean log of two messages (the caller frees it). */
static char *
clean_log(void)
{
	struct sbuf b = {0};
	char *inv = lb_with_body(
	    "INVITE sip:bob@rtp.example.com SIP/2.0\n"
	    "Via: SIP/2.0/TLS 192.168.5.164:5062;branch=z9hG4bK564c;rport;received=192.168.5.164\n"
	    "Call-ID: repair-1@192.168.5.164\n"
	    "CSeq: 1 INVITE\n"
	    "From: \"Alice\" <sip:alice@example.call.ciscospark.com>;tag=540300020\n"
	    "To: <sip:bob@rtp.example.com>\n"
	    "Proxy-Authorization: Digest nonce=\"c624caab22212e68c68506ebb3a5689f1e94\", "
	    "realm=\"vm-bluck-fed-vcse1.cisco.com\", qop=auth, username=\"rweas\"\n", SDP);
	lb_msg(&b, "exp-e", "2017-09-19 18:01:48,140", 0, "192.168.1.6", 5062, "146.20.193.73",
	    43353, inv);
	lb_msg(&b, "exp-e", "2017-09-19 18:01:48,240", 1, "192.168.1.6", 5062, "146.20.193.73",
	    43353, "SIP/2.0 100 Trying\nVia: SIP/2.0/TLS 192.168.5.164:5062;branch=z9hG4bK564c\n"
	    "Call-ID: repair-1@192.168.5.164\nCSeq: 1 INVITE\nFrom: <sip:alice@example.com>;tag=5\n"
	    "To: <sip:bob@rtp.example.com>\nContent-Length: 0\n");
	free(inv);
	return sbuf_take(&b);
}

/* Returns the text with every line (LF-ended) passed through f (the caller
 * frees it). */
static char *
each_line(const char *t, char *(*f)(const char *line, size_t n, int i))
{
	struct sbuf b = {0};
	int i = 0;
	for (const char *p = t; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *l = f(p, n, i++);
		sbuf_puts(&b, l);
		sbuf_puts(&b, "\n");
		free(l);
		p += n + (nl != NULL);
	}
	return sbuf_take(&b);
}

static char *
quote2(const char *l, size_t n, int i)
{
	(void)i;
	return n ? xasprintf("> > %.*s", (int)n, l) : xstrdup("> >");
}

static char *
notepad(const char *l, size_t n, int i)
{
	return xasprintf("\tLine %d: %.*s", i + 1, (int)n, l);
}

/* Returns the text folded at width w (the caller frees it). */
static char *
folded(const char *t, size_t w)
{
	struct sbuf b = {0};
	for (const char *p = t; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		for (size_t k = 0; k < n; k += w) {
			sbuf_add(&b, p + k, n - k < w ? n - k : w);
			sbuf_puts(&b, "\n");
		}
		if (n == 0)
			sbuf_puts(&b, "\n");
		p += n + (nl != NULL);
	}
	return sbuf_take(&b);
}


/* Returns true when a and b hold the same messages: the same parsed
 * fields, in the same order. */
static bool
same_messages(const struct model *a, const struct model *b)
{
	if (a->nmsgs != b->nmsgs)
		return false;
	for (size_t i = 0; i < a->nmsgs; i++) {
		const struct sip_fields *x = a->msgs[i].sip, *y = b->msgs[i].sip;
		if (x->size != y->size || x->cseq != y->cseq || strcmp(x->call_id, y->call_id) != 0 ||
		    x->nmedia != y->nmedia || x->content_length != y->content_length)
			return false;
		if (strcmp(a->msgs[i].remote_ip, b->msgs[i].remote_ip) != 0 ||
		    a->msgs[i].action != b->msgs[i].action)
			return false;
	}
	return true;
}


/* A clean log asks for no repair, and its copies each do. */
static void
test_wanted(void)
{
	char *t = clean_log(), *q = each_line(t, quote2), *f = folded(t, 60);
	CHECK(!log_repair_wanted(t, strlen(t)));
	CHECK(log_repair_wanted(q, strlen(q)));
	CHECK(log_repair_wanted(f, strlen(f)));
	struct log_repair r;
	CHECK(!log_repair(t, strlen(t), &r)); /* nothing to undo: no copy */
	CHECK(r.text == NULL && r.nnotes == 0);
	log_repair_free(&r);
	free(t), free(q), free(f);
}

/* Quoted twice, then with Notepad++ line numbers: the same messages, on the
 * same lines, one note each. */
static void
test_prefixes(void)
{
	char *t = clean_log(), *q = each_line(t, quote2), *n = each_line(t, notepad);
	struct model *a = lb_load(t), *b = lb_load(q), *c = lb_load(n);
	CHECK_INT(a->nmsgs, 2);
	CHECK(same_messages(a, b));
	CHECK(same_messages(a, c));
	for (size_t i = 0; i < a->nmsgs && i < b->nmsgs && i < c->nmsgs; i++) {
		CHECK_INT(a->msgs[i].line, b->msgs[i].line);
		CHECK_INT(a->msgs[i].msg_line, c->msgs[i].msg_line);
	}
	CHECK_INT(lb_problems_with(&b->files[0], "quote prefix (\"> > \")"), 1);
	CHECK_INT(lb_problems_with(&c->files[0], "line-number prefix"), 1);
	CHECK_INT(b->files[0].blocks_seen, 2);
	CHECK_INT(b->files[0].blocks_read, 2);
	model_free(a), model_free(b), model_free(c);
	free(t), free(q), free(n);
}

/* Folded at several widths: the same messages; the lines named are the
 * file's (the first piece of a joined line). */
static void
test_folds(void)
{
	char *t = clean_log();
	struct model *a = lb_load(t);
	static const size_t widths[] = {40, 61, 76, 80, 120};
	for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
		char *f = folded(t, widths[k]);
		struct model *b = lb_load(f);
		CHECK(same_messages(a, b));
		CHECK_INT(b->files[0].blocks_read, 2);
		for (size_t i = 0; i < b->nmsgs; i++) { /* the header's first piece holds its time */
			const char *p = f;
			for (uint32_t l = 1; l < b->msgs[i].line && p; l++)
				p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
			CHECK(p != NULL && strncmp(p, "2017-09-19T18:01:48", 19) == 0);
		}
		CHECK_INT(lb_problems_with(&b->files[0], "joined back"), 1);
		model_free(b);
		free(f);
	}
	model_free(a);
	free(t);
}

/* A message pasted without its framing spaces, cut at 40 columns inside a
 * body that is not SDP and whose Content-Length is wrong: where its body
 * lines were cut cannot be confirmed; left as it stands, and reported. */
static void
test_fold_unconfirmed(void)
{
	struct sbuf b = {0};
	lb_head(&b, "e", "2017-09-19 18:01:48,140", "network.sip", "DEBUG",
	    "Action=\"Received\" Local-ip=\"10.0.0.1\" Src-ip=\"10.0.0.2\"");
	lb_frame(&b, "MESSAGE sip:a@b SIP/2.0\nCall-ID: c1\nContent-Type: text/plain\n"
	    "Content-Length: 999\n\n0123456789012345678901234567890123456789ABCDEFGHIJ\n"
	    "abcdefghijabcdefghijabcdefghijabcdefghijKLMNOPQRST\n", 0);
	lb_head(&b, "e", "2017-09-19 18:01:48,240", "network.sip", "DEBUG",
	    "Action=\"Received\" Local-ip=\"10.0.0.1\" Src-ip=\"10.0.0.2\"");
	lb_frame(&b, "MESSAGE sip:a@b SIP/2.0\nCall-ID: c2\nContent-Length: 0\n", 0);
	char *t = folded(b.s, 40);
	struct log_repair r;
	CHECK(log_repair_wanted(t, strlen(t)));
	if (log_repair(t, strlen(t), &r)) {
		bool reported = false;
		for (size_t i = 0; i < r.nnotes; i++)
			reported = reported || (!r.notes[i].recovered &&
			    strstr(r.notes[i].what, "does not confirm") != NULL);
		CHECK(reported);
		CHECK(strstr(r.text, "456789\nABCDEFGHIJ\n") != NULL); /* the body cut stays */
		CHECK(strstr(r.text, "Level=\"DEBUG\":  Action=\"Received\"") != NULL); /* headers joined */
	} else {
		CHECK(!"the fold was not seen");
	}
	log_repair_free(&r);
	sbuf_free(&b);
	free(t);
}

/* UTF-16 with and without a byte order mark, a surrogate pair kept. */
static void
test_utf16(void)
{
	char *t = clean_log();
	size_t n = strlen(t);
	unsigned char *le = xmalloc(2 * n + 6), *be = xmalloc(2 * n + 4);
	le[0] = 0xff, le[1] = 0xfe;
	for (size_t i = 0; i < n; i++) {
		le[2 + 2 * i] = (unsigned char)t[i], le[3 + 2 * i] = 0;
		be[2 * i] = 0, be[2 * i + 1] = (unsigned char)t[i];
	}
	struct model *a = lb_load(t), *b = model_new(), *c = model_new();
	log_load_memory(b, "le.log", (const char *)le, 2 * n + 2);
	log_load_memory(c, "be.log", (const char *)be, 2 * n);
	CHECK(same_messages(a, b));
	CHECK(same_messages(a, c));
	CHECK_INT(lb_problems_with(&b->files[0], "UTF-16 text (little-endian, with a byte order mark)"), 1);
	CHECK_INT(lb_problems_with(&c->files[0], "UTF-16 text (big-endian)"), 1);
	/* U+1F600 as a surrogate pair, and a lone surrogate */
	static const unsigned char pair[] = {0xff, 0xfe, 'a', 0, 0x3d, 0xd8, 0x00, 0xde, 0x00,
		0xd8, 'b', 0, '\n', 0};
	struct log_repair r;
	CHECK(log_repair((const char *)pair, sizeof pair, &r));
	CHECK(r.text != NULL && strcmp(r.text, "a\xf0\x9f\x98\x80\xef\xbf\xbd" "b\n") == 0);
	log_repair_free(&r);
	model_free(a), model_free(b), model_free(c);
	free(le), free(be), free(t);
}

/* The line map: joined lines name their first piece; split ones share. */
static void
test_line_map(void)
{
	uint32_t map[] = {1, 2, 4, 7, 7, 9};
	CHECK_INT(log_repair_line(map, 6, 3, 0), 4);
	CHECK_INT(log_repair_line(map, 6, 3, 1), 7);
	CHECK_INT(log_repair_line(map, 6, 6, 2), 11); /* past the map: lines follow on */
	CHECK_INT(log_repair_line(NULL, 0, 5, 2), 7);
	CHECK_INT(log_repair_line(map, 6, 0, 0), 0);
	CHECK_INT(log_repair_unline(map, 6, 7), 4);
	CHECK_INT(log_repair_unline(map, 6, 9), 6);
	CHECK_INT(log_repair_unline(NULL, 0, 9), 9);
}

/* Padded values, "| INVITE": read as the clean text, noted once each. */
static void
test_field_repairs(void)
{
	char *t = clean_log();
	struct sbuf b = {0};
	for (const char *p = t; *p; p++) {
		if (strncmp(p, "Src-ip=\"", 8) == 0) {
			sbuf_puts(&b, "Src-ip=\" ");
			const char *q = strchr(p + 8, '"');
			sbuf_add(&b, p + 8, (size_t)(q - p - 8));
			sbuf_puts(&b, " \"");
			p = q;
		} else if (strncmp(p, " |INVITE", 8) == 0) {
			sbuf_puts(&b, " | INVITE");
			p += 7;
		} else {
			sbuf_add(&b, p, 1);
		}
	}
	struct model *a = lb_load(t), *c = lb_load(b.s);
	CHECK(same_messages(a, c));
	CHECK_INT(lb_problems_with(&c->files[0], "padded inside their quotes"), 1);
	CHECK_INT(lb_problems_with(&c->files[0], "after the opening '|'"), 1);
	model_free(a), model_free(c);
	sbuf_free(&b);
	free(t);
}

/* Every SIPMSG block is read or reported: one without its header line, one
 * that does not parse; an INFO summary without a Call-ID is reported. */
static void
test_account(void)
{
	char *t = clean_log();
	struct sbuf b = {0};
	sbuf_puts(&b, t);
	sbuf_puts(&b, " SIPMSG:\n |OPTIONS sip:x SIP/2.0\n |\n\n");
	lb_head(&b, "exp-e", "2017-09-19 18:01:49,000", "network.sip", "DEBUG", "Action=\"Sent\"");
	lb_frame(&b, "not a sip message at all\n", 1);
	lb_head(&b, "exp-e", "2017-09-19 18:01:49,100", "network.sip", "INFO",
	    "Action=\"Sent\" Detail=\"Sending Request Method=INVITE, CSeq=1\"");
	struct model *m = lb_load(b.s);
	const struct log_file *f = &m->files[0];
	CHECK_INT(f->blocks_seen, 4);
	CHECK_INT(f->blocks_read, 2);
	CHECK_INT(f->blocks_reported, 2);
	CHECK_INT(f->blocks_seen, f->blocks_read + f->blocks_reported);
	CHECK_INT(lb_problems_with(f, "without a network.sip DEBUG entry header"), 1);
	CHECK_INT(f->info_seen, 1);
	CHECK_INT(f->info_reported, 1);
	CHECK_INT(lb_problems_with(f, "INFO summary without a Call-ID"), 1);
	model_free(m);
	sbuf_free(&b);
	free(t);
}

/* A CALL of digits is a call number only; a Call-ID prefix needs six
 * characters and must be unique. */
static void
test_find_call(void)
{
	struct model *m = model_new();
	const char *ids[] = {"5c3fa3ea@x", "5c3fa3eb@x", "d2149ac1@y", "7"};
	for (int i = 0; i < 4; i++) {
		struct call c = {0};
		c.number = (uint32_t)i + 1;
		VEC_PUSH(c.call_ids, c.ncall_ids, c.call_idcap, ids[i]);
		VEC_PUSH(m->calls, m->ncalls, m->callcap, c);
	}
	char err[512];
	CHECK(model_find_call(m, "5", err, sizeof err) == NULL);
	CHECK_STR(err, "no call 5: calls are 1-4");
	CHECK(model_find_call(m, "2", err, sizeof err) == &m->calls[1]);
	CHECK(model_find_call(m, "7", err, sizeof err) == NULL); /* a number, not the Call-ID "7" */
	CHECK(model_find_call(m, "d2149a", err, sizeof err) == &m->calls[2]);
	CHECK(model_find_call(m, "d2149", err, sizeof err) == NULL);
	CHECK(strstr(err, "at least 6 characters") != NULL);
	CHECK(model_find_call(m, "5c3fa3", err, sizeof err) == NULL);
	CHECK(strstr(err, "call 1 (5c3fa3ea@x), call 2 (5c3fa3eb@x)") != NULL);
	CHECK(model_find_call(m, "5c3fa3eb@x", err, sizeof err) == &m->calls[1]);
	model_free(m);
}

T_LIST(T(test_wanted), T(test_prefixes), T(test_folds), T(test_fold_unconfirmed), T(test_utf16),
    T(test_line_map), T(test_field_repairs), T(test_account), T(test_find_call))
