/* fuzz_export.c - libFuzzer harness: log text -> model -> every output.
 *
 * The input is read as fuzz_scan reads it (up to three logs split at a line
 * "--8<--"), correlated and diagnosed as the commands do, and then every
 * output is rendered in memory: list and show (text and JSON, with and
 * without the hidden calls, hops and raw text), the problem report, and each
 * export format for every call alone and for all calls together. What must
 * hold for any log:
 *   text (list, show, ladder, text export, report): valid UTF-8 with no
 *     control character but \n and \t, so a terminal shows it as it is;
 *   JSON: one strict RFC 8259 value with no raw control byte in a string,
 *     and no raw <, > or & at all (text_json keeps JSON inert inside HTML);
 *   HTML/SVG: every < opens a tag this program writes, elements nest, a
 *     raw > never stands in text and & always starts an entity;
 *   PlantUML, Mermaid: printable ASCII lines that are statements of ours,
 *     log text only inside the escapes;
 *   HTML, PlantUML, Mermaid never hold the seeds' marker "<xw-evil";
 *   pcap: records that add up to the file, one per message.
 * A broken promise aborts with the output and the place, so that libFuzzer
 * keeps the input. XW_FUZZ_NO_DIAG=1 leaves the diagnosis out.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "corr.h"
#include "diag.h"
#include "export.h"
#include "export_util.h"
#include "fuzz_util.h"
#include "jsonout.h"
#include "ladder.h"
#include "log.h"
#include "sip.h"

#define MAX_FILES 3
#define MARKER "<xw-evil"
#define MAX_DEPTH 64   /* of JSON values and HTML elements; ours nest far less */

/* The checkers read every output byte by byte. Left out of the coverage
 * instrumentation they cost a fraction of the time, and libFuzzer does not
 * keep inputs for new paths through the checker, which output bytes alone
 * would give. */
#define NOCOV __attribute__((no_sanitize("coverage")))

static bool no_diag;

/* Returns 0 after initialising libosip2 once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sip_init();
	const char *e = getenv("XW_FUZZ_NO_DIAG");
	no_diag = e != NULL && *e == '1';
	return 0;
}

/* Returns nothing: prints which output broke which promise where, with the
 * bytes around the place made visible, and aborts. */
NOCOV static void
die(const char *who, const char *what, const char *s, size_t n, size_t at)
{
	size_t from = at > 60 ? at - 60 : 0, to = at + 60 < n ? at + 60 : n;
	fprintf(stderr, "fuzz_export: %s: %s at byte %zu of %zu:\n  ", who, what, at, n);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)s[i];
		fprintf(stderr, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
		if (i + 1 == at)
			fputs(" >>>", stderr);
	}
	fputc('\n', stderr);
	abort();
}


/* Returns the length of the character at s[i], after checking that it is
 * valid UTF-8 and no control (C0 but those in allow, DEL, C1), line
 * separator or bidi override: what text_safe promises a terminal. */
NOCOV static size_t
check_char(const char *who, const char *s, size_t n, size_t i, const char *allow)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp = p[i];
	size_t l = cp < 0x80 ? 1 : fuzz_utf8_decode(p + i, n - i, &cp);
	if (l == 0)
		die(who, "invalid UTF-8", s, n, i);
	if ((cp < 0x20 && (cp == 0 || strchr(allow, (int)cp) == NULL)) ||
	    (cp >= 0x7f && cp < 0xa0))
		die(who, "control character", s, n, i);
	if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		die(who, "line separator or bidi override", s, n, i);
	return l;
}

/* Returns nothing; checks that all n bytes of s are terminal-safe text. */
NOCOV static void
check_text(const char *who, const char *s, size_t n, const char *allow)
{
	for (size_t i = 0; i < n;)
		i += check_char(who, s, n, i, allow);
}

/* Returns nothing; checks that s holds no MARKER in any case: log text that
 * reached a markup language unescaped. */
NOCOV static void
check_marker(const char *who, const char *s, size_t n)
{
	size_t ml = sizeof MARKER - 1;
	for (size_t i = 0; i + ml <= n; i++)
		if (s[i] == '<' && strncasecmp(s + i, MARKER, ml) == 0)
			die(who, "the log's " MARKER " unescaped", s, n, i);
}

/* Returns nothing; checks that s is printable ASCII in lines (diagram
 * sources escape everything else). */
