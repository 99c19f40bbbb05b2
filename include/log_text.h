/* log_text.h - reading log text: what every format's reader shares (ingest
 * only; layers above read the fields ingest parsed, never the text).
 *
 * Lines end with LF, CRLF or a lone CR; a cursor walks them without running
 * ahead of the scan by more than a window (running to the end would bring a
 * whole mapped file into memory at once). Fields are written key="value"; a
 * value ends at the first quote followed by the end, ':' or spaces and an
 * upper-case Key=" (inner attributes, as in CPL XML, are lower case).
 * Times are "2017-09-19 18:01:48,140" (UTC) or ISO 8601 with an offset.
 *
 * The helpers a scan calls once per line are inline: a gigabyte has ten
 * million lines, and a call per line would cost more than the line.
 * Untrusted input: every helper stays inside the lengths it is given.
 */
#ifndef XW_LOG_TEXT_H
#define XW_LOG_TEXT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model.h"

#define LOG_LOOKAHEAD (64u << 10) /* how far a terminator search may run ahead */

/* A position in a text, and how far its terminator searches looked. */
struct log_cursor {
	const char *d;
	size_t len, pos;
	uint32_t lineno;  /* number of the line last returned */
	size_t next_lf;   /* where the last search for '\n' stopped (see log_find_byte) */
	size_t next_cr;   /* the same for '\r'; SIZE_MAX: not looked for yet */
};

/* One line of a text. */
struct log_line {
	const char *s;
	size_t n;         /* without the line terminator */
	size_t start, next;
	uint32_t no;      /* 1-based */
};

/* Returns nothing; sets c at the start of the len bytes at d (not copied). */
static inline void
log_cursor_init(struct log_cursor *c, const char *d, size_t len)
{
	*c = (struct log_cursor){.d = d, .len = len, .next_lf = SIZE_MAX, .next_cr = SIZE_MAX};
}

/* Returns the position of the first ch at or after the cursor, or a position
 * >= limit when there is none before it. Remembers in *at how far it looked,
 * so one memchr serves many lines: an LF log looks for '\r' once per window,
 * and a search never runs ahead of the scan by more than a window. */
static inline size_t
log_find_byte(const struct log_cursor *c, size_t *at, int ch, size_t limit)
{
	while (*at == SIZE_MAX || *at < c->pos || (*at < limit && *at < c->len && c->d[*at] != ch)) {
		size_t from = *at == SIZE_MAX || *at < c->pos ? c->pos : *at;
		size_t to = c->len - from > LOG_LOOKAHEAD ? from + LOG_LOOKAHEAD : c->len;
		const char *p = memchr(c->d + from, ch, to - from);
		*at = p ? (size_t)(p - c->d) : to;
	}
	return *at;
}

/* Returns true and the line at the cursor without moving past it. */
static inline bool
log_peek_line(struct log_cursor *c, struct log_line *l)
{
	if (c->pos >= c->len)
		return false;
	size_t lim = c->pos, e;
	do {
		lim = c->len - lim > LOG_LOOKAHEAD ? lim + LOG_LOOKAHEAD : c->len;
		size_t lf = log_find_byte(c, &c->next_lf, '\n', lim);
		size_t cr = log_find_byte(c, &c->next_cr, '\r', lim);
		e = lf < cr ? lf : cr;
	} while (e >= lim && lim < c->len);
	if (e > c->len)
		e = c->len;
	size_t nx = e;
	if (e < c->len)
		nx += c->d[e] == '\r' && e + 1 < c->len && c->d[e + 1] == '\n' ? 2 : 1;
	l->s = c->d + c->pos;
	l->n = e - c->pos;
	l->start = c->pos;
	l->next = nx;
	l->no = c->lineno + 1;
	return true;
}

/* Returns nothing; moves the cursor past a line log_peek_line returned. */
static inline void
log_take_line(struct log_cursor *c, const struct log_line *l)
{
	c->pos = l->next;
	c->lineno = l->no;
}

