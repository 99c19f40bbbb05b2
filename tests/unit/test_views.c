/* test_views.c - what the views share: measuring, cutting and wrapping text
 * by terminal cells; the ladder's labels (what matters in a message), its
 * narrow layout and legs; the clock every view names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ladder.h"
#include "sip.h"
#include "t.h"
#include "text.h"
#include "view.h"

/* Returns the longest line of s, in cells. */
static size_t
widest(const char *s)
{
	size_t w = 0;
	while (*s) {
		size_t n = strcspn(s, "\n"), c = text_cells(s, n);
		w = c > w ? c : w;
		s += n + (s[n] == '\n');
	}
	return w;
}

static void
test_cells(void)
{
	CHECK_INT(text_cells("abc", 3), 3);
	CHECK_INT(text_cells("\xc3\xa9", 2), 1);              /* e acute */
	CHECK_INT(text_cells("e\xcc\x81", 3), 1);             /* e + combining acute */
	CHECK_INT(text_cells("\xe6\x97\xa5\xe6\x9c\xac", 6), 4); /* two CJK ideographs */
	CHECK_INT(text_cells("\x1b", 1), 2);                  /* shown as ^[ */
	CHECK_INT(text_cells("\xff", 1), 4);                  /* shown as \xff */
	CHECK_INT(text_width("ab\xe6\x97\xa5"), 4);
}

static void
test_cut(void)
{
	struct sbuf b = {0};
	CHECK_INT(text_cut(&b, "abcdef", 6, 4, "~"), 4);
	CHECK_STR(b.s, "abc~");
	b.len = 0;
	CHECK_INT(text_cut(&b, "abcd", 4, 4, "~"), 4);
	CHECK_STR(b.s, "abcd");
	b.len = 0; /* a wide character that does not fit is left out whole */
	CHECK_INT(text_cut(&b, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 4, "~"), 3);
	CHECK_STR(b.s, "\xe6\x97\xa5~");
	b.len = 0; /* log text is made safe before it is measured */
	CHECK_INT(text_cut(&b, "\x1b[31mred", 8, 5, "~"), 5);
	CHECK_STR(b.s, "^[[3~");
	sbuf_free(&b);
}

static void
test_wrap(void)
{
	struct sbuf b = {0};
	text_wrap(&b, "aaa bbb ccc", 0, 8, 2);
	CHECK_STR(b.s, "aaa bbb\n  ccc\n");
	b.len = 0;
	text_wrap(&b, "abcdefghijklmnopqrst uv", 4, 12, 0); /* a word too long is cut */
	CHECK_STR(b.s, "abcdefgh\nijklmnopqrst\nuv\n");
	b.len = 0;
	/* blanks wider than the line (found by fuzz_text): what leaves the word room */
	text_wrap(&b, "                                     x", 3, 16, 4);
	CHECK_STR(b.s, "            x\n");
	b.len = 0;
	const char *s = "the INVITE (CSeq 101) never got a final response in these logs; "
	    "the last hop it was seen on is Expressway 10.81.54.102";
	for (size_t w = 15; w < 90; w += 7) { /* at least the indent and 8 */
		b.len = 0;
		sbuf_puts(&b, "  fix: ");
		text_wrap(&b, s, 7, w, 7);
		CHECK(widest(b.s) <= w);
		CHECK(b.s[b.len - 1] == '\n' && strstr(b.s, "\n ") != NULL);
	}
	/* a path too long is cut after a '/', so its file:line stays whole, at
	 * any width; with no '/' that fits, where the line ends */
	for (size_t w = 24; w < 60; w += 5) {
		b.len = 0;
		sbuf_puts(&b, "evidence: ");
		text_wrap(&b, "/check/work/main/tests/data/real-logs/mra_x8.11.txt:833", 10, w, 4);
		CHECK(widest(b.s) <= w && strstr(b.s, "mra_x8.11.txt:833\n") != NULL);
	}
	b.len = 0;
	text_wrap(&b, "/abcdefghijklmnop", 0, 10, 0);
	CHECK_STR(b.s, "/abcdefghi\njklmnop\n");
	b.len = 0;
	text_wrap(&b, "a\x1b[2Jb", 0, 80, 0);
	CHECK_STR(b.s, "a^[[2Jb\n");
	sbuf_free(&b);
}