NOCOV static void
check_ascii(const char *who, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] < 0x20 && s[i] != '\n') || (unsigned char)s[i] >= 0x7f)
			die(who, "not printable ASCII", s, n, i);
}

/* A strict JSON reader: where it is in which output. */
struct jp {
	const char *who, *s;
	size_t n, i;
};

/* Returns nothing; stops the run: the JSON is broken here. */
NOCOV static void
jp_fail(const struct jp *p, const char *what)
{
	die(p->who, what, p->s, p->n, p->i);
}

/* Returns the byte at the reading place, or -1 at the end. */
NOCOV static int
jp_peek(const struct jp *p)
{
	return p->i < p->n ? (unsigned char)p->s[p->i] : -1;
}

/* Returns nothing; skips JSON whitespace. */
NOCOV static void
jp_ws(struct jp *p)
{
	int c;
	while ((c = jp_peek(p)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		p->i++;
}

/* Returns nothing; reads the literal w (true, false, null). */
NOCOV static void
jp_lit(struct jp *p, const char *w)
{
	size_t l = strlen(w);
	if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		jp_fail(p, "not a JSON literal");
	p->i += l;
}

/* Returns nothing; reads one escape after a backslash in a string. */
NOCOV static void
jp_escape(struct jp *p)
{
	int e = jp_peek(p);
	if (e == 'u') {
		for (size_t k = 1; k <= 4; k++)
			if (p->i + k >= p->n || strchr("0123456789abcdefABCDEF", p->s[p->i + k]) == NULL ||
			    p->s[p->i + k] == '\0')
				jp_fail(p, "bad \\u escape");
		p->i += 5;
	} else if (e > 0 && strchr("\"\\/bfnrt", e) != NULL) {
		p->i++;
	} else {
		jp_fail(p, "bad escape in a string");
	}
}

/* Returns nothing; reads a string: escapes, no raw control byte, and only
 * the UTF-8 text_json lets through. */
NOCOV static void
jp_string(struct jp *p)
{
	if (jp_peek(p) != '"')
		jp_fail(p, "expected a string");
	p->i++;
	for (;;) {
		int c = jp_peek(p);
		if (c < 0)
			jp_fail(p, "unterminated string");
		if (c == '"') {
			p->i++;
			return;
		}
		if (c < 0x20)
			jp_fail(p, "raw control byte in a string");
		if (c == '\\') {
			p->i++;
			jp_escape(p);
			continue;
		}
		p->i += check_char(p->who, p->s, p->n, p->i, "");
	}
}

/* Returns the number of ASCII digits read. */
NOCOV static size_t
jp_digits(struct jp *p)
{
	size_t k = 0;
	for (int c; (c = jp_peek(p)) >= '0' && c <= '9'; k++)
		p->i++;
	return k;
}

/* Returns nothing; reads a number: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
NOCOV static void
jp_number(struct jp *p)
{
	if (jp_peek(p) == '-')
		p->i++;
	if (jp_peek(p) == '0')
		p->i++;
	else if (jp_digits(p) == 0)
		jp_fail(p, "bad number");
	if (jp_peek(p) == '.') {
		p->i++;
		if (jp_digits(p) == 0)
			jp_fail(p, "bad fraction");
	}
	if (jp_peek(p) == 'e' || jp_peek(p) == 'E') {
		p->i++;
		if (jp_peek(p) == '+' || jp_peek(p) == '-')
			p->i++;
		if (jp_digits(p) == 0)
			jp_fail(p, "bad exponent");
	}
}

NOCOV static void jp_value(struct jp *p, int depth);

/* Returns nothing; reads an object or an array (open is '{' or '['). */
NOCOV static void
jp_container(struct jp *p, int open, int depth)
{
	int close = open == '{' ? '}' : ']';
	p->i++;
	jp_ws(p);
	if (jp_peek(p) == close) {
		p->i++;
		return;
	}
	for (;;) {
		if (open == '{') {
			jp_ws(p);
			jp_string(p);
			jp_ws(p);
			if (jp_peek(p) != ':')
				jp_fail(p, "expected : after a key");
			p->i++;
		}
		jp_value(p, depth + 1);
		int c = jp_peek(p);
		p->i++;
		if (c == close)
			return;
		if (c != ',')
			jp_fail(p, open == '{' ? "expected , or }" : "expected , or ]");
	}
}

/* Returns nothing; reads one value with the whitespace around it. */
NOCOV static void
jp_value(struct jp *p, int depth)
{
	if (depth > MAX_DEPTH)
		jp_fail(p, "nested too deep");
	jp_ws(p);
	int c = jp_peek(p);
	if (c == '{' || c == '[')
		jp_container(p, c, depth);
	else if (c == '"')
		jp_string(p);
	else if (c == 't')
		jp_lit(p, "true");
	else if (c == 'f')
		jp_lit(p, "false");
	else if (c == 'n')
		jp_lit(p, "null");
	else if (c == '-' || (c >= '0' && c <= '9'))
		jp_number(p);
	else
		jp_fail(p, "not a JSON value");
	jp_ws(p);
}

/* Returns nothing; checks that s is exactly one JSON value (whitespace
 * around it) and holds no raw <, > or &. */
NOCOV static void
check_json(const char *who, const char *s, size_t n)
{
	struct jp p = {who, s, n, 0};
	jp_value(&p, 0);
	if (p.i != n)
		jp_fail(&p, "text after the JSON value");
	for (size_t i = 0; i < n; i++)
		if (s[i] == '<' || s[i] == '>' || s[i] == '&')
			die(who, "raw <, > or & in JSON", s, n, i);
}

/* The elements export_html writes; the void ones have no end tag. */
static const char *const html_tags[] = {"html", "head", "meta", "title", "style", "body",
	"p", "a", "nav", "br", "section", "h1", "h2", "h3", "table", "tr", "td", "ol", "ul",
	"li", "span", "div", "code", "pre", "mark", "svg", "g", "rect", "text", "line", "path",
	"circle", "script", NULL};
static const char *const html_void[] = {"meta", "br", NULL};

/* Returns true when name (NUL-terminated) is one of the list. */
NOCOV static bool
in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* The open elements of an HTML page being checked. */
struct hstack {
	char name[MAX_DEPTH][12];
	size_t depth;
};

/* Returns nothing; opens or closes element name (tag at byte at of s). */
NOCOV static void
html_nest(struct hstack *st, const char *name, bool close, bool empty, const char *s,
    size_t n, size_t at)
{
	if (close) {
		if (st->depth == 0 || strcmp(st->name[st->depth - 1], name) != 0)
			die("html", "end tag closes no open element", s, n, at);
		st->depth--;
	} else if (!empty && !in_list(html_void, name)) {
		if (st->depth == MAX_DEPTH)
			die("html", "elements nested too deep", s, n, at);
		snprintf(st->name[st->depth++], sizeof st->name[0], "%s", name);
	}
}

/* Returns the index past the tag that starts at s[i] ('<') after checking it
 * is one of ours; the content of script and style is passed over whole. */
NOCOV static size_t
html_tag(const char *s, size_t n, size_t i, struct hstack *st)
{
	static const char doctype[] = "<!DOCTYPE html>";
	if (n - i >= sizeof doctype - 1 && memcmp(s + i, doctype, sizeof doctype - 1) == 0)
		return i + sizeof doctype - 1;
	size_t j = i + 1, k;
	bool close = j < n && s[j] == '/', quoted = false;
	j += close;
	for (k = j; k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9')); k++)
		;
	char name[12];
	if (k == j || k - j >= sizeof name)
		die("html", "< that opens no tag", s, n, i);
	snprintf(name, sizeof name, "%.*s", (int)(k - j), s + j);
	if (!in_list(html_tags, name))
		die("html", "< that opens no tag of ours", s, n, i);
	for (; k < n && (quoted || s[k] != '>'); k++) {
		if (s[k] == '<')
			die("html", "< inside a tag", s, n, k);
		quoted ^= s[k] == '"';
	}
	if (k == n)
		die("html", "unterminated tag", s, n, i);
	html_nest(st, name, close, s[k - 1] == '/', s, n, i);
	if (close || (strcmp(name, "script") != 0 && strcmp(name, "style") != 0))
		return k + 1;
	char end[16];
	int el = snprintf(end, sizeof end, "</%s>", name);
	const char *e = memmem(s + k + 1, n - k - 1, end, (size_t)el);
	if (e == NULL)
		die("html", "script or style never ends", s, n, i);
	return (size_t)(e - s);
}

/* Returns the index past the entity at s[i] ('&'), or dies when none starts. */
NOCOV static size_t
html_entity(const char *s, size_t n, size_t i)
{
	static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", NULL};
	for (size_t k = 0; ents[k] != NULL; k++)
		if (n - i >= strlen(ents[k]) && memcmp(s + i, ents[k], strlen(ents[k])) == 0)
			return i + strlen(ents[k]);
	size_t j = i + 1;
	if (j < n && s[j] == '#')
		for (j++; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
	if (j > i + 2 && j < n && s[j] == ';')
		return j + 1;
	die("html", "& that starts no entity", s, n, i);
	return n;
}

/* Returns nothing; checks an HTML page: terminal-safe bytes, tags of ours
 * only, well nested, and text with no raw > and & only in entities. */
NOCOV static void
check_html(const char *s, size_t n)
{
	struct hstack st = {.depth = 0};
	check_text("html", s, n, "\n");
	check_marker("html", s, n);
	for (size_t i = 0; i < n;) {
		if (s[i] == '<')
			i = html_tag(s, n, i, &st);
		else if (s[i] == '&')
			i = html_entity(s, n, i);
		else if (s[i] == '>')
			die("html", "raw > in text", s, n, i);
		else
			i++;
	}
	if (st.depth != 0)
		die("html", "element never closed", s, n, n);
}

/* Returns true when line l (n bytes, leading spaces gone) begins with one of
 * the prefixes, or is an arrow: m and a digit. */
NOCOV static bool
our_line(const char *l, size_t n, const char *const *prefixes)
{
	if (n >= 2 && l[0] == 'm' && l[1] >= '0' && l[1] <= '9')
		return true;
	for (; *prefixes != NULL; prefixes++)
		if (n >= strlen(*prefixes) && memcmp(l, *prefixes, strlen(*prefixes)) == 0)
			return true;
	return false;
}

/* Returns nothing; checks that every < in s starts a <U+XXXX> escape. */
NOCOV static void
puml_escapes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '<')
			continue;
		size_t j = i + 3, h;
		if (n - i < 3 || memcmp(s + i, "<U+", 3) != 0)
			die("plantuml", "< that starts no <U+XXXX>", s, n, i);
		for (h = 0; j < n && strchr("0123456789ABCDEF", s[j]) != NULL && s[j]; j++)
			h++;
		if (h < 4 || h > 6 || j == n || s[j] != '>')
			die("plantuml", "bad <U+XXXX> escape", s, n, i);
	}
}

/* Returns nothing; checks a PlantUML source: ASCII, one @startuml..@enduml,
 * lines of ours only (no preprocessor line, no second diagram). */
NOCOV static void
check_puml(const char *s, size_t n)
{
	static const char *const lines[] = {"' ", "skinparam ", "title ", "box \"",
		"participant \"", "end box", "note ", "== ", "...", "caption ", NULL};
	static const char start[] = "@startuml\n", end[] = "@enduml\n";
	check_ascii("plantuml", s, n);
	check_marker("plantuml", s, n);
	if (n < sizeof start + sizeof end || memcmp(s, start, sizeof start - 1) != 0 ||
	    memcmp(s + n - (sizeof end - 1), end, sizeof end - 1) != 0)
		die("plantuml", "not one @startuml..@enduml", s, n, 0);
	for (size_t i = sizeof start - 1; i < n - (sizeof end - 1);) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = (size_t)(nl - (s + i));
		if (!our_line(s + i, len, lines))
			die("plantuml", "a line that is no statement of ours", s, n, i);
		i += len + 1;
	}
	puml_escapes(s, n);
}

