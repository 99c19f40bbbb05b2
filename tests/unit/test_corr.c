/* test_corr.c - correlation: roles, twins across two logs, skew, legs, ladders. */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "ladder.h"
#include "log.h"
#include "logbuild.h"
#include "t.h"

static const char *SESS_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
static const char *SESS_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";

/* Returns a request or response of Call-ID cid with the given first line,
 * top Via and Session-ID (caller frees). */
static char *
msg(const char *first, const char *via, const char *cid, const char *cseq, const char *agent,
    const char *local, const char *remote)
{
	return xasprintf("%s\nVia: %s\nCall-ID: %s\nCSeq: %s\nFrom: <sip:alice@example.call.ciscospark.com>;tag=1\n"
	    "To: <sip:bob@rtp.example.com>\nContact: <sip:x@10.9.9.9>\n%s\nSession-ID: %s;remote=%s\n"
	    "Content-Length: 0\n\n", first, via, cid, cseq, agent, local, remote);
}

/* The two logs of one inbound call: Webex -> E -> C -> Unified CM, where the
 * C's clock is 350 ms ahead and the C->CUCM leg has its own Call-ID joined
 * to the first only by Session-ID. */
static void
build(struct sbuf *e, struct sbuf *c)
{
	const char *z = "00000000000000000000000000000000";
	char *inv_w = msg("INVITE sip:bob@rtp.example.com SIP/2.0", "SIP/2.0/TLS 192.168.5.1:5062;branch=z9hG4bKw1",
	    "X@127.0.0.1", "1 INVITE", "User-Agent: Cisco-L2SIP", SESS_A, z);
	char *inv_ec = msg("INVITE sip:bob@rtp.example.com SIP/2.0",
	    "SIP/2.0/TLS 192.168.1.6:7003;egress-zone=Trav;branch=z9hG4bKe1;proxy-call-id=pe1",
	    "X@127.0.0.1", "1 INVITE", "User-Agent: TANDBERG/4352", SESS_A, z);
	char *inv_cu = msg("INVITE sip:bob@rtp.example.com SIP/2.0",
	    "SIP/2.0/TCP 192.168.1.5:5060;egress-zone=CUCM;branch=z9hG4bKc1;proxy-call-id=pc1",
	    "Y@192.168.1.5", "1 INVITE", "User-Agent: TANDBERG/4352", SESS_A, z);
	char *ok_cu = msg("SIP/2.0 200 OK", "SIP/2.0/TCP 192.168.1.5:5060;branch=z9hG4bKc1;proxy-call-id=pc1",
	    "Y@192.168.1.5", "1 INVITE", "Server: Cisco-CUCM11.5", SESS_B, SESS_A);
	char *ok_ce = msg("SIP/2.0 200 OK", "SIP/2.0/TLS 192.168.1.6:7003;branch=z9hG4bKe1;proxy-call-id=pe1",
	    "X@127.0.0.1", "1 INVITE", "Server: TANDBERG/4135", SESS_B, SESS_A);
	char *ok_ew = msg("SIP/2.0 200 OK", "SIP/2.0/TLS 192.168.5.1:5062;branch=z9hG4bKw1",
	    "X@127.0.0.1", "1 INVITE", "Server: TANDBERG/4135", SESS_B, SESS_A);
	char *opt = msg("OPTIONS sip:192.168.1.6:7003 SIP/2.0", "SIP/2.0/TLS 192.168.1.5:25001;branch=z9hG4bKo",
	    "opt@192.168.1.5", "5 OPTIONS", "User-Agent: TANDBERG/4352", z, z);
	lb_msg(e, "exp-e", "2017-09-19 18:00:00,000", 0, "172.16.2.2", 5062, "146.20.193.73", 40342, inv_w);
	lb_msg(e, "exp-e", "2017-09-19 18:00:00,100", 1, "192.168.1.6", 7003, "192.168.1.5", 26686, inv_ec);
	lb_msg(c, "exp-c", "2017-09-19 18:00:00,452", 0, "192.168.1.5", 26686, "192.168.1.6", 7003, inv_ec);
	lb_msg(c, "exp-c", "2017-09-19 18:00:00,500", 1, "192.168.1.5", 25606, "192.168.1.21", 5065, inv_cu);
	lb_msg(c, "exp-c", "2017-09-19 18:00:01,500", 0, "192.168.1.5", 25606, "192.168.1.21", 5065, ok_cu);
	lb_msg(c, "exp-c", "2017-09-19 18:00:01,550", 1, "192.168.1.5", 26686, "192.168.1.6", 7003, ok_ce);
	lb_msg(e, "exp-e", "2017-09-19 18:00:01,202", 0, "192.168.1.6", 7003, "192.168.1.5", 26686, ok_ce);
	lb_msg(e, "exp-e", "2017-09-19 18:00:01,250", 1, "172.16.2.2", 5062, "146.20.193.73", 40342, ok_ew);
	lb_msg(c, "exp-c", "2017-09-19 18:00:05,350", 1, "192.168.1.5", 25001, "192.168.1.6", 7003, opt);
	lb_msg(e, "exp-e", "2017-09-19 18:00:05,002", 0, "192.168.1.6", 7003, "192.168.1.5", 25001, opt);
	free(inv_w); free(inv_ec); free(inv_cu); free(ok_cu); free(ok_ce); free(ok_ew); free(opt);
}

