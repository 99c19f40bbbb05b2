/* corr_calls.c - grouping Call-IDs into calls, and each call's ladder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "log.h"
#include "sip.h"
#include "smap.h"

/* Union-find over Call-IDs, with the rule that first linked each one. */
struct legs {
	struct smap cid;      /* Call-ID -> leg index */
	struct smap keys;     /* link key -> leg index */
	const char **ids;
	int *parent;
	const char **by;
	size_t n, cap, pcap, bcap;
};

static int
find(struct legs *l, int i)
{
	while (l->parent[i] != i) {
		l->parent[i] = l->parent[l->parent[i]];
		i = l->parent[i];
	}
	return i;
}

static void
unite(struct legs *l, int a, int b, const char *rule)
{
	int ra = find(l, a), rb = find(l, b);
	if (ra == rb)
		return;
	l->parent[rb] = ra;
	if (l->by[b] == NULL)
		l->by[b] = rule;
	if (l->by[a] == NULL)
		l->by[a] = rule;
}

/* Returns the leg index of a Call-ID, adding it when new. */
static int
leg(struct legs *l, const char *id)
{
	int i = smap_get(&l->cid, id, -1);
	if (i >= 0)
		return i;
	VEC_PUSH(l->ids, l->n, l->cap, id);
	i = (int)l->n - 1;
	size_t pn = (size_t)i, bn = (size_t)i;
	VEC_PUSH(l->parent, pn, l->pcap, i);
	VEC_PUSH(l->by, bn, l->bcap, NULL);
	smap_put(&l->cid, id, i);
	return i;
}

/* Joins leg i with whatever leg first used key (kind prefix + value). */
static void
link_key(struct model *m, struct legs *l, int i, const char *kind, const char *v,
    const char *rule)
{
	if (v == NULL || *v == '\0')
		return;
	char buf[256];
	snprintf(buf, sizeof buf, "%s%s", kind, v);
	const char *k = strpool_str(m->pool, buf);
	int j = smap_get(&l->keys, k, -1);
	if (j < 0)
		smap_put(&l->keys, k, i);
	else
		unite(l, j, i, rule);
}

static bool
null_uuid(const char *u)
{
	if (u == NULL)
		return true;
	for (; *u; u++)
		if (*u != '0')
			return false;
	return true;
}

/* Adds the link keys of one message: Session-ID pair, proxy-call-ids, tag. */
static void
link_message(struct model *m, struct legs *l, const struct sip_msg *s, int i)
{
	const char *a = null_uuid(s->session_local) ? NULL : s->session_local;
	const char *b = null_uuid(s->session_remote) ? NULL : s->session_remote;
	char pair[160];
	if (a && b)
		snprintf(pair, sizeof pair, "%s|%s", strcmp(a, b) < 0 ? a : b, strcmp(a, b) < 0 ? b : a);
	else
		snprintf(pair, sizeof pair, "%s", a ? a : b ? b : "");
	link_key(m, l, i, "S:", pair, "session-id");
	for (int v = 0; v < s->nvias; v++)
		link_key(m, l, i, "P:", s->vias[v].proxy_call_id, "proxy-call-id");
	link_key(m, l, i, "T:", s->taatag, "tag");
}

/* Returns a pooled copy of an Event entry's field, or NULL. */
static const char *
event_field(struct model *m, const struct log_event *e, const char *key)
{
	const char *v;
	size_t n;
	if (!log_kv(e->text, strlen(e->text), key, &v, &n) || n == 0)
		return NULL;
	return strpool_intern(m->pool, v, n);
}

/* Returns the leg an event names through its serial number or tag, or -1. */
static int
event_leg(struct model *m, struct legs *l, const struct log_event *e, bool join)
{
	if (e->kind != EV_EVENT)
		return -1;
	char buf[256];
	const char *serial = event_field(m, e, "Call-serial-number");
	const char *tag = event_field(m, e, "Tag");
	int a = -1, b = -1;
	if (serial != NULL) {
		snprintf(buf, sizeof buf, "P:%s", serial);
		a = smap_get(&l->keys, buf, -1);
	}
	if (tag != NULL) {
		snprintf(buf, sizeof buf, "T:%s", tag);
		b = smap_get(&l->keys, buf, -1);
	}
	if (join && a >= 0 && b >= 0)
		unite(l, a, b, "tag"); /* the Expressway says serial and tag are one call */
	return a >= 0 ? a : b;
}

