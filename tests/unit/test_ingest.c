/* test_ingest.c - the input seam: the table of formats, fields parsed once
 * at ingest, and every limit reported on its file. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "log_format.h"
#include "log_scan.h"
#include "log_text.h"
#include "logbuild.h"
#include "model.h"
#include "sip.h"
#include "t.h"

/* Returns a new path under the test scratch directory (caller frees). */
static char *
scratch(const char *name)
{
	const char *dir = getenv("XW_TMP") ? getenv("XW_TMP") : "/tmp";
	return xasprintf("%s/ingest-%d-%s", dir, (int)getpid(), name);
}

/* Returns true after writing n bytes of d to a new file at path. */
static bool
write_file(const char *path, const void *d, size_t n)
{
	FILE *fp = fopen(path, "wb");
	bool ok = fp != NULL && fwrite(d, 1, n, fp) == n;
	return fp != NULL && fclose(fp) == 0 && ok;
}



static const char pcap_le[] = "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\1\0\0\0";
static const char pcapng[] = "\x0a\x0d\x0d\x0a\x1c\0\0\0\x4d\x3c\x2b\x1a\1\0\0\0";
static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
static const char log_line[] = "2017-09-19T14:01:48.140-04:00 e tvcs: Event=\"x\" Level=\"1\"\n";

/* Each row recognises its own files, binary magic before text. */
static void
test_sniff(void)
{
	const struct log_format *f;
	CHECK((f = log_format_sniff(pcap_le, sizeof pcap_le - 1)) && strcmp(f->name, "pcap") == 0);
	CHECK((f = log_format_sniff("\xa1\xb2\x3c\x4d", 4)) && strcmp(f->name, "pcap") == 0);
	CHECK((f = log_format_sniff(pcapng, sizeof pcapng - 1)) && strcmp(f->name, "pcapng") == 0);
	CHECK((f = log_format_sniff(pem, strlen(pem))) && strcmp(f->name, "pem-certificate") == 0);
	CHECK((f = log_format_sniff(log_line, strlen(log_line))) && f == log_format_default());
	CHECK((f = log_format_sniff("*c xConfiguration SIP Mode: On\n", 31)) && f->take != NULL);
	/* prose that names xConfiguration is no dump */
	CHECK(log_format_sniff("xConfiguration Zones\n", 21) == NULL);
	CHECK(log_format_sniff("hello\n", 6) == NULL);
	CHECK(log_format_sniff("", 0) == NULL);
	/* a log that quotes a certificate is a log */
	char *both = xasprintf("%s%s", log_line, pem);
	CHECK(log_format_sniff(both, strlen(both)) == log_format_default());
	free(both);
	/* the pcapng block type alone, without its byte-order magic, is text */
	CHECK(log_format_sniff("\n\r\r\nhello there\n", 16) == NULL);
}

/* Through log_load: a capture is read as one (an empty one holds nothing
 * and says nothing wrong); a certificate file that cannot be decoded is
 * reported on an entry of its own; an xConfiguration dump is recorded and
 * accounted for as a file too; a directory's files come in name order. */
static void
test_load_through_table(void)
{
	char *dir = scratch("d"), err[512];
	CHECK(mkdir(dir, 0700) == 0);
	char *cap = xasprintf("%s/a.pcap", dir), *crt = xasprintf("%s/b.pem", dir);
	char *xc = xasprintf("%s/c.txt", dir), *lg = xasprintf("%s/d.log", dir);
	CHECK(write_file(cap, pcap_le, sizeof pcap_le - 1));
	CHECK(write_file(crt, pem, strlen(pem)));
	CHECK(write_file(xc, "*c xConfiguration SIP Mode: On\n", 31));
	CHECK(write_file(lg, log_line, strlen(log_line)));

	struct model *m = model_new();
	CHECK_INT(log_load(m, cap, err, sizeof err), 0);
	CHECK_INT(m->nfiles, 1);
	if (m->nfiles == 1) {
		CHECK(m->files[0].fmt != NULL && strcmp(m->files[0].fmt->name, "pcap") == 0);
		CHECK(m->files[0].ignored == NULL);
		CHECK_INT(m->files[0].nproblems, 0);
		CHECK_INT(m->files[0].sip_messages, 0);
	}
	model_free(m);

	m = model_new();
	CHECK_INT(log_load(m, dir, err, sizeof err), 0);
	CHECK_INT(m->nfiles, 4); /* in name order: capture, certificate, dump, log */
	if (m->nfiles == 4) {
		CHECK(strcmp(m->files[0].fmt->name, "pcap") == 0 && m->files[0].ignored == NULL);
		CHECK(lb_problems_with(&m->files[1], "certificate that cannot be read") == 1);
		CHECK(m->files[2].ignored == NULL && m->files[2].fmt->take != NULL);
		CHECK(m->files[3].fmt == log_format_default() && m->files[3].ignored == NULL);
		CHECK(m->files[3].nproblems == 0);
	}
	CHECK_INT(m->wire.ncerts, 0);
	CHECK_INT(m->nevents, 1);
	CHECK_INT(m->nxconfigs, 1);
	CHECK(m->nxconfigs == 1 && strstr(m->xconfig_texts[0], "SIP Mode") != NULL);
	model_free(m);
	unlink(cap), unlink(crt), unlink(xc), unlink(lg), rmdir(dir);
	free(cap), free(crt), free(xc), free(lg), free(dir);
}

