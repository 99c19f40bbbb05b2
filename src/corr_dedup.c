/* corr_dedup.c - each log entry counted once.
 *
 * Customers upload the same log twice: the file and its .gz, a directory
 * holding both, two downloads that overlap in time. An entry read twice is
 * the same host, the same UTC time and the same content, whatever the file;
 * the copy read later is dropped before anything counts it (a second copy of
 * a message would pair with itself as a retransmission). A message logged
 * only as an INFO summary in one file and in full in another is one message:
 * the full record is kept. Each file that repeated another says once how
 * many entries it repeated and from which file.
 *
 * Only files whose main host is the same are compared: a C log and an E log
 * cost nothing here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"

/* A running FNV-1a hash. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Returns h with the string s (may be NULL) hashed in, and its end. */
static uint64_t
fnv_str(uint64_t h, const char *s)
{
	return s == NULL ? fnv(h, "\1", 1) : fnv(h, s, strlen(s) + 1);
}

/* Returns the key of a message: host, time, direction, then its logged hash,
 * else its framed bytes, else what its summary names. Never 0. */
static uint64_t
msg_key(const struct sip_msg *s)
{
	uint64_t h = 1469598103934665603ULL;
	int32_t head[2] = {(int32_t)s->host, (int32_t)s->action};
	h = fnv(h, head, sizeof head);
	h = fnv(h, &s->time, sizeof s->time);
	if (s->msg_hash != 0) {
		h = fnv(h, "h", 1);
		h = fnv(h, &s->msg_hash, sizeof s->msg_hash);
	} else if (s->frame_hash != 0) {
		h = fnv(h, "f", 1);
		h = fnv(h, &s->frame_hash, sizeof s->frame_hash);
		h = fnv(h, &s->flen, sizeof s->flen);
	} else {
		uint32_t v[2] = {s->sip->cseq, (uint32_t)s->sip->status};
		h = fnv(h, "s", 1);
		h = fnv_str(h, s->sip->call_id);
		h = fnv_str(h, s->sip->method);
		h = fnv(h, v, sizeof v);
		h = fnv_str(h, s->remote_ip);
	}
	return h ? h : 1;
}

/* Returns the key of an event: host, time, kind and text. Never 0. */
static uint64_t
event_key(const struct log_event *e)
{
	uint64_t h = 1469598103934665603ULL ^ 0x5bd1e995;
	uint32_t head[2] = {e->host, (uint32_t)e->kind};
	h = fnv(h, head, sizeof head);
	h = fnv(h, &e->time, sizeof e->time);
	h = fnv_str(h, e->text);
	return h ? h : 1;
}

/* An open-addressing table of keys to the entry that holds them. */
struct dmap {
	uint64_t *key;
	uint32_t *val;
	size_t cap;
};

/* Returns the slot of key k in t (where it is, or the empty one it would take). */
static size_t
dmap_slot(const struct dmap *t, uint64_t k)
{
	size_t j = (size_t)(k * 0x9e3779b97f4a7c15ULL) & (t->cap - 1);
	while (t->key[j] != 0 && t->key[j] != k)
		j = (j + 1) & (t->cap - 1);
	return j;
}

/* Returns a table with room for n keys. */
static struct dmap
dmap_new(size_t n)
{
	struct dmap t = {0};
	for (t.cap = 64; t.cap < n * 2 + 2; t.cap *= 2)
		;
	t.key = xcalloc(t.cap, sizeof *t.key);
	t.val = xcalloc(t.cap, sizeof *t.val);
	return t;
}

/* Returns nothing; frees t's arrays. */
static void
dmap_free(struct dmap *t)
{
	free(t->key);
	free(t->val);
}

/* What the pass found: per (later file, earlier file), entries repeated. */
struct dups {
	uint32_t *n;          /* nfiles * nfiles counters, [later * nfiles + earlier] */
	size_t nfiles;
	bool *drop_msg, *drop_ev;
	size_t dropped;
};

/* Returns true when file f shares its host with another file. */
static bool
shares_host(const struct model *m, size_t f)
{
	int h = m->files[f].host_idx;
	for (size_t g = 0; h >= 0 && g < m->nfiles; g++)
		if (g != f && m->files[g].host_idx == h)
			return true;
	return false;
}