/* Returns true for an ASCII letter or digit. */
NOCOV static bool
alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Returns nothing; checks the text of one Mermaid line: < only in <br/>,
 * # and ; only in #NNN; entities, % nowhere, and in the text of a message
 * or note (after its first ": ") no word that begins with "end". */
NOCOV static void
mmd_line(const char *s, size_t n, size_t from, size_t to)
{
	const char *colon = memmem(s + from, to - from, ": ", 2);
	bool msg = s[from] == 'm' || strncmp(s + from, "Note ", 5) == 0;
	size_t text = colon != NULL && msg ? (size_t)(colon - s) : to;
	for (size_t i = from; i < to; i++) {
		if (s[i] == '<' && (to - i < 5 || memcmp(s + i, "<br/>", 5) != 0))
			die("mermaid", "< that is no <br/>", s, n, i);
		if (s[i] == ';' || s[i] == '%')
			die("mermaid", "; or % outside an entity", s, n, i);
		if (s[i] == '#') {
			size_t j = i + 1;
			while (j < to && s[j] >= '0' && s[j] <= '9')
				j++;
			if (j == i + 1 || j == to || s[j] != ';')
				die("mermaid", "# that starts no #NNN; entity", s, n, i);
			i = j;
			continue;
		}
		if (i > text && !alnum(s[i - 1]) && to - i >= 3 && strncasecmp(s + i, "end", 3) == 0)
			die("mermaid", "a word beginning with end in text", s, n, i);
	}
}

