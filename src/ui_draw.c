/* ui_draw.c - colours, glyphs, and drawing terminal-safe text with curses.
 *
 * Everything that reaches the terminal goes through ui_text, which only
 * accepts text already made safe by text_safe (ui_raw and the ui_doc
 * helpers do that), and which replaces anything it cannot measure. */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "ui.h"

static const struct ui_glyphs glyphs_utf8 = {
	"\xe2\x94\x82", "\xe2\x94\x80", "\xe2\x94\x90", "\xe2\x94\x98", "\xe2\x96\xb2",
	"\xe2\x96\xbc", "\xe2\x80\xa6", "\xe2\x86\x91", "\xc2\xb7", "\xe2\x80\x94",
};
static const struct ui_glyphs glyphs_ascii = {"|", "-", "+", "+", "^", "v", "~", "^", "-", "-"};

/* How each meaning looks: a colour (or -1) with attributes, and the
 * attributes alone for monochrome, where they must carry the meaning. */
static const struct {
	short fg;
	attr_t color, mono;
} look[UA_N] = {
	[UA_NORMAL] = {-1, 0, 0},
	[UA_TITLE] = {COLOR_CYAN, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD},
	[UA_HEADER] = {-1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
	[UA_STATUS] = {-1, A_REVERSE, A_REVERSE},
	[UA_KEYS] = {-1, 0, 0},
	[UA_DIM] = {-1, A_DIM, A_DIM},
	[UA_NOTE] = {COLOR_GREEN, A_BOLD, A_BOLD},
	[UA_ERRMSG] = {COLOR_RED, A_BOLD, A_BOLD | A_REVERSE},
	[UA_SEV_INFO] = {COLOR_CYAN, 0, A_UNDERLINE},
	[UA_SEV_WARN] = {COLOR_YELLOW, A_BOLD, A_BOLD},
	[UA_SEV_ERR] = {COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
	[UA_ST_NONE] = {COLOR_MAGENTA, 0, A_DIM},
	[UA_ST_1XX] = {COLOR_CYAN, 0, 0},
	[UA_ST_2XX] = {COLOR_GREEN, 0, 0},
	[UA_ST_3XX] = {COLOR_MAGENTA, 0, 0},
	[UA_ST_4XX] = {COLOR_YELLOW, A_BOLD, A_BOLD},
	[UA_ST_5XX] = {COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
	[UA_START] = {-1, A_BOLD, A_BOLD},
	[UA_HNAME] = {COLOR_CYAN, 0, A_BOLD},
	[UA_PARAM] = {COLOR_YELLOW, 0, A_UNDERLINE},
	[UA_KEYPARAM] = {COLOR_GREEN, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
	[UA_ROUTE] = {COLOR_MAGENTA, A_BOLD, A_UNDERLINE},
	[UA_SDP] = {COLOR_GREEN, A_BOLD, A_BOLD},
	[UA_CODEC] = {COLOR_YELLOW, A_BOLD, A_BOLD | A_UNDERLINE},
	[UA_REASON] = {COLOR_RED, A_BOLD, A_BOLD},
	[UA_MISSING] = {COLOR_RED, A_BOLD, A_BOLD | A_REVERSE},
	[UA_ADDED] = {COLOR_GREEN, A_BOLD, A_BOLD},
	[UA_REMOVED] = {COLOR_RED, A_BOLD, A_UNDERLINE},
	[UA_CHANGED] = {COLOR_YELLOW, 0, 0},
	[UA_MATCH] = {COLOR_YELLOW, A_REVERSE, A_REVERSE | A_BOLD},
	[UA_MARK] = {COLOR_MAGENTA, A_BOLD, A_BOLD},
	[UA_LINE] = {-1, 0, 0},
	[UA_MACHINE] = {-1, A_BOLD, A_BOLD},
	[UA_LEG1] = {COLOR_MAGENTA, 0, A_UNDERLINE},
	[UA_LEG2] = {COLOR_CYAN, 0, A_UNDERLINE},
	[UA_LEG3] = {COLOR_BLUE, A_BOLD, A_UNDERLINE},
};

/* Sets the attributes of every meaning and the glyphs for the locale. */
void
ui_draw_init(struct ui *u, bool curses)
{
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
	u->g = u->utf8 ? &glyphs_utf8 : &glyphs_ascii;
	bool color = u->color;
	if (curses && color) {
		color = has_colors() && start_color() == OK;
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
		for (int i = 0; color && i < UA_N; i++)
			if (look[i].fg >= 0)
				init_pair((short)(i + 1), look[i].fg, bg);
	}
	u->color = color;
	for (int i = 0; i < UA_N; i++)
		u->attr[i] = color ? look[i].color | (look[i].fg >= 0 ? COLOR_PAIR(i + 1) : 0)
		    : look[i].mono;
}

/* Returns the byte length of the character at s and its width in *cw;
 * *sub is set when it cannot be drawn as is and '?' stands for it. */
static size_t
char_at(const struct ui *u, const char *s, size_t n, int *cw, bool *sub)
{
	unsigned char c = (unsigned char)s[0];
	*sub = false;
	*cw = 1;
	if (c >= 0x20 && c < 0x7f)
		return 1;
	size_t len = text_utf8_len((const unsigned char *)s, n);
	if (c < 0x80 || len == 0 || !u->utf8) {
		*sub = true; /* never a raw control; never UTF-8 in a non-UTF-8 locale */
		return len ? len : 1;
	}
	wchar_t wc;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t r = mbrtowc(&wc, s, len, &st);
	int w = r == len ? wcwidth(wc) : -1;
	if (w <= 0) {
		*sub = true; /* zero-width and unknown characters would break alignment */
		return len;
	}
	*cw = w;
	return len;
}

/* Returns the columns drawn of safe text s, clipped and skipped by columns. */
int
ui_text(const struct ui *u, int y, int x, int w, int skip, const char *s, size_t n, attr_t a)
{
	if (w <= 0 || y < 0 || y >= u->rows || x < 0 || x >= u->cols || !u->curses)
		return 0;
	if (x + w > u->cols)
		w = u->cols - x;
	int col = 0, drawn = 0;
	attrset(a);
	for (size_t i = 0; i < n && drawn < w;) {
		int cw;
		bool sub;
		size_t len = char_at(u, s + i, n - i, &cw, &sub);
		if (col + cw <= skip) {
			col += cw, i += len;
			continue;
		}
		if (col < skip || drawn + cw > w) { /* a wide character cut at an edge */
			int k = col < skip ? col + cw - skip : w - drawn;
			for (; k > 0 && drawn < w; k--)
				mvaddch(y, x + drawn++, ' ');
			col += cw, i += len;
			continue;
		}
		if (sub)
			mvaddch(y, x + drawn, '?');
		else
			mvaddnstr(y, x + drawn, s + i, (int)len);
		drawn += cw, col += cw, i += len;
	}
	attrset(A_NORMAL);
	return drawn;
}

/* Returns the columns safe text s takes on this terminal. */
int
ui_width(const struct ui *u, const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n;) {
		int cw;
		bool sub;
		i += char_at(u, s + i, n - i, &cw, &sub);
		w += cw;
	}
	return w;
}

/* Returns the columns drawn of untrusted text s, made safe first. */
int
ui_raw(const struct ui *u, int y, int x, int w, int skip, const char *s, attr_t a)
{
	struct sbuf b = {0};
	text_safe(&b, s ? s : "", s ? strlen(s) : 0);
	int r = ui_text(u, y, x, w, skip, b.s, b.len, a);
	sbuf_free(&b);
	return r;
}

/* Returns the columns drawn of formatted program text. */
int
ui_printf(const struct ui *u, int y, int x, int w, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_raw(u, y, x, w, 0, buf, a);
}

/* Fills part of a row with blanks in attribute a. */
void
ui_fill(const struct ui *u, int y, int x, int w, attr_t a)
{
	if (!u->curses || y < 0 || y >= u->rows || x < 0)
		return;
	attrset(a);
	for (int i = 0; i < w && x + i < u->cols; i++)
		mvaddch(y, x + i, ' ');
	attrset(A_NORMAL);
}

/* Draws a full-width title bar with a left and a right part. */
void
ui_draw_bar(struct ui *u, int y, const char *left, const char *right)
{
	attr_t a = u->attr[UA_TITLE];
	ui_fill(u, y, 0, u->cols, a);
	int rw = right ? ui_width(u, right, strlen(right)) : 0;
	if (rw > u->cols / 2)
		rw = u->cols / 2;
	ui_text(u, y, 1, u->cols - rw - 3, 0, left, strlen(left), a);
	if (right)
		ui_text(u, y, u->cols - rw - 1, rw, 0, right, strlen(right), a);
}

/* Draws key hints "KEY:label KEY:label" with the keys in bold. */
static void
draw_hints(struct ui *u, int y, const char *hints)
{
	int x = 0;
	for (const char *p = hints; *p && x < u->cols;) {
		size_t k = strcspn(p, " ");
		const char *colon = memchr(p, ':', k);
		size_t kl = colon && colon != p ? (size_t)(colon - p) : 0;
		x += ui_text(u, y, x, u->cols - x, 0, p, kl, u->attr[UA_MACHINE]);
		const char *rest = kl ? p + kl + 1 : p;
		size_t rl = k - (size_t)(rest - p);
		if (kl)
			x += ui_text(u, y, x, u->cols - x, 0, " ", 1, 0);
		x += ui_text(u, y, x, u->cols - x, 0, rest, rl, u->attr[UA_KEYS]);
		x += ui_text(u, y, x, u->cols - x, 0, "  ", 2, 0);
		p += k;
		while (*p == ' ')
			p++;
	}
}

/* Draws the bottom row: the note, else key hints; blank under an open
 * prompt, which the loop draws last (so the cursor ends in its field). */
void
ui_draw_bottom(struct ui *u, const char *hints)
{
	int y = u->rows - 1;
	ui_fill(u, y, 0, u->cols, 0);
	if (u->prompt.kind != UP_NONE)
		return;
	if (u->note[0])
		ui_raw(u, y, 0, u->cols, 0, u->note, u->attr[u->note_err ? UA_ERRMSG : UA_NOTE]);
	else
		draw_hints(u, y, hints);
}

/* Returns a new empty line at the end of doc. */
static struct ui_line *
doc_line(struct ui_doc *doc, enum ui_attr base)
{
	xgrow(&doc->l, &doc->cap, doc->n + 1, sizeof *doc->l);
	struct ui_line *l = &doc->l[doc->n++];
	memset(l, 0, sizeof *l);
	l->base = (uint8_t)base;
	l->gutter = ' ';
	return l;
}

/* Returns the columns of safe text, as a terminal in a UTF-8 locale shows it;
 * without a ui at hand the width of non-ASCII characters is asked to wcwidth. */
static int
safe_width(const char *s, size_t n)
{
	struct ui probe = {.utf8 = true};
	return ui_width(&probe, s, n);
}

/* Updates the doc's widest-line record for line l. */
static void
doc_measure(struct ui_doc *doc, const struct ui_line *l)
{
	int w = safe_width(l->text, l->len);
	if (w > doc->width)
		doc->width = w;
}

/* Returns the new line made of untrusted text. */
struct ui_line *
ui_doc_raw(struct ui_doc *doc, const char *s, size_t n, enum ui_attr base)
{
	struct ui_line *l = doc_line(doc, base);
	struct sbuf b = {0};
	text_safe(&b, s, n);
	l->len = b.len;
	l->text = sbuf_take(&b);
	doc_measure(doc, l);
	return l;
}

/* Returns the new line made of formatted program text. */
struct ui_line *
ui_doc_printf(struct ui_doc *doc, enum ui_attr base, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_doc_raw(doc, buf, strlen(buf), base);
}

/* Adds an attribute span to a line (clipped to it). */
void
ui_line_span(struct ui_line *l, size_t from, size_t to, enum ui_attr a)
{
	if (from >= to || from >= l->len)
		return;
	struct ui_span sp = {(uint32_t)from, (uint32_t)(to > l->len ? l->len : to), (uint8_t)a};
	VEC_PUSH(l->spans, l->nspans, l->spancap, sp);
}

/* Appends program text to a line, with a span over it. */
void
ui_line_append(struct ui_line *l, const char *s, enum ui_attr a)
{
	struct sbuf b = {.s = l->text, .len = l->len, .cap = l->text ? l->len + 1 : 0};
	size_t from = l->len;
	text_safe(&b, s, strlen(s));
	l->text = b.s;
	l->len = b.len;
	ui_line_span(l, from, l->len, a);
}

/* Frees a document's lines. */
void
ui_doc_free(struct ui_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->l[i].text);
		free(doc->l[i].spans);
	}
	free(doc->l);
	memset(doc, 0, sizeof *doc);
}

/* Draws one styled line: runs of equal attribute, cut at character starts. */
static void
line_draw(const struct ui *u, const struct ui_line *l, int y, int x, int w, int skip)
{
	uint8_t *at = xmalloc(l->len + 1);
	memset(at, l->base, l->len + 1);
	for (size_t k = 0; k < l->nspans; k++)
		memset(at + l->spans[k].from, l->spans[k].attr, l->spans[k].to - l->spans[k].from);
	int col = 0, drawn = 0;
	for (size_t i = 0; i < l->len && drawn < w;) {
		size_t j = i + 1;
		while (j < l->len && (at[j] == at[i] || ((unsigned char)l->text[j] & 0xc0) == 0x80))
			j++;
		int rw = ui_width(u, l->text + i, j - i);
		if (col + rw > skip)
			drawn += ui_text(u, y, x + drawn, w - drawn, skip > col ? skip - col : 0,
			    l->text + i, j - i, u->attr[at[i]]);
		col += rw;
		i = j;
	}
	free(at);
}

/* Draws a window of a document into a box. */
void
ui_doc_draw(const struct ui *u, const struct ui_doc *doc, size_t top, int y, int x, int h,
    int w, int skip, bool gutter)
{
	for (int r = 0; r < h && top + (size_t)r < doc->n; r++) {
		const struct ui_line *l = &doc->l[top + (size_t)r];
		int gx = 0;
		if (gutter) {
			char g = l->gutter;
			enum ui_attr ga = g == '+' ? UA_ADDED : g == '-' ? UA_REMOVED
			    : g == '~' ? UA_CHANGED : g == '!' ? UA_MISSING : UA_NORMAL;
			ui_text(u, y + r, x, 1, 0, &g, 1, u->attr[ga]);
			gx = 1;
		}
		line_draw(u, l, y + r, x + gx, w - gx, skip);
	}
}

/* Adds untrusted text to a document, wrapped at spaces. */
void
ui_doc_wrap(struct ui_doc *doc, const char *s, int w, int indent, enum ui_attr a)
{
	struct sbuf line = {0};
	int lw = 0;
	if (w < indent + 10)
		w = indent + 10;
	sbuf_add(&line, "", 0);
	while (s && *s) { /* a token: the spaces before a word, then the word */
		size_t sp = strspn(s, " "), k = strcspn(s + sp, " "), adv = sp + k;
		char *word = xstrndup(s + sp, k);
		int ww = (int)text_width(word);
		if (lw > indent && lw + (int)sp + ww > w) {
			ui_doc_raw(doc, line.s, line.len, a);
			line.len = 0;
			sbuf_printf(&line, "%*s", indent, "");
			lw = indent;
			sp = 0; /* spaces at a break are dropped */
		}
		sbuf_add(&line, s, sp);
		sbuf_add(&line, word, k);
		lw += (int)sp + ww;
		free(word);
		s += adv;
	}
	ui_doc_raw(doc, line.s, line.len, a);
	sbuf_free(&line);
}
