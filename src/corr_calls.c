/* corr_calls.c - grouping Call-IDs into calls, and each call's ladder. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "sip.h"
#include "smap.h"

/* The link keys, one map per kind: a key of one kind never matches another;
 * and the Call-IDs. */
enum { KEY_SESSION, KEY_PROXY, KEY_TAG, KEY_KINDS, KEY_CALL_ID = KEY_KINDS };

#define KEY_MAX  253 /* bytes of a link value that count: longer ones are cut */
#define PAIR_MAX 159 /* bytes of a Session-ID pair key that count */
#define MEMO_BITS_MAX 13 /* a memo of 8192 places per kind holds the calls in flight */

/* A place of a memo: two pointers and the leg they lead to (-1: no key). */
struct memo_slot {
	const char *a, *b;
	int leg;
};

/* Union-find over Call-IDs, with the rule that first linked each one. */
struct legs {
	struct smap cid;      /* Call-ID -> leg index */
	struct smap keys[KEY_KINDS]; /* link value -> leg index that first used it */
	const char **ids;
	int *parent;
	const char **by;
	size_t n, cap, pcap, bcap;
	int *msg_leg;         /* per message: the leg of its Call-ID */
	/* per message, apart from the big records that sorting and numbering
	 * would walk otherwise: corrected time, and whether it is an OPTIONS */
	xw_time *ct;
	bool *options;
	int *ev_leg;          /* per event: the leg it names, or -1 */
	/* A memo of the leg a pooled value (or pair of values) leads to, by
	 * pointer, per key kind and then Call-IDs: a pooled string never changes
	 * and a key's leg never changes once set, so a pointer seen again (the
	 * next message of the same call, mostly) needs neither reading nor
	 * hashing. */
	struct memo_slot *memo[KEY_KINDS + 1];
	unsigned memo_bits;
};

/* Returns the memo slot of the pointers (a, b) in memo k; *hit tells that it
 * holds their leg. */
static struct memo_slot *
memo_slot(const struct legs *l, int k, const char *a, const char *b, bool *hit)
{
	uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)(uintptr_t)b * 0xc2b2ae3d27d4eb4fULL;
	struct memo_slot *ms = &l->memo[k][h >> (64 - l->memo_bits)];
	*hit = (a != NULL || b != NULL) && ms->a == a && ms->b == b;
	return ms;
}

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
	bool hit;
	struct memo_slot *ms = memo_slot(l, KEY_CALL_ID, id, NULL, &hit);
	if (hit)
		return ms->leg;
	int i = smap_get(&l->cid, id, -1);
	if (id != NULL)
		*ms = (struct memo_slot){id, NULL, i >= 0 ? i : (int)l->n};
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

/* Returns the leg that first used the n bytes at v as a key of this kind,
 * after joining leg i to it; i itself when v is new (it is kept then, copied
 * to the pool first when transient: a stack buffer); -1 when n is 0 (no key). */
static int
link_key(struct model *m, struct legs *l, int i, int kind, const char *v, size_t n,
    bool transient, const char *rule)
{
	if (n == 0)
		return -1;
	int j = smap_getn(&l->keys[kind], v, n, -1);
	if (j >= 0) {
		unite(l, j, i, rule);
		return j;
	}
	smap_putn(&l->keys[kind], transient ? strpool_copy(m->pool, v, n) : v, n, i);
	return i;
}

