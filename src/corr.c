/* corr.c - twins across the two logs, clock skew, and calls.
 *
 * A message sent by one Expressway and received by the other is one wire
 * message logged twice: the two records become twins. The time differences
 * of twins give each host's clock skew. Calls are Call-IDs joined by
 * union-find over shared Session-ID pairs, Via proxy-call-ids and TAA tags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "log.h"
#include "smap.h"

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

static uint64_t
twin_key(const struct sip_msg *s)
{
	char buf[640];
	int n = snprintf(buf, sizeof buf, "%s|%u|%s|%d|%d|%d|%d", s->call_id, s->cseq,
	    s->method ? s->method : "", s->status, s->is_request, s->from_mach, s->to_mach);
	/* snprintf returns the untruncated length: never hash past buf */
	return xhash(buf, n <= 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
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

static bool
same_message(const struct sip_msg *a, const struct sip_msg *b)
{
	return strcmp(a->call_id, b->call_id) == 0 && a->cseq == b->cseq &&
	    a->status == b->status && a->method && b->method && strcmp(a->method, b->method) == 0;
}

/* Pairs the sent and received candidates of one key, in time order. */
static void
pair_group(struct model *m, struct cand *c, size_t n)
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

/* Returns the offset of host b against host a from their twins (b - a), and
 * the number of pairs behind it in *pairs. */
static int64_t
pair_offset(const struct model *m, int a, int b, uint32_t *pairs)
{
	int64_t *ab = NULL, *ba = NULL;
	size_t nab = 0, nba = 0, cab = 0, cba = 0;
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (s->twin < 0 || !s->twin_primary)
			continue;
		const struct sip_msg *t = &m->msgs[s->twin];
		int64_t d = t->time - s->time; /* receiver minus sender */
		if ((int)s->host == a && (int)t->host == b)
			VEC_PUSH(ab, nab, cab, d);
		else if ((int)s->host == b && (int)t->host == a)
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

/* Sets every host's skew against host 0 and the corrected times. */
static void
estimate_skew(struct model *m)
{
	m->skew = xcalloc(m->nhosts + 1, sizeof *m->skew);
	m->skew_pairs = xcalloc(m->nhosts + 1, sizeof *m->skew_pairs);
	for (size_t h = 1; h < m->nhosts; h++) {
		uint32_t pairs = 0;
		int64_t off = pair_offset(m, 0, (int)h, &pairs);
		if (pairs > 0) {
			m->skew[h] = off;
			m->skew_pairs[h] = pairs;
		}
	}
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
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		int fh = mach_host(m, s->from_mach), th = mach_host(m, s->to_mach);
		if (fh < 0 || th < 0 || fh == th)
			continue;
		struct cand x = {twin_key(s), s->time, (uint32_t)i, s->action == ACT_SENT};
		VEC_PUSH(c, n, cap, x);
	}
	if (n > 1) /* c is NULL when there is no candidate */
		qsort(c, n, sizeof *c, cand_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && c[j].key == c[i].key)
			j++;
		pair_group(m, c + i, j - i);
		i = j;
	}
	free(c);
	estimate_skew(m);
}
