/* log_repair.c - pasted, quoted, forwarded, folded and re-encoded text put
 * back the way the Expressway wrote it (see log_repair.h).
 *
 * Three passes, each over what the one before gave: the bytes (encoding,
 * characters, entities), the lines (fences, prefixes, syslog framing, each
 * line of the file giving one line or, for escaped line breaks, several),
 * then the entries (pieces of cut lines joined). An entry is a header line
 * ("2018-01-01T12:56:48.964-05:00 host tvcs: ...") and the lines up to the
 * next one; what stood before its time on its header line is the prefix of
 * the entry, and a line of the entry that starts with a prefix of the same
 * shape (digits for digits) loses it: quotes, line numbers and indentation
 * are consistent per entry, whatever they are.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log_repair.h"
#include "log_text.h"
#include "xmem.h"

#define WINDOW (64u << 10)   /* bytes per window log_repair_wanted looks at */
#define MAX_PREFIX 96        /* bytes before an entry's time that may be a prefix */
#define MIN_FOLD 20          /* narrower cuts are not taken for folds */
#define MAX_BLOCK_LINES 20000 /* lines of one SIP message the fold pass looks at */
#define TAB_STOP 4           /* columns of a tab in an indentation (markdown's) */

/* The kinds of repair, one note each. */
enum rk {
	RK_UTF16, RK_BOM, RK_CRCR, RK_CHARS, RK_ENTITY, RK_FENCE, RK_NUMBER, RK_QUOTE,
	RK_INDENT, RK_PREFIX, RK_SYSLOG, RK_TAG, RK_ESCAPE, RK_FOLD, RK_QUOTEJOIN, RK_COUNT
};

/* How often a kind of repair was done, where first, and an example. */
struct rstat {
	uint32_t line, count;
	char ex[40];
};

/* A line as the passes see it. */
struct rline {
	const char *s;
	size_t n;
	size_t on;        /* its length in the file, prefix included */
	uint32_t no;      /* the file's line */
	bool head;        /* an entry header */
};

/* The state of one repair. */
struct rep {
	struct log_repair *out;
	struct rstat st[RK_COUNT];
	struct strpool *pool;     /* lines the passes rewrote */
	struct rline *l;
	size_t nl, cap;
	uint32_t file_lines;
	const char *utf16;        /* how the text was encoded, for the note */
	uint32_t fold_on, fold_n; /* the fold width over the file's lines, over the prefix-free ones */
	uint32_t head_on, head_n; /* the same over entry header lines alone (a tool that cut those) */
	uint32_t width;           /* the width of the first cut joined, for the note */
	uint32_t unconfirmed;     /* SIP messages whose cuts could not be confirmed */
	uint32_t unconfirmed_line;
	size_t mapcap;
};

/* Returns nothing; counts one repair of kind k at line no, keeping the
 * first example ex (n bytes; NULL: none). */
static void
note(struct rep *r, enum rk k, uint32_t no, const char *ex, size_t n)
{
	struct rstat *s = &r->st[k];
	if (s->count++ == 0) {
		s->line = no;
		if (ex != NULL) {
			size_t c = n < sizeof s->ex - 1 ? n : sizeof s->ex - 1;
			memcpy(s->ex, ex, c);
			s->ex[c] = '\0';
		}
	}
}

/* Bytes. */

/* Returns true when c is a byte of plain text (printable ASCII or a blank). */
static bool
plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

/* Returns 1 for UTF-16 little-endian, 2 for big-endian, 0 for neither;
 * *skip is the byte order mark's length. Without a mark, text whose every
 * other byte is NUL and the others plain ASCII is UTF-16. */
static int
utf16_order(const unsigned char *u, size_t n, size_t *skip)
{
	*skip = 0;
	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		*skip = 2;
		return u[0] == 0xff ? 1 : 2;
	}
	size_t k = (n < 1024 ? n : 1024) & ~(size_t)1, z[2] = {0, 0}, p[2] = {0, 0};
	if (k < 8)
		return 0;
	for (size_t i = 0; i < k; i++) {
		z[i & 1] += u[i] == 0;
		p[i & 1] += plain(u[i]);
	}
	size_t half = k / 2;
	if (z[1] * 10 >= half * 9 && p[0] * 10 >= half * 9)
		return 1;
	if (z[0] * 10 >= half * 9 && p[1] * 10 >= half * 9)
		return 2;
	return 0;
}

/* Returns nothing; appends code point c to b as UTF-8. */
static void
put_utf8(struct sbuf *b, unsigned c)
{
	char u[4];
	size_t n;
	if (c < 0x80) {
		u[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3f)), n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f)), u[3] = (char)(0x80 | (c & 0x3f)), n = 4;
	}
	sbuf_add(b, u, n);
}

/* Returns nothing; decodes the n bytes of UTF-16 at u (order 1: little-
 * endian) into b as UTF-8; a lone surrogate becomes U+FFFD, an odd last
 * byte is dropped. */
static void
from_utf16(const unsigned char *u, size_t n, int order, struct sbuf *b)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned c = order == 1 ? (unsigned)(u[i] | u[i + 1] << 8) : (unsigned)(u[i] << 8 | u[i + 1]);
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n) {
			unsigned d = order == 1 ? (unsigned)(u[i + 2] | u[i + 3] << 8)
			    : (unsigned)(u[i + 2] << 8 | u[i + 3]);
			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i += 2;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		put_utf8(b, c);
	}
}

/* A run of text and what it stands for. */
struct swap {
	const char *from, *to;
};

/* Characters a web page or a word processor puts for plain ones. */
static const struct swap odd_chars[] = {
	{"\xc2\xa0", " "},          /* no-break space */
	{"\xe2\x80\xaf", " "},      /* narrow no-break space */
	{"\xe2\x80\x9c", "\""},     /* left double quotation mark */
	{"\xe2\x80\x9d", "\""},     /* right double quotation mark */
	{"\xe2\x80\x9e", "\""},     /* double low-9 quotation mark */
	{"\xe2\x80\x98", "'"},      /* left single quotation mark */
	{"\xe2\x80\x99", "'"},      /* right single quotation mark */
	{"\xe2\x80\x8b", ""},       /* zero-width space */
	{"\xe2\x80\x8c", ""},       /* zero-width non-joiner */
	{"\xef\xbb\xbf", ""},       /* a byte order mark inside the text */
};