/* Orders message indices by corrected time, then by log order. */
static int
msg_cmp(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct sip_msg *x = &m->msgs[*(const uint32_t *)a];
	const struct sip_msg *y = &m->msgs[*(const uint32_t *)b];
	if (x->ctime != y->ctime)
		return x->ctime < y->ctime ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static void
add_unique(const char ***arr, size_t *n, size_t *cap, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i], s) == 0)
			return;
	VEC_PUSH(*arr, *n, *cap, s);
}

/* Fills the summary fields of a call from its sorted messages. */
static void
summarise(struct model *m, struct call *c)
{
	const struct sip_msg *first = NULL, *ok = NULL, *last_final = NULL;
	for (size_t i = 0; i < c->nmsgs && first == NULL; i++)
		if (m->msgs[c->msgs[i]].is_request)
			first = &m->msgs[c->msgs[i]];
	const char *meth = first && first->method ? first->method : "INVITE";
	c->options_only = true;
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		c->host_mask |= 1u << (s->host & 31);
		if (!s->method || strcmp(s->method, "OPTIONS") != 0)
			c->options_only = false;
		/* the final answer to the call's first request (its INVITE, mostly) */
		if (!s->is_request && s->status >= 200 && s->method && strcmp(s->method, meth) == 0) {
			last_final = s;
			if (ok == NULL && s->status < 300)
				ok = s;
		}
		if (!null_uuid(s->session_local))
			add_unique(&c->session_ids, &c->nsession_ids, &c->sessioncap, s->session_local);
		if (!null_uuid(s->session_remote))
			add_unique(&c->session_ids, &c->nsession_ids, &c->sessioncap, s->session_remote);
	}
	if (first == NULL)
		first = &m->msgs[c->msgs[0]];
	c->start = m->msgs[c->msgs[0]].ctime;
	c->end = m->msgs[c->msgs[c->nmsgs - 1]].ctime;
	c->from = first->from_uri;
	c->to = first->to_uri ? first->to_uri : first->ruri;
	c->method = first->method;
	c->final_status = ok ? ok->status : last_final ? last_final->status : 0;
	/* the call's own Call-ID is the one of its first request */
	for (size_t i = 1; i < c->ncall_ids; i++)
		if (strcmp(c->call_ids[i], first->call_id) == 0) {
			c->call_ids[i] = c->call_ids[0];
			c->call_ids[0] = first->call_id;
		}
}

/* Returns true when an earlier arrow of the call carried the same message. */
static bool
seen_before(struct model *m, const struct call *c, size_t upto, const struct sip_msg *s)
{
	/* look back a little: retransmissions follow their original closely */
	size_t from = upto > 64 ? upto - 64 : 0;
	for (size_t i = from; i < upto; i++) {
		const struct sip_msg *p = &m->msgs[c->arrows[i].msg];
		if (p->cseq == s->cseq && p->status == s->status && p->from_mach == s->from_mach &&
		    p->to_mach == s->to_mach && p->is_request == s->is_request &&
		    strcmp(p->call_id, s->call_id) == 0 && p->method && s->method &&
		    strcmp(p->method, s->method) == 0 && p->nvias && s->nvias &&
		    p->vias[0].branch && s->vias[0].branch &&
		    strcmp(p->vias[0].branch, s->vias[0].branch) == 0)
			return true;
	}
	return false;
}

/* Builds the ladder: one arrow per wire message (twins merged). */
static void
build_arrows(struct model *m, struct call *c)
{
	c->arrows = xcalloc(c->nmsgs + 1, sizeof *c->arrows);
	c->narrows = 0;
	for (size_t i = 0; i < c->nmsgs; i++) {
		struct sip_msg *s = &m->msgs[c->msgs[i]];
		if (s->twin >= 0 && !s->twin_primary)
			continue;
		struct call_arrow *a = &c->arrows[c->narrows];
		a->msg = c->msgs[i];
		a->twin = s->twin;
		a->from = s->from_mach;
		a->to = s->to_mach;
		a->t = s->ctime;
		a->same_host = a->from == a->to;
		s->retrans = seen_before(m, c, c->narrows, s);
		if (s->twin >= 0)
			m->msgs[s->twin].retrans = s->retrans;
		c->narrows++;
	}
}

/* Returns the legs of every message and event, joined. */
static void
collect_legs(struct model *m, struct legs *l)
{
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		int li = leg(l, s->call_id);
		if (!s->method || strcmp(s->method, "OPTIONS") != 0)
			link_message(m, l, s, li);
	}
	for (size_t i = 0; i < m->nevents; i++)
		event_leg(m, l, &m->events[i], true);
}

