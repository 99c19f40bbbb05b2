/* log_scan.c - finding SIP messages and diagnostic entries in log text.
 *
 * An entry starts with a header line "<ISO time> <host> <process>: ...".
 * A network.sip DEBUG entry is followed by "SIPMSG:" and the framed message:
 * " |" before its first line, one space before every line, "|" right after
 * its last byte. Older releases and pasted copies drop the spaces (and
 * sometimes the pipes); a message then ends at the next header line.
 * Lines end with LF, CRLF or a lone CR.
 *
 * The scan runs on the calling thread and only frames the blocks; every
 * 512 KB of text it hands the batch found to the parse crew (log_crew.c) and
 * goes on, commits the batch before (in log order), and gives that batch's
 * pages back to the kernel: a log of any size is never resident in full.
 */
#include <ctype.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "log_crew.h"
#include "sip.h"

#define MAX_BLOCK (4u << 20)   /* a SIP message never comes near 4 MB */
#define MAX_EVENT_TEXT 16384   /* diagnostic entries kept up to this size */
#define MAX_CONT_LINES 40      /* continuation lines joined to an entry */
#define CHUNK_BLOCKS 128       /* SIP blocks parsed together */
#define CHUNK_BYTES (512u << 10) /* text scanned per batch; released once parsed */


struct cursor {
	const char *d;
	size_t len, pos;
	uint32_t lineno;  /* number of the line last returned */
	size_t next_lf;   /* where the last search for '\n' stopped (see find_byte) */
	size_t next_cr;   /* the same for '\r'; SIZE_MAX: not looked for yet */
};

struct line {
	const char *s;
	size_t n;         /* without the line terminator */
	size_t start, next;
	uint32_t no;
};

#define LOOKAHEAD (64u << 10) /* how far a terminator search may run ahead */

/* Returns the position of the first ch at or after the cursor, or a position
 * >= limit when there is none before it. Remembers in *at how far it looked,
 * so one memchr serves many lines: an LF log looks for '\r' once per window,
 * and a search never runs ahead of the scan by more than a window (running to
 * the end would bring the whole mapped file into memory at once). */
static size_t
find_byte(const struct cursor *c, size_t *at, int ch, size_t limit)
{
	while (*at == SIZE_MAX || *at < c->pos || (*at < limit && *at < c->len && c->d[*at] != ch)) {
		size_t from = *at == SIZE_MAX || *at < c->pos ? c->pos : *at;
		size_t to = c->len - from > LOOKAHEAD ? from + LOOKAHEAD : c->len;
		const char *p = memchr(c->d + from, ch, to - from);
		*at = p ? (size_t)(p - c->d) : to;
	}
	return *at;
}

/* Returns true and the line at the cursor without moving past it. Lines end
 * with LF, CRLF or a lone CR. */
