/* fmt_expressway.c - the Expressway diagnostic log: recognising it, reading
 * its SIP messages and diagnostic entries, and unframing a logged message.
 *
 * An entry starts with a header line "<ISO time> <host> <process>: ...".
 * A network.sip DEBUG entry is followed by "SIPMSG:" and the framed message:
 * " |" before its first line, one space before every line, "|" right after
 * its last byte. Older releases and pasted copies drop the spaces (and
 * sometimes the pipes); a message then ends at the next header line.
 * An INFO entry summarises a message; it stands for it when no DEBUG block
 * of the file carries the same message. Entries of the modules a diagnosis
 * needs (search rules, CPL, DNS, TCP, TLS, zones) and Event lines are kept
 * as events. Lines end with LF, CRLF or a lone CR.
 *
 * The walk only frames the blocks; log_scan.c batches them to the parse
 * threads and commits them in log order.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_expressway.h"
#include "log_format.h"
#include "log_repair.h"
#include "log_scan.h"
#include "log_text.h"

/* An INFO summary line, remembered until the file's DEBUG blocks are known. */
struct info_ref {
	size_t start;            /* the line, read again if no DEBUG block had it */
	uint32_t n, no;
	xw_time time;            /* its time, after the garbled-date fix-up */
	uint64_t key;            /* hash of its Msg-Hash, when it has one */
	bool keyed;
};

/* The state of the walk over one Expressway log. */
struct xscan {
	struct log_scan sc;
	struct log_cursor c;
	struct info_ref *info;   /* INFO summaries, read only when no DEBUG block follows */
	size_t ninfo, infocap;
	xw_time last_time;       /* of the last entry whose time could be read */
	uint32_t pipe_space;     /* the first message whose start line follows "| " */
};

static struct log_file *
xfile(struct xscan *x)
{
	return &x->sc.m->files[x->sc.fi];
}

/* Returns true when the text has entry header lines, more of them than
 * lines of an xConfiguration dump ("*c xConfiguration ..."): a dump pasted
 * with a log line in it is a dump. */
static bool
expressway_sniff(const char *d, size_t n)
{
	size_t heads = 0, settings = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(d + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - d) : n;
		heads += log_is_header(d + i, e - i);
		settings += memmem(d + i, e - i, "*c xConfiguration ", 18) != NULL;
		i = e + 1;
	}
	return heads > settings;
}