/* Returns nothing; checks a Mermaid source: ASCII, one sequenceDiagram of
 * statements of ours, log text only as entities. */
NOCOV static void
check_mermaid(const char *s, size_t n)
{
	static const char *const lines[] = {"sequenceDiagram", "box rgb(", "participant m",
		"Note ", "rect rgb(", NULL};
	check_ascii("mermaid", s, n);
	check_marker("mermaid", s, n);
	for (size_t i = 0, no = 0; i < n; no++) {
		const char *nl = memchr(s + i, '\n', n - i);
		if (nl == NULL)
			die("mermaid", "last line unterminated", s, n, i);
		size_t to = (size_t)(nl - s), k = i;
		while (k < to && s[k] == ' ')
			k++;
		bool comment = to - k >= 3 && memcmp(s + k, "%% ", 3) == 0;
		bool end = to - k == 3 && memcmp(s + k, "end", 3) == 0;
		if (comment ? no == 1 : no == 0)
			die("mermaid", "no comment first, or one in place of sequenceDiagram", s, n, i);
		if (!comment && !end && !our_line(s + k, to - k, lines))
			die("mermaid", "a line that is no statement of ours", s, n, i);
		if (!comment && !end)
			mmd_line(s, n, k, to);
		i = to + 1;
	}
}