/* Marks the messages of the files in cand (per file) that an earlier file
 * holds; of a summary and a full record of one message, the summary goes. */
static void
mark_msgs(struct model *m, const bool *cand, struct dups *d)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nmsgs; i++)
		n += cand[m->msgs[i].file];
	struct dmap t = dmap_new(n);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (!cand[s->file])
			continue;
		size_t j = dmap_slot(&t, msg_key(s));
		if (t.key[j] == 0) {
			t.key[j] = msg_key(s);
			t.val[j] = (uint32_t)i;
			continue;
		}
		const struct sip_msg *k = &m->msgs[t.val[j]];
		if (k->file == s->file)
			continue; /* twice in one file: the log says so itself */
		uint32_t drop = (uint32_t)i, keep = t.val[j];
		if (k->summary_only && !s->summary_only) {
			drop = t.val[j];
			keep = (uint32_t)i;
			t.val[j] = (uint32_t)i;
		}
		d->drop_msg[drop] = true;
		d->n[m->msgs[drop].file * d->nfiles + m->msgs[keep].file]++;
		d->dropped++;
	}
	dmap_free(&t);
}

/* Marks the events of the files in cand that an earlier file holds. */
static void
mark_events(struct model *m, const bool *cand, struct dups *d)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nevents; i++)
		n += cand[m->events[i].file];
	struct dmap t = dmap_new(n);
	for (size_t i = 0; i < m->nevents; i++) {
		const struct log_event *e = &m->events[i];
		if (!cand[e->file])
			continue;
		uint64_t k = event_key(e);
		size_t j = dmap_slot(&t, k);
		if (t.key[j] == 0) {
			t.key[j] = k;
			t.val[j] = (uint32_t)i;
		} else if (m->events[t.val[j]].file != e->file) {
			d->drop_ev[i] = true;
			d->n[e->file * d->nfiles + m->events[t.val[j]].file]++;
			d->dropped++;
		}
	}
	dmap_free(&t);
}

/* Returns nothing; removes the marked messages and events, keeping order,
 * and takes them off their files' counts. */
static void
compact(struct model *m, const struct dups *d)
{
	size_t w = 0;
	for (size_t i = 0; i < m->nmsgs; i++) {
		if (!d->drop_msg[i]) {
			m->msgs[w++] = m->msgs[i];
			continue;
		}
		struct log_file *f = &m->files[m->msgs[i].file];
		f->sip_messages--;
		if (m->msgs[i].summary_only && f->info_only > 0)
			f->info_only--;
	}
	m->nmsgs = w;
	w = 0;
	for (size_t i = 0; i < m->nevents; i++)
		if (!d->drop_ev[i])
			m->events[w++] = m->events[i];
	m->nevents = w;
}

/* Returns nothing; says once per file pair how many entries were repeated. */
static void
report(struct model *m, const struct dups *d)
{
	for (size_t f = 0; f < d->nfiles; f++)
		for (size_t g = 0; g < d->nfiles; g++) {
			uint32_t n = d->n[f * d->nfiles + g];
			if (n > 0)
				model_problem(m, &m->files[f], 1, true, "%u entr%s already read from %s: "
				    "counted once", n, n == 1 ? "y was" : "ies were", m->files[g].path);
		}
}

void
corr_dedup(struct model *m)
{
	bool *cand = xcalloc(m->nfiles + 1, sizeof *cand), any = false;
	for (size_t f = 0; f < m->nfiles; f++)
		any |= cand[f] = shares_host(m, f);
	if (!any) {
		free(cand);
		return;
	}
	struct dups d = {xcalloc(m->nfiles * m->nfiles + 1, sizeof *d.n), m->nfiles,
	    xcalloc(m->nmsgs + 1, sizeof *d.drop_msg), xcalloc(m->nevents + 1, sizeof *d.drop_ev),
	    0};
	mark_msgs(m, cand, &d);
	mark_events(m, cand, &d);
	if (d.dropped > 0) {
		compact(m, &d);
		report(m, &d);
	}
	free(d.n);
	free(d.drop_msg);
	free(d.drop_ev);
	free(cand);
}