/* Returns the next line of the framed bytes [*pos, n): sets *s, *len. */
static bool
frame_line(const char *p, size_t n, size_t *pos, const char **s, size_t *len)
{
	if (*pos >= n)
		return false;
	const char *nl = memchr(p + *pos, '\n', n - *pos);
	size_t i = nl ? (size_t)(nl - p) : n;
	const char *cr = memchr(p + *pos, '\r', i - *pos);
	if (cr != NULL)
		i = (size_t)(cr - p);
	*s = p + *pos;
	*len = i - *pos;
	if (i < n && p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
		i += 2;
	else if (i < n)
		i++;
	*pos = i;
	return true;
}

bool
fmt_expressway_unframe(const char *p, size_t n, struct sbuf *out)
{
	size_t pos = 0, len;
	const char *s;
	bool lead = n > 0 && p[0] == ' ', first = true;
	sbuf_add(out, "", 0);
	while (frame_line(p, n, &pos, &s, &len)) {
		if (lead && len > 0 && s[0] == ' ')
			s++, len--;
		if (first) {
			first = false;
			if (len > 0 && s[0] == '|')
				s++, len--;
			while (len > 0 && s[0] == ' ') /* "| INVITE": a paste's space */
				s++, len--;
		} else if (len == 1 && s[0] == '|') {
			return true;
		}
		if (pos >= n && len > 0 && s[len - 1] == '|') {
			sbuf_add(out, s, len - 1); /* "|" right after a last byte that is not a newline */
			return true;
		}
		sbuf_add(out, s, len);
		sbuf_add(out, "\r\n", 2);
	}
	return false;
}

/* Returns the unframed text of a message the log holds in full (caller
 * frees; length in *n), or NULL. */
static char *
expressway_raw(const struct model *m, const struct sip_msg *s, size_t *n)
{
	const struct log_file *f = &m->files[s->file];
	if (s->off + s->flen > f->len)
		return NULL;
	struct sbuf b = {0};
	fmt_expressway_unframe(f->data + s->off, s->flen, &b);
	if (n != NULL)
		*n = b.len;
	return sbuf_take(&b);
}

/* Returns the log line of line k of a message's unframed text: unframing
 * keeps every line of the framing, so line k is k lines after the first
 * (in the repaired copy, when the file was: its map gives the file's). */
static uint32_t
expressway_line(const struct model *m, const struct sip_msg *s, size_t k)
{
	const struct log_file *f = &m->files[s->file];
	if (s->msg_line == 0)
		return 0;
	if (f->line_map == NULL)
		return s->msg_line + (uint32_t)k;
	uint32_t first = log_repair_unline(f->line_map, f->nline_map, s->msg_line) + s->msg_sub;
	return log_repair_line(f->line_map, f->nline_map, first, k);
}

/* The fields of a network.sip line that a message record takes. */
enum { F_ACTION, F_LOCAL_IP, F_LOCAL_PORT, F_SRC_IP, F_SRC_PORT, F_DST_IP, F_DST_PORT,
	F_MSG_HASH, F_COUNT };
static const char *const sip_fields[F_COUNT] = {"Action", "Local-ip", "Local-port", "Src-ip",
	"Src-port", "Dst-ip", "Dst-port", "Msg-Hash"};

/* Values of the wanted keys of a line, read in one pass (NULL when absent). */
struct fields {
	const char *v[F_COUNT];
	size_t n[F_COUNT];
};

/* Fills f with the first value of each of sip_fields in the line, read
 * without padding blanks; returns true when a value had some. One walk
 * from one Key=" to the next replaces a search of the whole line per key. */
static bool
read_fields(const char *s, size_t len, struct fields *f)
{
	bool padded = false;
	const char *e = s + len, *p = s, *q;
	memset(f, 0, sizeof *f);
	while ((q = memchr(p, '=', (size_t)(e - p))) != NULL && q + 1 < e) {
		p = q + 1;
		if (q[1] != '"')
			continue;
		const char *k = q;
		while (k > s && log_is_key_char(k[-1]))
			k--;
		if (k == q || !log_key_starts(s, k))
			continue;
		const char *v = q + 2, *ve = log_value_end(v, e);
		for (int i = 0; i < F_COUNT; i++)
			if (f->v[i] == NULL && strlen(sip_fields[i]) == (size_t)(q - k) &&
			    memcmp(sip_fields[i], k, (size_t)(q - k)) == 0) {
				f->v[i] = v;
				f->n[i] = (size_t)(ve - v);
				padded = log_trim(&f->v[i], &f->n[i]) || padded;
			}
		p = ve; /* an '=' inside a value starts no key */
	}
	return padded;
}

/* Returns a pooled copy of field i, or NULL. */
static const char *
field_pool(struct model *m, const struct fields *f, int i)
{
	return f->v[i] ? strpool_intern(m->pool, f->v[i], f->n[i]) : NULL;
}

/* Returns the numeric value of field i, or 0. */
static unsigned
field_num(const struct fields *f, int i)
{
	unsigned r = 0;
	for (size_t k = 0; f->v[i] && k < f->n[i] && k < 10 && isdigit((unsigned char)f->v[i][k]); k++)
		r = r * 10 + (unsigned)(f->v[i][k] - '0');
	return r;
}

/* What a header line says about itself. */
struct head {
	const char *host;
	size_t hostlen;
	const char *module;    /* value of Module=, or NULL */
	size_t modlen;
	const char *level;
	size_t levlen;
	bool event;            /* "<process>: Event=..." */
	xw_time time;          /* UTCTime when present, else the prefix time in UTC */
	const char *body;      /* the entry's own fields, after time, host, module */
	size_t skip;           /* bytes before body */
	bool padded;           /* a value of the fixed fields was padded inside its quotes */
};

/* Returns the value of "Key=\"" when p starts with it (sets *end), or NULL. */
static const char *
fixed_field(const char *p, const char *e, const char *key, size_t kl, const char **end)
{
	if ((size_t)(e - p) < kl || memcmp(p, key, kl) != 0)
		return NULL;
	const char *q = memchr(p + kl, '"', (size_t)(e - p - (ptrdiff_t)kl));
	*end = q;
	return q ? p + kl : NULL;
}

/* Returns true after reading the usual layout 'UTCTime="..." Module="..."
 * Level="..."' at rest; most lines have it, and it saves key searches. */
static bool
fast_fields(const char *rest, const char *e, struct head *h)
{
	const char *t, *te, *mo, *me, *lv, *le;
	if ((t = fixed_field(rest, e, "UTCTime=\"", 9, &te)) == NULL ||
	    (mo = fixed_field(te + 1, e, " Module=\"", 9, &me)) == NULL ||
	    (lv = fixed_field(me + 1, e, " Level=\"", 8, &le)) == NULL)
		return false;
	size_t tn = (size_t)(te - t);
	h->module = mo;
	h->modlen = (size_t)(me - mo);
	h->level = lv;
	h->levlen = (size_t)(le - lv);
	bool pt = log_trim(&t, &tn), pm = log_trim(&h->module, &h->modlen);
	bool pl = log_trim(&h->level, &h->levlen);
	h->padded = pt || pm || pl;
	xw_time tm = log_parse_utctime(t, tn);
	if (tm != XW_TIME_NONE)
		h->time = tm;
	const char *p = le + 1;
	if (p < e && *p == ':')
		p++;
	while (p < e && *p == ' ')
		p++;
	h->body = p;
	return true;
}

/* Reads Module, Level and UTCTime wherever they are in the line. */
static void
slow_fields(const struct log_line *l, struct head *h)
{
	const char *v;
	size_t n;
	h->module = log_kv(l->s, l->n, "Module", &v, &n) ? v : NULL;
	h->modlen = h->module ? n : 0;
	h->level = log_kv(l->s, l->n, "Level", &v, &n) ? v : NULL;
	h->levlen = h->level ? n : 0;
	if (log_kv(l->s, l->n, "UTCTime", &v, &n)) {
		xw_time t = log_parse_utctime(v, n);
		if (t != XW_TIME_NONE)
			h->time = t;
	}
}

/* Returns true after splitting a header line into its parts. */
static bool
parse_head(const struct log_line *l, struct head *h)
{
	const char *s = l->s, *e = l->s + l->n;
	const char *sp = memchr(s, ' ', (size_t)(e - s));
	if (sp == NULL)
		return false;
	h->time = XW_TIME_NONE;
	h->padded = false;
	const char *hs = sp + 1;
	const char *he = memchr(hs, ' ', (size_t)(e - hs));
	if (he == NULL)
		return false;
	h->host = hs;
	h->hostlen = (size_t)(he - hs);
	const char *colon = memchr(he, ':', (size_t)(e - he));
	const char *rest = colon ? colon + 1 : he;
	while (rest < e && *rest == ' ')
		rest++;
	h->event = (size_t)(e - rest) > 7 && memcmp(rest, "Event=\"", 7) == 0;
	h->body = rest;
	if (h->event || !fast_fields(rest, e, h))
		slow_fields(l, h);
	if (h->time == XW_TIME_NONE) /* no UTCTime: the prefix's local time with offset */
		h->time = log_parse_iso(s, (size_t)(sp - s));
	h->skip = (size_t)(h->body - s);
	return true;
}

static bool
head_is(const char *s, size_t n, const char *want)
{
	return s != NULL && n == strlen(want) && memcmp(s, want, n) == 0;
}

/* Returns the de-duplication key of a Msg-Hash value (never 0: 0 is none). */
static uint64_t
hash_key(const char *v, size_t n)
{
	uint64_t k = xhash(v, n);
	return k ? k : 1;
}

/* Returns the model host index of the header's host, counting it for the file. */
static int
head_host(struct xscan *x, const struct head *h)
{
	return log_scan_host(&x->sc, h->host, h->hostlen);
}

/* Fills the log fields (addresses, action, time, host) from a network.sip line. */
static void
fill_log_fields(struct xscan *x, const struct log_line *l, const struct head *h, struct sip_msg *s)
{
	struct model *m = x->sc.m;
	memset(s, 0, sizeof *s);
	s->file = x->sc.fi;
	s->line = l->no;
	s->host = (uint32_t)head_host(x, h);
	s->time = s->ctime = h->time;
	s->twin = -1;
	s->call = -1;
	struct fields f;
	if ((read_fields(l->s, l->n, &f) || h->padded) && x->sc.padded_line == 0)
		x->sc.padded_line = l->no;
	const char *src = field_pool(m, &f, F_SRC_IP), *dst = field_pool(m, &f, F_DST_IP);
	bool sent = f.v[F_ACTION] ? f.n[F_ACTION] == 4 && memcmp(f.v[F_ACTION], "Sent", 4) == 0
	    : (dst != NULL && src == NULL);
	s->action = sent ? ACT_SENT : ACT_RECEIVED;
	s->local_ip = field_pool(m, &f, F_LOCAL_IP);
	s->local_port = (uint16_t)field_num(&f, F_LOCAL_PORT);
	s->remote_ip = sent ? dst : src;
	s->remote_port = (uint16_t)field_num(&f, sent ? F_DST_PORT : F_SRC_PORT);
	if (s->local_ip == NULL && src != NULL && dst != NULL) {
		/* old releases log both ends and no Local-ip */
		s->local_ip = sent ? src : dst;
		s->local_port = (uint16_t)field_num(&f, sent ? F_SRC_PORT : F_DST_PORT);
	}
	if (f.v[F_MSG_HASH] != NULL)
		s->msg_hash = hash_key(f.v[F_MSG_HASH], f.n[F_MSG_HASH]);
	model_host_addr(m, (int)s->host, s->local_ip);
}

/* Returns the first byte after "SIPMSG:" in the line, or NULL. */
static const char *
sipmsg_mark(const struct log_line *l)
{
	const char *p = log_find_str(l->s, l->n, "SIPMSG:", 7);
	return p ? p + 7 : NULL;
}

/* Returns true when the line starts with "SIPMSG:" (after one space): a
 * block of its own, never a line of the one before. */
static bool
starts_mark(const struct log_line *l)
{
	const char *s = l->s;
	size_t n = l->n;
	if (n > 0 && s[0] == ' ')
		s++, n--;
	return n >= 7 && s[0] == 'S' && memcmp(s, "SIPMSG:", 7) == 0;
}

/* Returns true when the trimmed line is a lone closing pipe. */
static bool
is_pipe_line(const struct log_line *l)
{
	size_t i = 0;
	while (i < l->n && l->s[i] == ' ')
		i++;
	return i + 1 == l->n && l->s[i] == '|';
}

/* Returns true and moves past the "SIPMSG:" line after a DEBUG header hl
 * (or finds the mark in hl itself): *hl then points at the line that holds
 * it and *mark after it; false when the entry has no message. */
static bool
find_mark(struct xscan *x, const struct log_line **hl, struct log_line *ml, const char **mark)
{
	struct log_line l;
	if ((*mark = sipmsg_mark(*hl)) == NULL) {
		if (!log_peek_line(&x->c, &l) || (*mark = sipmsg_mark(&l)) == NULL ||
		    (size_t)(*mark - l.s) > 16)
			return false;
		*ml = l;
		log_take_line(&x->c, ml);
		*hl = ml;
	}
	while (*mark < (*hl)->s + (*hl)->n && **mark == ' ')
		(*mark)++;
	return true;
}

/* Returns 1 with *end set after the block's closing pipe, 0 when the block
 * is cut short by the next entry, the end or LOG_MAX_BLOCK (*cut then). */
static int
find_block_end(struct xscan *x, size_t off, size_t *end, bool *cut)
{
	struct log_line nx, after;
	while (log_peek_line(&x->c, &nx)) {
		if (log_is_header(nx.s, nx.n) || nx.start - off > LOG_MAX_BLOCK || starts_mark(&nx)) {
			*cut = !log_is_header(nx.s, nx.n) && !starts_mark(&nx);
			*end = nx.start;
			return 0;
		}
		log_take_line(&x->c, &nx);
		if (is_pipe_line(&nx)) {
			*end = nx.start + nx.n;
			return 1;
		}
		if (nx.n > 0 && nx.s[nx.n - 1] == '|' && (!log_peek_line(&x->c, &after) ||
		    log_is_blank(&after) || log_is_header(after.s, after.n))) {
			*end = nx.start + nx.n;
			return 1;
		}
	}
	*end = x->c.len;
	return 0;
}

/* Finds the framed message after a DEBUG header: sets p->off and p->end
 * (bytes of the framing), p->closed, p->cut and *first (its first line
 * number). Returns false when the entry has no SIPMSG. */
static bool
find_block(struct xscan *x, const struct log_line *hl, struct log_pending *p, uint32_t *first)
{
	struct log_line l, ml;
	const char *mark;
	p->cut = false;
	if (!find_mark(x, &hl, &ml, &mark))
		return false;
	if (mark < hl->s + hl->n) { /* "SIPMSG: |SIP/2.0 ..." on one line */
		p->off = (size_t)(mark - x->c.d);
		*first = hl->no;
	} else {
		if (!log_peek_line(&x->c, &l) || log_is_header(l.s, l.n)) {
			p->off = p->end = x->c.pos; /* "SIPMSG:" and nothing after it */
			*first = hl->no;
			p->closed = 0;
			return true;
		}
		p->off = l.start;
		*first = l.no;
		log_take_line(&x->c, &l);
	}
	const char *b = x->c.d + p->off, *be = x->c.d + x->c.len;
	while (b < be && *b == ' ')
		b++;
	if (b + 2 < be && b[0] == '|' && b[1] == ' ' && b[2] != ' ' && x->pipe_space == 0)
		x->pipe_space = *first;
	p->closed = find_block_end(x, p->off, &p->end, &p->cut);
	return true;
}

/* Records one DEBUG network.sip entry and its framed message for parsing. */
static void
scan_sip_debug(struct xscan *x, const struct log_line *hl, const struct head *h)
{
	struct log_pending p;
	uint32_t first = 0;
	if (!find_block(x, hl, &p, &first))
		return; /* a network.sip DEBUG line without a message */
	fill_log_fields(x, hl, h, &p.s);
	p.s.msg_line = first ? first : hl->no;
	log_scan_block(&x->sc, &p);
}

/* Returns true and the value of "Key=" inside an INFO Detail ("A=1, B=2"). */
static bool
detail_field(const char *d, size_t n, const char *key, const char **v, size_t *vn)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl < n; i++) {
		if ((i == 0 || d[i - 1] == ' ') && memcmp(d + i, key, kl) == 0 && d[i + kl] == '=') {
			size_t s0 = i + kl + 1, e = s0;
			while (e < n && !(d[e] == ',' && e + 1 < n && d[e + 1] == ' '))
				e++;
			*v = d + s0;
			*vn = e - s0;
			return true;
		}
	}
	return false;
}