/* Returns the bytes of a link value that count (it may be NULL). */
static size_t
key_len(const char *v)
{
	return v == NULL ? 0 : strnlen(v, KEY_MAX);
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

/* Returns the length of the Session-ID pair key written to buf (size
 * PAIR_MAX + 1): both UUIDs in order, "|"-joined, or the one there is. */
static size_t
pair_key(char *buf, const char *a, const char *b)
{
	if (a != NULL && b != NULL && strcmp(b, a) < 0) {
		const char *t = a;
		a = b;
		b = t;
	} else if (a == NULL) {
		a = b;
		b = NULL;
	}
	size_t n = a ? strnlen(a, PAIR_MAX) : 0;
	memcpy(buf, a ? a : "", n);
	if (b != NULL && n < PAIR_MAX) {
		buf[n++] = '|';
		size_t k = strnlen(b, PAIR_MAX - n);
		memcpy(buf + n, b, k);
		n += k;
	}
	return n;
}

/* Joins leg i with the leg of the key that the values a and b (b only for
 * Session-IDs) make, through the memo when they were seen lately. */
static void
link_values(struct model *m, struct legs *l, int i, int kind, const char *a, const char *b,
    const char *rule)
{
	if (a == NULL && b == NULL)
		return; /* no value, no key */
	bool hit;
	struct memo_slot *ms = memo_slot(l, kind, a, b, &hit);
	if (hit) {
		int j = ms->leg;
		if (j >= 0)
			unite(l, j, i, rule);
		return;
	}
	int j;
	if (kind == KEY_SESSION) {
		char pair[PAIR_MAX + 1];
		j = link_key(m, l, i, kind, pair, pair_key(pair, null_uuid(a) ? NULL : a,
		    null_uuid(b) ? NULL : b), true, rule);
	} else {
		j = link_key(m, l, i, kind, a, key_len(a), false, rule);
	}
	*ms = (struct memo_slot){a, b, j};
}

/* Adds the link keys of one message: Session-ID pair, proxy-call-ids, tag. */
static void
link_message(struct model *m, struct legs *l, const struct sip_msg *s, int i)
{
	link_values(m, l, i, KEY_SESSION, s->sip->session_local, s->sip->session_remote, "session-id");
	for (int v = 0; v < s->sip->nvias; v++)
		link_values(m, l, i, KEY_PROXY, s->sip->vias[v].proxy_call_id, NULL, "proxy-call-id");
	link_values(m, l, i, KEY_TAG, s->sip->taatag, NULL, "tag");
}

/* Returns the leg that the n bytes at v name as a key of kind, or -1. */
static int
named_leg(const struct legs *l, int kind, const char *v, size_t n)
{
	n = strnlen(v, n < KEY_MAX ? n : KEY_MAX); /* a value stops at a NUL */
	return n == 0 ? -1 : smap_getn(&l->keys[kind], v, n, -1);
}

/* Returns the leg an Event line names through its serial number or tag, or
 * -1; joins the two when it names both (the Expressway says they are one
 * call). Only message keys are looked up, so the answer is final. */
static int
event_leg(struct legs *l, const struct log_event *e)
{
	if (e->kind != EV_EVENT)
		return -1;
	size_t n;
	const char *v;
	int a = -1, b = -1;
	if ((v = model_event_value(e, "Call-serial-number", &n)) != NULL && n > 0)
		a = named_leg(l, KEY_PROXY, v, n);
	if ((v = model_event_value(e, "Tag", &n)) != NULL && n > 0)
		b = named_leg(l, KEY_TAG, v, n);
	if (a >= 0 && b >= 0)
		unite(l, a, b, "tag");
	return a >= 0 ? a : b;
}

/* Orders message indices by corrected time (arg: the times, one per
 * message, kept apart so that sorting does not walk the big records), then
 * by log order. */
static int
msg_cmp(const void *a, const void *b, void *arg)
{
	const xw_time *ct = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	if (ct[i] != ct[j])
		return ct[i] < ct[j] ? -1 : 1;
	return i < j ? -1 : 1;
}

/* Returns true when the list holds the very pointer s: a pooled string seen
 * again, told without reading its bytes. */
static bool
has_ptr(const char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (arr[i] == s)
			return true;
	return false;
}

static void
add_unique(const char ***arr, size_t *n, size_t *cap, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i], s) == 0)
			return;
	VEC_PUSH(*arr, *n, *cap, s);
}

/* Returns true when the strings are equal; pooled strings often share the
 * pointer, which spares reading them. */
static bool
same_str(const char *a, const char *b)
{
	return a == b || strcmp(a, b) == 0;
}

/* Adds a Session-ID UUID to the call's list unless null or there already;
 * *zero is the last null UUID seen (the remote one of every first request). */
static void
add_session(struct call *c, const char *u, const char **zero)
{
	if (u == NULL || u == *zero || has_ptr(c->session_ids, c->nsession_ids, u))
		return;
	if (null_uuid(u))
		*zero = u;
	else
		add_unique(&c->session_ids, &c->nsession_ids, &c->sessioncap, u);
}