/* HTML entities of a page's source. */
static const struct swap entities[] = {
	{"&quot;", "\""}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#39;", "'"},
	{"&#34;", "\""}, {"&apos;", "'"}, {"&nbsp;", " "},
};

/* Returns nothing; copies the n bytes at d into b with each from of the
 * table (k rows) replaced by its to, counting them as kind k in r (lines
 * counted on the way, for the note). */
static void
replace_all(struct rep *r, enum rk kind, const char *d, size_t n, const struct swap *tab,
    size_t k, struct sbuf *b)
{
	uint32_t line = 1;
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)d[i];
		bool hit = false;
		if (c == '&' || c >= 0x80) {
			for (size_t j = 0; j < k && !hit; j++) {
				size_t fl = strlen(tab[j].from);
				if (fl <= n - i && memcmp(d + i, tab[j].from, fl) == 0) {
					sbuf_add(b, d + run, i - run);
					sbuf_puts(b, tab[j].to);
					note(r, kind, line, tab[j].from, fl);
					i += fl;
					run = i;
					hit = true;
				}
			}
		}
		if (hit)
			continue;
		if (c == '\n' || (c == '\r' && (i + 1 >= n || d[i + 1] != '\n')))
			line++;
		i++;
	}
	sbuf_add(b, d + run, n - run);
}

/* Returns the text after replacing the runs of tab (k rows) in the *n bytes
 * at d (which may be t's): t holds the new copy, *n its length. */
static const char *
swap_all(struct rep *r, enum rk kind, const struct swap *tab, size_t k, const char *d,
    size_t *n, struct sbuf *t)
{
	struct sbuf u = {0};
	replace_all(r, kind, d, *n, tab, k, &u);
	sbuf_free(t);
	*t = u;
	sbuf_add(t, "", 0);
	*n = t->len;
	return t->s;
}

/* Returns true when the n bytes at d hold a run the table replaces in a
 * place where it stands for a plain character: a no-break space anywhere,
 * a typographic quote opening a value (=“). */
static bool
has_odd_chars(const char *d, size_t n)
{
	return memmem(d, n, "\xc2\xa0", 2) != NULL || memmem(d, n, "=\xe2\x80\x9c", 4) != NULL ||
	    memmem(d, n, "\xe2\x80\x8b", 3) != NULL;
}

/* Returns the text the line passes read (d itself, or a copy in *b) after
 * the byte repairs; *n is its length. */
static const char *
fix_bytes(struct rep *r, const char *d, size_t *n, struct sbuf *b)
{
	size_t skip;
	int order = utf16_order((const unsigned char *)d, *n, &skip);
	struct sbuf t = {0};
	if (order != 0) {
		from_utf16((const unsigned char *)d + skip, *n - skip, order, &t);
		r->utf16 = order == 1 ? (skip ? "little-endian, with a byte order mark" : "little-endian")
		    : (skip ? "big-endian, with a byte order mark" : "big-endian");
		note(r, RK_UTF16, 1, NULL, 0);
		sbuf_add(&t, "", 0);
		d = t.s, *n = t.len;
	}
	if (*n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		note(r, RK_BOM, 1, NULL, 0);
		d += 3, *n -= 3;
	}
	if (has_odd_chars(d, *n))
		d = swap_all(r, RK_CHARS, odd_chars, sizeof odd_chars / sizeof odd_chars[0], d, n, &t);
	if (memmem(d, *n, "=&quot;", 7) != NULL)
		d = swap_all(r, RK_ENTITY, entities, sizeof entities / sizeof entities[0], d, n, &t);
	*b = t;
	return d;
}

/* Lines. */

/* Returns true when a header's time starts at s and the rest of the line
 * (n bytes) reads like an entry: a host, then fields (key="value"), or a
 * host and a program tag and nothing after them (a line cut short). */
static bool
entry_at(const char *s, size_t n)
{
	if (!log_is_header(s, n))
		return false;
	const char *e = s + n, *h = memchr(s, ' ', n), *t, *te;
	if (h == NULL || h + 2 >= e || h[1] == ' ')
		return false;
	if (memmem(h, (size_t)(e - h), "=\"", 2) != NULL)
		return true;
	if ((t = memchr(h + 1, ' ', (size_t)(e - h - 1))) == NULL)
		return true; /* "TIME HOST" and the cut */
	te = memchr(t + 1, ' ', (size_t)(e - t - 1));
	return te == NULL ? true : te[-1] == ':' && te + 1 == e;
}

static size_t syslog_at(const char *p, size_t n);

/* Returns true when the n bytes at p can be what a tool puts before lines:
 * marks and blanks only (quotes "> ", indentation, list and table marks),
 * or a line number ("Line 190: ", "190:", "   190<tab>", "log.txt:190:");
 * text that merely ends where a time starts (a message line run into an
 * entry) is none. */
static bool
prefix_ok(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && strchr(" \t>|#*-:.", p[i]) != NULL)
		i++;
	if (i == n)
		return true;
	if (n - i > 5 && memcmp(p + i, "Line", 4) == 0 && (p[i + 4] == ' ' || p[i + 4] == '\t'))
		for (i += 4; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
			;
	else if (!isdigit((unsigned char)p[i])) { /* a file name before the number */
		while (i < n && p[i] != ' ' && p[i] != '\t' && !(i > 0 && (p[i - 1] == ':' ||
		    p[i - 1] == '-') && isdigit((unsigned char)p[i])))
			i++;
	}
	if (i >= n || !isdigit((unsigned char)p[i]))
		return false;
	while (i < n && isdigit((unsigned char)p[i]))
		i++;
	if (i < n && strchr(":-|).]", p[i]) != NULL)
		i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == n;
}

/* Returns the offset in the line (n bytes at s) where an entry's time
 * starts after a prefix of at most MAX_PREFIX bytes, or -1. A prefix holds
 * no '"' or '=' and no '<' but a syslog priority's: a time inside a field or
 * a markup attribute (in a message body) starts no entry; and the part of
 * it before any syslog framing is what a tool puts (prefix_ok). */