/* Returns a pooled copy of an INFO Detail field, or NULL when absent or empty. */
static const char *
detail_pool(struct model *m, const char *d, size_t n, const char *key)
{
	const char *v;
	size_t vn;
	if (!detail_field(d, n, key, &v, &vn) || vn == 0)
		return NULL;
	return strpool_intern(m->pool, v, vn);
}

/* Remembers an INFO summary line; most are followed by the DEBUG block of
 * the same message, so reading its fields waits until the file is done. */
static void
note_sip_info(struct xscan *x, const struct log_line *l, const struct head *h)
{
	struct info_ref r = {l->start, (uint32_t)l->n, l->no, h->time, 0, false};
	const char *p = log_find_str(l->s, l->n, "Msg-Hash=", 9);
	if (p != NULL) {
		p += 9;
		size_t k = 0;
		while (p + k < l->s + l->n && p[k] != ',' && p[k] != '"' && p[k] != ' ')
			k++;
		r.key = hash_key(p, k);
		r.keyed = k > 0;
	}
	head_host(x, h);
	VEC_PUSH(x->info, x->ninfo, x->infocap, r);
}

/* What an INFO line of network.sip is. */
enum { INFO_NONE, INFO_BAD, INFO_OK };

/* Returns INFO_OK after building a summary-only message from an INFO line
 * ("Receive Request Method=INVITE, CSeq=1, ...") into *out; INFO_BAD for a
 * summary without a Call-ID or a method, INFO_NONE for no summary. */
