/* smap.h - a map from strings to integers (open addressing). Keys are not
 * copied: they must outlive the map (pooled strings do). */
#ifndef XW_SMAP_H
#define XW_SMAP_H

#include <stddef.h>
#include <stdint.h>

/* A slot keeps the key's hash and length so that probing rarely touches the
 * key's bytes. */
struct smap_slot {
	const char *key;
	uint32_t hash, len;
	int val;
};

struct smap {
	struct smap_slot *slots;
	size_t n, cap;
};

/* Returns the value stored for key, or dflt when absent. */
int smap_get(const struct smap *m, const char *key, int dflt);
/* Returns the value stored for the n bytes at key, or dflt when absent. */
int smap_getn(const struct smap *m, const char *key, size_t n, int dflt);
/* Stores value for key (replacing any older one). */
void smap_put(struct smap *m, const char *key, int value);
/* Stores value for the n bytes at key (replacing any older one); those n
 * bytes must outlive the map, key need not be NUL-terminated after them. */
void smap_putn(struct smap *m, const char *key, size_t n, int value);
/* Frees the map's tables (not the keys). */
void smap_free(struct smap *m);

#endif
