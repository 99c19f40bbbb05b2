/* smap.h - a map from strings to integers (open addressing). Keys are not
 * copied: they must outlive the map (pooled strings do). */
#ifndef XW_SMAP_H
#define XW_SMAP_H

#include <stddef.h>

struct smap {
	const char **keys;
	int *vals;
	size_t n, cap;
};

/* Returns the value stored for key, or dflt when absent. */
int smap_get(const struct smap *m, const char *key, int dflt);
/* Stores value for key (replacing any older one). */
void smap_put(struct smap *m, const char *key, int value);
/* Frees the map's tables (not the keys). */
void smap_free(struct smap *m);

#endif
