/* smap.c - string to integer map with linear probing. */
#include <stdlib.h>
#include <string.h>

#include "smap.h"
#include "xmem.h"

/* Returns a hash of n bytes, a word at a time: keys are Call-IDs, UUIDs and
 * addresses, hashed once per message, so byte-wise hashing shows. */
static uint32_t
hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return (uint32_t)(h >> 32);
}

/* Returns the slot holding the n bytes at key, or the empty slot where they go. */
static size_t
slot(const struct smap *m, const char *key, size_t n, uint32_t h)
{
	size_t i = h & (m->cap - 1);
	for (;; i = (i + 1) & (m->cap - 1)) {
		const struct smap_slot *s = &m->slots[i];
		/* the same pooled pointer comes back often: no need to read the bytes */
		if (s->key == NULL || (s->hash == h && s->len == n &&
		    (s->key == key || memcmp(s->key, key, n) == 0)))
			return i;
	}
}

int
smap_getn(const struct smap *m, const char *key, size_t n, int dflt)
{
	if (m->cap == 0 || key == NULL || n > UINT32_MAX)
		return dflt;
	size_t i = slot(m, key, n, hash(key, n));
	return m->slots[i].key ? m->slots[i].val : dflt;
}

int
smap_get(const struct smap *m, const char *key, int dflt)
{
	return key == NULL ? dflt : smap_getn(m, key, strlen(key), dflt);
}

static void
grow(struct smap *m)
{
	struct smap t = {0};
	t.cap = m->cap ? m->cap * 2 : 64;
	t.slots = xcalloc(t.cap, sizeof *t.slots);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL) {
			size_t j = m->slots[i].hash & (t.cap - 1);
			while (t.slots[j].key != NULL)
				j = (j + 1) & (t.cap - 1);
			t.slots[j] = m->slots[i];
			t.n++;
		}
	free(m->slots);
	*m = t;
}

void
smap_putn(struct smap *m, const char *key, size_t n, int value)
{
	if (key == NULL || n > UINT32_MAX)
		return;
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	uint32_t h = hash(key, n);
	size_t i = slot(m, key, n, h);
	if (m->slots[i].key == NULL) {
		m->slots[i] = (struct smap_slot){key, h, (uint32_t)n, value};
		m->n++;
	}
	m->slots[i].val = value;
}

void
smap_put(struct smap *m, const char *key, int value)
{
	if (key != NULL)
		smap_putn(m, key, strlen(key), value);
}

void
smap_free(struct smap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}