/* Adds host h to the call's ascending list of hosts, once. */
static void
add_host(struct call *c, uint32_t h)
{
	size_t i = c->nhosts;
	while (i > 0 && c->hosts[i - 1] > h)
		i--;
	if (i > 0 && c->hosts[i - 1] == h)
		return;
	c->hosts = xrealloc(c->hosts, (c->nhosts + 1) * sizeof *c->hosts);
	memmove(c->hosts + i + 1, c->hosts + i, (c->nhosts - i) * sizeof *c->hosts);
	c->hosts[i] = h;
	c->nhosts++;
}

/* Returns the message that names a call: its first INVITE; when the INVITE
 * went by before the log starts, the first response to it (the method from
 * its CSeq); a call without INVITE, by its first request. */
static const struct sip_msg *
call_head(const struct model *m, const struct call *c)
{
	const struct sip_msg *req = NULL, *resp = NULL;
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		if (s->sip->is_request && req == NULL)
			req = s;
		if (s->sip->method == NULL || strcmp(s->sip->method, "INVITE") != 0)
			continue;
		if (s->sip->is_request)
			return s;
		if (resp == NULL)
			resp = s;
	}
	return resp ? resp : req ? req : &m->msgs[c->msgs[0]];
}

/* Returns the record that says who the call is from and to: h, or when h is
 * an INFO summary (no From URI logged), the same message as another host
 * logged it in full (the other box's copy, or the next hop's). */
static const struct sip_msg *
call_parties(const struct model *m, const struct call *c, const struct sip_msg *h)
{
	if (h->sip->from_uri != NULL)
		return h;
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		if (s->sip->from_uri != NULL && s->sip->is_request == h->sip->is_request &&
		    s->sip->cseq == h->sip->cseq && s->sip->status == h->sip->status &&
		    s->sip->method != NULL && h->sip->method != NULL &&
		    strcmp(s->sip->method, h->sip->method) == 0 &&
		    same_str(s->sip->call_id, h->sip->call_id))
			return s;
	}
	return h;
}

/* Fills the summary fields of a call from its sorted messages. */
static void
summarise(struct model *m, struct call *c)
{
	const struct sip_msg *first = call_head(m, c), *ok = NULL, *last_final = NULL;
	const char *meth = first->sip->method ? first->sip->method : "INVITE", *zero = NULL;
	c->options_only = true;
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[c->msgs[i]];
		add_host(c, s->host);
		if (!s->sip->method || strcmp(s->sip->method, "OPTIONS") != 0)
			c->options_only = false;
		/* the final answer to the call's first request (its INVITE, mostly) */
		if (!s->sip->is_request && s->sip->status >= 200 && s->sip->method && strcmp(s->sip->method, meth) == 0) {
			last_final = s;
			if (ok == NULL && s->sip->status < 300)
				ok = s;
		}
		add_session(c, s->sip->session_local, &zero);
		add_session(c, s->sip->session_remote, &zero);
	}
	const struct sip_msg *who = call_parties(m, c, first);
	c->start = m->msgs[c->msgs[0]].ctime;
	c->end = m->msgs[c->msgs[c->nmsgs - 1]].ctime;
	c->from = who->sip->from_uri;
	c->to = who->sip->to_uri ? who->sip->to_uri : who->sip->ruri;
	c->method = first->sip->method;
	c->final_status = ok ? ok->sip->status : last_final ? last_final->sip->status : 0;
	/* the call's own Call-ID is the one of its first request */
	for (size_t i = 1; i < c->ncall_ids; i++)
		if (strcmp(c->call_ids[i], first->sip->call_id) == 0) {
			c->call_ids[i] = c->call_ids[0];
			c->call_ids[0] = first->sip->call_id;
		}
}