static int
read_sip_info(struct xscan *x, const struct log_line *l, const struct head *h, struct sip_msg *out)
{
	const char *d;
	size_t n;
	if (!log_kv(l->s, l->n, "Detail", &d, &n))
		return INFO_NONE;
	bool req = log_find_str(d, n < 40 ? n : 40, "Request", 7) != NULL;
	bool resp = log_find_str(d, n < 40 ? n : 40, "Response", 8) != NULL;
	if (!req && !resp)
		return INFO_NONE;
	struct model *m = x->sc.m;
	struct sip_msg s;
	struct sip_fields f = {0};
	fill_log_fields(x, l, h, &s);
	s.summary_only = true;
	f.q850 = -1;
	f.is_request = req;
	f.method = detail_pool(m, d, n, "Method");
	const char *code = detail_pool(m, d, n, "Code");
	f.status = code ? atoi(code) : 0;
	const char *cseq = detail_pool(m, d, n, "CSeq");
	f.cseq = cseq ? (uint32_t)strtoul(cseq, NULL, 10) : 0;
	f.call_id = detail_pool(m, d, n, "Call-ID");
	f.ruri = detail_pool(m, d, n, "Request-URI");
	f.to_uri = detail_pool(m, d, n, "To");
	f.from_tag = detail_pool(m, d, n, "From-Tag");
	f.to_tag = detail_pool(m, d, n, "To-Tag");
	const char *mh;
	size_t mhn;
	if (s.msg_hash == 0 && detail_field(d, n, "Msg-Hash", &mh, &mhn) && mhn > 0)
		s.msg_hash = hash_key(mh, mhn);
	f.session_local = detail_pool(m, d, n, "Local-SessionID");
	f.session_remote = detail_pool(m, d, n, "Remote-SessionID");
	s.sip = log_scan_fields(m, &f);
	*out = s;
	return f.call_id != NULL && f.method != NULL ? INFO_OK : INFO_BAD;
}