/* A loaded example. */
struct ex {
	struct cmd_common co;
	struct model *m;
};

/* Returns true after loading the example directory dir. */
static bool
ex_open(struct ex *e, const char *dir)
{
	char *paths[] = {(char *)dir};
	memset(e, 0, sizeof *e);
	e->co.quiet = true;
	e->m = cmd_load(paths, 1, &e->co);
	return e->m != NULL;
}

static void
ex_close(struct ex *e)
{
	if (e->m != NULL)
		model_free(e->m);
	cmd_common_free(&e->co);
}

/* Returns true when some arrow of the first call of e has label want. */
static bool
has_label(const struct ex *e, const char *want, bool telling)
{
	struct ladder_layout l;
	bool found = false;
	ladder_layout(&l, e->m, NULL, &e->m->calls[0], LADDER_ALL);
	for (size_t i = 0; i < e->m->calls[0].narrows; i++)
		if (strcmp(l.labels[i], want) == 0 && l.telling[i] == telling)
			found = true;
	ladder_layout_free(&l);
	return found;
}

static void
test_labels(void)
{
	struct ex e;
	CHECK_STR(sip_default_phrase(404), "Not Found");
	CHECK(sip_default_phrase(999) == NULL);
	if (ex_open(&e, "examples/sdp-codec-mismatch/")) {
		CHECK(has_label(&e, "BYE (Q.850 47 Resource unavailable)", true));
		CHECK(has_label(&e, "200 OK (audio refused)", true));
		CHECK(has_label(&e, "INVITE (SDP: G729)", false));
		CHECK(has_label(&e, "180 Ringing", false));
	}
	ex_close(&e);
	if (ex_open(&e, "examples/preloaded-route-rejected/"))
		CHECK(has_label(&e, "404 Policy Response", true));
	ex_close(&e);
	if (ex_open(&e, "examples/q850-cause/")) /* one word before it: kept whole */
		CHECK(has_label(&e, "BYE (Q.850 31 Normal, unspecified)", true));
	ex_close(&e);
}

static void
test_narrow_layout(void)
{
	struct ex e;
	if (!ex_open(&e, "examples/sdp-codec-mismatch/"))
		return;
	struct ladder_layout l;
	const struct call *c = &e.m->calls[0];
	ladder_layout(&l, e.m, &e.co.diag, c, LADDER_FOLD);
	CHECK_INT(l.ncols, 4);
	CHECK_INT(ladder_squeeze(&l, 400, 10, 40), ladder_fit(&l, 10, 40)); /* room: as wide as labels */
	CHECK_INT(ladder_squeeze(&l, 64, 10, 40), 16);
	CHECK_INT(l.merged, 0);
	struct sbuf b = {0};
	size_t bye = 0;
	for (size_t i = 0; i < c->narrows; i++)
		if (strncmp(l.labels[i], "BYE (Q.850", 10) == 0)
			bye = i;
	CHECK(ladder_fit_label(&b, &l, bye, 12, "~", false) == LF_CUT_TELL);
	CHECK_STR(b.s, "BYE (Q.850 ~");
	b.len = 0;
	CHECK(ladder_fit_label(&b, &l, bye, 60, "~", false) == LF_WHOLE);
	CHECK_INT(ladder_squeeze(&l, 25, 10, 40), 10); /* two columns fit: the rest merged */
	CHECK_INT(l.ncols, 2);
	CHECK_INT(l.merged, 3);
	CHECK_STR(l.cols[1].name, "3 others");
	for (size_t i = 0; i < l.nsteps; i++)
		CHECK(l.steps[i].from < 2 && l.steps[i].to < 2);
	sbuf_free(&b);
	ladder_layout_free(&l);
	ex_close(&e);
}

