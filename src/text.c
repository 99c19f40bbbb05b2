/* text.c - escaping untrusted text for terminals, JSON and HTML. */
#include <stdlib.h>
#include <string.h>

#include "text.h"

size_t
text_utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and C1 controls written as UTF-8 are unsafe */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp >= 0x80 && cp < 0xa0)
		return 0;
	if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0; /* line separators and bidi overrides can disguise text */
	return len;
}

void
text_safe(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[8];
	size_t i = 0;
	sbuf_add(b, "", 0);
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f) {
			size_t j = i;
			while (j < n && p[j] >= 0x20 && p[j] < 0x7f)
				j++;
			sbuf_add(b, s + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			tmp[0] = '^';
			tmp[1] = c == 0x7f ? '?' : (char)(c + '@');
			sbuf_add(b, tmp, 2);
			i++;
			continue;
		}
		size_t l = text_utf8_len(p + i, n - i);
		if (l == 0) {
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
			sbuf_add(b, tmp, 4);
			i++;
		} else {
			sbuf_add(b, s + i, l);
			i += l;
		}
	}
}

void
text_fputs(FILE *fp, const char *s)
{
	if (s == NULL)
		return;
	struct sbuf b = {0};
	text_safe(&b, s, strlen(s));
	fputs(b.s, fp);
	sbuf_free(&b);
}

char *
text_safe_dup(const char *s)
{
	struct sbuf b = {0};
	if (s != NULL)
		text_safe(&b, s, strlen(s));
	return sbuf_take(&b);
}

void
text_json(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[16];
	sbuf_add(b, "", 0);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			tmp[0] = '\\', tmp[1] = (char)c;
			sbuf_add(b, tmp, 2);
		} else if (c == '\n') {
			sbuf_add(b, "\\n", 2);
		} else if (c == '\r') {
			sbuf_add(b, "\\r", 2);
		} else if (c == '\t') {
			sbuf_add(b, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
			/* <, > and & escaped so JSON embedded in HTML stays inert */
			snprintf(tmp, sizeof tmp, "\\u%04x", c);
			sbuf_add(b, tmp, 6);
		} else if (c >= 0x80) {
			size_t l = text_utf8_len(p + i, n - i);
			if (l == 0) {
				sbuf_add(b, "\\ufffd", 6);
				i++;
			} else {
				sbuf_add(b, s + i, l);
				i += l;
			}
			continue;
		} else {
			sbuf_add(b, s + i, 1);
		}
		i++;
	}
}

void
text_json_str(struct sbuf *b, const char *s)
{
	if (s == NULL) {
		sbuf_puts(b, "null");
		return;
	}
	sbuf_add(b, "\"", 1);
	text_json(b, s, strlen(s));
	sbuf_add(b, "\"", 1);
}

void
text_html(struct sbuf *b, const char *s, size_t n)
{
	struct sbuf safe = {0};
	text_safe(&safe, s, n);
	sbuf_add(b, "", 0);
	for (size_t i = 0; i < safe.len; i++) {
		switch (safe.s[i]) {
		case '&': sbuf_puts(b, "&amp;"); break;
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		case '"': sbuf_puts(b, "&quot;"); break;
		case '\'': sbuf_puts(b, "&#39;"); break;
		default: sbuf_add(b, safe.s + i, 1);
		}
	}
	sbuf_free(&safe);
}

size_t
text_width(const char *s)
{
	return text_cells(s, strlen(s));
}

/* Returns the cells code point cp takes on a terminal: 0 for combining marks
 * and zero-width characters, 2 for East Asian wide and full-width ones and
 * emoji, else 1 (what wcwidth says in a UTF-8 locale, without the locale). */
static size_t
cp_cells(unsigned cp)
{
	static const unsigned zero[][2] = {{0x0300, 0x036f}, {0x0483, 0x0489},
	    {0x0591, 0x05bd}, {0x0610, 0x061a}, {0x064b, 0x065f}, {0x1ab0, 0x1aff},
	    {0x1dc0, 0x1dff}, {0x200b, 0x200f}, {0x20d0, 0x20ff}, {0xfe00, 0xfe0f},
	    {0xfe20, 0xfe2f}, {0xfeff, 0xfeff}};
	static const unsigned wide[][2] = {{0x1100, 0x115f}, {0x231a, 0x231b},
	    {0x2329, 0x232a}, {0x23e9, 0x23ec}, {0x25fd, 0x25fe}, {0x2614, 0x2615},
	    {0x2648, 0x2653}, {0x26a1, 0x26a1}, {0x26aa, 0x26ab}, {0x26bd, 0x26be},
	    {0x26c4, 0x26c5}, {0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f5},
	    {0x26fa, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728},
	    {0x274c, 0x274c}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	    {0x27b0, 0x27b0}, {0x27bf, 0x27bf}, {0x2b1b, 0x2b1c}, {0x2b50, 0x2b50},
	    {0x2b55, 0x2b55}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf},
	    {0x4e00, 0x9fff}, {0xa000, 0xa4cf}, {0xa960, 0xa97f}, {0xac00, 0xd7a3},
	    {0xf900, 0xfaff}, {0xfe10, 0xfe19}, {0xfe30, 0xfe6f}, {0xff00, 0xff60},
	    {0xffe0, 0xffe6}, {0x16fe0, 0x18aff}, {0x1b000, 0x1b2ff}, {0x1f004, 0x1f004},
	    {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f251},
	    {0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff}, {0x1f7e0, 0x1f7eb}, {0x1f90c, 0x1f9ff},
	    {0x1fa70, 0x1faff}, {0x20000, 0x3fffd}};
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* Returns the bytes of the character at s (n > 0 bytes left) as text_safe
 * writes it, and sets *cells to the cells it takes there. */