static const struct {
	const char *module;
	enum ev_kind kind;
} kept_modules[] = {
	{"network.search", EV_SEARCH}, {"network.cpl", EV_CPL},
	{"network.dns", EV_DNS},       {"network.tcp", EV_TCP},
	{"developer.ssl", EV_SSL},     {"developer.zone.zonemgr", EV_ZONEMGR},
};

/* Returns the event kind of a header, or EV_KINDS when not kept. */
static enum ev_kind
event_kind(const struct head *h)
{
	if (h->event)
		return EV_EVENT;
	for (size_t i = 0; i < sizeof kept_modules / sizeof kept_modules[0]; i++)
		if (head_is(h->module, h->modlen, kept_modules[i].module))
			return kept_modules[i].kind;
	return EV_KINDS;
}

/* Returns true after finding the address of "['IPv4''TCP''1.2.3.4:5062']"
 * after key in the text: *ip and *iplen span its host part, *port is its
 * port as strtoul reads it. */
static bool
ssl_addr(const char *text, const char *key, const char **ip, size_t *iplen, unsigned *port)
{
	const char *p = strstr(text, key);
	if (p == NULL)
		return false;
	const char *end = strchr(p, ']');
	if (end == NULL || end - p > 200)
		return false;
	const char *q = end;
	while (q > p && *q != '\'')
		q--; /* the closing quote of the address */
	const char *a = q;
	while (a > p && a[-1] != '\'')
		a--;
	const char *colon = NULL;
	for (const char *s = a; s < q; s++)
		if (*s == ':')
			colon = s;
	if (colon == NULL)
		return false;
	*ip = a;
	*iplen = (size_t)(colon - a);
	*port = (unsigned)strtoul(colon + 1, NULL, 10);
	return true;
}

