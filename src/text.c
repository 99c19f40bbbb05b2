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
	size_t w = 0, n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			w += 2, i++;
			continue;
		}
		size_t l = p[i] < 0x80 ? 1 : text_utf8_len(p + i, n - i);
		w += l == 0 ? 4 : 1;
		i += l == 0 ? 1 : l;
	}
	return w;
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
