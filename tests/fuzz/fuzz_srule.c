/* fuzz_srule.c - libFuzzer harness: pattern + alias -> the search-rule matcher.
 *
 * Input: byte 0 picks the pattern type, byte 1 the behavior, then the
 * pattern, the alias and the replace string separated by NUL bytes. The
 * PCRE2 limits must hold: a match that takes longer than MAX_MATCH_MS is a
 * finding even when libFuzzer's own timeout would not fire.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_util.h"
#include "srule.h"

#define MAX_MATCH_MS 2000
#define MAX_RESULT 65536 /* as in srule.c: a transformed alias never grows past it */

static const char *const domains[] = {"example.com", "cisco.com", "a.b-c.example"};
static const char *const ips[] = {"10.0.0.1", "192.0.2.44", "2001:db8::1"};

/* Returns the milliseconds of the monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns the next NUL-separated field of [*p, e) as a new C string. */
static char *
field(const uint8_t **p, const uint8_t *e)
{
	const uint8_t *z = memchr(*p, 0, (size_t)(e - *p));
	size_t n = z ? (size_t)(z - *p) : (size_t)(e - *p);
	char *s = fuzz_cstr(*p, n);
	*p = z ? z + 1 : e;
	return s;
}

/* Returns nothing; compiles and applies one pattern, checking its promises. */
static void
try_pattern(enum srule_ptype t, enum srule_behavior b, const char *pat, const char *alias,
    const char *rep, const struct srule_vars *v)
{
	struct srule_err err;
	memset(&err, 0, sizeof err);
	struct srule_pattern *p = srule_compile(t, pat, v, &err);
	if (p == NULL) {
		if (err.msg[0] == '\0')
			abort(); /* a failed compile always says why */
		return;
	}
	if (strlen(srule_regex(p)) > SRULE_MAX_PATTERN)
		abort();
	char *out = NULL;
	int64_t t0 = now_ms();
	int r = srule_apply(p, alias, b, rep, &out, &err);
	int64_t ms = now_ms() - t0;
	if (ms > MAX_MATCH_MS) {
		fprintf(stderr, "fuzz_srule: match took %lld ms: PCRE2 limits did not hold\n",
		    (long long)ms);
		abort();
	}
	if (r == 1 && (out == NULL || strlen(out) > MAX_RESULT))
		abort();
	if (r == -1 && err.msg[0] == '\0')
		abort();
	if (r != 1 && out != NULL)
		abort();
	free(out);
	srule_free(p);
}

/* Returns 0 after matching the input's alias against its pattern. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n < 2)
		return 0;
	enum srule_ptype t = (enum srule_ptype)(d[0] % 4);
	enum srule_behavior b = (enum srule_behavior)(d[1] % 3);
	const uint8_t *p = d + 2, *e = d + n;
	char *pat = field(&p, e), *alias = field(&p, e), *rep = field(&p, e);
	struct srule_vars v = {domains, 3, ips, 3};
	free(srule_expand(t, pat, &v));
	try_pattern(t, b, pat, alias, rep, &v);
	try_pattern(t, b, pat, alias, rep, NULL);
	free(pat);
	free(alias);
	free(rep);
	return 0;
}