/* The fields derived from a developer.ssl entry. */
struct ssl_fields {
	char ip[2][256], port[2][16];
	struct log_field f[5];
};

/* Returns the number of fields derived from a developer.ssl entry's text
 * (NUL-terminated) into sf: ssl.remote.ip and ssl.remote.port from
 * remoteAddress=['IPv4''TCP''1.2.3.4:5062'], ssl.local.ip and ssl.local.port
 * from localAddress, and ssl.server "true" when it says bServer="true". Its
 * own fields cannot be read as key="value": their keys are lower case, so
 * the first quote does not end a value. */
static size_t
ssl_fields(const char *text, struct ssl_fields *sf)
{
	static const char *const keys[2][3] = {
		{"remoteAddress=", "ssl.remote.ip", "ssl.remote.port"},
		{"localAddress=", "ssl.local.ip", "ssl.local.port"},
	};
	size_t n = 0;
	for (int k = 0; k < 2; k++) {
		const char *ip;
		size_t iplen;
		unsigned port;
		if (!ssl_addr(text, keys[k][0], &ip, &iplen, &port) || iplen >= sizeof sf->ip[k])
			continue;
		memcpy(sf->ip[k], ip, iplen);
		sf->ip[k][iplen] = '\0';
		snprintf(sf->port[k], sizeof sf->port[k], "%u", port);
		sf->f[n++] = (struct log_field){keys[k][1], sf->ip[k]};
		sf->f[n++] = (struct log_field){keys[k][2], sf->port[k]};
	}
	if (strcasestr(text, "bServer=\"true\"") != NULL)
		sf->f[n++] = (struct log_field){"ssl.server", "true"};
	return n;
}