static long
entry_offset(const char *s, size_t n)
{
	size_t lim = n < MAX_PREFIX + 1 ? n : MAX_PREFIX + 1;
	if (log_is_header(s, n))
		return 0; /* as the formats read it, whatever follows */
	for (size_t p = 0; p < lim; p++) {
		if (s[p] == '"' || s[p] == '=' || (s[p] == '<' && (p + 1 >= n ||
		    !isdigit((unsigned char)s[p + 1]))))
			return -1;
		if (!isdigit((unsigned char)s[p]))
			continue;
		if (n - p >= 20 && s[p + 4] == '-' && s[p + 10] == 'T' && entry_at(s + p, n - p))
			return prefix_ok(s, syslog_at(s, p)) ? (long)p : -1;
	}
	return -1;
}

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
	"Sep", "Oct", "Nov", "Dec"};

/* Returns the length of a BSD syslog time stamp "Sep 19 14:01:48 " at s
 * (n bytes), or 0. */
static size_t
bsd_stamp(const char *s, size_t n)
{
	if (n < 16)
		return 0;
	bool mon = false;
	for (int i = 0; i < 12 && !mon; i++)
		mon = memcmp(s, months[i], 3) == 0;
	if (!mon || s[3] != ' ' || !(s[4] == ' ' || isdigit((unsigned char)s[4])) ||
	    !isdigit((unsigned char)s[5]) || s[6] != ' ' || !log_is_digits(s + 7, 2) || s[9] != ':' ||
	    !log_is_digits(s + 10, 2) || s[12] != ':' || !log_is_digits(s + 13, 2) || s[15] != ' ')
		return 0;
	return 16;
}

/* Returns the length of a syslog priority "<166>" at s, or 0. */
static size_t
priority(const char *s, size_t n)
{
	size_t i = 1;
	if (n < 3 || s[0] != '<')
		return 0;
	while (i < n && i < 5 && isdigit((unsigned char)s[i]))
		i++;
	return i > 1 && i < n && s[i] == '>' ? i + 1 : 0;
}

/* Returns the offset in a prefix (n bytes at p) where syslog framing (a
 * priority or a BSD time stamp) starts, or n when there is none. */
static size_t
syslog_at(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (priority(p + i, n - i) || bsd_stamp(p + i, n - i))
			return i;
	return n;
}

/* Returns the kind of repair a prefix (n > 0 bytes at p) is. */
static enum rk
prefix_kind(const char *p, size_t n)
{
	bool ws = true, digit = false, quote = false;
	for (size_t i = 0; i < n; i++) {
		ws = ws && (p[i] == ' ' || p[i] == '\t');
		digit = digit || isdigit((unsigned char)p[i]);
		quote = quote || p[i] == '>';
	}
	return ws ? RK_INDENT : digit ? RK_NUMBER : quote ? RK_QUOTE : RK_PREFIX;
}

/* Returns true when the line is a code fence: ```lang, ~~~, {code...},
 * {noformat}, <pre>, </pre>, [code], [/code], with blanks or quote marks
 * before it. */
static bool
is_fence(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
		i++;
	s += i, n -= i;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 3 && (memcmp(s, "```", 3) == 0 || memcmp(s, "~~~", 3) == 0))
		return memchr(s + 3, '`', n - 3) == NULL && memchr(s + 3, ' ', n - 3) == NULL;
	static const char *const marks[] = {"{code}", "{noformat}", "<pre>", "</pre>", "[code]",
		"[/code]", "<code>", "</code>"};
	for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
		if (n == strlen(marks[k]) && strncasecmp(s, marks[k], n) == 0)
			return true;
	return n > 6 && memcmp(s, "{code:", 6) == 0 && s[n - 1] == '}';
}

/* Returns the columns of the blanks at s (n bytes), tabs to TAB_STOP. */
static size_t
blank_cols(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c = s[i] == '\t' ? (c / TAB_STOP + 1) * TAB_STOP : c + 1;
	return c;
}

/* Returns the bytes of the line (n at s) that a prefix of the shape of q
 * (qn bytes) takes, or SIZE_MAX when the line does not start with one.
 * Digits stand for any digits, ':' and '-' for either (grep writes
 * "log:12:" and "log-13-"), blanks inside for any blanks; the blanks that end
 * q are taken one for one, so that the framing space of a SIP line stays. A
 * line of blanks only is cut by columns; a line that ends inside the prefix
 * (an empty quoted line, ">") matches when only blanks were left. */
static size_t
shape_len(const char *q, size_t qn, const char *s, size_t n)
{
	size_t tail = qn;
	while (tail > 0 && (q[tail - 1] == ' ' || q[tail - 1] == '\t'))
		tail--;
	if (tail == 0) { /* indentation */
		size_t i = 0, want = blank_cols(q, qn);
		while (i < n && (s[i] == ' ' || s[i] == '\t') && blank_cols(s, i) < want)
			i++;
		return i == 0 && n > 0 ? SIZE_MAX : i;
	}
	size_t i = 0, j = 0;
	while (i < tail) {
		if (j >= n)
			return SIZE_MAX;
		char c = q[i];
		if (isdigit((unsigned char)c)) {
			if (!isdigit((unsigned char)s[j]))
				return SIZE_MAX;
			while (i < tail && isdigit((unsigned char)q[i]))
				i++;
			while (j < n && isdigit((unsigned char)s[j]))
				j++;
		} else if (c == ' ' || c == '\t') {
			while (i < tail && (q[i] == ' ' || q[i] == '\t'))
				i++;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
		} else if (c == ':' || c == '-') {
			if (s[j] != ':' && s[j] != '-')
				return SIZE_MAX;
			i++, j++;
		} else {
			if (s[j] != c)
				return SIZE_MAX;
			i++, j++;
		}
	}
	for (size_t k = tail; k < qn && j < n && (s[j] == ' ' || s[j] == '\t'); k++)
		j++;
	return j;
}

/* Returns nothing; adds a line to r's lines. */
static void
push(struct rep *r, const char *s, size_t n, size_t on, uint32_t no, bool head)
{
	struct rline l = {s, n, on, no, head};
	VEC_PUSH(r->l, r->nl, r->cap, l);
}

/* Returns a header line (n bytes at s, its time first) without a doubled
 * program tag ("host tvcs: tvcs: ...") or an RFC 5424 header
 * ("host tvcs - - - ..."), pooled in r when changed; *n is updated. */