static size_t
char_at(const unsigned char *s, size_t n, size_t *cells)
{
	if (s[0] < 0x20 || s[0] == 0x7f) {
		*cells = 2; /* ^X */
		return 1;
	}
	size_t l = s[0] < 0x80 ? 1 : text_utf8_len(s, n);
	if (l == 0) {
		*cells = 4; /* \xNN */
		return 1;
	}
	unsigned cp = s[0];
	if (l > 1) {
		static const unsigned char lead[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
		cp = s[0] & lead[l];
		for (size_t i = 1; i < l; i++)
			cp = cp << 6 | (s[i] & 0x3f);
	}
	*cells = l == 1 ? 1 : cp_cells(cp);
	return l;
}

/* Returns the cells the n bytes at s take once made safe. */
size_t
text_cells(const char *s, size_t n)
{
	size_t w = 0, c;
	for (size_t i = 0; i < n; w += c)
		i += char_at((const unsigned char *)s + i, n - i, &c);
	return w;
}

/* Appends s made safe and cut to w cells, the last one mark when cut. */
size_t
text_cut(struct sbuf *b, const char *s, size_t n, size_t w, const char *mark)
{
	struct sbuf t = {0};
	text_safe(&t, s, n);
	size_t total = text_cells(t.s, t.len), mw = text_cells(mark, strlen(mark));
	sbuf_add(b, "", 0);
	if (total <= w) {
		sbuf_add(b, t.s, t.len);
		sbuf_free(&t);
		return total;
	}
	size_t i = 0, cells = 0, c;
	while (i < t.len && w >= mw) {
		size_t l = char_at((const unsigned char *)t.s + i, t.len - i, &c);
		if (cells + c > w - mw)
			break;
		cells += c;
		i += l;
	}
	sbuf_add(b, t.s, i);
	if (w >= mw) {
		sbuf_puts(b, mark);
		cells += mw;
	}
	sbuf_free(&t);
	return cells;
}

/* Returns the bytes of the longest start of safe text s (n bytes) that fits
 * in w cells (at least one character, so that a narrow line still moves on);
 * *cells gets its width. */
static size_t
fit(const char *s, size_t n, size_t w, size_t *cells)
{
	size_t i = 0, c;
	*cells = 0;
	while (i < n) {
		size_t l = char_at((const unsigned char *)s + i, n - i, &c);
		if (i > 0 && *cells + c > w)
			break;
		*cells += c;
		i += l;
	}
	return i;
}

/* Returns where a too-long word of n bytes at s, of which l bytes (c cells)
 * fit, is best cut: after the last '/' among them, so a path's file:line
 * stays whole, else at l; c becomes the cells kept. */
static size_t
slash_cut(const char *s, size_t n, size_t l, size_t *c)
{
	if (l >= n)
		return l;
	for (size_t k = l; k > 1; k--)
		if (s[k - 1] == '/') {
			*c = text_cells(s, k);
			return k;
		}
	return l;
}

/* Appends s made safe and word-wrapped (see text.h). */
void
text_wrap(struct sbuf *b, const char *s, size_t at, size_t w, size_t indent)
{
	struct sbuf t = {0};
	text_safe(&t, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
	if (w < indent + 8)
		w = indent + 8;
	size_t col = at, i = 0;
	bool fresh = true; /* nothing of s on this line yet */
	while (i < t.len) {
		size_t sp = 0, k = 0;
		while (i + sp < t.len && t.s[i + sp] == ' ')
			sp++;
		while (i + sp + k < t.len && t.s[i + sp + k] != ' ')
			k++;
		size_t ww = text_cells(t.s + i + sp, k), word = i + sp;
		if (!fresh && col + sp + ww > w) {
			sbuf_printf(b, "\n%*s", (int)indent, "");
			col = indent, sp = 0, fresh = true; /* spaces at a break are dropped */
		}
		if (col + sp + ww > w) /* blanks wider than the line: what leaves the word room */
			sp = col + ww < w ? w - col - ww : 0;
		sbuf_add(b, t.s + word - sp, sp);
		col += sp;
		for (size_t j = word, e = word + k, c; j < e;) { /* a word too long: cut */
			if (col >= w) {
				sbuf_printf(b, "\n%*s", (int)indent, "");
				col = indent;
			}
			size_t l = slash_cut(t.s + j, e - j, fit(t.s + j, e - j, w - col, &c), &c);
			sbuf_add(b, t.s + j, l);
			j += l;
			col = j < e ? w : col + c; /* the rest of a cut word on the next line */
		}
		fresh = false;
		i = word + k;
	}
	sbuf_puts(b, "\n");
	sbuf_free(&t);
}

char *
text_lld(char *end, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--end = '-';
	return end;
}