/* Returns the little-endian 32-bit number at p. */
NOCOV static uint32_t
rd_le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* Returns the big-endian 16-bit number at p. */
NOCOV static uint32_t
rd_be16(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 8 | u[1];
}

/* Returns nothing; checks one packet of len bytes at s[at]: an IPv4 header
 * with a right checksum or an IPv6 one, then UDP, lengths that agree. */
NOCOV static void
pcap_packet(const char *s, size_t n, size_t at, size_t len)
{
	const char *p = s + at;
	size_t ip = len > 0 && ((unsigned char)p[0] >> 4) == 4 ? 20 : 40;
	if (len < ip + 8 || ((unsigned char)p[0] >> 4) != (ip == 20 ? 4 : 6))
		die("pcap", "not an IPv4 or IPv6 packet", s, n, at);
	if (ip == 20) {
		uint32_t sum = 0;
		for (size_t k = 0; k < 20; k += 2)
			sum += rd_be16(p + k);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		if (p[0] != 0x45 || rd_be16(p + 2) != len || p[9] != 17 || sum != 0xffff)
			die("pcap", "bad IPv4 header", s, n, at);
	} else if (rd_be16(p + 4) != len - 40 || p[6] != 17) {
		die("pcap", "bad IPv6 header", s, n, at);
	}
	if (rd_be16(p + ip + 4) != len - ip)
		die("pcap", "UDP length disagrees", s, n, at + ip);
}

/* Returns nothing; checks a pcap file: the header, then records that fill
 * it exactly, as many as the calls have messages. */
NOCOV static void
check_pcap(const char *s, size_t n, size_t msgs)
{
	if (n < 24 || rd_le32(s) != 0xa1b2c3d4 || rd_le32(s + 20) != 101)
		die("pcap", "bad file header", s, n, 0);
	size_t at = 24, count = 0;
	for (; at < n; count++) {
		if (n - at < 16)
			die("pcap", "record header cut short", s, n, at);
		size_t incl = rd_le32(s + at + 8);
		if (incl != rd_le32(s + at + 12) || incl > 65535 || n - at - 16 < incl)
			die("pcap", "bad record length", s, n, at);
		pcap_packet(s, n, at + 16, incl);
		at += 16 + incl;
	}
	if (count != msgs)
		die("pcap", "not one record per message", s, n, n);
}

/* Returns nothing; checks output b of export format f of calls with msgs
 * messages in all (a format without a checker of its own here, a new row
 * of the export table, is at least checked as text when it is text). */