struct root_start {
	int root;
	bool keepalive;          /* only OPTIONS: numbered after the real calls */
	xw_time start;
};

static int
start_cmp(const void *a, const void *b)
{
	const struct root_start *x = a, *y = b;
	if (x->keepalive != y->keepalive)
		return x->keepalive ? 1 : -1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->root - y->root;
}

/* Returns, per leg root, the index of its call: calls numbered by start time,
 * OPTIONS keepalives after them, so call 1 is the first real call. */
static int *
number_calls(struct model *m, struct legs *l)
{
	struct root_start *rs = xcalloc(l->n + 1, sizeof *rs);
	for (size_t i = 0; i < l->n; i++) {
		rs[i].root = (int)i;
		rs[i].start = INT64_MAX;
		rs[i].keepalive = true;
	}
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		int r = find(l, smap_get(&l->cid, s->call_id, 0));
		if (s->ctime < rs[r].start)
			rs[r].start = s->ctime;
		if (s->method == NULL || strcmp(s->method, "OPTIONS") != 0)
			rs[r].keepalive = false;
	}
	qsort(rs, l->n, sizeof *rs, start_cmp);
	int *callof = xcalloc(l->n + 1, sizeof *callof);
	for (size_t i = 0; i < l->n; i++)
		callof[i] = -1;
	for (size_t i = 0; i < l->n && rs[i].start != INT64_MAX; i++) {
		struct call c = {0};
		c.number = (uint32_t)m->ncalls + 1;
		VEC_PUSH(m->calls, m->ncalls, m->callcap, c);
		callof[rs[i].root] = (int)m->ncalls - 1;
	}
	free(rs);
	return callof;
}

/* Adds every leg's Call-ID and the rule that linked it to its call. */
static void
add_legs(struct model *m, struct legs *l, const int *callof)
{
	for (size_t i = 0; i < l->n; i++) {
		int ci = callof[find(l, (int)i)];
		if (ci < 0)
			continue;
		struct call *c = &m->calls[ci];
		VEC_PUSH(c->call_ids, c->ncall_ids, c->call_idcap, l->ids[i]);
	}
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		struct call *c = &m->calls[ci];
		summarise(m, c);
		for (size_t k = 1; k < c->ncall_ids; k++) {
			int li = smap_get(&l->cid, c->call_ids[k], 0);
			struct call_link lk = {c->call_ids[k], l->by[li] ? l->by[li] : "session-id"};
			VEC_PUSH(c->links, c->nlinks, c->linkcap, lk);
		}
	}
}

void
corr_calls(struct model *m)
{
	struct legs l = {0};
	collect_legs(m, &l);
	int *callof = number_calls(m, &l);
	for (size_t i = 0; i < m->nmsgs; i++) {
		int ci = callof[find(&l, smap_get(&l.cid, m->msgs[i].call_id, 0))];
		struct call *c = &m->calls[ci];
		m->msgs[i].call = ci;
		uint32_t idx = (uint32_t)i;
		VEC_PUSH(c->msgs, c->nmsgs, c->msgcap, idx);
	}
	for (size_t ci = 0; ci < m->ncalls; ci++)
		qsort_r(m->calls[ci].msgs, m->calls[ci].nmsgs, sizeof(uint32_t), msg_cmp, m);
	add_legs(m, &l, callof);
	for (size_t ci = 0; ci < m->ncalls; ci++)
		build_arrows(m, &m->calls[ci]);
	for (size_t i = 0; i < m->nevents; i++) {
		int li = event_leg(m, &l, &m->events[i], false);
		if (li < 0 || callof[find(&l, li)] < 0)
			continue;
		int ci = callof[find(&l, li)];
		m->events[i].call = ci;
		uint32_t idx = (uint32_t)i;
		VEC_PUSH(m->calls[ci].events, m->calls[ci].nevents, m->calls[ci].eventcap, idx);
	}
	free(callof);
	smap_free(&l.cid);
	smap_free(&l.keys);
	free(l.ids);
	free(l.parent);
	free(l.by);
}

int
corr_build(struct model *m, const struct corr_opts *o, char *err, size_t errlen)
{
	if (corr_roles(m, o, err, errlen) < 0)
		return -1;
	corr_machines(m);
	corr_twins(m);
	corr_calls(m);
	return 0;
}
