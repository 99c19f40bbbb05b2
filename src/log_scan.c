/* log_scan.c - the machinery every reader of SIP-carrying text shares:
 * hosts, batches of framed blocks parsed by the crew while the reader goes
 * on, commits in log order, shared parses of identical bytes, events with
 * their fields, and scanned pages given back (see log_scan.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log_scan.h"
#include "log_text.h"
#include "sip.h"

/* an event's text, derived fields and field encoding are found by 16-bit offsets */
_Static_assert(LOG_MAX_EVENT_TEXT + 1 + LOG_MAX_EVENT_DERIVED < UINT16_MAX, "offsets fit");

static struct log_file *
sfile(struct log_scan *sc)
{
	return &sc->m->files[sc->fi];
}

int
log_scan_host_slow(struct log_scan *sc, const char *host, size_t n)
{
	const char *name = strpool_intern(sc->m->pool, host, n);
	int hi = model_host(sc->m, name);
	size_t i;
	for (i = 0; i < sc->nhosts && sc->hosts[i] != hi; i++)
		;
	if (i == sc->nhosts) {
		VEC_PUSH(sc->hosts, sc->nhosts, sc->hostcap, hi);
		size_t k = sc->nhosts - 1;
		xgrow(&sc->hostn, &sc->hostncap, sc->nhosts, sizeof *sc->hostn);
		sc->hostn[k] = 0;
	}
	sc->hostn[i]++;
	sc->last_host = hi;
	sc->last_slot = i;
	sc->last_hostname = name;
	sc->last_hostlen = strlen(name);
	return hi;
}

const struct sip_fields *
log_scan_fields(struct model *m, const struct sip_fields *f)
{
	struct sip_fields *p = strpool_alloc(m->pool, sizeof *p);
	*p = *f;
	return p;
}

uint64_t
log_scan_msg_key(const struct sip_msg *s)
{
	if (s->msg_hash != 0)
		return s->msg_hash;
	char buf[512];
	int n = snprintf(buf, sizeof buf, "%d|%s|%u|%s|%d", (int)s->action,
	    s->sip->call_id ? s->sip->call_id : "", s->sip->cseq, s->sip->method ? s->sip->method : "", s->sip->status);
	/* snprintf returns the untruncated length: a long Call-ID must not make
	 * the hash read past buf */
	return xhash(buf, n <= 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) ^ 1;
}

/* Returns the slot of key k (never 0) in t: where it is, or the empty slot
 * where it would go. */
static size_t
keymap_slot(const struct log_keymap *t, uint64_t k)
{
	size_t j = k & (t->cap - 1);
	while (t->key[j] != 0 && t->key[j] != k)
		j = (j + 1) & (t->cap - 1);
	return j;
}

/* Returns true when t holds key k (never 0), with its value in *v if v. */
static bool
keymap_get(const struct log_keymap *t, uint64_t k, uint32_t *v)
{
	if (t->cap == 0)
		return false;
	size_t j = keymap_slot(t, k);
	if (t->key[j] == 0)
		return false;
	if (v != NULL)
		*v = t->val[j];
	return true;
}

/* Returns true when t held key k (never 0) already; else adds it with v. */
static bool
keymap_put(struct log_keymap *t, uint64_t k, uint32_t v)
{
	if (t->n * 2 >= t->cap) {
		struct log_keymap g = {xcalloc(t->cap ? t->cap * 2 : 1024, sizeof(uint64_t)),
		    xcalloc(t->cap ? t->cap * 2 : 1024, sizeof(uint32_t)), t->n,
		    t->cap ? t->cap * 2 : 1024};
		for (size_t i = 0; i < t->cap; i++)
			if (t->key[i] != 0) {
				size_t j = keymap_slot(&g, t->key[i]);
				g.key[j] = t->key[i], g.val[j] = t->val[i];
			}
		free(t->key);
		free(t->val);
		*t = g;
	}
	size_t j = keymap_slot(t, k);
	if (t->key[j] != 0)
		return true;
	t->key[j] = k, t->val[j] = v;
	t->n++;
	return false;
}

/* Returns nothing; frees what the map holds. */
static void
keymap_free(struct log_keymap *t)
{
	free(t->key);
	free(t->val);
}

bool
log_scan_seen(struct log_scan *sc, uint64_t k)
{
	return keymap_get(&sc->seen, k | 1, NULL); /* 0 marks an empty slot */
}