NOCOV static void
check_export(const struct export_format *f, const struct sbuf *b, size_t msgs)
{
	if (strcmp(f->name, "text") == 0)
		check_text("text export", b->s, b->len, "\n\t");
	else if (strcmp(f->name, "html") == 0)
		check_html(b->s, b->len);
	else if (strcmp(f->name, "plantuml") == 0)
		check_puml(b->s, b->len);
	else if (strcmp(f->name, "mermaid") == 0)
		check_mermaid(b->s, b->len);
	else if (strcmp(f->name, "json") == 0)
		check_json("json export", b->s, b->len);
	else if (strcmp(f->name, "pcap") == 0)
		check_pcap(b->s, b->len, msgs);
	else if (!f->binary)
		check_text(f->name, b->s, b->len, "\n\t");
}

/* Returns nothing; exports the calls (indices) in every format and checks
 * each output. */
static void
render_exports(const struct model *m, const struct diag_result *d, const size_t *calls,
    size_t n)
{
	size_t msgs = 0, nf;
	const struct export_format *t = export_formats(&nf);
	for (size_t i = 0; i < n; i++)
		msgs += m->calls[calls[i]].narrows;
	for (size_t f = 0; f < nf; f++) {
		struct sbuf b = {0};
		if (export_calls(&b, m, d, calls, n, &t[f]) < 0)
			die(t[f].name, "the export failed", "", 0, 0);
		check_export(&t[f], &b, msgs);
		sbuf_free(&b);
	}
}

/* Returns nothing; what `show` prints of call c: the ladder with and without
 * the hops, annotated, at 80 columns, in the full layout and squeezed to 24
 * (columns merged); the JSON with and without the raw text. */
static void
render_show(const struct model *m, const struct diag_result *d, const struct call *c)
{
	static const int widths[] = {80, 0, 24};
	for (int k = 0; k < 3; k++) {
		struct sbuf b = {0};
		struct ladder_opts lo = {.all_hops = k == 1, .width = widths[k], .d = d,
		    .others = true};
		ladder_text(&b, m, c, &lo);
		check_text("show", b.s, b.len, "\n\t");
		sbuf_free(&b);
		jsonout_call(&b, m, d, c, true, k == 1);
		sbuf_add(&b, "\n", 1);
		check_json("show --json", b.s, b.len);
		sbuf_free(&b);
	}
}

/* Returns nothing; what `list` prints (table and JSON, with and without the
 * OPTIONS-only calls) and the problem report, each checked. */
static void
render_list(const struct model *m, const struct diag_result *d)
{
	for (int k = 0; k < 5; k++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		if (fp == NULL)
			abort();
		if (k < 4)
			cmd_list_write(fp, m, d, k & 1, k >= 2, k & 1 ? 0 : 80, false);
		else
			cmd_report_problems(m, fp);
		if (fclose(fp) != 0)
			abort();
		if (k == 2 || k == 3)
			check_json("list --json", buf, len);
		else
			check_text(k < 2 ? "list" : "problem report", buf, len, "\n\t");
		free(buf);
	}
}

/* Returns nothing; renders and checks every output of the model. */
static void
render(const struct model *m, const struct diag_result *d)
{
	size_t *all = xcalloc(m->ncalls + 1, sizeof *all);
	render_list(m, d);
	for (size_t i = 0; i < m->ncalls; i++) {
		all[i] = i;
		render_show(m, d, &m->calls[i]);
		render_exports(m, d, &all[i], 1);
	}
	if (m->ncalls > 1)
		render_exports(m, d, all, m->ncalls);
	free(all);
}

/* Returns 0 after loading the input as the commands do and checking every
 * output of it. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *texts[MAX_FILES];
	size_t lens[MAX_FILES];
	struct model *m = model_new();
	size_t nf = fuzz_load(m, d, n, texts, lens, MAX_FILES);
	char err[256];
	struct corr_opts co = {0};
	if (corr_build(m, &co, err, sizeof err) == 0) {
		struct diag_result r = {0};
		if (no_diag || diag_run(m, NULL, 0, &r, err, sizeof err) == 0)
			render(m, &r);
		diag_result_free(&r);
	}
	model_free(m);
	for (size_t i = 0; i < nf; i++)
		fuzz_free(texts[i], lens[i]);
	return 0;
}
