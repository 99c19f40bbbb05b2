/* corr.c - twins across the two logs, clock skew, and the correlation's
 * entry (corr_build: roles, machines, twins, then calls).
 *
 * A message sent by one Expressway and received by the other is one wire
 * message logged twice: the two records become twins. The time differences
 * of twins give each host's clock skew. Grouping Call-IDs into calls is
 * corr_calls.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "text.h"

#define TWIN_WINDOW_MS 120000 /* clocks of a C/E pair are never further apart */

/* A candidate for twin pairing. */
struct cand {
	uint64_t key;
	xw_time t;
	uint32_t idx;
	bool sent;
};

/* Returns the loaded host behind a machine, or -1. */
static int
mach_host(const struct model *m, int mach)
{
	return mach >= 0 && (size_t)mach < m->nmachines ? m->machines[mach].host : -1;
}

#define TWIN_KEY_MAX 639 /* bytes of the formatted key that count */

/* A running FNV-1a hash of a key as it would be formatted, cut after
 * TWIN_KEY_MAX bytes: the same value as hashing the formatted text, without
 * formatting it for every message. */
struct keyhash {
	uint64_t h;
	size_t n;
};

/* Adds n bytes of s to the running hash, up to TWIN_KEY_MAX bytes in all. */
static void
kh_bytes(struct keyhash *k, const char *s, size_t n)
{
	for (size_t i = 0; i < n && k->n < TWIN_KEY_MAX; i++, k->n++) {
		k->h ^= (unsigned char)s[i];
		k->h *= 1099511628211ULL;
	}
}

/* Adds "|" and the decimal text of v. */
static void
kh_num(struct keyhash *k, long long v)
{
	char buf[24], *p = text_lld(buf + sizeof buf, v);
	*--p = '|';
	kh_bytes(k, p, (size_t)(buf + sizeof buf - p));
}

#define CID_MEMO_BITS 12

/* The hash state after a Call-ID seen lately, by pointer: a pooled Call-ID
 * comes back with every message of its call, and hashing it byte by byte is
 * most of a key's cost. */
struct cid_memo {
	const char *cid;
	struct keyhash k;
};

/* Returns the hash of "call_id|cseq|method|status|is_request|from|to";
 * memo has 1 << CID_MEMO_BITS places. */
static uint64_t
twin_key(const struct sip_msg *s, struct cid_memo *memo)
{
	const char *cid = s->sip->call_id ? s->sip->call_id : "(null)"; /* as printf writes it */
	const char *meth = s->sip->method ? s->sip->method : "";
	struct cid_memo *mo = &memo[(uint64_t)(uintptr_t)cid * 0x9e3779b97f4a7c15ULL >>
	    (64 - CID_MEMO_BITS)];
	if (mo->cid != cid) {
		struct keyhash k0 = {1469598103934665603ULL, 0}; /* xhash's basis: keys as before */
		kh_bytes(&k0, cid, strlen(cid));
		mo->cid = cid;
		mo->k = k0;
	}
	struct keyhash k = mo->k;
	kh_num(&k, s->sip->cseq);
	kh_bytes(&k, "|", 1);
	kh_bytes(&k, meth, strlen(meth));
	kh_num(&k, s->sip->status);
	kh_num(&k, s->sip->is_request);
	kh_num(&k, s->from_mach);
	kh_num(&k, s->to_mach);
	return k.h;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->sent != y->sent)
		return x->sent ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Returns true when the strings are equal; pooled strings often share the
 * pointer, which spares reading them. */
static bool
same_str(const char *a, const char *b)
{
	return a == b || strcmp(a, b) == 0;
}

/* Returns true when two records are one wire message as far as their fields
 * tell: a response of another To-tag is another early dialog. */
static bool
same_message(const struct sip_msg *a, const struct sip_msg *b)
{
	const char *ta = a->sip->to_tag, *tb = b->sip->to_tag;
	return same_str(a->sip->call_id, b->sip->call_id) && a->sip->cseq == b->sip->cseq &&
	    a->sip->status == b->sip->status && a->sip->method && b->sip->method &&
	    same_str(a->sip->method, b->sip->method) &&
	    (ta == tb || ta == NULL || tb == NULL || strcmp(ta, tb) == 0);
}

/* Sorts the n candidates as cand_cmp does: a radix sort on the key (stable,
 * so equal keys stay in log order), then each run of one key by itself; keys
 * are hashes, so runs are short. */
