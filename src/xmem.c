/* xmem.c - allocators that never fail, growable arrays, string pool. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

static void
oom(size_t n)
{
	fprintf(stderr, "xwtrace: out of memory (%zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct sbuf b = {0};
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return xstrdup("");
	if ((size_t)n < sizeof tmp)
		return xstrdup(tmp);
	xgrow(&b.s, &b.cap, (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b.s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return b.s;
}

void
xgrow(void *pp, size_t *cap, size_t need, size_t es)
{
	void **p = pp;
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	*p = xrealloc(*p, ncap * es);
	*cap = ncap;
}

void
sbuf_add(struct sbuf *b, const char *p, size_t n)
{
	xgrow(&b->s, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0) {
		sbuf_add(b, "", 0);
		return;
	}
	xgrow(&b->s, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *
sbuf_take(struct sbuf *b)
{
	if (b->s == NULL)
		sbuf_add(b, "", 0);
	char *s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Word-at-a-time: the pool hashes every URI, tag and branch of every message,
 * and a byte loop over them cost more than libosip2's own header scan. The
 * final mix (MurmurHash3's fmix64) spreads the low bits tables index with. */
uint64_t
xhash(const void *s, size_t n)
{
	const unsigned char *p = s;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h ^= rotl64(w * 0x87c37b91114253d5ULL, 31) * 0x4cf5ad432745937fULL;
		h = rotl64(h, 27) * 5 + 0x52dce729;
	}
	w = 0;
	memcpy(&w, p, n);
	h ^= rotl64(w * 0x87c37b91114253d5ULL, 31) * 0x4cf5ad432745937fULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The pool: an open-addressing hash table of pointers into big chunks. */
#define POOL_CHUNK (256 * 1024)
#define RECENT 1024 /* strpool_recent remembers this many strings */

/* A slot keeps the hash and length so that probing rarely touches the string. */
struct slot {
	const char *s;
	uint32_t hash, len;
};

struct strpool {
	char **chunks;
	size_t nchunks, chunkcap;
	size_t used;  /* bytes used in the last chunk */
	size_t bytes; /* total bytes handed out */
	struct slot *slots;
	size_t nslots, nitems;
	struct slot recent[RECENT]; /* strpool_recent's cache, by hash */
};

struct strpool *
strpool_new(void)
{
	struct strpool *p = xcalloc(1, sizeof *p);
	p->nslots = 1024;
	p->slots = xcalloc(p->nslots, sizeof *p->slots);
	p->used = POOL_CHUNK; /* forces a first chunk */
	return p;
}

void
strpool_free(struct strpool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p->slots);
	free(p);
}

static char *
pool_alloc(struct strpool *p, size_t n)
{
	if (n > POOL_CHUNK / 4) { /* big strings get a chunk of their own */
		char *c = xmalloc(n);
		VEC_PUSH(p->chunks, p->nchunks, p->chunkcap, c);
		/* keep the current chunk last so small allocations continue there */
		if (p->nchunks >= 2) {
			char *t = p->chunks[p->nchunks - 1];
			p->chunks[p->nchunks - 1] = p->chunks[p->nchunks - 2];
			p->chunks[p->nchunks - 2] = t;
		}
		p->bytes += n;
		return c;
	}
	if (p->used + n > POOL_CHUNK) {
		VEC_PUSH(p->chunks, p->nchunks, p->chunkcap, xmalloc(POOL_CHUNK));
		p->used = 0;
	}
	char *s = p->chunks[p->nchunks - 1] + p->used;
	p->used += n;
	p->bytes += n;
	return s;
}

static void
pool_rehash(struct strpool *p)
{
	size_t n = p->nslots * 2;
	struct slot *slots = xcalloc(n, sizeof *slots);
	for (size_t i = 0; i < p->nslots; i++) {
		if (p->slots[i].s == NULL)
			continue;
		size_t j = p->slots[i].hash & (n - 1);
		while (slots[j].s != NULL)
			j = (j + 1) & (n - 1);
		slots[j] = p->slots[i];
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = n;
}

/* Returns the pooled copy of n bytes at s, which hold no NUL. */
static const char *
intern(struct strpool *p, const char *s, size_t n)
{
	if (p->nitems * 2 >= p->nslots)
		pool_rehash(p);
	uint32_t h = (uint32_t)xhash(s, n);
	size_t i = h & (p->nslots - 1);
	for (; p->slots[i].s != NULL; i = (i + 1) & (p->nslots - 1)) {
		const struct slot *t = &p->slots[i];
		if (t->hash == h && t->len == n && memcmp(t->s, s, n) == 0)
			return t->s;
	}
	char *c = pool_alloc(p, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	p->slots[i] = (struct slot){c, h, (uint32_t)n};
	p->nitems++;
	return c;
}

const char *
strpool_intern(struct strpool *p, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	if (nul != NULL) /* pooled strings never hold NUL: they are used as C strings */
		n = (size_t)(nul - s);
	return intern(p, s, n);
}

const char *
strpool_recent(struct strpool *p, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	if (nul != NULL)
		n = (size_t)(nul - s);
	uint32_t h = (uint32_t)xhash(s, n);
	struct slot *t = &p->recent[h % RECENT];
	if (t->s != NULL && t->hash == h && t->len == n && memcmp(t->s, s, n) == 0)
		return t->s;
	char *c = pool_alloc(p, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	*t = (struct slot){c, h, (uint32_t)n};
	return c;
}

const char *
strpool_copy(struct strpool *p, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	if (nul != NULL)
		n = (size_t)(nul - s);
	char *c = pool_alloc(p, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

void *
strpool_alloc(struct strpool *p, size_t n)
{
	size_t pad = (8 - p->used % 8) % 8;
	if (p->used + pad + n <= POOL_CHUNK)
		p->used += pad; /* the next chunk starts aligned (malloc) */
	char *r = pool_alloc(p, n ? n : 1);
	memset(r, 0, n);
	return r;
}

const char *
strpool_str(struct strpool *p, const char *s)
{
	return s ? intern(p, s, strlen(s)) : NULL;
}

size_t
strpool_bytes(const struct strpool *p)
{
	return p->bytes + p->nslots * sizeof *p->slots;
}