/* Returns nothing; joins the continuation lines of an entry to its text in
 * b, up to LOG_MAX_CONT_LINES lines and LOG_MAX_EVENT_TEXT bytes; *cut
 * tells that some were left out. */
static void
join_lines(struct xscan *x, struct sbuf *b, bool *cut)
{
	struct log_line nx;
	for (int i = 0; log_peek_line(&x->c, &nx); i++) {
		if (log_is_header(nx.s, nx.n) || log_is_blank(&nx) || sipmsg_mark(&nx) != NULL)
			break;
		if (i == LOG_MAX_CONT_LINES) {
			*cut = true; /* the rest are passed over with the lines outside entries */
			break;
		}
		log_take_line(&x->c, &nx);
		if (b->len + nx.n + 1 < LOG_MAX_EVENT_TEXT) {
			sbuf_add(b, " ", 1);
			sbuf_add(b, nx.s, nx.n);
		} else {
			*cut = true;
		}
	}
}

/* Keeps a diagnostic entry: the header line and its continuation lines. */
static void
scan_event(struct xscan *x, const struct log_line *l, const struct head *h, enum ev_kind k)
{
	struct model *m = x->sc.m;
	struct sbuf b = {0};
	/* time, host and module are in the event's fields: the text keeps the rest */
	size_t n0 = l->n - h->skip;
	bool cut = n0 > LOG_MAX_EVENT_TEXT;
	sbuf_add(&b, l->s + h->skip, cut ? LOG_MAX_EVENT_TEXT : n0);
	join_lines(x, &b, &cut);
	if (cut)
		model_problem(m, xfile(x), l->no, true, "entry longer than %u bytes or %u lines: "
		    "kept the start of it", LOG_MAX_EVENT_TEXT, LOG_MAX_CONT_LINES);
	struct log_event e = {0};
	e.file = x->sc.fi;
	e.line = l->no;
	e.host = (uint32_t)head_host(x, h);
	e.time = e.ctime = h->time;
	e.kind = k;
	e.call = -1;
	struct ssl_fields sf;
	size_t nd = k == EV_SSL ? ssl_fields(b.s, &sf) : 0;
	struct log_event *ev = log_scan_event(&x->sc, &e, b.s, b.len, sf.f, nd);
	size_t n;
	const char *v = model_event_value(ev, k == EV_EVENT ? "Event" : "Detail", &n);
	if (v != NULL)
		ev->name = strpool_intern(m->pool, v, n);
	sbuf_free(&b);
}