/* Returns the correlated model of the two logs (C first, to test order). */
static struct model *
load(struct sbuf *e, struct sbuf *c)
{
	struct model *m = model_new();
	log_load_memory(m, "c.log", c->s, c->len);
	log_load_memory(m, "e.log", e->s, e->len);
	char err[128];
	struct corr_opts o = {0};
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	return m;
}

static int
host_named(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nhosts; i++)
		if (strcmp(m->hosts[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
test_roles_and_machines(void)
{
	struct sbuf e = {0}, c = {0};
	build(&e, &c);
	struct model *m = load(&e, &c);
	int he = host_named(m, "exp-e"), hc = host_named(m, "exp-c");
	CHECK(he >= 0 && hc >= 0);
	CHECK_INT(m->hosts[he].role, ROLE_EXPRESSWAY_E);
	CHECK_INT(m->hosts[hc].role, ROLE_EXPRESSWAY_C);
	bool webex = false, cucm = false;
	for (size_t i = 0; i < m->nmachines; i++) {
		webex |= m->machines[i].kind == MACH_WEBEX;
		cucm |= m->machines[i].kind == MACH_CUCM;
	}
	CHECK(webex);
	CHECK(cucm);
	model_free(m);
	sbuf_free(&e);
	sbuf_free(&c);
}

static void
test_twins_skew_and_legs(void)
{
	struct sbuf e = {0}, c = {0};
	build(&e, &c);
	struct model *m = load(&e, &c);
	CHECK_INT(m->nmsgs, 10);
	CHECK_INT(m->ncalls, 2);
	const struct call *k = &m->calls[0];
	CHECK_INT(k->ncall_ids, 2);
	CHECK_STR(k->call_ids[0], "X@127.0.0.1");
	CHECK(k->nlinks == 1 && strcmp(k->links[0].by, "session-id") == 0);
	CHECK_INT(k->nmsgs, 8);
	CHECK_INT(k->narrows, 6); /* two messages crossed E<->C and were logged twice */
	CHECK_INT(k->final_status, 200);
	CHECK(!k->options_only);
	CHECK(m->calls[1].options_only);
	int hc = host_named(m, "exp-c");
	/* C's clock is 350 ms ahead (2 ms on the wire each way) */
	int64_t skew = m->skew[hc] - m->skew[host_named(m, "exp-e")];
	CHECK(skew >= 345 && skew <= 355);
	for (size_t i = 1; i < k->narrows; i++)
		CHECK(k->arrows[i].t >= k->arrows[i - 1].t);
	struct ladder_layout l;
	ladder_layout(&l, m, NULL, k, LADDER_FOLD);
	CHECK_INT(l.ncols, 4);
	if (l.ncols == 4) {
		CHECK_INT(m->machines[l.cols[0].mach].kind, MACH_WEBEX);
		CHECK_STR(l.cols[1].name, "exp-e");
		CHECK_STR(l.cols[1].role, "expressway-e");
		CHECK_STR(l.cols[2].name, "exp-c");
		CHECK_INT(m->machines[l.cols[3].mach].kind, MACH_CUCM);
	}
	CHECK_INT(l.nsteps + l.folded, k->narrows);
	for (size_t i = 0; i < l.nsteps; i++)
		CHECK(l.steps[i].from >= 0 && l.steps[i].to >= 0 && l.labels[l.steps[i].ai] != NULL);
	ladder_layout_free(&l);
	model_free(m);
	sbuf_free(&e);
	sbuf_free(&c);
}

static void
test_role_override(void)
{
	struct sbuf e = {0}, c = {0};
	build(&e, &c);
	struct model *m = model_new();
	log_load_memory(m, "e.log", e.s, e.len);
	const char *roles[] = {"exp-e=c"};
	struct corr_opts o = {roles, 1};
	char err[128];
	CHECK_INT(corr_build(m, &o, err, sizeof err), 0);
	CHECK_INT(m->hosts[0].role, ROLE_EXPRESSWAY_C);
	model_free(m);
	m = model_new();
	const char *bad[] = {"exp-e=x"};
	struct corr_opts ob = {bad, 1};
	CHECK_INT(corr_build(m, &ob, err, sizeof err), -1);
	model_free(m);
	sbuf_free(&e);
	sbuf_free(&c);
}

static void
test_find_call(void)
{
	struct sbuf e = {0}, c = {0};
	build(&e, &c);
	struct model *m = load(&e, &c);
	char err[128];
	CHECK(model_find_call(m, "1", err, sizeof err) == &m->calls[0]);
	CHECK(model_find_call(m, "Y@192.168.1.5", err, sizeof err) == &m->calls[0]);
	CHECK(model_find_call(m, "opt@192", err, sizeof err) == &m->calls[1]);
	CHECK(model_find_call(m, "opt", err, sizeof err) == NULL); /* under 6 characters */
	CHECK(model_find_call(m, "3", err, sizeof err) == NULL);    /* a number only */
	CHECK(model_find_call(m, "nope", err, sizeof err) == NULL);
	model_free(m);
	sbuf_free(&e);
	sbuf_free(&c);
}

T_LIST(T(test_roles_and_machines), T(test_twins_skew_and_legs), T(test_role_override),
    T(test_find_call))