static const char *
fix_tag(struct rep *r, const char *s, size_t *n, uint32_t no)
{
	const char *e = s + *n, *h = memchr(s, ' ', *n), *t, *te;
	if (h == NULL || (t = memchr(h + 1, ' ', (size_t)(e - h - 1))) == NULL)
		return s;
	t++; /* the program tag */
	for (te = t; te < e && *te != ' ' && *te != ':'; te++)
		;
	size_t tl = (size_t)(te - t);
	if (tl == 0 || te + 2 >= e)
		return s;
	struct sbuf b = {0};
	if (te[0] == ':' && te[1] == ' ' && (size_t)(e - te - 2) > tl &&
	    memcmp(te + 2, t, tl) == 0 && te[2 + tl] == ':') {
		sbuf_add(&b, s, (size_t)(te - s));
		sbuf_add(&b, te + 2 + tl, (size_t)(e - te - 2 - tl));
		note(r, RK_TAG, no, t, tl * 2 + 3);
	} else if ((size_t)(e - te) > 7 && memcmp(te, " - - - ", 7) == 0) {
		sbuf_add(&b, s, (size_t)(te - s));
		sbuf_add(&b, ": ", 2);
		sbuf_add(&b, te + 7, (size_t)(e - te - 7));
		note(r, RK_SYSLOG, no, t, tl + 7);
	} else {
		return s;
	}
	const char *p = strpool_copy(r->pool, b.s, b.len);
	*n = b.len;
	sbuf_free(&b);
	return p;
}

/* Returns true after adding the entry a syslog line that has no ISO time
 * holds ("[<166>]Sep 19 14:01:48 host tvcs: UTCTime=\"2017-09-19
 * 18:01:48,140\" ..."), its time taken from UTCTime. */
static bool
bsd_entry(struct rep *r, const char *s, size_t n, uint32_t no)
{
	size_t p = priority(s, n), b = bsd_stamp(s + p, n - p);
	const char *v;
	size_t vn;
	if (b == 0 || !log_kv(s, n, "UTCTime", &v, &vn) || vn < 19 ||
	    log_parse_utctime(v, vn) == XW_TIME_NONE)
		return false;
	struct sbuf t = {0};
	sbuf_add(&t, v, 10);
	sbuf_add(&t, "T", 1);
	sbuf_add(&t, v + 11, 8);
	if (vn >= 23 && (v[19] == ',' || v[19] == '.'))
		sbuf_printf(&t, ".%.3s", v + 20);
	sbuf_add(&t, "Z ", 2);
	sbuf_add(&t, s + p + b, n - p - b);
	if (!log_is_header(t.s, t.len)) {
		sbuf_free(&t);
		return false;
	}
	note(r, RK_SYSLOG, no, s, p + b);
	size_t tn = t.len;
	const char *c = fix_tag(r, strpool_copy(r->pool, t.s, t.len), &tn, no);
	push(r, c, tn, n, no, true);
	sbuf_free(&t);
	return true;
}

/* Returns nothing; adds a header line (n bytes at s, its time first) that
 * may carry syslog-escaped line breaks ("#012"): one line per piece. */
static void
push_head(struct rep *r, const char *s, size_t n, size_t on, uint32_t no)
{
	s = fix_tag(r, s, &n, no);
	const char *e = s + n, *p = s, *x;
	if (memmem(s, n, "#012", 4) == NULL || log_find_str(s, n, "SIPMSG", 6) == NULL) {
		push(r, s, n, on, no, true);
		return;
	}
	note(r, RK_ESCAPE, no, "#012", 4);
	bool first = true;
	while ((x = memmem(p, (size_t)(e - p), "#012", 4)) != NULL || p < e) {
		const char *end = x != NULL ? x : e;
		struct sbuf b = {0};
		for (const char *q = p; q < end; q++) /* "#011" is a tab */
			if (end - q >= 4 && memcmp(q, "#011", 4) == 0)
				sbuf_add(&b, "\t", 1), q += 3;
			else
				sbuf_add(&b, q, 1);
		push(r, strpool_copy(r->pool, b.s ? b.s : "", b.len), b.len, first ? on : 0, no, first);
		sbuf_free(&b);
		first = false;
		if (x == NULL)
			break;
		p = x + 4;
	}
}

/* The line pass's state: the prefix of the entry being read. */
struct linestate {
	const char *shape;     /* in the text; NULL: none */
	size_t shapen;
};

/* Returns nothing; reads one line of the file (n bytes at s, line no) into
 * r's lines: fences blank, entry prefixes and syslog framing gone. */
static void
read_line(struct rep *r, struct linestate *ls, const char *s, size_t n, uint32_t no)
{
	if (is_fence(s, n)) {
		note(r, RK_FENCE, no, s, n);
		ls->shape = NULL;
		push(r, "", 0, n, no, false);
		return;
	}
	long at = entry_offset(s, n);
	if (at > 0) {
		size_t pn = (size_t)at, sys = syslog_at(s, pn);
		if (sys < pn)
			note(r, RK_SYSLOG, no, s + sys, pn - sys);
		if (sys > 0)
			note(r, prefix_kind(s, sys), no, s, sys);
		ls->shape = sys > 0 ? s : NULL;
		ls->shapen = sys;
		push_head(r, s + at, n - pn, n, no);
		return;
	}
	if (at == 0) {
		ls->shape = NULL;
		push_head(r, s, n, n, no);
		return;
	}
	if (bsd_entry(r, s, n, no)) {
		ls->shape = NULL;
		return;
	}
	if (ls->shape != NULL) {
		size_t k = shape_len(ls->shape, ls->shapen, s, n);
		if (k != SIZE_MAX && k > 0) {
			note(r, prefix_kind(ls->shape, ls->shapen), no, s, k);
			push(r, s + k, n - k, n, no, false);
			return;
		}
	}
	push(r, s, n, n, no, false);
}

/* Returns the length of the line terminator at d[i] (n bytes), counting
 * "\r\r\n" as one when crcr; 0 at no terminator. *ends is the number of
 * line ends it holds as log_text counts them. */
static size_t
line_end(const char *d, size_t n, size_t i, bool crcr, uint32_t *ends)
{
	*ends = 1;
	if (d[i] == '\n')
		return 1;
	if (d[i] != '\r')
		return 0;
	if (crcr && i + 2 < n && d[i + 1] == '\r' && d[i + 2] == '\n') {
		*ends = 2;
		return 3;
	}
	return i + 1 < n && d[i + 1] == '\n' ? 2 : 1;
}