/* Directories nested deeper than LOG_MAX_DEPTH are reported, not dropped. */
static void
test_too_deep(void)
{
	char *path = scratch("deep"), *top = xstrdup(path), err[512];
	for (int i = 0; i <= LOG_MAX_DEPTH + 1; i++) {
		CHECK(mkdir(path, 0700) == 0);
		char *sub = xasprintf("%s/d", path);
		free(path);
		path = sub;
	}
	struct model *m = model_new();
	CHECK_INT(log_load(m, top, err, sizeof err), 0);
	CHECK_INT(m->nfiles, 1);
	CHECK(m->nfiles == 1 && lb_problems_with(&m->files[0], "nested more than") == 1);
	model_free(m);
	free(path);
	char *cmd = xasprintf("rm -rf '%s'", top);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(top);
}

/* Returns a line of random key="value" text over an alphabet that makes
 * keys, quotes, separators and keys inside values likely. */
static void
random_text(unsigned *seed, char *buf, size_t size)
{
	static const char *const bits[] = {"Tag", "Src-ip", "=\"", "\"", " ", ":", "\t", "x",
		"Name=\"", " Tag=\"", "a-b", "B", "=", "_k", "\" Src-ip=\"", "<rule x=\"1\">"};
	size_t n = 0;
	int k = 1 + rand_r(seed) % 24;
	buf[0] = '\0';
	for (int i = 0; i < k; i++) {
		const char *b = bits[rand_r(seed) % (sizeof bits / sizeof bits[0])];
		if (n + strlen(b) + 1 >= size)
			break;
		memcpy(buf + n, b, strlen(b) + 1);
		n += strlen(b);
	}
}

/* The fields parsed at ingest give what log_kv gives on the text, for every
 * key: the first field of a key, those inside other values included. */
static void
test_fields_match_log_kv(void)
{
	static const char *const keys[] = {"Tag", "Src-ip", "Name", "a-b", "B", "_k", "x",
		"Event", "Level"};
	unsigned seed = 7;
	struct sbuf b = {0};
	for (int i = 0; i < 400; i++) {
		char text[256];
		random_text(&seed, text, sizeof text);
		sbuf_printf(&b, "2017-09-19T14:01:48.140-04:00 e tvcs: Event=\"e%d\" %s\n", i, text);
	}
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nevents, 400);
	size_t bad = 0;
	for (size_t i = 0; i < m->nevents; i++) {
		const struct log_event *e = &m->events[i];
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const char *v, *w;
			size_t n = 0, wn = 0;
			bool had = log_kv(e->text, strlen(e->text), keys[k], &v, &n);
			w = model_event_value(e, keys[k], &wn);
			bad += had != (w != NULL) || (had && (v != w || n != wn));
		}
	}
	CHECK_INT(bad, 0);
	model_free(m);
	sbuf_free(&b);
}