/* Returns true and the next line, false at the end of the text. */
static inline bool
log_next_line(struct log_cursor *c, struct log_line *l)
{
	if (!log_peek_line(c, l))
		return false;
	log_take_line(c, l);
	return true;
}

/* Returns true when the n bytes at s are all decimal digits. */
static inline bool
log_is_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Returns true when the line starts like an entry header ("2017-09-19T14:01:48"). */
static inline bool
log_is_header(const char *s, size_t n)
{
	return n >= 20 && log_is_digits(s, 4) && s[4] == '-' && log_is_digits(s + 5, 2) &&
	    s[7] == '-' && log_is_digits(s + 8, 2) && s[10] == 'T' && log_is_digits(s + 11, 2) &&
	    s[13] == ':' && log_is_digits(s + 14, 2) && s[16] == ':' && log_is_digits(s + 17, 2);
}

/* Returns true when the line holds only spaces and tabs. */
static inline bool
log_is_blank(const struct log_line *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

/* Returns the first k-byte needle (k >= 1) in the n bytes at h, or NULL.
 * memchr on the first byte beats memmem's set-up on lines this short. */
static inline const char *
log_find_str(const char *h, size_t n, const char *needle, size_t k)
{
	const char *e = h + n;
	if (k == 0)
		return h;
	while ((size_t)(e - h) >= k) {
		const char *p = memchr(h, needle[0], (size_t)(e - h) - k + 1);
		if (p == NULL || memcmp(p + 1, needle + 1, k - 1) == 0)
			return p;
		h = p + 1;
	}
	return NULL;
}

/* Returns true when c may be part of a key (letters, digits, '-', '_'). */
static inline bool
log_is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Returns true when a key may start at k of the text that starts at s: at
 * its start, or after a space, a colon or a tab. */
static inline bool
log_key_starts(const char *s, const char *k)
{
	return k == s || k[-1] == ' ' || k[-1] == ':' || k[-1] == '\t';
}

/* Returns true after moving the value of *n bytes at *v past the blanks
 * padding it inside its quotes (Src-ip=" 192.168.1.6 "), false when it
 * does not start with a blank. Padding starts a value with blanks, which
 * the Expressway never does (it ends some with one: Detail="CPL: <routed> "
 * is kept as it is). */
static inline bool
log_trim(const char **v, size_t *n)
{
	size_t a = 0, b = *n;
	while (a < b && ((*v)[a] == ' ' || (*v)[a] == '\t'))
		a++;
	if (a == 0)
		return false;
	while (b > a && ((*v)[b - 1] == ' ' || (*v)[b - 1] == '\t'))
		b--;
	*v += a;
	*n = b - a;
	return true;
}

/* Returns the time of "2017-09-19 18:01:48,140" (or without ",ms"), or XW_TIME_NONE. */
xw_time log_parse_utctime(const char *s, size_t n);
/* Returns the UTC time of an ISO prefix "2017-09-19T14:01:48.140-04:00", or XW_TIME_NONE. */
xw_time log_parse_iso(const char *s, size_t n);
/* Returns the end of a quoted value starting at p, in the text that ends at e. */
const char *log_value_end(const char *p, const char *e);
/* Returns true and sets *val and *vlen to the value of the first key="..."
 * in the len bytes at line whose key starts the line or follows ' ', ':' or
 * a tab. Keys are matched exactly; values are not NUL-terminated, and read
 * without padding blanks (log_trim). */
bool log_kv(const char *line, size_t len, const char *key, const char **val, size_t *vlen);
/* Where a key="value" field is, as offsets from the start of its text. */
struct log_pair {
	size_t key, klen;
	size_t val, vlen;     /* val is key + klen + 2, past any padding blanks */
};
/* Returns the number of key="value" fields in the n bytes at s and stores
 * the first max of them in out, in text order: each field log_kv finds for a
 * key made of log_is_key_char, those inside other values included, so that
 * the first of a key is what log_kv gives. */
size_t log_kv_all(const char *s, size_t n, struct log_pair *out, size_t max);

#endif