/* Returns nothing; splits the n bytes at d into lines and reads each. */
static void
read_lines(struct rep *r, const char *d, size_t n)
{
	struct linestate ls = {0};
	bool crcr = memmem(d, n, "\r\r\n", 3) != NULL;
	uint32_t no = 1, ends = 1;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		size_t k = i < n ? line_end(d, n, i, crcr, &ends) : 0;
		if (i < n && k == 0)
			continue;
		if (i == n && start == n && n > 0)
			break; /* the text ended with a line end */
		read_line(r, &ls, d + start, i - start, no);
		if (i == n)
			break;
		if (ends == 2)
			note(r, RK_CRCR, no, NULL, 0);
		no += ends;
		start = i + k;
		i += k - 1;
	}
	r->file_lines = r->nl > 0 ? r->l[r->nl - 1].no : 0;
}

/* Folds. */

/* Returns the fold width of the lines (by their file lengths when file;
 * of the entry header lines alone when heads): the longest length when it
 * comes back more often than the eight just below it together, and some
 * line of it is followed by one that cannot stand alone; 0 when the lines
 * were not cut at a width. */
static uint32_t
fold_width(const struct rline *l, size_t nl, bool file, bool heads)
{
	size_t max = 0, at_max = 0, near = 0;
	for (size_t i = 0; i < nl; i++) {
		if (heads && !l[i].head)
			continue;
		size_t n = file ? l[i].on : l[i].n;
		if (n > max)
			max = n, at_max = 0;
		at_max += n == max;
	}
	if (max < MIN_FOLD || at_max < 2 || max > UINT32_MAX)
		return 0;
	bool piece = false;
	for (size_t i = 0; i < nl; i++) {
		if (heads && !l[i].head)
			continue;
		size_t n = file ? l[i].on : l[i].n;
		near += n < max && n + 8 >= max;
		piece = piece || (n == max && i + 1 < nl && !l[i + 1].head && l[i + 1].n > 0 &&
		    (l[i].head || l[i + 1].s[0] != ' '));
	}
	return at_max > near && piece ? (uint32_t)max : 0;
}

/* Returns true when a line ends where r's fold width cuts (for an entry
 * header line, head: where the width of header lines does too). */
static bool
cut_here(const struct rep *r, const struct rline *l, bool head)
{
	return (r->fold_on && l->on == r->fold_on) || (r->fold_n && l->n == r->fold_n) ||
	    (head && ((r->head_on && l->on == r->head_on) || (r->head_n && l->n == r->head_n)));
}