static bool
peek_line(struct cursor *c, struct line *l)
{
	if (c->pos >= c->len)
		return false;
	size_t lim = c->pos, e;
	do {
		lim = c->len - lim > LOOKAHEAD ? lim + LOOKAHEAD : c->len;
		size_t lf = find_byte(c, &c->next_lf, '\n', lim);
		size_t cr = find_byte(c, &c->next_cr, '\r', lim);
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

/* Moves the cursor past a line peek_line returned. */
static void
take_line(struct cursor *c, const struct line *l)
{
	c->pos = l->next;
	c->lineno = l->no;
}

/* Returns true and the next line, false at the end of the text. */
static bool
next_line(struct cursor *c, struct line *l)
{
	if (!peek_line(c, l))
		return false;
	take_line(c, l);
	return true;
}

static bool
is_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool
log_is_header(const char *s, size_t n)
{
	return n >= 20 && is_digits(s, 4) && s[4] == '-' && is_digits(s + 5, 2) &&
	    s[7] == '-' && is_digits(s + 8, 2) && s[10] == 'T' && is_digits(s + 11, 2) &&
	    s[13] == ':' && is_digits(s + 14, 2) && s[16] == ':' && is_digits(s + 17, 2);
}

/* Returns days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Returns the time of "YYYY-MM-DD?hh:mm:ss" plus optional [.,]fraction, or NONE;
 * *used is set to the bytes consumed. */
static xw_time
parse_datetime(const char *s, size_t n, size_t *used)
{
	if (n < 19 || !is_digits(s, 4) || s[4] != '-' || !is_digits(s + 5, 2) || s[7] != '-' ||
	    !is_digits(s + 8, 2) || !is_digits(s + 11, 2) || s[13] != ':' ||
	    !is_digits(s + 14, 2) || s[16] != ':' || !is_digits(s + 17, 2))
		return XW_TIME_NONE;
	int mo = num(s + 5, 2), d = num(s + 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return XW_TIME_NONE;
	int64_t days = days_from_civil(num(s, 4), (unsigned)mo, (unsigned)d);
	int64_t t = ((days * 24 + num(s + 11, 2)) * 60 + num(s + 14, 2)) * 60 + num(s + 17, 2);
	t *= 1000;
	size_t i = 19;
	if (i < n && (s[i] == ',' || s[i] == '.')) {
		int ms = 0, k = 0;
		for (i++; i < n && isdigit((unsigned char)s[i]); i++, k++)
			if (k < 3)
				ms = ms * 10 + (s[i] - '0');
		for (; k < 3; k++)
			ms *= 10;
		t += ms;
	}
	*used = i;
	return t;
}

xw_time
log_parse_utctime(const char *s, size_t n)
{
	size_t used;
	return parse_datetime(s, n, &used);
}

xw_time
log_parse_iso(const char *s, size_t n)
{
	size_t i;
	xw_time t = parse_datetime(s, n, &i);
	if (t == XW_TIME_NONE)
		return t;
	if (i < n && s[i] == 'Z')
		return t;
	if (i + 6 <= n && (s[i] == '+' || s[i] == '-') && is_digits(s + i + 1, 2) &&
	    s[i + 3] == ':' && is_digits(s + i + 4, 2)) {
		int64_t off = (num(s + i + 1, 2) * 60 + num(s + i + 4, 2)) * 60000LL;
		return s[i] == '+' ? t - off : t + off;
	}
	return t;
}

/* Returns the first k-byte needle (k >= 1) in the n bytes at h, or NULL.
 * memchr on the first byte beats memmem's set-up on lines this short. */
static const char *
find_str(const char *h, size_t n, const char *needle, size_t k)
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

/* Returns the end of a quoted value starting at p: the first quote followed by
 * end of line, ':' or spaces and an upper-case Key=". Inner attributes (CPL
 * XML) are lower case, so their quotes do not end the value. */
static const char *
value_end(const char *p, const char *e)
{
	for (const char *q = p; q < e; q++) {
		if (*q != '"')
			continue;
		const char *r = q + 1;
		if (r >= e || *r == ':')
			return q;
		if (*r != ' ')
			continue;
		while (r < e && *r == ' ')
			r++;
		if (r >= e)
			return q;
		if (!isupper((unsigned char)*r))
			continue;
		while (r < e && (isalnum((unsigned char)*r) || *r == '-' || *r == '_'))
			r++;
		if (r + 1 < e && r[0] == '=' && r[1] == '"')
			return q;
	}
	return e;
}

bool
log_kv(const char *line, size_t len, const char *key, const char **val, size_t *vlen)
{
	size_t kl = strlen(key);
	const char *e = line + len;
	for (const char *p = line; p + kl + 2 <= e;) {
		const char *f = find_str(p, (size_t)(e - p), key, kl);
		if (f == NULL || f + kl + 2 > e)
			return false;
		bool start_ok = f == line || f[-1] == ' ' || f[-1] == ':' || f[-1] == '\t';
		if (start_ok && f[kl] == '=' && f[kl + 1] == '"') {
			const char *v = f + kl + 2;
			const char *q = value_end(v, e);
			*val = v;
			*vlen = (size_t)(q - v);
			return true;
		}
		p = f + 1;
	}
	return false;
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

static bool
is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Fills f with the first value of each of sip_fields in the line. One walk
 * from one Key=" to the next replaces a search of the whole line per key. */
static void
read_fields(const char *s, size_t len, struct fields *f)
{
	const char *e = s + len, *p = s, *q;
	memset(f, 0, sizeof *f);
	while ((q = memchr(p, '=', (size_t)(e - p))) != NULL && q + 1 < e) {
		p = q + 1;
		if (q[1] != '"')
			continue;
		const char *k = q;
		while (k > s && is_key_char(k[-1]))
			k--;
		if (k == q || (k > s && k[-1] != ' ' && k[-1] != ':' && k[-1] != '\t'))
			continue;
		const char *v = q + 2, *ve = value_end(v, e);
		for (int i = 0; i < F_COUNT; i++)
			if (f->v[i] == NULL && strlen(sip_fields[i]) == (size_t)(q - k) &&
			    memcmp(sip_fields[i], k, (size_t)(q - k)) == 0) {
				f->v[i] = v;
				f->n[i] = (size_t)(ve - v);
			}
		p = ve; /* an '=' inside a value starts no key */
	}
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
	xw_time tm = log_parse_utctime(t, (size_t)(te - t));
	if (tm != XW_TIME_NONE)
		h->time = tm;
	h->module = mo;
	h->modlen = (size_t)(me - mo);
	h->level = lv;
	h->levlen = (size_t)(le - lv);
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
slow_fields(const struct line *l, struct head *h)
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
parse_head(const struct line *l, struct head *h)
{
	const char *s = l->s, *e = l->s + l->n;
	const char *sp = memchr(s, ' ', (size_t)(e - s));
	if (sp == NULL)
		return false;
	h->time = XW_TIME_NONE;
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

/* An INFO summary line, remembered until the file's DEBUG blocks are known. */
struct info_ref {
	size_t start;            /* the line, read again if no DEBUG block had it */
	uint32_t n, no;
	xw_time time;            /* its time, after the garbled-date fix-up */
	uint64_t key;            /* hash of its Msg-Hash, when it has one */
	bool keyed;
};


/* A hash table of 64-bit keys (0 marks an empty slot) to message indices. */
struct keymap {
	uint64_t *key;
	uint32_t *val;
	size_t n, cap;
};

/* The state of one file's scan. */
struct scan {
	struct model *m;
	uint32_t fi;
	struct cursor c;
	int *hosts;              /* host index per distinct prefix host */
	uint32_t *hostn;         /* entries per host */
	size_t nhosts, hostcap, hostncap;
	struct info_ref *info;   /* INFO summaries, read only when no DEBUG block follows */
	size_t ninfo, infocap;
	struct keymap seen;      /* Msg-Hash keys of messages logged in DEBUG blocks */
	struct keymap known;     /* frame hash -> index in m->msgs, of messages read */
	struct log_job jobs[2];      /* one filled by the scan while the other is parsed */
	struct log_job *job;         /* the one being filled */
	struct log_crew crew;
	size_t dropped;          /* bytes of the mapping already released */
	int last_host;           /* the host of the previous line, a cache */
	size_t last_slot;        /* its index in hosts */
	const char *last_hostname;
	size_t last_hostlen;
	xw_time last_time;       /* of the last entry whose time could be read */
};

static struct log_file *
sfile(struct scan *sc)
{
	return &sc->m->files[sc->fi];
}

/* Returns the model host index of the header's host, counting it for the file. */
static int
scan_host(struct scan *sc, const struct head *h)
{
	if (sc->last_hostname != NULL && sc->last_hostlen == h->hostlen &&
	    memcmp(sc->last_hostname, h->host, h->hostlen) == 0) {
		sc->hostn[sc->last_slot]++;
		return sc->last_host;
	}
	const char *name = strpool_intern(sc->m->pool, h->host, h->hostlen);
	int hi = model_host(sc->m, name);
	size_t i;
	for (i = 0; i < sc->nhosts && sc->hosts[i] != hi; i++)
		;
	if (i == sc->nhosts) {
		VEC_PUSH(sc->hosts, sc->nhosts, sc->hostcap, hi);
		size_t k = sc->nhosts - 1;
		xgrow(&sc->hostn, &sc->hostncap, sc->nhosts, sizeof *sc->hostn);
		sc->hostn[k] = 0;
	}
	sc->hostn[i]++;
	sc->last_host = hi;
	sc->last_slot = i;
	sc->last_hostname = name;
	sc->last_hostlen = strlen(name);
	return hi;
}

/* Adds ip to the host's own addresses unless known. */
static void
host_addr(struct model *m, int hi, const char *ip)
{
	struct host *h = &m->hosts[hi];
	if (ip == NULL)
		return;
	for (size_t i = 0; i < h->naddrs; i++)
		if (strcmp(h->addrs[i], ip) == 0)
			return;
	VEC_PUSH(h->addrs, h->naddrs, h->addrcap, ip);
}

/* Returns the de-duplication key of a Msg-Hash value (never 0: 0 is none). */
static uint64_t
hash_key(const char *v, size_t n)
{
	uint64_t k = xhash(v, n);
	return k ? k : 1;
}

/* Returns a pooled copy of freshly read SIP fields, for the records that
 * carry them (and every later record of the same bytes). */
static const struct sip_fields *
pool_fields(struct model *m, const struct sip_fields *f)
{
	struct sip_fields *p = strpool_alloc(m->pool, sizeof *p);
	*p = *f;
	return p;
}

/* Fills the log fields (addresses, action, time, host) from a network.sip line. */
static void
fill_log_fields(struct scan *sc, const struct line *l, const struct head *h, struct sip_msg *s)
{
	struct model *m = sc->m;
	memset(s, 0, sizeof *s);
	s->file = sc->fi;
	s->line = l->no;
	s->host = (uint32_t)scan_host(sc, h);
	s->time = s->ctime = h->time;
	s->twin = -1;
	s->call = -1;
	struct fields f;
	read_fields(l->s, l->n, &f);
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
	host_addr(m, (int)s->host, s->local_ip);
}

/* Returns a hash naming the message for INFO/DEBUG de-duplication. */
static uint64_t
msg_key(const struct sip_msg *s)
{
	if (s->msg_hash != 0)
		return s->msg_hash;
	char buf[512];
	int n = snprintf(buf, sizeof buf, "%d|%s|%u|%s|%d", (int)s->action,
	    s->sip->call_id ? s->sip->call_id : "", s->sip->cseq, s->sip->method ? s->sip->method : "", s->sip->status);
	/* snprintf returns the untruncated length: a long Call-ID must not make
	 * the hash read past buf */
	return xhash(buf, n <= 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) ^ 1;
}

/* Returns the first byte after "SIPMSG:" in the line, or NULL. */
static const char *
sipmsg_mark(const struct line *l)
{
	const char *p = find_str(l->s, l->n, "SIPMSG:", 7);
	return p ? p + 7 : NULL;
}

static bool
is_blank(const struct line *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

/* Returns true when the trimmed line is a lone closing pipe. */
static bool
is_pipe_line(const struct line *l)
{
	size_t i = 0;
	while (i < l->n && l->s[i] == ' ')
		i++;
	return i + 1 == l->n && l->s[i] == '|';
}

/* Finds the framed message after a DEBUG header: sets *off and *end (bytes of the
 * framing) and *first (its first line number). Returns 1 when closed by a
 * pipe, 0 when cut short by the next entry or the end, -1 when no SIPMSG. */
static int
find_block(struct scan *sc, const struct line *hl, size_t *off, size_t *end, uint32_t *first)
{
	struct line l, ml;
	const char *mark = sipmsg_mark(hl);
	if (mark != NULL) {
		while (mark < hl->s + hl->n && *mark == ' ')
			mark++;
	} else {
		if (!peek_line(&sc->c, &l) || (mark = sipmsg_mark(&l)) == NULL ||
		    (size_t)(mark - l.s) > 16)
			return -1;
		ml = l;
		take_line(&sc->c, &ml);
		hl = &ml;
		while (mark < ml.s + ml.n && *mark == ' ')
			mark++;
	}
	if (mark < hl->s + hl->n) { /* "SIPMSG: |SIP/2.0 ..." on one line */
		*off = (size_t)(mark - sc->c.d);
		*first = hl->no;
	} else {
		if (!peek_line(&sc->c, &l) || log_is_header(l.s, l.n)) {
			*off = *end = sc->c.pos; /* "SIPMSG:" and nothing after it */
			*first = hl->no;
			return 0;
		}
		*off = l.start;
		*first = l.no;
		take_line(&sc->c, &l);
	}
	struct line nx;
	while (peek_line(&sc->c, &nx)) {
		if (log_is_header(nx.s, nx.n) || nx.start - *off > MAX_BLOCK) {
			*end = nx.start;
			return 0;
		}
		take_line(&sc->c, &nx);
		l = nx;
		if (is_pipe_line(&l)) {
			*end = l.start + l.n;
			return 1;
		}
		if (l.n > 0 && l.s[l.n - 1] == '|') {
			struct line after;
			if (!peek_line(&sc->c, &after) || is_blank(&after) ||
			    log_is_header(after.s, after.n)) {
				*end = l.start + l.n;
				return 1;
			}
		}
	}
	*end = sc->c.len;
	return 0;
}

/* Returns the slot of key k (never 0) in t: where it is, or the empty slot
 * where it would go. */
static size_t
keymap_slot(const struct keymap *t, uint64_t k)
{
	size_t j = k & (t->cap - 1);
	while (t->key[j] != 0 && t->key[j] != k)
		j = (j + 1) & (t->cap - 1);
	return j;
}

/* Returns true when t holds key k (never 0), with its value in *v if v. */
static bool
keymap_get(const struct keymap *t, uint64_t k, uint32_t *v)
{
	if (t->cap == 0)
		return false;
	size_t j = keymap_slot(t, k);
	if (t->key[j] == 0)
		return false;
	if (v != NULL)
		*v = t->val[j];
	return true;
}

/* Returns true when t held key k (never 0) already; else adds it with v. */
static bool
keymap_put(struct keymap *t, uint64_t k, uint32_t v)
{
	if (t->n * 2 >= t->cap) {
		struct keymap g = {xcalloc(t->cap ? t->cap * 2 : 1024, sizeof(uint64_t)),
		    xcalloc(t->cap ? t->cap * 2 : 1024, sizeof(uint32_t)), t->n,
		    t->cap ? t->cap * 2 : 1024};
		for (size_t i = 0; i < t->cap; i++)
			if (t->key[i] != 0) {
				size_t j = keymap_slot(&g, t->key[i]);
				g.key[j] = t->key[i], g.val[j] = t->val[i];
			}
		free(t->key);
		free(t->val);
		*t = g;
	}
	size_t j = keymap_slot(t, k);
	if (t->key[j] != 0)
		return true;
	t->key[j] = k, t->val[j] = v;
	t->n++;
	return false;
}

/* Returns true when the set of seen message keys holds k (adding it if add). */
static bool
seen_has(struct scan *sc, uint64_t k, bool add)
{
	k |= 1; /* 0 marks an empty slot */
	return add ? keymap_put(&sc->seen, k, 0) : keymap_get(&sc->seen, k, NULL);
}

/* Returns the hash of n framed bytes: never 0, which marks no hash. */
static uint64_t
frame_hash(const char *p, size_t n)
{
	uint64_t h = xhash(p, n);
	return h ? h : 1;
}

/* Adds message mi under its frame hash, unless a message has it already. */
static void
known_add(struct scan *sc, uint32_t mi)
{
	if (sc->m->msgs[mi].frame_hash != 0)
		keymap_put(&sc->known, sc->m->msgs[mi].frame_hash, mi);
}

/* Returns the message read before with the same framed bytes (hash and
 * length), or NULL. */
static const struct sip_msg *
known_find(const struct scan *sc, uint64_t k, uint32_t flen)
{
	uint32_t mi;
	if (!keymap_get(&sc->known, k, &mi) || sc->m->msgs[mi].flen != flen)
		return NULL;
	return &sc->m->msgs[mi];
}

/* Records one DEBUG network.sip entry and its framed message for parsing. */
static void
scan_sip_debug(struct scan *sc, const struct line *hl, const struct head *h)
{
	struct log_pending p;
	uint32_t first = 0;
	p.closed = find_block(sc, hl, &p.off, &p.end, &first);
	if (p.closed < 0)
		return; /* a network.sip DEBUG line without a message */
	fill_log_fields(sc, hl, h, &p.s);
	p.s.off = p.off;
	p.s.flen = (uint32_t)(p.end - p.off);
	p.s.msg_line = first ? first : hl->no;
	p.rc = -1;
	p.why[0] = '\0';
	p.same = NULL;
	memset(&p.f, 0, sizeof p.f);
	p.f.q850 = -1;
	if (p.end > p.off) {
		p.s.frame_hash = frame_hash(sc->c.d + p.off, p.end - p.off);
		const struct sip_msg *same = known_find(sc, p.s.frame_hash, p.s.flen);
		if (same != NULL) { /* the parse would give the same: share it */
			p.same = same->sip;
			p.rc = 0;
		}
	}
	VEC_PUSH(sc->job->pend, sc->job->n, sc->job->cap, p);
}

/* Adds a parsed batch to the model in log order, and reports the others. */
static void
commit_blocks(struct scan *sc, struct log_job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct log_pending *p = &j->pend[i];
		uint32_t line = p->s.msg_line;
		if (p->rc < 0) {
			model_problem(sc->m, sfile(sc), line, false, "SIP message skipped: %s", p->why);
			continue;
		}
		if (p->same == NULL) /* a fresh parse: the fields go to the pool */
			p->same = pool_fields(sc->m, &p->f);
		p->s.sip = p->same;
		if (!p->closed)
			model_problem(sc->m, sfile(sc), line, true, "no closing '|' after the message");
		if (p->s.sip->blank_added)
			model_problem(sc->m, sfile(sc), line, true,
			    "no blank line between the headers and the body; parsed with one");
		if (p->s.sip->cl_repaired)
			model_problem(sc->m, sfile(sc), line, true,
			    "Content-Length %u did not match the body; parsed with the real length",
			    p->s.sip->content_length);
		seen_has(sc, msg_key(&p->s), true);
		VEC_PUSH(sc->m->msgs, sc->m->nmsgs, sc->m->msgcap, p->s);
		known_add(sc, (uint32_t)(sc->m->nmsgs - 1));
		sfile(sc)->sip_messages++;
	}
	j->n = 0;
}

/* Releases the mapped pages of [from, upto): a large log is never resident in
 * full; pages come back from the page cache when a view needs the text. */
static void
release_pages(struct scan *sc, size_t from, size_t upto)
{
	struct log_file *f = sfile(sc);
	long pg = sysconf(_SC_PAGESIZE);
	if (f->map_base == NULL || f->map_base != (const void *)f->data || pg <= 0)
		return;
	size_t a = from / (size_t)pg * (size_t)pg;
	size_t b = upto / (size_t)pg * (size_t)pg;
	if (b > a)
		madvise((char *)f->map_base + a, b - a, MADV_DONTNEED);
}

/* Ends the batch being filled at upto: commits the batch parsed meanwhile,
 * releases its text, and posts this one to the parse threads. */
static void
next_chunk(struct scan *sc, size_t upto)
{
	struct log_job *done = log_crew_finish(&sc->crew);
	if (done != NULL)
		commit_blocks(sc, done);
	release_pages(sc, sc->dropped, sc->job->text_from);
	sc->dropped = sc->job->text_from;
	log_crew_post(&sc->crew, sc->job);
	sc->job = sc->job == &sc->jobs[0] ? &sc->jobs[1] : &sc->jobs[0];
	sc->job->text_from = upto;
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
note_sip_info(struct scan *sc, const struct line *l, const struct head *h)
{
	struct info_ref r = {l->start, (uint32_t)l->n, l->no, h->time, 0, false};
	const char *p = find_str(l->s, l->n, "Msg-Hash=", 9);
	if (p != NULL) {
		p += 9;
		size_t k = 0;
		while (p + k < l->s + l->n && p[k] != ',' && p[k] != '"' && p[k] != ' ')
			k++;
		r.key = hash_key(p, k);
		r.keyed = k > 0;
	}
	scan_host(sc, h);
	VEC_PUSH(sc->info, sc->ninfo, sc->infocap, r);
}

/* Returns true after building a summary-only message from an INFO line
 * ("Receive Request Method=INVITE, CSeq=1, ...") into *out. */
static bool
read_sip_info(struct scan *sc, const struct line *l, const struct head *h, struct sip_msg *out)
{
	const char *d;
	size_t n;
	if (!log_kv(l->s, l->n, "Detail", &d, &n))
		return false;
	bool req = find_str(d, n < 40 ? n : 40, "Request", 7) != NULL;
	bool resp = find_str(d, n < 40 ? n : 40, "Response", 8) != NULL;
	if (!req && !resp)
		return false;
	struct model *m = sc->m;
	struct sip_msg s;
	struct sip_fields f = {0};
	fill_log_fields(sc, l, h, &s);
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
	s.sip = pool_fields(m, &f);
	*out = s;
	return f.call_id != NULL && f.method != NULL;
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

/* Keeps a diagnostic entry: the header line and its continuation lines. */
static void
scan_event(struct scan *sc, const struct line *l, const struct head *h, enum ev_kind k)
{
	struct model *m = sc->m;
	struct sbuf b = {0};
	/* time, host and module are in the event's fields: the text keeps the rest */
	size_t n0 = l->n - h->skip;
	sbuf_add(&b, l->s + h->skip, n0 < MAX_EVENT_TEXT ? n0 : MAX_EVENT_TEXT);
	struct line nx;
	for (int i = 0; i < MAX_CONT_LINES && peek_line(&sc->c, &nx); i++) {
		if (log_is_header(nx.s, nx.n) || is_blank(&nx) || sipmsg_mark(&nx) != NULL)
			break;
		take_line(&sc->c, &nx);
		if (b.len + nx.n + 1 < MAX_EVENT_TEXT) {
			sbuf_add(&b, " ", 1);
			sbuf_add(&b, nx.s, nx.n);
		}
	}
	struct log_event e = {0};
	e.file = sc->fi;
	e.line = l->no;
	e.host = (uint32_t)scan_host(sc, h);
	e.time = e.ctime = h->time;
	e.kind = k;
	e.call = -1;
	e.text = strpool_copy(m->pool, b.s, b.len); /* entries are unique: no dedup */
	const char *v;
	size_t n;
	if (log_kv(e.text, b.len, k == EV_EVENT ? "Event" : "Detail", &v, &n))
		e.name = strpool_intern(m->pool, v, n);
	sbuf_free(&b);
	VEC_PUSH(m->events, m->nevents, m->eventcap, e);
}

/* Handles one header line (and whatever follows it that belongs to it). */
static void
scan_entry(struct scan *sc, const struct line *l)
{
	struct head h;
	if (!parse_head(l, &h))
		return;
	/* a garbled date ("2017-13-19") takes the time of the entry before it:
	 * XW_TIME_NONE would overflow the time differences correlation takes */
	if (h.time == XW_TIME_NONE)
		h.time = sc->last_time;
	else
		sc->last_time = h.time;
	if (head_is(h.module, h.modlen, "network.sip")) {
		if (head_is(h.level, h.levlen, "DEBUG") || sipmsg_mark(l) != NULL)
			scan_sip_debug(sc, l, &h);
		else if (head_is(h.level, h.levlen, "INFO"))
			note_sip_info(sc, l, &h);
		return;
	}
	enum ev_kind k = event_kind(&h);
	if (k != EV_KINDS)
		scan_event(sc, l, &h, k);
	else
		scan_host(sc, &h);
}

/* Adds the INFO summaries that no DEBUG block of the file described. */
static void
scan_finish_info(struct scan *sc)
{
	struct log_file *f = sfile(sc);
	for (size_t i = 0; i < sc->ninfo; i++) {
		struct info_ref *r = &sc->info[i];
		if (r->keyed && seen_has(sc, r->key, false))
			continue;
		struct line l = {sc->c.d + r->start, r->n, r->start, r->start + r->n, r->no};
		struct head h;
		struct sip_msg s;
		if (!parse_head(&l, &h))
			continue;
		h.time = r->time;
		if (!read_sip_info(sc, &l, &h, &s) || seen_has(sc, msg_key(&s), false))
			continue;
		VEC_PUSH(sc->m->msgs, sc->m->nmsgs, sc->m->msgcap, s);
		f->info_only++;
		f->sip_messages++;
	}
	if (f->info_only > 0 && f->info_only == f->sip_messages)
		model_problem(sc->m, f, 1, true,
		    "only INFO summaries: message bodies (SDP, headers) are missing; "
		    "set network.sip to DEBUG for full messages");
}

/* Returns the file's scan state, with its parse threads running. */
static void
scan_init(struct scan *sc, struct model *m, uint32_t fi)
{
	*sc = (struct scan){.m = m, .fi = fi, .last_host = -1};
	sc->c.d = m->files[fi].data;
	sc->c.len = m->files[fi].len;
	sc->c.next_lf = sc->c.next_cr = SIZE_MAX;
	sc->jobs[0].data = sc->jobs[1].data = sc->c.d;
	sc->job = &sc->jobs[0];
	for (size_t i = 0; i < m->nmsgs; i++) /* the files read before */
		known_add(sc, (uint32_t)i);
	log_crew_start(&sc->crew, m);
}

/* Names the file's host (the one most lines name) and frees the scan state. */
static void
scan_done(struct scan *sc)
{
	struct model *m = sc->m;
	struct log_file *f = sfile(sc);
	log_crew_stop(&sc->crew);
	f->nlines = sc->c.lineno;
	uint32_t best = 0;
	for (size_t i = 0; i < sc->nhosts; i++)
		if (sc->hostn[i] > best) {
			best = sc->hostn[i];
			f->host_idx = sc->hosts[i];
			f->host = m->hosts[sc->hosts[i]].name;
		}
	free(sc->hosts);
	free(sc->hostn);
	free(sc->info);
	free(sc->seen.key);
	free(sc->seen.val);
	free(sc->known.key);
	free(sc->known.val);
	free(sc->jobs[0].pend);
	free(sc->jobs[1].pend);
}

int
log_scan_file(struct model *m, uint32_t fi)
{
	struct scan sc;
	scan_init(&sc, m, fi);
	struct line l;
	uint64_t tick = 0;
	while (next_line(&sc.c, &l)) {
		if (!log_is_header(l.s, l.n))
			continue;
		if (sc.job->n >= CHUNK_BLOCKS || l.start - sc.job->text_from >= CHUNK_BYTES)
			next_chunk(&sc, l.start);
		scan_entry(&sc, &l);
		if (m->progress != NULL && sc.c.pos - tick > (8u << 20)) {
			tick = sc.c.pos;
			m->progress(m->progress_arg, sc.c.pos, sc.c.len);
		}
	}
	next_chunk(&sc, sc.c.len);
	struct log_job *last = log_crew_finish(&sc.crew);
	if (last != NULL)
		commit_blocks(&sc, last);
	scan_finish_info(&sc);
	release_pages(&sc, 0, sc.c.len); /* INFO lines read just now came back */
	scan_done(&sc);
	return 0;
}