/* Returns true when the strings are equal or both absent. */
static bool
same_opt(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Returns true when an earlier arrow of the call carried the same message:
 * the same transaction (branch, CSeq, method), the same hop, and for a
 * response the same status and To-tag (another To-tag is another early
 * dialog of a fork, not a repeat). */
static bool
seen_before(struct model *m, const struct call *c, size_t upto, const struct sip_msg *s)
{
	/* look back a little: retransmissions follow their original closely */
	size_t from = upto > 64 ? upto - 64 : 0;
	for (size_t i = from; i < upto; i++) {
		const struct sip_msg *p = &m->msgs[c->arrows[i].msg];
		if (p->sip->cseq == s->sip->cseq && p->sip->status == s->sip->status && p->from_mach == s->from_mach &&
		    p->to_mach == s->to_mach && p->sip->is_request == s->sip->is_request &&
		    same_str(p->sip->call_id, s->sip->call_id) && p->sip->method && s->sip->method &&
		    same_str(p->sip->method, s->sip->method) && p->sip->nvias && s->sip->nvias &&
		    p->sip->vias[0].branch && s->sip->vias[0].branch &&
		    same_str(p->sip->vias[0].branch, s->sip->vias[0].branch) &&
		    same_opt(p->sip->to_tag, s->sip->to_tag))
			return true;
	}
	return false;
}

#define FORK_TAGS_MAX 512 /* (transaction, hop, To-tag) triples looked at per call */

/* A To-tag seen in the responses of one transaction on one hop. */
struct early {
	const struct sip_fields *f; /* the first response that carried it */
	int from, to;
	uint8_t idx, n;          /* its rank among the tags of that transaction and hop, and
	                          * how many there are */
};

/* Returns true when response record s belongs to the transaction and hop of e. */
static bool
early_txn(const struct early *e, const struct sip_msg *s)
{
	return e->from == s->from_mach && e->to == s->to_mach && e->f->cseq == s->sip->cseq &&
	    same_str(e->f->call_id, s->sip->call_id) && same_str(e->f->method, s->sip->method);
}

/* Returns true when s can carry an early dialog of its own: a response
 * with a To-tag, past 100 Trying, with the fields a transaction needs,
 * between two machines (inside one, an Expressway's B2BUA answers one
 * segment with its own To-tag and relays the other's: two dialogs, no fork). */
static bool
tagged_response(const struct sip_msg *s)
{
	return !s->sip->is_request && s->sip->status > 100 && s->sip->to_tag != NULL &&
	    s->sip->call_id != NULL && s->sip->method != NULL && s->from_mach != s->to_mach;
}

/* Marks the responses of forked requests with their early dialog: on one
 * hop, responses to one request with two or more To-tags. */
static void
mark_forks(struct model *m, struct call *c)
{
	struct early *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < c->narrows && n < FORK_TAGS_MAX; i++) {
		const struct sip_msg *s = &m->msgs[c->arrows[i].msg];
		if (!tagged_response(s))
			continue;
		size_t k, same = 0;
		for (k = 0; k < n; k++) {
			if (!early_txn(&v[k], s))
				continue;
			same++;
			if (same_str(v[k].f->to_tag, s->sip->to_tag))
				break;
		}
		if (k == n && same < UINT8_MAX) {
			struct early e = {s->sip, s->from_mach, s->to_mach, (uint8_t)(same + 1), 0};
			VEC_PUSH(v, n, cap, e);
		}
	}
	for (size_t k = 0; k < n; k++)
		for (size_t j = 0; j < n; j++)
			if (v[j].from == v[k].from && v[j].to == v[k].to && v[j].f->cseq == v[k].f->cseq &&
			    same_str(v[j].f->call_id, v[k].f->call_id) &&
			    same_str(v[j].f->method, v[k].f->method) && v[j].idx > v[k].n)
				v[k].n = v[j].idx;
	for (size_t i = 0; i < c->narrows && n > 0; i++) {
		struct sip_msg *s = &m->msgs[c->arrows[i].msg];
		if (!tagged_response(s))
			continue;
		for (size_t k = 0; k < n; k++)
			if (v[k].n > 1 && early_txn(&v[k], s) && same_str(v[k].f->to_tag, s->sip->to_tag)) {
				s->fork = v[k].idx;
				if (s->twin >= 0)
					m->msgs[s->twin].fork = v[k].idx;
				break;
			}
	}
	free(v);
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
	mark_forks(m, c);
}

