/* t.h - the unit-test harness: CHECK macros and a main that counts.
 *
 * A test file defines functions `static void test_xxx(void)` and lists them
 * in `T_LIST(T(test_xxx), ...)`. Each test prints "ok"/"FAIL" lines; the
 * program prints "N passed, N failed" and exits 1 on any failure.
 */
#ifndef XW_T_H
#define XW_T_H

#include <stdio.h>
#include <string.h>

static int t_failed_checks;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, \
			    __LINE__, #cond);                                    \
			t_failed_checks++;                                       \
		}                                                                \
	} while (0)

#define CHECK_STR(a, b)                                                             \
	do {                                                                        \
		const char *t_a = (a), *t_b = (b);                                  \
		if (t_a == NULL || t_b == NULL || strcmp(t_a, t_b) != 0) {          \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\" (%s vs %s)\n",   \
			    __FILE__, __LINE__, t_a ? t_a : "(null)",               \
			    t_b ? t_b : "(null)", #a, #b);                          \
			t_failed_checks++;                                          \
		}                                                                   \
	} while (0)

#define CHECK_INT(a, b)                                                              \
	do {                                                                         \
		long long t_a = (long long)(a), t_b = (long long)(b);                \
		if (t_a != t_b) {                                                    \
			fprintf(stderr, "  %s:%d: %lld != %lld (%s vs %s)\n",        \
			    __FILE__, __LINE__, t_a, t_b, #a, #b);                   \
			t_failed_checks++;                                           \
		}                                                                    \
	} while (0)

struct t_case {
	const char *name;
	void (*fn)(void);
};
#define T(f) {#f, f}
#define T_LIST(...)                                                             \
	int main(void)                                                          \
	{                                                                       \
		static const struct t_case cases[] = {__VA_ARGS__};             \
		int passed = 0, failed = 0;                                     \
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {   \
			int before = t_failed_checks;                           \
			cases[i].fn();                                          \
			if (t_failed_checks == before) {                        \
				passed++;                                       \
				printf("ok   %s\n", cases[i].name);             \
			} else {                                                \
				failed++;                                       \
				printf("FAIL %s\n", cases[i].name);             \
			}                                                       \
		}                                                               \
		printf("%d passed, %d failed\n", passed, failed);               \
		return failed ? 1 : 0;                                          \
	}

#endif
