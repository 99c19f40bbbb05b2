/* fuzz_util.h - what the libFuzzer harnesses share: copies of the input
 * that end exactly where the input ends, so that a read past the end is
 * caught, or with a NUL added where an API takes C strings.
 *
 * An input of even length is copied to the heap, where ASan sees reads on
 * either side of it in our code. One of odd length is copied to the end of
 * a page that is followed by an inaccessible page, so that a read past the
 * end faults even where ASan does not look: in libosip2, libc, or the
 * fuzzer's own compare hooks (and a log file mapped to the byte behaves
 * just the same in the real program).
 */
#ifndef XW_FUZZ_UTIL_H
#define XW_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Returns the bytes to map for n bytes of text plus the guard page. */
static inline size_t
fuzz_maplen(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	return (n + pg - 1) / pg * pg + pg;
}

/* Returns a copy of the n bytes at d that ends exactly where the input ends
 * (never NULL, even for n == 0); free it with fuzz_free(p, n). */
static inline char *
fuzz_copy(const uint8_t *d, size_t n)
{
	if (n % 2 == 0) {
		char *p = malloc(n ? n : 1);
		if (p == NULL)
			abort();
		if (n)
			memcpy(p, d, n);
		return p;
	}
	size_t len = fuzz_maplen(n), pg = (size_t)sysconf(_SC_PAGESIZE);
	char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || mprotect(base + len - pg, pg, PROT_NONE) != 0)
		abort();
	char *p = base + len - pg - n;
	memcpy(p, d, n);
	return p;
}

/* Returns nothing; frees a copy made by fuzz_copy of n bytes. */
static inline void
fuzz_free(char *p, size_t n)
{
	if (n % 2 == 0) {
		free(p);
		return;
	}
	size_t len = fuzz_maplen(n), pg = (size_t)sysconf(_SC_PAGESIZE);
	munmap(p + n + pg - len, len);
}

/* Returns a NUL-terminated heap copy of the n bytes at d; the caller frees it. */
static inline char *
fuzz_cstr(const uint8_t *d, size_t n)
{
	char *p = malloc(n + 1);
	if (p == NULL)
		abort();
	memcpy(p, d, n);
	p[n] = '\0';
	return p;
}

#endif
