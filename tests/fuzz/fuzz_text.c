/* fuzz_text.c - libFuzzer harness: untrusted bytes -> text_safe, text_json,
 * text_html; asserts what each promises, with a UTF-8 decoder of its own so
 * that text_utf8_len is checked rather than trusted:
 *   text_safe: no C0, DEL, C1 (raw 0x80-0x9f or UTF-8 encoded), valid UTF-8;
 *   text_json: that, plus no raw quote, <, > or &, and only valid escapes;
 *   text_html: that, plus no raw <, >, quotes, and & only starting an entity;
 *   text_cut: terminal-safe and at most the cells asked for (as text_cells
 *   counts them), what it says it wrote;
 *   text_wrap: terminal-safe lines ending in newlines, none wider than asked
 *   (but for one character wider than what was left). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "text.h"

/* Returns nothing; stops the run with a message naming the broken promise. */
static void
die(const char *what, const struct sbuf *b, size_t at)
{
	fprintf(stderr, "fuzz_text: %s at byte %zu of %zu\n", what, at, b->len);
	abort();
}


/* Returns nothing; checks that b is valid UTF-8 with no control character. */
static void
check_terminal_safe(const struct sbuf *b, const char *who)
{
	const unsigned char *p = (const unsigned char *)b->s;
	char what[96];
	for (size_t i = 0; i < b->len;) {
		unsigned cp = p[i];
		size_t l = cp < 0x80 ? 1 : fuzz_utf8_decode(p + i, b->len - i, &cp);
		snprintf(what, sizeof what, "%s: %s", who,
		    l == 0 ? "invalid UTF-8" : "control character");
		if (l == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			die(what, b, i);
		if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			die("bidi override or line separator", b, i);
		i += l;
	}
	if (b->s != NULL && b->s[b->len] != '\0')
		die("not NUL-terminated", b, b->len);
}

/* Returns nothing; checks JSON string content: escapes only, no raw quote. */
static void
check_json(const struct sbuf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		char c = b->s[i];
		if (c == '"' || c == '<' || c == '>' || c == '&')
			die("json: raw quote, <, > or &", b, i);
		if (c != '\\')
			continue;
		if (++i >= b->len || strchr("\"\\/bfnrtu", b->s[i]) == NULL)
			die("json: bad escape", b, i);
		if (b->s[i] == 'u') {
			for (int k = 1; k <= 4; k++)
				if (i + k >= b->len || strchr("0123456789abcdefABCDEF", b->s[i + k]) == NULL)
					die("json: bad \\u escape", b, i);
		}
	}
}

/* Returns nothing; checks HTML text: no markup byte, & only as an entity. */
static void
check_html(const struct sbuf *b)
{
	static const char *ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	for (size_t i = 0; i < b->len; i++) {
		char c = b->s[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'')
			die("html: unescaped markup byte", b, i);
		if (c != '&')
			continue;
		bool ok = false;
		for (size_t k = 0; k < 5 && !ok; k++)
			ok = strncmp(b->s + i, ents[k], strlen(ents[k])) == 0;
		if (!ok)
			die("html: & that starts no entity", b, i);
	}
}

/* Returns nothing; cuts and wraps the input to a width the input's first
 * byte chooses and checks both promises. */
static void
check_fit(const char *in, size_t n, const char *cs)
{
	size_t w = n > 0 ? (unsigned char)in[0] % 90 : 10, got;
	struct sbuf cut = {0}, wrap = {0};
	got = text_cut(&cut, in, n, w, "~");
	check_terminal_safe(&cut, "text_cut");
	if (got > w || text_cells(cut.s, cut.len) != got)
		die("text_cut: wider than asked, or not what it says", &cut, got);
	size_t ww = w < 16 ? 16 : w; /* text_wrap takes at least indent + 8 */
	text_wrap(&wrap, cs, 3, ww, 4);
	for (size_t i = 0, line = 0; i < wrap.len; line++) {
		size_t e = i;
		while (e < wrap.len && wrap.s[e] != '\n')
			e++;
		if (e == wrap.len)
			die("text_wrap: a line without its newline", &wrap, i);
		struct sbuf l = {0};
		sbuf_add(&l, wrap.s + i, e - i);
		check_terminal_safe(&l, "text_wrap");
		if (text_cells(l.s, l.len) + (line == 0 ? 3 : 0) > ww + 3) /* a wide char at an end */
			die("text_wrap: a line wider than asked", &wrap, i);
		sbuf_free(&l);
		i = e + 1;
	}
	sbuf_free(&cut);
	sbuf_free(&wrap);
}

/* Returns 0 after escaping the input every way and checking each result. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *in = fuzz_copy(d, n);
	struct sbuf safe = {0}, json = {0}, html = {0}, q = {0};
	text_safe(&safe, in, n);
	check_terminal_safe(&safe, "text_safe");
	text_json(&json, in, n);
	check_terminal_safe(&json, "text_json");
	check_json(&json);
	text_html(&html, in, n);
	check_terminal_safe(&html, "text_html");
	check_html(&html);
	char *cs = fuzz_cstr(d, n);
	char *dup = text_safe_dup(cs);
	struct sbuf again = {0};
	text_safe(&again, cs, strlen(cs));
	if (strcmp(dup, again.s) != 0)
		die("text_safe_dup differs from text_safe", &again, 0);
	text_json_str(&q, cs);
	if (q.len < 2 || q.s[0] != '"' || q.s[q.len - 1] != '"')
		die("text_json_str: not quoted", &q, 0);
	(void)text_width(cs);
	check_fit(in, n, cs);
	free(dup);
	free(cs);
	sbuf_free(&again);
	sbuf_free(&q);
	sbuf_free(&safe);
	sbuf_free(&json);
	sbuf_free(&html);
	fuzz_free(in, n);
	return 0;
}