/* Returns the hash of n framed bytes: never 0, which marks no hash. */
static uint64_t
frame_hash(const char *p, size_t n)
{
	uint64_t h = xhash(p, n);
	return h ? h : 1;
}

/* Adds message mi under its frame hash, unless a message has it already. */
static void
known_add(struct log_scan *sc, uint32_t mi)
{
	if (sc->m->msgs[mi].frame_hash != 0)
		keymap_put(&sc->known, sc->m->msgs[mi].frame_hash, mi);
}

/* Returns the message read before with the same framed bytes (hash and
 * length), or NULL. */
static const struct sip_msg *
known_find(const struct log_scan *sc, uint64_t k, uint32_t flen)
{
	uint32_t mi;
	if (!keymap_get(&sc->known, k, &mi) || sc->m->msgs[mi].flen != flen)
		return NULL;
	return &sc->m->msgs[mi];
}

/* Returns nothing; queues block p, whose framed bytes are [p->off, p->end)
 * of base. */
static void
queue_block(struct log_scan *sc, struct log_pending *p, const char *base)
{
	p->rc = -1;
	p->why[0] = '\0';
	p->same = NULL;
	memset(&p->f, 0, sizeof p->f);
	p->f.q850 = -1;
	if (p->end > p->off) {
		p->s.frame_hash = frame_hash(base + p->off, p->end - p->off);
		const struct sip_msg *same = known_find(sc, p->s.frame_hash, p->s.flen);
		if (same != NULL) { /* the parse would give the same: share it */
			p->same = same->sip;
			p->rc = 0;
		}
	}
	VEC_PUSH(sc->job->pend, sc->job->n, sc->job->cap, *p);
	sfile(sc)->blocks_seen++;
}

void
log_scan_block(struct log_scan *sc, struct log_pending *p)
{
	p->s.off = p->off;
	p->s.flen = (uint32_t)(p->end - p->off);
	p->own = false;
	queue_block(sc, p, sc->d);
}

void
log_scan_block_bytes(struct log_scan *sc, struct log_pending *p, const char *bytes, size_t n)
{
	struct sbuf *own = &sc->job->own;
	p->off = own->len;
	p->end = own->len + n;
	p->own = true;
	p->s.flen = (uint32_t)n;
	sbuf_add(own, bytes, n);
	queue_block(sc, p, own->s);
}

/* Adds a parsed batch to the model in log order, and reports the others. */
static void
commit_blocks(struct log_scan *sc, struct log_job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct log_pending *p = &j->pend[i];
		uint32_t line = p->s.msg_line;
		if (p->cut)
			model_problem(sc->m, sfile(sc), line, false,
			    "SIP message longer than %u bytes: the rest of it was passed over",
			    LOG_MAX_BLOCK);
		if (p->rc < 0) {
			model_problem(sc->m, sfile(sc), line, false, "SIP message skipped: %s", p->why);
			sfile(sc)->blocks_reported++;
			continue;
		}
		if (p->same == NULL) /* a fresh parse: the fields go to the pool */
			p->same = log_scan_fields(sc->m, &p->f);
		p->s.sip = p->same;
		if (!p->closed && !p->cut)
			model_problem(sc->m, sfile(sc), line, true, "no closing '|' after the message");
		if (p->s.sip->blank_added)
			model_problem(sc->m, sfile(sc), line, true,
			    "no blank line between the headers and the body; parsed with one");
		if (p->s.sip->repeat_dropped)
			model_problem(sc->m, sfile(sc), line, true,
			    "a header that may appear once was repeated word for word; parsed with one");
		if (p->s.sip->body_dropped)
			model_problem(sc->m, sfile(sc), line, true, "libosip2 could not parse the "
			    "body (%s): kept the start line and headers",
			    p->s.sip->content_type ? p->s.sip->content_type : "no Content-Type");
		if (p->s.sip->cl_repaired)
			model_problem(sc->m, sfile(sc), line, true,
			    "Content-Length %u did not match the body; parsed with the real length",
			    p->s.sip->content_length);
		for (int bit = 1; bit <= UINT8_MAX; bit <<= 1)
			if (p->s.sip->cut & bit) {
				char why[160];
				model_problem(sc->m, sfile(sc), line, true, "%s",
				    sip_cut_reason(bit, why, sizeof why));
			}
		keymap_put(&sc->seen, log_scan_msg_key(&p->s) | 1, 0);
		VEC_PUSH(sc->m->msgs, sc->m->nmsgs, sc->m->msgcap, p->s);
		known_add(sc, (uint32_t)(sc->m->nmsgs - 1));
		sfile(sc)->sip_messages++;
		sfile(sc)->blocks_read++;
	}
	j->n = 0;
	j->own.len = 0;
}