static void
sort_cands(struct cand *c, size_t n)
{
	if (n < 4096) { /* not worth the radix sort's counters */
		qsort(c, n, sizeof *c, cand_cmp);
		return;
	}
	struct cand *tmp = xmalloc(n * sizeof *tmp), *src = c, *dst = tmp;
	size_t *pos = xmalloc(65536 * sizeof *pos);
	for (int shift = 0; shift < 64; shift += 16) {
		memset(pos, 0, 65536 * sizeof *pos);
		for (size_t i = 0; i < n; i++)
			pos[(src[i].key >> shift) & 0xffff]++;
		for (size_t d = 0, sum = 0; d < 65536; d++) {
			size_t k = pos[d];
			pos[d] = sum;
			sum += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[pos[(src[i].key >> shift) & 0xffff]++] = src[i];
		struct cand *t = src;
		src = dst;
		dst = t;
	}
	free(pos);
	free(tmp); /* four passes: the sorted data is back in c */
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && c[j].key == c[i].key; j++)
			;
		if (j - i > 1)
			qsort(c + i, j - i, sizeof *c, cand_cmp);
	}
}

/* A twin pair as the clock skew needs it. */
struct twin_pair {
	uint32_t from_host, to_host;
	xw_time sent, received;
};

/* The twin pairs found, in the order found. */
struct pairs {
	struct twin_pair *p;
	size_t n, cap;
};

/* Pairs the sent and received candidates of one key, in time order. */
static void
pair_group(struct model *m, struct cand *c, size_t n, struct pairs *ps)
{
	size_t ns = 0;
	while (ns < n && c[ns].sent)
		ns++;
	size_t r = ns;
	for (size_t i = 0; i < ns && r < n; i++) {
		while (r < n && c[r].t < c[i].t - TWIN_WINDOW_MS)
			r++;
		if (r >= n || c[r].t > c[i].t + TWIN_WINDOW_MS)
			continue;
		struct sip_msg *a = &m->msgs[c[i].idx], *b = &m->msgs[c[r].idx];
		if (!same_message(a, b))
			continue;
		a->twin = (int32_t)c[r].idx;
		b->twin = (int32_t)c[i].idx;
		a->twin_primary = true; /* the sender's record draws the arrow */
		/* a message one box logged only as an INFO summary is the other box's
		 * full copy: it reads the fields of that copy */
		if (a->summary_only && !b->summary_only)
			a->sip = b->sip;
		else if (b->summary_only && !a->summary_only)
			b->sip = a->sip;
		struct twin_pair tp = {a->host, b->host, a->time, b->time};
		VEC_PUSH(ps->p, ps->n, ps->cap, tp);
		r++;
	}
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Returns the median of n values (sorted in place). */
static int64_t
median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, i64_cmp);
	return n ? v[n / 2] : 0;
}

/* Returns the offset of host b against host a from the twin pairs (b - a),
 * and the number of pairs behind it in *pairs. */
static int64_t
pair_offset(const struct pairs *ps, int a, int b, uint32_t *pairs)
{
	int64_t *ab = NULL, *ba = NULL;
	size_t nab = 0, nba = 0, cab = 0, cba = 0;
	for (size_t i = 0; i < ps->n; i++) {
		const struct twin_pair *p = &ps->p[i];
		int64_t d = p->received - p->sent; /* receiver minus sender */
		if ((int)p->from_host == a && (int)p->to_host == b)
			VEC_PUSH(ab, nab, cab, d);
		else if ((int)p->from_host == b && (int)p->to_host == a)
			VEC_PUSH(ba, nba, cba, d);
	}
	int64_t off = 0;
	if (nab && nba)
		off = (median(ab, nab) - median(ba, nba)) / 2; /* latency cancels out */
	else if (nab)
		off = median(ab, nab);
	else if (nba)
		off = -median(ba, nba);
	*pairs = (uint32_t)(nab + nba);
	free(ab);
	free(ba);
	return off;
}

/* Returns true when host a ranks before host b as the reference clock: an
 * Expressway-E first (the clock of the box that faces Webex), then the more
 * paired messages (*np), then the smaller name; never the order of loading. */