static void
test_legs_and_clock(void)
{
	struct ex e;
	if (!ex_open(&e, "examples/session-id-legs/"))
		return;
	const struct call *c = &e.m->calls[0];
	struct ladder_layout l;
	ladder_layout(&l, e.m, NULL, c, LADDER_ALL);
	CHECK_INT(l.nlegs, 2);
	size_t b = 0;
	for (size_t i = 0; i < c->narrows; i++)
		b += l.legs[i] == 1;
	CHECK(b > 0 && b < c->narrows);
	CHECK(ladder_leg_letter(0) == 'A' && ladder_leg_letter(1) == 'B' && ladder_leg_letter(40) == '*');
	CHECK_STR(ladder_leg_rule(c, 1), "session-id");
	CHECK_STR(ladder_leg_rule(c, 0), "the call's own");
	ladder_layout_free(&l);
	struct sbuf t = {0};
	/* the reference clock is the Expressway-E's (the one with most paired messages) */
	view_clock(&t, e.m, c);
	CHECK_STR(t.s, "times on amer-expressway01, others corrected by the estimated skew");
	ex_close(&e);
	t.len = 0;
	if (ex_open(&e, "examples/tls-untrusted-ca/")) {
		view_clock(&t, e.m, NULL);
		CHECK_STR(t.s, "times as logged by amer-expressway01");
	}
	sbuf_free(&t);
	ex_close(&e);
}

/* The text of show at width w for the first call of e (the caller frees it). */
static char *
show_text(const struct ex *e, int w)
{
	struct sbuf b = {0};
	struct ladder_opts o = {.width = w, .d = &e->co.diag, .others = true};
	ladder_text(&b, e->m, &e->m->calls[0], &o);
	return sbuf_take(&b);
}

static void
test_show_fits(void)
{
	static const char *const dirs[] = {"examples/sdp-codec-mismatch/",
	    "examples/session-id-legs/", "examples/cucm-message-too-large/",
	    "examples/contact-param-stripped/"};
	for (size_t k = 0; k < sizeof dirs / sizeof dirs[0]; k++) {
		struct ex e;
		if (!ex_open(&e, dirs[k]))
			continue;
		for (int w = 40; w <= 200; w += 20) {
			char *s = show_text(&e, w);
			CHECK(widest(s) <= (size_t)w);
			CHECK(strstr(s, "\nFindings:\n") != NULL || e.co.diag.n == 0 ||
			    diag_call_worst(&e.co.diag, 0) < 0);
			free(s);
		}
		ex_close(&e);
	}
}

/* Returns the call of e whose first request is meth and whose number is
 * the lowest such, or NULL. */
static const struct call *
call_of(const struct ex *e, const char *meth, size_t skip)
{
	for (size_t i = 0; i < e->m->ncalls; i++)
		if (e->m->calls[i].method != NULL && strcmp(e->m->calls[i].method, meth) == 0 &&
		    skip-- == 0)
			return &e->m->calls[i];
	return NULL;
}