/* Releases the mapped pages of [from, upto): a large log is never resident in
 * full; pages come back from the page cache when a view needs the text. */
static void
release_pages(struct log_scan *sc, size_t from, size_t upto)
{
	struct log_file *f = sfile(sc);
	long pg = sysconf(_SC_PAGESIZE);
	if (f->map_base == NULL || f->map_base != (const void *)f->data || pg <= 0)
		return;
	size_t a = from / (size_t)pg * (size_t)pg;
	size_t b = upto / (size_t)pg * (size_t)pg;
	if (b > a)
		madvise((char *)f->map_base + a, b - a, MADV_DONTNEED);
}

/* Returns nothing; releases the pages around [off, off + n) (see log_scan.h). */
void
log_scan_release(const struct log_file *f, uint64_t off, size_t n)
{
	/* what one fault may map: the fault-around window (64 KB), or a whole
	 * large folio of the page cache (up to a huge page, 2 MB) */
	const size_t around = 2u << 20;
	if (f->map_base == NULL || f->map_base != (const void *)f->data || off >= f->map_len)
		return;
	size_t a = (size_t)off / around * around;
	size_t b = ((size_t)off + n + around - 1) / around * around;
	if (b > f->map_len)
		b = f->map_len; /* never past the mapping's end: another mapping may follow */
	if (b > a)
		madvise((char *)f->map_base + a, b - a, MADV_DONTNEED);
}

void
log_scan_chunk(struct log_scan *sc, size_t at)
{
	struct log_job *done = log_crew_finish(&sc->crew);
	if (done != NULL)
		commit_blocks(sc, done);
	release_pages(sc, sc->dropped, sc->job->text_from);
	sc->dropped = sc->job->text_from;
	log_crew_post(&sc->crew, sc->job);
	sc->job = sc->job == &sc->jobs[0] ? &sc->jobs[1] : &sc->jobs[0];
	sc->job->text_from = at;
	struct model *m = sc->m;
	if (m->progress != NULL && at - sc->tick > (8u << 20)) {
		sc->tick = at;
		m->progress(m->progress_arg, at, sc->len);
	}
}

/* Returns the bytes the derived fields take after the text: each as
 * key="value with a NUL. */
static size_t
derived_size(const struct log_field *d, size_t nd)
{
	size_t k = 0;
	for (size_t i = 0; i < nd; i++)
		k += strlen(d[i].key) + strlen(d[i].val) + 3;
	return k;
}

/* Returns nothing; appends v to b as a varint (see struct log_event). */
static void
put_varint(struct sbuf *b, size_t v)
{
	unsigned char c;
	do {
		c = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			c |= 0x80;
		sbuf_add(b, (const char *)&c, 1);
	} while (v != 0);
}

/* Returns nothing; encodes the n fields in order into sc->kv. */
static void
encode_pairs(struct log_scan *sc, const struct log_pair *f, size_t n)
{
	size_t at = 0;
	sc->kv.len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t skip = f[i].val - (f[i].key + f[i].klen + 2);
		put_varint(&sc->kv, f[i].key - at);
		put_varint(&sc->kv, f[i].klen * 2 + (skip > 0));
		if (skip > 0)
			put_varint(&sc->kv, skip);
		put_varint(&sc->kv, f[i].vlen);
		at = f[i].key + f[i].klen;
	}
}

/* Returns the number of fields in sc->pairs: those of the n bytes of text
 * at t, then the nd derived ones, placed after the text's NUL as key="value
 * and a NUL each (put_derived writes them there). */
static size_t
find_pairs(struct log_scan *sc, const char *t, size_t n, const struct log_field *d, size_t nd)
{
	size_t k = log_kv_all(t, n, sc->pairs, sc->paircap);
	if (k + nd > sc->paircap) {
		xgrow(&sc->pairs, &sc->paircap, k + nd, sizeof *sc->pairs);
		log_kv_all(t, n, sc->pairs, k);
	}
	size_t at = n + 1;
	for (size_t i = 0; i < nd; i++) {
		struct log_pair *p = &sc->pairs[k + i];
		p->key = at;
		p->klen = strlen(d[i].key);
		p->val = p->key + p->klen + 2;
		p->vlen = strlen(d[i].val);
		at = p->val + p->vlen + 1;
	}
	return k + nd;
}

