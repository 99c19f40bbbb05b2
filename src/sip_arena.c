/* sip_arena.c - a bump allocator for libosip2's short-lived parse trees.
 *
 * libosip2 allocates every header, parameter and string of a message on its
 * own and frees them one by one: a 1.5 KB INVITE costs hundreds of malloc and
 * free calls, which was a quarter of the parse time. A parse tree never
 * outlives sip_parse(), so the parsing thread hands libosip2 a bump arena
 * that is emptied in one step after each message.
 *
 * libosip2's allocator hooks are process-wide and take no context argument,
 * so the arena of the calling thread is found through a thread-local pointer;
 * outside sip_arena_enter/leave the hooks fall back to malloc. Every block
 * carries a small header saying where it came from, so a block is always
 * released the right way whichever thread frees it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_port.h>

#include "sip.h"

#define ARENA_CHUNK (64u * 1024)
#define TAG_HEAP 0x48454150u  /* "HEAP": a malloc'd block, freed by free */
#define TAG_ARENA 0x4152454eu /* "AREN": a bump block, freed with its arena */

/* Precedes every block the hooks return; 16 bytes keep malloc's alignment. */
struct blk {
	uint64_t size;
	uint32_t tag;
	uint32_t pad;
};

struct chunk {
	struct chunk *next;
	size_t cap, used;
	_Alignas(16) char mem[];
};

struct sip_arena {
	struct chunk *head;   /* the chunk being filled; older ones follow */
};

/* Set by sip_arena_enter on the parsing thread only. */
static _Thread_local struct sip_arena *cur;

struct sip_arena *
sip_arena_new(void)
{
	return xcalloc(1, sizeof(struct sip_arena));
}

void
sip_arena_free(struct sip_arena *a)
{
	if (a == NULL)
		return;
	while (a->head != NULL) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
	free(a);
}

/* Returns n bytes from the arena's current chunk, adding a chunk when full. */
static void *
arena_take(struct sip_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (a->head == NULL || a->head->cap - a->head->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		struct chunk *c = malloc(sizeof *c + cap);
		if (c == NULL)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = a->head->mem + a->head->used;
	a->head->used += n;
	return p;
}

/* Returns a block of n bytes for libosip2 (NULL when memory is out: libosip2
 * checks its allocations). */
static void *
hook_malloc(size_t n)
{
	struct blk *b;
	if (n > SIZE_MAX - 32)
		return NULL;
	if (cur != NULL) {
		b = arena_take(cur, sizeof *b + n);
		if (b != NULL)
			b->tag = TAG_ARENA;
	} else {
		b = malloc(sizeof *b + n);
		if (b != NULL)
			b->tag = TAG_HEAP;
	}
	if (b == NULL)
		return NULL;
	b->size = n;
	return b + 1;
}

/* Releases a heap block; arena blocks go when their arena is emptied. */
static void
hook_free(void *p)
{
	struct blk *b = (struct blk *)p - 1;
	if (b->tag == TAG_HEAP)
		free(b);
}

/* Returns p resized to n bytes, moved when it must grow. */
static void *
hook_realloc(void *p, size_t n)
{
	if (p == NULL)
		return hook_malloc(n);
	struct blk *b = (struct blk *)p - 1;
	if (b->tag == TAG_HEAP && cur == NULL) {
		if (n > SIZE_MAX - 32)
			return NULL;
		struct blk *r = realloc(b, sizeof *b + n);
		if (r == NULL)
			return NULL;
		r->size = n;
		return r + 1;
	}
	if (n <= b->size)
		return p;
	void *q = hook_malloc(n);
	if (q != NULL) {
		memcpy(q, p, b->size);
		hook_free(p);
	}
	return q;
}

void
sip_arena_install(void)
{
	osip_set_allocators(hook_malloc, hook_realloc, hook_free);
}

void
sip_arena_enter(struct sip_arena *a)
{
	cur = a;
}

void
sip_arena_leave(struct sip_arena *a)
{
	cur = NULL;
	if (a == NULL || a->head == NULL)
		return;
	/* keep one chunk for the next message; a giant message's chunks go */
	struct chunk *keep = a->head;
	while (keep->next != NULL)
		keep = keep->next;
	while (a->head != keep) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
	if (keep->cap > ARENA_CHUNK) {
		free(keep);
		a->head = NULL;
		return;
	}
	keep->used = 0;
}