static bool
ref_better(const struct model *m, const uint32_t *np, size_t a, size_t b)
{
	bool ea = m->hosts[a].role == ROLE_EXPRESSWAY_E, eb = m->hosts[b].role == ROLE_EXPRESSWAY_E;
	if (ea != eb)
		return ea;
	if (np[a] != np[b])
		return np[a] > np[b];
	return strcmp(m->hosts[a].name, m->hosts[b].name) < 0;
}

/* Returns the host whose clock corrected times are on (see ref_better), or -1. */
static int
pick_ref(const struct model *m, const struct pairs *ps)
{
	uint32_t *np = xcalloc(m->nhosts + 1, sizeof *np);
	for (size_t i = 0; i < ps->n; i++) {
		np[ps->p[i].from_host]++;
		np[ps->p[i].to_host]++;
	}
	int ref = -1;
	for (size_t h = 0; h < m->nhosts; h++)
		if (ref < 0 || ref_better(m, np, h, (size_t)ref))
			ref = (int)h;
	free(np);
	return ref;
}

/* Sets every host's skew against the reference host and the corrected
 * times. A host paired only with another non-reference host (a cluster
 * peer's partner) takes its skew through that host: hosts are reached in
 * rounds from the reference, each from the first host reached that shares
 * pairs with it, in name order. */
static void
estimate_skew(struct model *m, const struct pairs *ps)
{
	m->skew = xcalloc(m->nhosts + 1, sizeof *m->skew);
	m->skew_pairs = xcalloc(m->nhosts + 1, sizeof *m->skew_pairs);
	m->ref_host = pick_ref(m, ps);
	size_t *queue = xcalloc(m->nhosts + 1, sizeof *queue), nq = 0;
	bool *seen = xcalloc(m->nhosts + 1, sizeof *seen);
	if (m->ref_host >= 0) {
		queue[nq++] = (size_t)m->ref_host;
		seen[m->ref_host] = true;
	}
	for (size_t qi = 0; qi < nq; qi++) {
		size_t a = queue[qi];
		for (;;) { /* the unreached hosts paired with a, by name */
			int best = -1;
			int64_t off = 0, o;
			uint32_t pairs = 0, n;
			for (size_t h = 0; h < m->nhosts; h++) {
				if (seen[h] || (o = pair_offset(ps, (int)a, (int)h, &n), n == 0))
					continue;
				if (best < 0 || strcmp(m->hosts[h].name, m->hosts[best].name) < 0) {
					best = (int)h;
					off = o;
					pairs = n;
				}
			}
			if (best < 0)
				break;
			m->skew[best] = m->skew[a] + off;
			m->skew_pairs[best] = pairs;
			seen[best] = true;
			queue[nq++] = (size_t)best;
		}
	}
	free(queue);
	free(seen);
	for (size_t i = 0; i < m->nmsgs; i++)
		m->msgs[i].ctime = m->msgs[i].time - m->skew[m->msgs[i].host];
	for (size_t i = 0; i < m->nevents; i++)
		m->events[i].ctime = m->events[i].time - m->skew[m->events[i].host];
}

void
corr_twins(struct model *m)
{
	/* loading is over: give back the growth slack of the big arrays */
	if (m->msgcap > m->nmsgs + 1) {
		m->msgs = xrealloc(m->msgs, (m->nmsgs + 1) * sizeof *m->msgs);
		m->msgcap = m->nmsgs + 1;
	}
	struct cand *c = NULL;
	size_t n = 0, cap = 0;
	struct cid_memo *mo = xcalloc((size_t)1 << CID_MEMO_BITS, sizeof *mo);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		int fh = mach_host(m, s->from_mach), th = mach_host(m, s->to_mach);
		if (fh < 0 || th < 0 || fh == th)
			continue;
		struct cand x = {twin_key(s, mo), s->time, (uint32_t)i, s->action == ACT_SENT};
		VEC_PUSH(c, n, cap, x);
	}
	free(mo);
	struct pairs ps = {0};
	if (n > 1) /* c is NULL when there is no candidate */
		sort_cands(c, n);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && c[j].key == c[i].key)
			j++;
		pair_group(m, c + i, j - i, &ps);
		i = j;
	}
	free(c);
	estimate_skew(m, &ps);
	free(ps.p);
}

int
corr_build(struct model *m, const struct corr_opts *o, char *err, size_t errlen)
{
	corr_dedup(m);
	corr_wire(m);
	if (corr_roles(m, o, err, errlen) < 0)
		return -1;
	corr_machines(m);
	corr_twins(m);
	corr_calls(m);
	return 0;
}
