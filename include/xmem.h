/* xmem.h - allocators that never return NULL, growable arrays, string pool.
 *
 * Every x-allocator aborts the program with a message when memory runs out,
 * so callers keep the normal path short and never test for NULL.
 */
#ifndef XW_XMEM_H
#define XW_XMEM_H

#include <stddef.h>
#include <stdint.h>

/* Returns a new block of n bytes; the caller owns it. */
void *xmalloc(size_t n);
/* Returns a new zeroed block of n*size bytes; the caller owns it. */
void *xcalloc(size_t n, size_t size);
/* Returns p resized to n bytes (p may be NULL); the caller owns the result. */
void *xrealloc(void *p, size_t n);
/* Returns a copy of s; the caller owns it. */
char *xstrdup(const char *s);
/* Returns a NUL-terminated copy of the first n bytes of s; the caller owns it. */
char *xstrndup(const char *s, size_t n);
/* Returns a newly formatted string; the caller owns it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow array *p (element size es) so that it holds at least need elements;
 * *cap is the current capacity and is updated. */
void xgrow(void *pp, size_t *cap, size_t need, size_t es);

/* VEC_PUSH(arr, n, cap, value): append value to a growable array. */
#define VEC_PUSH(arr, n, cap, value)                                  \
	do {                                                          \
		xgrow(&(arr), &(cap), (n) + 1, sizeof *(arr));        \
		(arr)[(n)++] = (value);                               \
	} while (0)

/* A string buffer: bytes plus length; always NUL-terminated after sbuf_*. */
struct sbuf {
	char *s;
	size_t len, cap;
};
/* Appends n bytes of p. */
void sbuf_add(struct sbuf *b, const char *p, size_t n);
/* Appends a NUL-terminated string. */
void sbuf_puts(struct sbuf *b, const char *s);
/* Appends formatted text. */
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Releases the buffer's memory and resets it. */
void sbuf_free(struct sbuf *b);
/* Returns the buffer's string and resets the buffer; the caller owns it. */
char *sbuf_take(struct sbuf *b);

/*
 * The string pool: interned, immutable strings that live as long as the pool.
 * Identical strings share one copy, so pointer equality means string equality
 * for pooled strings.
 */
struct strpool;
/* Returns a new empty pool; free it with strpool_free. */
struct strpool *strpool_new(void);
/* Frees the pool and every string it handed out. */
void strpool_free(struct strpool *p);
/* Returns the pooled copy of the n bytes at s (NUL-terminated); owned by the pool. */
const char *strpool_intern(struct strpool *p, const char *s, size_t n);
/* Returns a copy of n bytes at s kept by the pool, shared only with an equal
 * string pooled a short while ago: for strings that repeat close together
 * and never again (branches, tags, Call-IDs). Keeping them out of the hash
 * table keeps it small enough to stay in cache. */
const char *strpool_recent(struct strpool *p, const char *s, size_t n);
/* Returns a copy of n bytes at s kept by the pool, without looking for an
 * equal string first (for strings known to be unique). */
const char *strpool_copy(struct strpool *p, const char *s, size_t n);
/* Returns n zeroed bytes aligned for any scalar, owned by the pool (small
 * per-message arrays: no malloc header each, and freed with the pool). */
void *strpool_alloc(struct strpool *p, size_t n);
/* Returns the pooled copy of NUL-terminated s, or NULL when s is NULL. */
const char *strpool_str(struct strpool *p, const char *s);
/* Returns the bytes the pool holds (for memory accounting). */
size_t strpool_bytes(const struct strpool *p);

/* Returns a 64-bit hash of n bytes (not stable across versions: never store it). */
uint64_t xhash(const void *s, size_t n);

#endif