/* Returns true when the line holds only blanks. */
static bool
blank(const struct rline *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

/* Returns true when the line starts (after blanks) with "SIPMSG:". */
static bool
sipmsg_line(const struct rline *l)
{
	size_t i = 0;
	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return l->n - i >= 7 && memcmp(l->s + i, "SIPMSG:", 7) == 0;
}

/* Returns true when the line (blanks trimmed) is a lone "|". */
static bool
pipe_line(const struct rline *l)
{
	size_t i = 0, n = l->n;
	while (i < n && l->s[i] == ' ')
		i++;
	while (n > i && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
		n--;
	return n == i + 1 && l->s[i] == '|';
}

/* Returns true when the n bytes at s hold an odd number of '"'. */
static bool
odd_quotes(const char *s, size_t n)
{
	size_t q = 0;
	for (const char *p = s; (p = memchr(p, '"', (size_t)(s + n - p))) != NULL; p++)
		q++;
	return q & 1;
}

/* Returns nothing; adds a line of the repaired text (the file's line no). */
static void
emit(struct rep *r, struct sbuf *out, const char *s, size_t n, uint32_t no)
{
	sbuf_add(out, s, n);
	sbuf_add(out, "\n", 1);
	if (r->out->nmap == UINT32_MAX)
		return; /* more lines than a line number counts: the rest share the last */
	xgrow(&r->out->map, &r->mapcap, (size_t)r->out->nmap + 1, sizeof *r->out->map);
	r->out->map[r->out->nmap++] = no;
}

/* Returns true when the line (n bytes at s) starts with a field of an
 * entry (Key="...", the key upper-case first): the rest of an entry line
 * broken between two of its fields (text copied out of a document). */
static bool
starts_field(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || !isupper((unsigned char)s[i]))
		return false;
	while (i < n && log_is_key_char(s[i]))
		i++;
	return i + 1 < n && s[i] == '=' && s[i + 1] == '"';
}

/* Returns the index after an entry's header line i and the pieces of it
 * that were cut off, joined into one line of out. */
static size_t
join_head(struct rep *r, struct sbuf *out, size_t i)
{
	struct sbuf b = {0};
	const struct rline *last = &r->l[i];
	sbuf_add(&b, last->s, last->n);
	size_t j = i + 1;
	for (; j < r->nl; j++) {
		const struct rline *nx = &r->l[j];
		if (nx->head || blank(nx) || sipmsg_line(nx))
			break;
		bool cut = cut_here(r, last, true), open = odd_quotes(b.s, b.len) ||
		    b.s[b.len - 1] == '=', field = starts_field(nx->s, nx->n),
		    more = !cut && !open && field;
		if (!cut && !open && !more)
			break;
		note(r, cut ? RK_FOLD : RK_QUOTEJOIN, nx->no, NULL, 0);
		r->width = r->width ? r->width : cut ? (uint32_t)last->n : 0;
		/* the blank between two fields, where the line broke: a field never
		 * follows a closed value without one, so even a cut that looked like
		 * a fold (header lines of one length) gets it back */
		if (field && !open && b.s[b.len - 1] != ' ' && nx->s[0] != ' ' &&
		    (more || b.s[b.len - 1] == '"'))
			sbuf_add(&b, " ", 1);
		sbuf_add(&b, nx->s, nx->n);
		last = nx;
	}
	emit(r, out, b.s ? b.s : "", b.len, r->l[i].no);
	sbuf_free(&b);
	return j;
}

/* A SIP message's lines while its cuts are weighed. */
struct block {
	size_t from, to;      /* r->l[from, to) */
	bool lead;            /* its lines carry the framing space */
	bool *join;           /* join[k]: line from + k + 1 goes onto the one before */
	bool *doubt;          /* the join of that line was decided by structure alone */
	bool *body;           /* that line is in the body */
};

/* Returns true when the n bytes at s start a SIP header ("Name:"). */
static bool
header_start(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return false;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

/* Returns true when the n bytes at s are an SDP line ("a=..."). */
static bool
sdp_line(const char *s, size_t n)
{
	return n >= 2 && islower((unsigned char)s[0]) && s[1] == '=';
}

/* Returns the content of block line l (its framing space gone). */
static const char *
content(const struct block *b, const struct rline *l, size_t *n)
{
	bool f = b->lead && l->n > 0 && l->s[0] == ' ';
	*n = l->n - f;
	return l->s + f;
}

/* Returns the number after the blanks of the n bytes at s (up to 9
 * digits), or -1. */
static long
number(const char *s, size_t n)
{
	size_t i = 0;
	long v = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || !isdigit((unsigned char)s[i]))
		return -1;
	for (size_t k = 0; i < n && k < 9 && isdigit((unsigned char)s[i]); i++, k++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Returns the body length the block's lines give with its joins, and the
 * Content-Length it declares in *cl (-1: none). */
static long
block_body(const struct rep *r, const struct block *b, long *cl)
{
	long len = 0;
	bool body = false;
	*cl = -1;
	for (size_t k = b->from; k < b->to; k++) {
		size_t n;
		const char *s = content(b, &r->l[k], &n);
		bool last = k + 1 == b->to;
		while (k + 1 < b->to && b->join[k - b->from])
			n += r->l[++k].n, last = k + 1 == b->to; /* a joined piece: all content */
		if (last && pipe_line(&r->l[k]))
			break;
		if (!body && n == 0) {
			body = true;
			continue;
		}
		if (!body && *cl < 0 && n > 15 && strncasecmp(s, "Content-Length:", 15) == 0)
			*cl = number(s + 15, n - 15);
		else if (!body && *cl < 0 && n > 2 && strncasecmp(s, "l:", 2) == 0)
			*cl = number(s + 2, n - 2);
		if (body)
			len += last && n > 0 && r->l[k].s[r->l[k].n - 1] == '|' ? (long)n - 1 : (long)n + 2;
	}
	return len;
}

/* Returns the index after the SIP message whose first line is from: the
 * lines up to its closing pipe, the next entry or the next message. */
static size_t
block_end(const struct rep *r, size_t from)
{
	size_t k = from;
	for (; k < r->nl && k - from < MAX_BLOCK_LINES; k++) {
		const struct rline *l = &r->l[k];
		if (k > from && (l->head || sipmsg_line(l)))
			return k;
		if (pipe_line(l))
			return k + 1;
		if (k > from && l->n > 0 && l->s[l->n - 1] == '|' &&
		    (k + 1 == r->nl || r->l[k + 1].head || blank(&r->l[k + 1])))
			return k + 1;
	}
	return k;
}

/* Returns nothing; decides for each line of the block whether it is the
 * piece of the line before: certain when it lacks the framing space the
 * others have, by structure when the line before ends at the fold width. */
static void
block_decide(const struct rep *r, struct block *b)
{
	bool body = false, sdp = false;
	for (size_t k = b->from; k + 1 < b->to; k++) {
		const struct rline *l = &r->l[k], *nx = &r->l[k + 1];
		size_t i = k - b->from, cn, nn;
		const char *c = content(b, nx, &nn);
		content(b, l, &cn);
		if (!body && cn == 0 && k > b->from) { /* the blank line before the body */
			body = true;
			sdp = nn >= 2 && memcmp(c, "v=", 2) == 0;
		}
		b->body[i] = body;
		if (pipe_line(nx) || blank(nx)) {
			b->join[i] = false;
		} else if (b->lead && nx->s[0] != ' ') {
			b->join[i] = true;
		} else if (cut_here(r, l, false)) {
			b->doubt[i] = true;
			b->join[i] = body ? (sdp && !sdp_line(c, nn)) : !header_start(c, nn);
		}
	}
}

/* Returns true when the block's joins agree with its Content-Length, after
 * turning the doubtful joins of its body all on or all off if need be. */
static bool
block_confirm(const struct rep *r, struct block *b)
{
	long cl, len = block_body(r, b, &cl);
	size_t nb = b->to - b->from, doubt = 0;
	for (size_t i = 0; i + 1 < nb; i++)
		doubt += b->doubt[i] && b->body[i];
	if (cl < 0 || len == cl || doubt == 0)
		return true;
	bool *keep = xcalloc(nb, sizeof *keep);
	memcpy(keep, b->join, nb * sizeof *keep);
	for (int all = 0; all < 2; all++) {
		for (size_t i = 0; i + 1 < nb; i++)
			if (b->doubt[i] && b->body[i])
				b->join[i] = all;
		if (block_body(r, b, &cl) == cl) {
			free(keep);
			return true;
		}
	}
	for (size_t i = 0; i + 1 < nb; i++) /* not confirmed: doubtful body cuts stay */
		b->join[i] = keep[i] && !(b->doubt[i] && b->body[i]);
	free(keep);
	return false;
}

/* Returns the index after the SIP message that starts at line from, its
 * lines put into out with the pieces of cut lines joined. */
static size_t
join_block(struct rep *r, struct sbuf *out, size_t from)
{
	struct block b = {from, block_end(r, from), false, NULL, NULL, NULL};
	size_t nb = b.to - b.from;
	b.lead = r->l[from].n > 0 && r->l[from].s[0] == ' ';
	b.join = xcalloc(nb + 1, sizeof *b.join);
	b.doubt = xcalloc(nb + 1, sizeof *b.doubt);
	b.body = xcalloc(nb + 1, sizeof *b.body);
	block_decide(r, &b);
	if (!block_confirm(r, &b)) {
		if (r->unconfirmed++ == 0)
			r->unconfirmed_line = r->l[from].no;
	}
	struct sbuf t = {0};
	for (size_t k = b.from; k < b.to; k++) {
		size_t first = k;
		t.len = 0;
		sbuf_add(&t, r->l[k].s, r->l[k].n);
		while (k + 1 < b.to && b.join[k - b.from]) {
			k++;
			bool cut = cut_here(r, &r->l[k - 1], false);
			note(r, cut ? RK_FOLD : RK_QUOTEJOIN, r->l[k].no, NULL, 0);
			r->width = r->width ? r->width : cut ? (uint32_t)r->l[k - 1].n : 0;
			sbuf_add(&t, r->l[k].s, r->l[k].n);
		}
		emit(r, out, t.s ? t.s : "", t.len, r->l[first].no);
	}
	sbuf_free(&t);
	free(b.join);
	free(b.doubt);
	free(b.body);
	return b.to;
}

/* Returns nothing; puts r's lines into the repaired text with the pieces
 * of cut lines joined. */
static void
join_lines(struct rep *r, struct sbuf *out)
{
	r->fold_on = fold_width(r->l, r->nl, true, false);
	r->fold_n = fold_width(r->l, r->nl, false, false);
	r->head_on = fold_width(r->l, r->nl, true, true);
	r->head_n = fold_width(r->l, r->nl, false, true);
	size_t i = 0;
	bool after_mark = false;
	while (i < r->nl) {
		const struct rline *l = &r->l[i];
		if (l->head) {
			i = join_head(r, out, i);
			after_mark = false;
			continue;
		}
		if (sipmsg_line(l)) {
			emit(r, out, l->s, l->n, l->no);
			after_mark = true;
			i++;
			continue;
		}
		if (after_mark && !blank(l)) {
			i = join_block(r, out, i);
			after_mark = false;
			continue;
		}
		emit(r, out, l->s, l->n, l->no);
		i++;
	}
}

/* Notes. */

/* Returns nothing; adds a note to out. */
static void
add_note(struct log_repair *out, uint32_t line, bool recovered, char *what)
{
	struct log_repair_note n = {line, recovered, what};
	VEC_PUSH(out->notes, out->nnotes, out->notecap, n);
}

/* Returns the plural ending for n. */
static const char *
s_of(uint32_t n)
{
	return n == 1 ? "" : "s";
}

/* Returns the fold width found, for the notes. */
static uint32_t
fold_of(const struct rep *r)
{
	return r->width ? r->width : r->fold_n ? r->fold_n : r->fold_on ? r->fold_on : r->head_n;
}

/* Returns nothing; writes the note of each kind of repair done. */
static void
write_notes(struct rep *r)
{
	static const char *const what[RK_COUNT] = {
		[RK_CHARS] = "non-breaking spaces, typographic quotes or zero-width spaces (text copied "
		    "from a web page or a document) read as plain spaces and quotes",
		[RK_ENTITY] = "HTML entities (&quot;, &lt;, ...) read as the characters they stand for",
		[RK_FENCE] = "code fence lines (```, ~~~, {code}) read as blank lines",
		[RK_NUMBER] = "line-number prefix",
		[RK_QUOTE] = "quote prefix",
		[RK_INDENT] = "indentation",
		[RK_PREFIX] = "prefix",
	};
	for (int k = 0; k < RK_COUNT; k++) {
		const struct rstat *s = &r->st[k];
		char *w = NULL;
		if (s->count == 0)
			continue;
		switch (k) {
		case RK_UTF16: w = xasprintf("UTF-16 text (%s) read as UTF-8", r->utf16); break;
		case RK_BOM: w = xasprintf("UTF-8 byte order mark before the first line passed over"); break;
		case RK_CRCR: w = xasprintf("%u line%s ending CR CR LF (a CRLF file converted twice) read as "
		    "ending CR LF", s->count, s_of(s->count)); break;
		case RK_NUMBER: case RK_QUOTE: case RK_INDENT: case RK_PREFIX:
			w = xasprintf("%s (\"%s\") removed from %u line%s", what[k], s->ex, s->count,
			    s_of(s->count));
			break;
		case RK_SYSLOG: w = xasprintf("syslog framing (\"%s\") removed from %u entr%s", s->ex,
		    s->count, s->count == 1 ? "y" : "ies"); break;
		case RK_TAG: w = xasprintf("doubled program tag (\"%s\") read as one in %u entr%s", s->ex,
		    s->count, s->count == 1 ? "y" : "ies"); break;
		case RK_ESCAPE: w = xasprintf("syslog-escaped line breaks (#012) in %u entr%s read as line "
		    "breaks", s->count, s->count == 1 ? "y" : "ies"); break;
		case RK_FOLD: w = xasprintf("%u line%s cut at %u columns (folded by a mail or ticket system) "
		    "joined back onto the line%s before", s->count, s_of(s->count),
		    fold_of(r), s_of(s->count)); break;
		case RK_QUOTEJOIN: w = xasprintf("%u line%s continuing an entry line cut inside a quoted "
		    "value or between two fields joined back", s->count, s_of(s->count)); break;
		default: w = xasprintf("%s (%u time%s)", what[k], s->count, s_of(s->count)); break;
		}
		add_note(r->out, s->line, true, w);
	}
	if (r->unconfirmed > 0)
		add_note(r->out, r->unconfirmed_line, false, xasprintf("%u SIP message%s cut at %u "
		    "columns: the Content-Length does not confirm where the body lines were cut; "
		    "read as %s stand%s", r->unconfirmed, s_of(r->unconfirmed),
		    fold_of(r), r->unconfirmed == 1 ? "it" : "they",
		    r->unconfirmed == 1 ? "s" : ""));
}

bool
log_repair(const char *d, size_t n, struct log_repair *out)
{
	struct rep r = {.out = out, .pool = strpool_new()};
	struct sbuf bytes = {0}, text = {0};
	memset(out, 0, sizeof *out);
	const char *t = fix_bytes(&r, d, &n, &bytes);
	read_lines(&r, t, n);
	uint32_t lines = r.file_lines;
	join_lines(&r, &text);
	bool any = false;
	for (int k = 0; k < RK_COUNT; k++)
		any = any || r.st[k].count > 0;
	if (any) {
		write_notes(&r);
		sbuf_add(&text, "", 0);
		out->len = text.len;
		out->text = sbuf_take(&text);
		out->file_lines = lines;
	} else {
		free(out->map);
		out->map = NULL;
		out->nmap = 0;
		sbuf_free(&text);
	}
	sbuf_free(&bytes);
	free(r.l);
	strpool_free(r.pool);
	return any;
}

void
log_repair_free(struct log_repair *r)
{
	free(r->text);
	free(r->map);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i].what);
	free(r->notes);
	memset(r, 0, sizeof *r);
}

uint32_t
log_repair_line(const uint32_t *map, uint32_t nmap, uint32_t line, size_t k)
{
	if (map == NULL || line == 0)
		return line ? line + (uint32_t)k : 0;
	size_t i = (size_t)line - 1 + k;
	if (i < nmap)
		return map[i];
	return nmap > 0 ? map[nmap - 1] + (uint32_t)(i - nmap + 1) : line;
}

uint32_t
log_repair_unline(const uint32_t *map, uint32_t nmap, uint32_t line)
{
	if (map == NULL || nmap == 0)
		return line;
	size_t lo = 0, hi = nmap; /* the first index whose file line is >= line */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (map[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)(lo < nmap ? lo + 1 : nmap);
}

/* Detection. */

/* Returns true when the line is a syslog line that has no ISO time but a
 * UTCTime field ("Sep 19 14:01:48 host tvcs: UTCTime=..."). */
static bool
bsd_line(const char *s, size_t n)
{
	size_t p = priority(s, n);
	return bsd_stamp(s + p, n - p) > 0 && memmem(s, n, "UTCTime=\"", 9) != NULL;
}

/* Returns true when the text between a header's time and its fields holds
 * a doubled program tag or an RFC 5424 header. */
static bool
odd_tag(const char *s, size_t n)
{
	const char *e = s + n, *h = memchr(s, ' ', n), *t, *te;
	if (h == NULL || (t = memchr(h + 1, ' ', (size_t)(e - h - 1))) == NULL)
		return false;
	t++;
	for (te = t; te < e && *te != ' ' && *te != ':'; te++)
		;
	size_t tl = (size_t)(te - t);
	if (tl == 0 || te + 2 >= e)
		return false;
	return (te[0] == ':' && te[1] == ' ' && (size_t)(e - te - 2) > tl &&
	    memcmp(te + 2, t, tl) == 0 && te[2 + tl] == ':') ||
	    ((size_t)(e - te) > 7 && memcmp(te, " - - - ", 7) == 0);
}

/* A line of a window. */
struct wline {
	const char *s;
	size_t n;
	long at;        /* entry_offset */
};

/* Returns true when the lines of a window show a sign of handling. */
static bool
window_signs(const struct wline *w, size_t nw)
{
	bool in_block = false, lead = false;
	size_t max = 0, at_max = 0, near = 0, piece = 0;
	for (size_t i = 0; i < nw; i++) {
		const struct wline *l = &w[i], *nx = i + 1 < nw ? &w[i + 1] : NULL;
		bool next_piece = nx != NULL && nx->n > 0 && nx->at < 0 && nx->s[0] != ' ' &&
		    memmem(nx->s, nx->n, "SIPMSG:", 7) == NULL;
		if (is_fence(l->s, l->n) || l->at > 0 || (l->at < 0 && bsd_line(l->s, l->n)))
			return true;
		if (l->at == 0) {
			in_block = false;
			if (odd_tag(l->s, l->n) || (odd_quotes(l->s, l->n) && next_piece) ||
			    (nx != NULL && nx->at < 0 && starts_field(nx->s, nx->n)) ||
			    (memmem(l->s, l->n, "#012", 4) != NULL && memmem(l->s, l->n, "SIPMSG", 6) != NULL))
				return true;
		} else if (memmem(l->s, l->n < 16 ? l->n : 16, "SIPMSG:", 7) != NULL) {
			in_block = true;
			lead = nx != NULL && nx->n > 0 && nx->s[0] == ' ';
		} else if (in_block && lead && l->n > 0 && l->s[0] != ' ') {
			return true; /* a message line without the framing space the others have */
		}
		if (in_block && l->n > 0 && (l->s[l->n - 1] == '|'))
			in_block = false;
		max = l->n > max ? l->n : max;
	}
	for (size_t i = 0; i < nw; i++) {
		at_max += w[i].n == max;
		near += w[i].n < max && w[i].n + 8 >= max;
		piece += w[i].n == max && i + 1 < nw && w[i + 1].n > 0 && w[i + 1].at < 0 &&
		    memmem(w[i + 1].s, w[i + 1].n, "SIPMSG:", 7) == NULL &&
		    (w[i].at == 0 || w[i + 1].s[0] != ' ');
	}
	return max >= MIN_FOLD && at_max >= 2 && at_max > near && piece > 0;
}

/* Returns true when the window [a, e) of the n bytes at d (moved to whole
 * lines) shows a sign of handling. */
static bool
window_wants(const char *d, size_t n, size_t a, size_t e)
{
	if (a > 0) {
		const char *nl = memchr(d + a, '\n', e - a);
		if (nl == NULL)
			return false;
		a = (size_t)(nl - d) + 1;
	}
	const char *s = d + a;
	size_t len = e - a;
	if (memmem(s, len, "\r\r\n", 3) != NULL || has_odd_chars(s, len) ||
	    memmem(s, len, "=&quot;", 7) != NULL)
		return true;
	struct wline *w = NULL;
	size_t nw = 0, cap = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len, k = end - i;
		if (nl == NULL && e < n)
			break; /* the window cut this line */
		if (k > 0 && s[i + k - 1] == '\r')
			k--;
		struct wline l = {s + i, k, entry_offset(s + i, k)};
		VEC_PUSH(w, nw, cap, l);
		i = end + 1;
	}
	bool found = window_signs(w, nw);
	free(w);
	return found;
}

/* Returns true when the start of the n bytes at d is binary data (NUL and
 * control bytes): a capture, an archive, never text to repair. */
static bool
binary(const char *d, size_t n)
{
	size_t k = n < 4096 ? n : 4096, ctl = 0;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)d[i];
		ctl += c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f');
	}
	return ctl > k / 100 + 1;
}

bool
log_repair_wanted(const char *d, size_t n)
{
	size_t skip;
	if (n == 0)
		return false;
	if (utf16_order((const unsigned char *)d, n, &skip) != 0 ||
	    (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0))
		return true;
	if (binary(d, n))
		return false;
	size_t at[3] = {0, n / 2, n > WINDOW ? n - WINDOW : 0};
	for (int i = 0; i < 3 && (i == 0 || n > WINDOW); i++) {
		size_t a = at[i], e = n - a > WINDOW ? a + WINDOW : n;
		if (window_wants(d, n, a, e))
			return true;
	}
	return false;
}