/* Returns the legs of every message and event, joined. */
static void
collect_legs(struct model *m, struct legs *l)
{
	for (l->memo_bits = 6; l->memo_bits < MEMO_BITS_MAX &&
	    (size_t)1 << l->memo_bits < m->nmsgs; l->memo_bits++)
		; /* no bigger than the messages need: small logs stay cheap */
	for (int k = 0; k <= KEY_KINDS; k++)
		l->memo[k] = xcalloc((size_t)1 << l->memo_bits, sizeof *l->memo[k]);
	l->msg_leg = xcalloc(m->nmsgs + 1, sizeof *l->msg_leg);
	l->ct = xcalloc(m->nmsgs + 1, sizeof *l->ct);
	l->options = xcalloc(m->nmsgs + 1, sizeof *l->options);
	l->ev_leg = xcalloc(m->nevents + 1, sizeof *l->ev_leg);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		int li = leg(l, s->sip->call_id);
		l->msg_leg[i] = li;
		l->ct[i] = s->ctime;
		l->options[i] = s->sip->method != NULL && strcmp(s->sip->method, "OPTIONS") == 0;
		if (!l->options[i])
			link_message(m, l, s, li);
	}
	for (size_t i = 0; i < m->nevents; i++)
		l->ev_leg[i] = event_leg(l, &m->events[i]);
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
		int r = find(l, l->msg_leg[i]);
		if (l->ct[i] < rs[r].start)
			rs[r].start = l->ct[i];
		if (!l->options[i])
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

/* Adds every leg's Call-ID to its call. */
static void
add_call_ids(struct model *m, struct legs *l, const int *callof)
{
	for (size_t i = 0; i < l->n; i++) {
		int ci = callof[find(l, (int)i)];
		if (ci < 0)
			continue;
		struct call *c = &m->calls[ci];
		VEC_PUSH(c->call_ids, c->ncall_ids, c->call_idcap, l->ids[i]);
	}
}

/* Adds the rule that linked each Call-ID but the first to the call. */
static void
add_links(struct legs *l, struct call *c)
{
	for (size_t k = 1; k < c->ncall_ids; k++) {
		int li = smap_get(&l->cid, c->call_ids[k], 0);
		struct call_link lk = {c->call_ids[k], l->by[li] ? l->by[li] : "session-id"};
		VEC_PUSH(c->links, c->nlinks, c->linkcap, lk);
	}
}

/* Fills each call's message list, in log order. */
static void
fill_msgs(struct model *m, struct legs *l, const int *callof)
{
	int *ci = xcalloc(m->nmsgs + 1, sizeof *ci);
	for (size_t i = 0; i < m->nmsgs; i++) {
		ci[i] = callof[find(l, l->msg_leg[i])];
		m->calls[ci[i]].msgcap++;
	}
	for (size_t k = 0; k < m->ncalls; k++)
		m->calls[k].msgs = xcalloc(m->calls[k].msgcap + 1, sizeof *m->calls[k].msgs);
	for (size_t i = 0; i < m->nmsgs; i++) {
		struct call *c = &m->calls[ci[i]];
		c->msgs[c->nmsgs++] = (uint32_t)i;
	}
	free(ci);
}

/* Orders call ci's messages, ties them to it, and fills its summary, links
 * and ladder: one call at a time, its records stay in cache throughout. */
static void
finish_call(struct model *m, struct legs *l, size_t ci)
{
	struct call *c = &m->calls[ci];
	qsort_r(c->msgs, c->nmsgs, sizeof *c->msgs, msg_cmp, l->ct);
	for (size_t i = 0; i < c->nmsgs; i++)
		m->msgs[c->msgs[i]].call = (int32_t)ci;
	summarise(m, c);
	add_links(l, c);
	build_arrows(m, c);
}

void
corr_calls(struct model *m)
{
	struct legs l = {0};
	collect_legs(m, &l);
	int *callof = number_calls(m, &l);
	fill_msgs(m, &l, callof);
	add_call_ids(m, &l, callof);
	for (size_t ci = 0; ci < m->ncalls; ci++)
		finish_call(m, &l, ci);
	for (size_t i = 0; i < m->nevents; i++) {
		int li = l.ev_leg[i];
		if (li < 0 || callof[find(&l, li)] < 0)
			continue;
		int ci = callof[find(&l, li)];
		m->events[i].call = ci;
		uint32_t idx = (uint32_t)i;
		VEC_PUSH(m->calls[ci].events, m->calls[ci].nevents, m->calls[ci].eventcap, idx);
	}
	free(callof);
	smap_free(&l.cid);
	for (int k = 0; k < KEY_KINDS; k++)
		smap_free(&l.keys[k]);
	for (int k = 0; k <= KEY_KINDS; k++)
		free(l.memo[k]);
	free(l.msg_leg);
	free(l.ct);
	free(l.options);
	free(l.ev_leg);
	free(l.ids);
	free(l.parent);
	free(l.by);
}