/* Handles one header line (and whatever follows it that belongs to it). */
static void
scan_entry(struct xscan *x, const struct log_line *l)
{
	struct head h;
	if (!parse_head(l, &h))
		return;
	/* a garbled date ("2017-13-19") takes the time of the entry before it:
	 * XW_TIME_NONE would overflow the time differences correlation takes */
	if (h.time == XW_TIME_NONE)
		h.time = x->last_time;
	else
		x->last_time = h.time;
	if (head_is(h.module, h.modlen, "network.sip")) {
		if (head_is(h.level, h.levlen, "DEBUG") || sipmsg_mark(l) != NULL)
			scan_sip_debug(x, l, &h);
		else if (head_is(h.level, h.levlen, "INFO"))
			note_sip_info(x, l, &h);
		return;
	}
	enum ev_kind k = event_kind(&h);
	if (k != EV_KINDS)
		scan_event(x, l, &h, k);
	else
		head_host(x, &h);
}

/* Adds the INFO summaries that no DEBUG block of the file described. */
static void
scan_finish_info(struct xscan *x)
{
	struct model *m = x->sc.m;
	struct log_file *f = xfile(x);
	for (size_t i = 0; i < x->ninfo; i++) {
		struct info_ref *r = &x->info[i];
		if (r->keyed && log_scan_seen(&x->sc, r->key)) {
			f->info_seen++, f->info_read++; /* its DEBUG block was read */
			continue;
		}
		struct log_line l = {x->c.d + r->start, r->n, r->start, r->start + r->n, r->no};
		struct head h;
		struct sip_msg s;
		if (!parse_head(&l, &h))
			continue;
		h.time = r->time;
		int k = read_sip_info(x, &l, &h, &s);
		f->info_seen += k != INFO_NONE;
		if (k == INFO_BAD) {
			f->info_reported++;
			model_problem(m, f, r->no, false, "INFO summary without a Call-ID or a method: "
			    "not read");
			continue;
		}
		if (k == INFO_NONE)
			continue;
		f->info_read++;
		if (log_scan_seen(&x->sc, log_scan_msg_key(&s)))
			continue;
		VEC_PUSH(m->msgs, m->nmsgs, m->msgcap, s);
		f->info_only++;
		f->sip_messages++;
	}
	if (f->info_only > 0 && f->info_only == f->sip_messages && f->blocks_seen == 0)
		model_problem(m, f, 1, true,
		    "only INFO summaries: message bodies (SDP, headers) are missing; "
		    "set network.sip to DEBUG for full messages");
}

/* Returns nothing; reports a SIPMSG block that no network.sip DEBUG entry
 * header leads (its header line lost or mangled): seen, not read. */
static void
stray_block(struct xscan *x, const struct log_line *l)
{
	struct log_file *f = xfile(x);
	f->blocks_seen++;
	f->blocks_reported++;
	model_problem(x->sc.m, f, l->no, false, "SIPMSG block without a network.sip DEBUG entry "
	    "header line before it (time, host, Module=\"network.sip\" Level=\"DEBUG\"): not read");
}

/* Returns 0 after reading m->files[fi] into messages and events. */
static int
expressway_scan(struct model *m, uint32_t fi)
{
	struct xscan x = {0};
	log_scan_begin(&x.sc, m, fi, fmt_expressway_unframe);
	log_cursor_init(&x.c, x.sc.d, x.sc.len);
	struct log_line l;
	while (log_next_line(&x.c, &l)) {
		if (!log_is_header(l.s, l.n)) {
			if (log_find_str(l.s, l.n, "SIPMSG:", 7) != NULL)
				stray_block(&x, &l);
			continue;
		}
		log_scan_at(&x.sc, l.start);
		scan_entry(&x, &l);
	}
	log_scan_finish(&x.sc);
	scan_finish_info(&x);
	if (x.pipe_space != 0)
		model_problem(m, xfile(&x), x.pipe_space, true, "a space after the opening '|' of "
		    "messages (\"| INVITE\"): read without it");
	log_scan_end(&x.sc, x.c.lineno);
	free(x.info);
	return 0;
}

const struct log_format fmt_expressway = {
	.name = "expressway-log",
	.what = "Expressway log",
	.block = "SIPMSG block",
	.sniff = expressway_sniff,
	.scan = expressway_scan,
	.raw = expressway_raw,
	.line = expressway_line,
};