/* Returns the column of the machine named name in l, or -1. */
static int
col_named(const struct ladder_layout *l, const char *name)
{
	for (size_t i = 0; i < l->ncols; i++)
		if (strcmp(l->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A capture's TCP call: the connection's SYN and SYN/ACK before the
 * INVITE, its FINs after the last 200 OK, between the call's columns and
 * in time order; none without LADDER_CONNS; show fits every width. */
static void
test_conn_rows(void)
{
	struct ex e;
	if (!ex_open(&e, "tests/data/captures/sip-tcp-call.pcap"))
		return;
	const struct call *c = call_of(&e, "INVITE", 0);
	CHECK(c != NULL);
	struct ladder_layout l;
	ladder_layout(&l, e.m, &e.co.diag, c, LADDER_ALL);
	CHECK_INT(l.nconns, 0);
	CHECK_INT(l.nsteps, c->narrows);
	ladder_layout_free(&l);
	ladder_layout(&l, e.m, &e.co.diag, c, LADDER_ALL | LADDER_CONNS);
	int cm = col_named(&l, "CUCM 192.168.1.21"), xc = col_named(&l, "192.168.1.5");
	CHECK(cm >= 0 && xc >= 0 && l.ncols == 2);
	CHECK_INT(l.nconns, 4);
	CHECK_INT(l.nsteps, c->narrows + 4);
	static const char *const want[] = {"TCP SYN", "TCP SYN/ACK", "INVITE", "100", "180",
	    "200", "ACK", "BYE", "200", "TCP FIN", "TCP FIN"};
	for (size_t i = 0; i < l.nsteps && i < sizeof want / sizeof want[0]; i++) {
		const struct ladder_step *st = &l.steps[i];
		const char *lab = ladder_step_label(&l, st);
		CHECK(strncmp(lab, want[i], strlen(want[i])) == 0);
		CHECK(st->conn == (strncmp(want[i], "TCP", 3) == 0));
		CHECK(i == 0 || st->t >= l.steps[i - 1].t);
		CHECK(i == 0 || st->dt == st->t - l.steps[i - 1].t);
	}
	CHECK(l.steps[0].from == cm && l.steps[0].to == xc);  /* the CM connects */
	CHECK(l.steps[1].from == xc && l.steps[1].to == cm);
	CHECK(l.steps[9].from == cm && l.steps[10].from == xc); /* the CM closes first */
	CHECK(l.conns[0].finding == -1 && l.conns[0].count == 1);
	CHECK_INT(e.m->wire.steps[l.conns[0].step].packet, 3);
	ladder_layout_free(&l);
	for (int w = 40; w <= 200; w += 20) {
		struct sbuf b = {0};
		struct ladder_opts o = {.width = w, .d = &e.co.diag};
		ladder_text(&b, e.m, c, &o);
		CHECK(widest(b.s) <= (size_t)w);
		CHECK(strstr(b.s, "TCP SYN/ACK") != NULL);
		sbuf_free(&b);
	}
	ex_close(&e);
}

/* A finding of a call citing a packet of a connection that did not carry
 * it: that connection's rows are shown, the cited one marked. */
static void
test_conn_cited(void)
{
	struct ex e;
	if (!ex_open(&e, "tests/data/captures/sip-ipv6.pcapng"))
		return;
	const struct call *udp = call_of(&e, "INVITE", 0);
	struct ladder_layout l;
	CHECK(udp != NULL && e.m->wire.nconns == 1);
	if (udp == NULL || e.m->wire.nconns != 1) {
		ex_close(&e);
		return;
	}
	ladder_layout(&l, e.m, NULL, udp, LADDER_ALL | LADDER_CONNS);
	CHECK_INT(l.nconns, 0); /* over UDP: no connection carried it */
	ladder_layout_free(&l);
	struct diag_result r = {0};
	struct diag_finding f = {.id = "tcp-syn-unanswered", .severity = DIAG_ERROR,
	    .call = (int)(udp - e.m->calls), .arrow = -1, .host = -1, .summary = "s", .fix = "f"};
	f.ev = xcalloc(1, sizeof *f.ev);
	f.ev[0] = (struct diag_evidence){e.m->files[e.m->wire.conns[0].file].path, 12, true,
	    "TCP SYN", -1};
	f.nev = f.evcap = 1;
	VEC_PUSH(r.f, r.n, r.cap, f);
	diag_index_build(e.m, &r);
	ladder_layout(&l, e.m, &r, udp, LADDER_ALL | LADDER_CONNS);
	CHECK(l.nconns >= 2);
	CHECK(l.nconns > 0 && strcmp(l.conns[0].label, "TCP SYN") == 0 && l.conns[0].finding == 0);
	for (size_t i = 1; i < l.nconns; i++)
		CHECK(l.conns[i].finding == -1);
	for (size_t v = 0; v < l.nsteps; v++)
		if (l.steps[v].conn && l.steps[v].ai == 0)
			CHECK(l.steps[v].from == col_named(&l, "CUCM 2001:db8:1::21") &&
			    l.steps[v].to == col_named(&l, "2001:db8:1::5"));
	ladder_layout_free(&l);
	struct sbuf b = {0};
	struct ladder_opts o = {.width = 100, .d = &r};
	ladder_text(&b, e.m, udp, &o);
	const char *syn = strstr(b.s, "TCP SYN "), *bol = syn;
	while (bol != NULL && bol > b.s && bol[-1] != '\n')
		bol--;
	CHECK(bol != NULL && bol[2] == diag_marker("tcp-syn-unanswered")); /* marked in the margin */
	sbuf_free(&b);
	diag_result_free(&r);
	ex_close(&e);
}

T_LIST(T(test_cells), T(test_cut), T(test_wrap), T(test_labels), T(test_narrow_layout),
    T(test_legs_and_clock), T(test_show_fits), T(test_conn_rows), T(test_conn_cited))
