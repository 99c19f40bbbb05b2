/* smap.c - string to integer map with linear probing. */
#include <stdlib.h>
#include <string.h>

#include "smap.h"
#include "xmem.h"

static size_t
slot(const struct smap *m, const char *key)
{
	size_t i = xhash(key, strlen(key)) & (m->cap - 1);
	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int
smap_get(const struct smap *m, const char *key, int dflt)
{
	if (m->cap == 0 || key == NULL)
		return dflt;
	size_t i = slot(m, key);
	return m->keys[i] ? m->vals[i] : dflt;
}

static void
grow(struct smap *m)
{
	struct smap t = {0};
	t.cap = m->cap ? m->cap * 2 : 64;
	t.keys = xcalloc(t.cap, sizeof *t.keys);
	t.vals = xcalloc(t.cap, sizeof *t.vals);
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL) {
			size_t j = slot(&t, m->keys[i]);
			t.keys[j] = m->keys[i];
			t.vals[j] = m->vals[i];
			t.n++;
		}
	free(m->keys);
	free(m->vals);
	*m = t;
}

void
smap_put(struct smap *m, const char *key, int value)
{
	if (key == NULL)
		return;
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	size_t i = slot(m, key);
	if (m->keys[i] == NULL) {
		m->keys[i] = key;
		m->n++;
	}
	m->vals[i] = value;
}

void
smap_free(struct smap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