/* developer.ssl entries give their addresses and side as fields. */
static void
test_ssl_fields(void)
{
	struct sbuf b = {0};
	lb_head(&b, "e", "2017-09-27 18:31:38,522", "developer.ssl", "ERROR",
	    "TTSSL_continueHandshake: Failed iResult=\"-1\" error=\"5\" bServer=\"true\" "
	    "localAddress=\"['IPv4''TCP''172.16.2.2:5062']\" "
	    "remoteAddress=\"['IPv4''TCP''146.20.193.70:43353']\"");
	lb_head(&b, "e", "2017-09-27 18:31:39,522", "developer.ssl", "ERROR",
	    "bServer=\"false\" remoteAddress=['IPv4''TCP''10.1.1.1:5061']");
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nevents, 2);
	if (m->nevents == 2) {
		size_t n;
		const char *v;
		const struct log_event *e = &m->events[0];
		CHECK((v = model_event_value(e, "ssl.remote.ip", &n)) && n == 13 &&
		    memcmp(v, "146.20.193.70", 13) == 0);
		CHECK((v = model_event_value(e, "ssl.remote.port", &n)) && n == 5 &&
		    memcmp(v, "43353", 5) == 0);
		CHECK((v = model_event_value(e, "ssl.local.port", &n)) && n == 4 &&
		    memcmp(v, "5062", 4) == 0);
		CHECK(model_event_value(e, "ssl.server", &n) != NULL);
		CHECK((v = model_event_value(e, "error", &n)) && v[0] == '5');
		e = &m->events[1]; /* the address unquoted; no local one; not the server */
		CHECK((v = model_event_value(e, "ssl.remote.ip", &n)) && n == 8);
		CHECK(model_event_value(e, "ssl.local.ip", &n) == NULL);
		CHECK(model_event_value(e, "ssl.server", &n) == NULL);
		CHECK(strlen(e->text) < 80); /* the derived fields are not part of the text */
	}
	model_free(m);
	sbuf_free(&b);
}

/* An entry without a single field (the first of its file: no scratch yet). */
static void
test_event_without_fields(void)
{
	struct model *m = lb_load("2017-09-19T14:01:48.140-04:00 e tvcs: UTCTime=\"2017-09-19 "
	    "18:01:48,140\" Module=\"network.dns\" Level=\"INFO\":  no fields here\n");
	CHECK_INT(m->nevents, 1);
	if (m->nevents == 1) {
		size_t n;
		CHECK_INT(m->events[0].nkv, 0);
		CHECK(model_event_value(&m->events[0], "Detail", &n) == NULL);
		CHECK_STR(m->events[0].text, "no fields here");
	}
	model_free(m);
}

/* An entry longer than LOG_MAX_CONT_LINES lines or LOG_MAX_EVENT_TEXT
 * bytes is kept in part and reported. */
static void
test_long_entries(void)
{
	struct sbuf b = {0};
	lb_head(&b, "e", "2017-09-19 18:00:00,000", "network.search", "DEBUG", "Detail=\"lines\"");
	for (int i = 0; i < LOG_MAX_CONT_LINES + 5; i++)
		sbuf_printf(&b, " continuation %d\n", i);
	lb_head(&b, "e", "2017-09-19 18:00:01,000", "network.search", "DEBUG", "Detail=\"ok\"");
	sbuf_puts(&b, " one line\n");
	char *big = xmalloc(LOG_MAX_EVENT_TEXT + 100);
	memset(big, 'x', LOG_MAX_EVENT_TEXT + 99);
	big[LOG_MAX_EVENT_TEXT + 99] = '\0';
	lb_head(&b, "e", "2017-09-19 18:00:02,000", "network.search", "DEBUG", big);
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nevents, 3);
	CHECK_INT(lb_problems_with(&m->files[0], "kept the start of it"), 2);
	CHECK(m->nevents == 3 && strstr(m->events[0].text, "continuation 39") != NULL);
	CHECK(m->nevents == 3 && strstr(m->events[0].text, "continuation 40") == NULL);
	CHECK(m->nevents == 3 && strlen(m->events[2].text) == LOG_MAX_EVENT_TEXT);
	model_free(m);
	free(big);
	sbuf_free(&b);
}

/* A message with more Vias or m= lines than are kept is read, and the cut
 * is reported on its line. */