/* Returns nothing; writes the derived fields where find_pairs placed them
 * (pairs f) in the stored text t. */
static void
put_derived(char *t, const struct log_pair *f, const struct log_field *d, size_t nd)
{
	for (size_t i = 0; i < nd; i++) {
		memcpy(t + f[i].key, d[i].key, f[i].klen);
		memcpy(t + f[i].key + f[i].klen, "=\"", 2);
		memcpy(t + f[i].val, d[i].val, f[i].vlen + 1);
	}
}

struct log_event *
log_scan_event(struct log_scan *sc, const struct log_event *e, const char *text, size_t n,
    const struct log_field *derived, size_t nd)
{
	const char *nul = memchr(text, '\0', n);
	if (nul != NULL) /* the text ends at a NUL, as every reader of it sees it */
		n = (size_t)(nul - text);
	if (n > LOG_MAX_EVENT_TEXT)
		n = LOG_MAX_EVENT_TEXT;
	while (nd > 0 && derived_size(derived, nd) > LOG_MAX_EVENT_DERIVED)
		nd--;
	size_t np = find_pairs(sc, text, n, derived, nd);
	for (size_t i = 0; i < np && sc->padded_line == 0; i++)
		if (sc->pairs[i].val != sc->pairs[i].key + sc->pairs[i].klen + 2)
			sc->padded_line = e->line;
	encode_pairs(sc, sc->pairs, np);
	/* one pooled block: the text, its NUL, the derived fields, the encoding */
	size_t tn = n + 1 + derived_size(derived, nd);
	char *block = strpool_alloc(sc->m->pool, tn + sc->kv.len);
	memcpy(block, text, n);
	block[n] = '\0';
	if (nd > 0)
		put_derived(block, sc->pairs + np - nd, derived, nd);
	if (sc->kv.len > 0)
		memcpy(block + tn, sc->kv.s, sc->kv.len);
	struct log_event ev = *e;
	ev.text = block;
	ev.kvat = (uint16_t)tn;
	ev.nkv = (uint16_t)np;
	VEC_PUSH(sc->m->events, sc->m->nevents, sc->m->eventcap, ev);
	sfile(sc)->events_seen++;
	sfile(sc)->events_read++;
	return &sc->m->events[sc->m->nevents - 1];
}

void
log_scan_begin(struct log_scan *sc, struct model *m, uint32_t fi,
    bool (*unframe)(const char *p, size_t n, struct sbuf *out))
{
	*sc = (struct log_scan){.m = m, .fi = fi, .last_host = -1};
	sc->d = m->files[fi].data;
	sc->len = m->files[fi].len;
	for (int k = 0; k < 2; k++) {
		sc->jobs[k].data = sc->d;
		sc->jobs[k].unframe = unframe;
	}
	sc->job = &sc->jobs[0];
	/* the files read before, in the same format: the same framed bytes are
	 * the same message */
	for (size_t i = 0; i < m->nmsgs; i++)
		if (m->files[m->msgs[i].file].fmt == m->files[fi].fmt)
			known_add(sc, (uint32_t)i);
	log_crew_start(&sc->crew, m);
}

void
log_scan_finish(struct log_scan *sc)
{
	log_scan_chunk(sc, sc->len);
	struct log_job *last = log_crew_finish(&sc->crew);
	if (last != NULL)
		commit_blocks(sc, last);
}

void
log_scan_end(struct log_scan *sc, uint32_t nlines)
{
	struct model *m = sc->m;
	struct log_file *f = sfile(sc);
	release_pages(sc, 0, sc->len); /* what the reader read again at the end */
	log_crew_stop(&sc->crew);
	f->nlines = nlines;
	if (sc->padded_line != 0)
		model_problem(m, f, sc->padded_line, true, "values padded inside their quotes "
		    "(Src-ip=\" 192.168.1.6 \"): read without the padding");
	uint32_t best = 0;
	for (size_t i = 0; i < sc->nhosts; i++)
		if (sc->hostn[i] > best) {
			best = sc->hostn[i];
			f->host_idx = sc->hosts[i];
			f->host = m->hosts[sc->hosts[i]].name;
		}
	free(sc->hosts);
	free(sc->hostn);
	keymap_free(&sc->seen);
	keymap_free(&sc->known);
	free(sc->jobs[0].pend);
	free(sc->jobs[1].pend);
	sbuf_free(&sc->jobs[0].own);
	sbuf_free(&sc->jobs[1].own);
	free(sc->pairs);
	sbuf_free(&sc->kv);
}
