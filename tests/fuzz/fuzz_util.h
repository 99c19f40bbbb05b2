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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"

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

/* The separator that splits one fuzz input into several log files. */
#define FUZZ_SEP "\n--8<--\n"

/* Returns the number of files the input was split into at FUZZ_SEP (at most
 * max): copies in out[] (free with fuzz_free) and their lengths in lens[]. */
static inline size_t
fuzz_split(const uint8_t *d, size_t n, char **out, size_t *lens, size_t max)
{
	size_t k = 0, pos = 0, sl = strlen(FUZZ_SEP);
	while (k < max - 1) {
		const uint8_t *s = memmem(d + pos, n - pos, FUZZ_SEP, sl);
		if (s == NULL)
			break;
		size_t len = (size_t)(s - (d + pos));
		out[k] = fuzz_copy(d + pos, len);
		lens[k++] = len;
		pos += len + sl;
	}
	out[k] = fuzz_copy(d + pos, n - pos);
	lens[k++] = n - pos;
	return k;
}

/* Returns the number of files the input was split into, each loaded into m
 * as "fuzzN.log" like a log read from disk; free texts[] with fuzz_free after
 * the model. */
static inline size_t
fuzz_load(struct model *m, const uint8_t *d, size_t n, char **texts, size_t *lens, size_t max)
{
	size_t nf = fuzz_split(d, n, texts, lens, max);
	for (size_t i = 0; i < nf; i++) {
		char name[32];
		snprintf(name, sizeof name, "fuzz%zu.log", i);
		log_load_memory(m, name, texts[i], lens[i]);
	}
	return nf;
}

/* Returns the length of the UTF-8 sequence at s (n bytes left) with its code
 * point in *cp, or 0 when it is not valid (overlong, surrogate, too big): the
 * harnesses' own decoder, so that the program's is checked, not trusted. */
__attribute__((no_sanitize("coverage"))) static inline size_t
fuzz_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len = s[0] >= 0xf0 && s[0] < 0xf8 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
	    : s[0] >= 0xc0 && s[0] < 0xe0 ? 2 : 0;
	static const unsigned mins[] = {0, 0, 0x80, 0x800, 0x10000};
	if (len == 0 || len > n)
		return 0;
	unsigned c = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < mins[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Returns a new memory file (the caller closes it) holding the n bytes at d,
 * with its /proc path in path: the input as a file the user named. */
static inline int
fuzz_memfile(const char *name, const uint8_t *d, size_t n, char *path, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0 || (n > 0 && write(fd, d, n) != (ssize_t)n))
		abort();
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