static void
test_sip_lists_cut(void)
{
	struct sbuf msg = {0}, sdp = {0}, b = {0};
	sbuf_puts(&msg, "INVITE sip:a@b SIP/2.0\n");
	for (int i = 0; i < SIP_MAX_LIST + 3; i++)
		sbuf_printf(&msg, "Via: SIP/2.0/TLS 10.0.0.%d:5061;branch=z9hG4bK%d\n", i % 250, i);
	sbuf_puts(&msg, "From: <sip:a@b>;tag=1\nTo: <sip:c@d>\nCall-ID: cut-1\nCSeq: 1 INVITE\n");
	sbuf_puts(&sdp, "v=0\no=- 1 1 IN IP4 1.1.1.1\ns=-\nc=IN IP4 1.1.1.1\nt=0 0\n");
	for (int i = 0; i < SDP_MAX_MEDIA + 2; i++)
		sbuf_printf(&sdp, "m=audio %d RTP/AVP 0\n", 10000 + i);
	char *full = lb_with_body(msg.s, sdp.s);
	lb_msg(&b, "e", "2017-09-19 18:01:48,140", 1, "10.0.0.1", 5061, "10.0.0.2", 5061, full);
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 1);
	if (m->nmsgs == 1) {
		CHECK_INT(m->msgs[0].sip->nvias, SIP_MAX_LIST);
		CHECK_INT(m->msgs[0].sip->nmedia, SDP_MAX_MEDIA);
	}
	CHECK_INT(lb_problems_with(&m->files[0], "Via headers: kept the first"), 1);
	CHECK_INT(lb_problems_with(&m->files[0], "SDP m= lines: kept the first"), 1);
	model_free(m);
	free(full);
	sbuf_free(&msg);
	sbuf_free(&sdp);
	sbuf_free(&b);
}

/* A framed block longer than LOG_MAX_BLOCK is cut there and reported. */
static void
test_block_cut(void)
{
	struct sbuf b = {0};
	lb_head(&b, "e", "2017-09-19 18:01:48,140", "network.sip", "DEBUG",
	    "Action=\"Sent\" Local-ip=\"10.0.0.1\" Local-port=\"5061\" Dst-ip=\"10.0.0.2\" "
	    "Dst-port=\"5061\"");
	sbuf_puts(&b, " SIPMSG:\n |INVITE sip:a@b SIP/2.0\n");
	while (b.len < LOG_MAX_BLOCK + 4096)
		sbuf_puts(&b, " X-Filler: 0123456789012345678901234567890123456789\n");
	sbuf_puts(&b, " |\n");
	struct model *m = lb_load(b.s);
	CHECK_INT(lb_problems_with(&m->files[0], "longer than"), 1);
	model_free(m);
	sbuf_free(&b);
}

/* The wire text of a message comes from its file's format: none for a file
 * no row read. */
static void
test_raw_through_format(void)
{
	struct sbuf b = {0};
	lb_msg(&b, "e", "2017-09-19 18:01:48,140", 1, "10.0.0.1", 5061, "10.0.0.2", 5061,
	    "OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK1\n"
	    "From: <sip:a@b>;tag=1\nTo: <sip:c@d>\nCall-ID: raw-1\nCSeq: 1 OPTIONS\n"
	    "Content-Length: 0\n");
	struct model *m = lb_load(b.s);
	CHECK_INT(m->nmsgs, 1);
	if (m->nmsgs == 1) {
		size_t n;
		char *raw = sip_raw(m, &m->msgs[0], &n);
		CHECK(raw != NULL && strncmp(raw, "OPTIONS sip:a@b SIP/2.0\r\n", 25) == 0);
		free(raw);
		m->files[0].fmt = NULL;
		CHECK(sip_raw(m, &m->msgs[0], &n) == NULL);
	}
	model_free(m);
	sbuf_free(&b);
}

/* A message read once gives its pages back (sip_raw_once) and reads the
 * same again, from a mapped log: a small one, whose release window is far
 * larger than the file, and every message of an example pair. */
static void
test_raw_released(void)
{
	static const char *const files[] = {"examples/healthy-inbound/expressway-c.log",
	    "examples/healthy-inbound/expressway-e.log"};
	char err[512];
	struct model *m = model_new();
	for (size_t i = 0; i < 2; i++)
		CHECK_INT(log_load(m, files[i], err, sizeof err), 0);
	CHECK(m->nmsgs > 20 && m->nfiles == 2 && m->files[0].map_base != NULL);
	char *keep = xstrdup("a heap block allocated after the mappings");
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < m->nmsgs; k++) {
			size_t n1, n2;
			char *a = sip_raw_once(m, &m->msgs[k], &n1), *b = sip_raw(m, &m->msgs[k], &n2);
			CHECK(a != NULL && b != NULL && n1 == n2 && memcmp(a, b, n1) == 0);
			free(a), free(b);
		}
	CHECK_STR(keep, "a heap block allocated after the mappings");
	free(keep);
	model_free(m);
}

T_LIST(T(test_sniff), T(test_load_through_table), T(test_too_deep), T(test_fields_match_log_kv),
    T(test_ssl_fields), T(test_event_without_fields), T(test_long_entries), T(test_sip_lists_cut), T(test_block_cut),
    T(test_raw_through_format), T(test_raw_released))
