/* genlogs.c - synthetic Expressway-C and Expressway-E diagnostic logs for the
 * xwtrace benchmark.
 *
 *   genlogs -o DIR -s SIZE_MB [-seed N] [-noise PCT] [-corrupt PPM] [-skew MS]
 *
 * Writes DIR/expressway-c.log and DIR/expressway-e.log, SIZE_MB MiB together,
 * and prints "messages=N calls=N bytes=N" on stdout (messages counts the
 * SIPMSG: blocks of both files, so it equals grep -c 'SIPMSG:' summed).
 *
 * The traffic is the Webex Hybrid Call topology of the troubleshooting guide:
 * Webex (146.20.193.x) <-> Expressway-E amer-expressway01 (outside 172.16.2.2,
 * NAT 64.102.241.236, inside 192.168.1.6, traversal port 7003) <->
 * Expressway-C rtp12-tpdmz-118-VCSC (192.168.1.5) <-> CUCM 192.168.1.21:5065.
 * Calls of several kinds (answered both ways, 404 Policy Response on the C,
 * 403 CPL reject and 408 TCP failure on the E, CANCEL/487, BYE with Q.850
 * cause 47) run interleaved in simulated time, with OPTIONS keepalives,
 * Event= lines, network.search/dns/tcp/cpl lines and developer.* noise.
 * A message crossing E<->C is logged by both, with the same text.
 *
 * Standalone C11 on purpose: run.sh builds it with a plain `cc -O2`.
 * Speed matters (1 GB in seconds): output goes through big buffers, nothing
 * is allocated per line, and all text comes from templates.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define E_HOST    "amer-expressway01"
#define C_HOST    "rtp12-tpdmz-118-VCSC"
#define E_OUT_IP  "172.16.2.2"
#define E_NAT_IP  "64.102.241.236"
#define E_IN_IP   "192.168.1.6"
#define C_IP      "192.168.1.5"
#define CUCM_IP   "192.168.1.21"
#define TZ_TEXT   "-04:00"
#define TZ_OFFSET (-4 * 3600)
#define START_MS  1505826000000LL /* 2017-09-19 13:00:00 UTC */
#define XW_UA     "TANDBERG/4135 (X8.10.2)"
#define B2BUA_UA  "TANDBERG/4352 (X8.10.2-b2bua-1.0)"
#define ZEROS32   "00000000000000000000000000000000"

#define OUTCAP   (32u << 20) /* output buffer per file */
#define OUTSLACK (2u << 20)  /* room every entry may assume; entries are < 200 KB */
#define MAXCALLS 65536
#define NKA      4           /* OPTIONS keepalive streams */
#define ID_ARRIVAL NKA
#define ID_CALL0   (NKA + 1)

/* ------------------------------------------------------------------ */
/* byte buffers                                                        */

struct sb {
	char *p;
	size_t len, cap;
};

/* Returns n bytes of memory, or exits: the generator cannot go on without it. */
static void *
xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fprintf(stderr, "genlogs: out of memory\n");
		exit(1);
	}
	return p;
}

/* Returns an empty buffer of capacity cap. */
static struct sb
sb_new(size_t cap)
{
	struct sb b = { xmalloc(cap), 0, cap };
	return b;
}

/* Returns nothing; callers guarantee room (see OUTSLACK), so no check here. */
static inline void
sb_put(struct sb *b, const char *s, size_t n)
{
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Only for string literals: the "" pasting rejects anything else at compile time. */
#define SB_LIT(b, lit) sb_put((b), "" lit, sizeof(lit) - 1)

/* Returns nothing; appends a NUL-terminated string. */
static inline void
sb_str(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* Returns nothing; appends one byte. */
static inline void
sb_ch(struct sb *b, char ch)
{
	b->p[b->len++] = ch;
}

/* Returns nothing; appends v in decimal. */
static void
sb_u(struct sb *b, uint64_t v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		b->p[b->len++] = t[--n];
}

/* Returns nothing; appends the low 4*digits bits of v as lower-case hex. */
static void
sb_hex(struct sb *b, uint64_t v, int digits)
{
	static const char hx[] = "0123456789abcdef";
	for (int i = digits - 1; i >= 0; i--) {
		b->p[b->len + (size_t)i] = hx[v & 15];
		v >>= 4;
	}
	b->len += (size_t)digits;
}

/* Returns nothing; appends v as exactly n decimal digits. */
static void
sb_dig(struct sb *b, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		b->p[b->len + (size_t)i] = (char)('0' + v % 10);
		v /= 10;
	}
	b->len += (size_t)n;
}

/* ------------------------------------------------------------------ */
/* random numbers (splitmix64: fast, and every value is reproducible)  */

static uint64_t rng_state;

/* Returns a well-mixed 64-bit value of z. */
static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Returns the next random 64-bit value. */
static uint64_t
rnd(void)
{
	return mix64(rng_state += 0x9e3779b97f4a7c15ULL);
}

/* Returns a random value in [0, n). */
static uint32_t
rndn(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

/* Returns a random value in [lo, hi]. */
static int64_t
rndr(int64_t lo, int64_t hi)
{
	return lo + rndn((uint32_t)(hi - lo + 1));
}

/* Returns nothing; writes a random UUID (36 chars + NUL) into dst. */
static void
make_uuid(char *dst)
{
	struct sb b = { dst, 0, 37 };
	uint64_t a = rnd(), c = rnd();
	sb_hex(&b, a >> 32, 8);
	sb_ch(&b, '-');
	sb_hex(&b, a >> 16, 4);
	sb_ch(&b, '-');
	sb_hex(&b, 0x4000 | (a & 0x0fff), 4);
	sb_ch(&b, '-');
	sb_hex(&b, 0x8000 | (c >> 50), 4);
	sb_ch(&b, '-');
	sb_hex(&b, c, 12);
	dst[36] = 0;
}

/* Returns nothing; writes n random hex digits + NUL into dst. */
static void
make_hex(char *dst, int n)
{
	struct sb b = { dst, 0, (size_t)n + 1 };
	while (n > 0) {
		int k = n > 16 ? 16 : n;
		sb_hex(&b, rnd(), k);
		n -= k;
	}
	dst[b.len] = 0;
}

/* ------------------------------------------------------------------ */
/* output files and time stamps                                        */

struct out {
	struct sb b;
	int fd;
	const char *path, *host;
	size_t hostlen;
	uint64_t flushed;  /* bytes already written to the file */
	uint64_t noise;    /* bytes of developer.* noise entries */
	uint64_t blocks;   /* SIPMSG: blocks */
	int64_t skew;      /* ms this host's clock is ahead */
	int64_t last;      /* time of the latest entry: a logger writes in time order */
	int64_t csec;      /* second the cached strings are for */
	char cutc[20], cloc[20];
	const char *thread;
};

/* Returns the total bytes produced for this file so far. */
static uint64_t
out_total(const struct out *o)
{
	return o->flushed + o->b.len;
}

/* Returns nothing; writes the buffer to the file, exiting on error. */
static void
out_flush(struct out *o)
{
	size_t off = 0;
	while (off < o->b.len) {
		ssize_t n = write(o->fd, o->b.p + off, o->b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "genlogs: %s: %s\n", o->path, strerror(errno));
			exit(1);
		}
		off += (size_t)n;
	}
	o->flushed += o->b.len;
	o->b.len = 0;
}

/* Returns nothing; makes sure an entry of up to OUTSLACK bytes fits. */
static inline void
out_room(struct out *o)
{
	if (o->b.len > OUTCAP - OUTSLACK)
		out_flush(o);
}

/* Returns nothing; writes "YYYY-MM-DD<sep>HH:MM:SS" for sec into dst. */
static void
fmt_civil(char *dst, int64_t sec, char sep)
{
	int64_t z = sec / 86400 + 719468, rem = sec % 86400;
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	unsigned y = (unsigned)(yoe + era * 400 + (m <= 2));
	struct sb b = { dst, 0, 20 };
	sb_dig(&b, y, 4);
	sb_ch(&b, '-');
	sb_dig(&b, m, 2);
	sb_ch(&b, '-');
	sb_dig(&b, d, 2);
	sb_ch(&b, sep);
	sb_dig(&b, (unsigned)(rem / 3600), 2);
	sb_ch(&b, ':');
	sb_dig(&b, (unsigned)(rem / 60 % 60), 2);
	sb_ch(&b, ':');
	sb_dig(&b, (unsigned)(rem % 60), 2);
	dst[19] = 0;
}

/* Returns nothing; refreshes the cached date strings when the second changes. */
static inline void
out_clock(struct out *o, int64_t t)
{
	int64_t sec = t / 1000;
	if (sec != o->csec) {
		fmt_civil(o->cutc, sec, ' ');
		fmt_civil(o->cloc, sec + TZ_OFFSET, 'T');
		o->csec = sec;
	}
}

/* Returns nothing; starts an entry: "<local time> <host> <prog>: ". Entries
 * asked for slightly in the past (the simulation writes a receiver's line a
 * millisecond late, then moves to another call) get the latest time, so
 * each file's times never go back. */
static void
put_prefix_prog(struct out *o, int64_t t, const char *prog)
{
	out_room(o);
	if (t < o->last)
		t = o->last;
	o->last = t;
	out_clock(o, t);
	sb_put(&o->b, o->cloc, 19);
	sb_ch(&o->b, '.');
	sb_dig(&o->b, (unsigned)(t % 1000), 3);
	SB_LIT(&o->b, TZ_TEXT " ");
	sb_put(&o->b, o->host, o->hostlen);
	sb_ch(&o->b, ' ');
	sb_str(&o->b, prog);
	SB_LIT(&o->b, ": ");
}

/* Returns nothing; starts a tvcs entry. */
static void
put_prefix(struct out *o, int64_t t)
{
	put_prefix_prog(o, t, "tvcs");
}

/* Returns nothing; appends UTCTime="YYYY-MM-DD HH:MM:SS,mmm" of the entry
 * being written (the time its prefix got). */
static void
put_utc(struct out *o)
{
	int64_t t = o->last;
	out_clock(o, t);
	SB_LIT(&o->b, "UTCTime=\"");
	sb_put(&o->b, o->cutc, 19);
	sb_ch(&o->b, ',');
	sb_dig(&o->b, (unsigned)(t % 1000), 3);
	sb_ch(&o->b, '"');
}

/* Returns nothing; starts a module entry up to and including "Level=..:". */
static void
mod_begin(struct out *o, int64_t t, const char *module, const char *level)
{
	put_prefix(o, t);
	put_utc(o);
	SB_LIT(&o->b, " Module=\"");
	sb_str(&o->b, module);
	SB_LIT(&o->b, "\" Level=\"");
	sb_str(&o->b, level);
	SB_LIT(&o->b, "\":  ");
}

/* ------------------------------------------------------------------ */
/* calls                                                               */

enum msgk {
	M_INVITE, M_100, M_180, M_200INV, M_ACK, M_BYE, M_200BYE, M_CANCEL,
	M_200CAN, M_487, M_404, M_403, M_408, M_ACKERR, M_REJ, M_KINDS
};

enum { F = 0, B = 1, BYER = 2, BYEE = 3 }; /* forward, backward, hanging-up side, other side */

/* Delays that depend on the call, resolved when its steps are laid out. */
enum { D_TALK = 1000000000, D_REJ, D_ANSWER };

struct step {
	uint8_t msg, link, dir;
	uint32_t dmin, dmax;
};

struct cstep {
	uint8_t msg, link, dir;
	uint32_t delay;
};

enum kind { K_IN_OK, K_OUT_OK, K_IN_404, K_OUT_403, K_OUT_408, K_IN_CANCEL, K_OUT_Q850, K_NKINDS };

static const struct {
	const char *name;
	bool inbound;
	unsigned weight;
} KINDS[K_NKINDS] = {
	[K_IN_OK] = { "inbound-answered", true, 34 },
	[K_OUT_OK] = { "outbound-answered", false, 34 },
	[K_IN_404] = { "inbound-404-policy", true, 6 },
	[K_OUT_403] = { "outbound-403-cpl", false, 5 },
	[K_OUT_408] = { "outbound-408-tcp", false, 4 },
	[K_IN_CANCEL] = { "inbound-cancel-487", true, 10 },
	[K_OUT_Q850] = { "outbound-bye-q850-47", false, 7 },
};

struct call {
	uint32_t id;
	uint8_t kind, nsteps, pos;
	bool inbound;      /* Webex calls into the enterprise */
	bool strip;        /* E drops call-type=squared on the inside (guide's bug) */
	bool g729;         /* CUCM offers G.729 only; Webex zeroes audio */
	bool new_webex_conn;
	uint8_t rej;       /* M_404/M_403/M_408 or 0 */
	uint16_t big;      /* extra SDP lines in the offer (oversized SDP) */
	uint64_t seed, p1, p2;
	uint32_t cseq, callee_cseq, txn, fsm;
	int64_t start;
	uint16_t webex_port, e_out_port, c_out_port, cucm_port, trav_port;
	uint16_t a_port[2], v_port[2], e_port[2];
	char webex_ip[16], webex_int[16], phone_ip[16];
	char caller_name[40], caller_uri[72], callee_uri[72], ext[8];
	char callid[72], from_tag[72], to_tag[72], rej_tag[20];
	char tag[37], serial_e[37], serial_c[37], pcid_e1[37], pcid_e2[37], pcid_c[37];
	char sess_a[33], sess_b[33], locus[37];
	struct cstep steps[40];
};

static const struct step SEG_INVITE01[] = {
	{ M_INVITE, 0, F, 0, 0 }, { M_100, 0, B, 1, 3 },
	{ M_INVITE, 1, F, 4, 15 }, { M_100, 1, B, 1, 4 },
};
static const struct step SEG_INVITE2[] = {
	{ M_INVITE, 2, F, 3, 12 }, { M_100, 2, B, 2, 9 },
};
static const struct step SEG_RING[] = {
	{ M_180, 2, B, 80, 600 }, { M_180, 1, B, 2, 6 }, { M_180, 0, B, 2, 6 },
};
static const struct step SEG_ANSWER[] = {
	{ M_200INV, 2, B, D_ANSWER, 0 }, { M_200INV, 1, B, 3, 12 }, { M_200INV, 0, B, 3, 12 },
	{ M_ACK, 0, F, 20, 120 }, { M_ACK, 1, F, 2, 8 }, { M_ACK, 2, F, 2, 8 },
};
static const struct step SEG_BYE_F[] = {
	{ M_BYE, 0, F, D_TALK, 0 }, { M_BYE, 1, F, 2, 8 }, { M_BYE, 2, F, 2, 8 },
	{ M_200BYE, 2, B, 5, 40 }, { M_200BYE, 1, B, 2, 8 }, { M_200BYE, 0, B, 2, 8 },
};
static const struct step SEG_BYE_B[] = {
	{ M_BYE, 2, B, D_TALK, 0 }, { M_BYE, 1, B, 2, 8 }, { M_BYE, 0, B, 2, 8 },
	{ M_200BYE, 0, F, 10, 80 }, { M_200BYE, 1, F, 2, 8 }, { M_200BYE, 2, F, 2, 8 },
};
static const struct step SEG_REJECT[] = {
	{ M_REJ, 1, B, D_REJ, 0 }, { M_ACKERR, 1, F, 2, 8 },
	{ M_REJ, 0, B, 2, 8 }, { M_ACKERR, 0, F, 20, 90 },
};
static const struct step SEG_CANCEL[] = {
	{ M_CANCEL, 0, F, 3000, 20000 }, { M_200CAN, 0, B, 1, 3 },
	{ M_CANCEL, 1, F, 2, 8 }, { M_200CAN, 1, B, 1, 3 },
	{ M_CANCEL, 2, F, 2, 8 }, { M_200CAN, 2, B, 2, 9 },
	{ M_487, 2, B, 3, 20 }, { M_ACKERR, 2, F, 2, 8 },
	{ M_487, 1, B, 2, 8 }, { M_ACKERR, 1, F, 2, 8 },
	{ M_487, 0, B, 2, 8 }, { M_ACKERR, 0, F, 20, 90 },
};

#define ADD(c, seg, bye) add_seg((c), (seg), sizeof(seg) / sizeof((seg)[0]), (bye))

/* Returns the delay of a step, resolving the call-dependent ones. */
static uint32_t
step_delay(const struct call *c, const struct step *s)
{
	if (s->dmin == D_TALK && c->g729)
		return (uint32_t)rndr(60, 400);
	if (s->dmin == D_TALK) {
		uint32_t talk = (uint32_t)rndr(5000, 60000);
		return rndn(4) ? talk : talk + (uint32_t)rndr(0, 540000); /* a quarter talk long */
	}
	if (s->dmin == D_ANSWER)
		return (uint32_t)rndr(1500, 15000);
	if (s->dmin == D_REJ)
		return c->rej == M_408 ? (uint32_t)rndr(10100, 10400) : (uint32_t)rndr(1, 6);
	return (uint32_t)rndr(s->dmin, s->dmax);
}

/* Returns nothing; appends a segment of steps to the call's script. */
static void
add_seg(struct call *c, const struct step *seg, size_t n, int bye_dir)
{
	for (size_t i = 0; i < n; i++) {
		struct cstep *d = &c->steps[c->nsteps++];
		d->msg = seg[i].msg == M_REJ ? c->rej : seg[i].msg;
		d->link = seg[i].link;
		d->dir = seg[i].dir;
		if (d->dir == BYER || d->dir == BYEE)
			d->dir = (uint8_t)((d->dir == BYER) ? bye_dir : !bye_dir);
		d->delay = step_delay(c, &seg[i]);
	}
	c->steps[0].delay = 0;
}

/* Returns nothing; lays out the call's script from its kind. */
static void
compose(struct call *c)
{
	int bye = (int)rndn(2);
	ADD(c, SEG_INVITE01, bye);
	switch (c->kind) {
	case K_IN_404:
	case K_OUT_403:
	case K_OUT_408:
		ADD(c, SEG_REJECT, bye);
		return;
	case K_IN_CANCEL:
		ADD(c, SEG_INVITE2, bye);
		ADD(c, SEG_RING, bye);
		ADD(c, SEG_CANCEL, bye);
		return;
	default:
		break;
	}
	ADD(c, SEG_INVITE2, bye);
	ADD(c, SEG_RING, bye);
	ADD(c, SEG_ANSWER, bye);
	if (c->kind == K_OUT_Q850 || bye == F)
		ADD(c, SEG_BYE_F, bye);
	else
		ADD(c, SEG_BYE_B, bye);
}

static const char *FIRST[] = {
	"Jonathan", "Paul", "Maria", "Anna", "David", "Sofia", "Kenji", "Priya", "Lucas",
	"Emma", "Omar", "Chen", "Fatima", "Ivan", "Laura", "Noah", "Olga", "Rafael",
	"Sara", "Tomas", "Yuki", "Zoe", "Ahmed", "Bianca", "Carlos", "Dana", "Erik",
	"Grace", "Hugo", "Ines",
};
static const char *LAST[] = {
	"Robb", "Stojanovic", "Garcia", "Smith", "Nguyen", "Kowalski", "Tanaka", "Patel",
	"Silva", "Muller", "Haddad", "Wang", "Rossi", "Petrov", "Dubois", "Brown",
	"Jensen", "Costa", "Kim", "Novak", "Sato", "Lopez", "Ali", "Moreau", "Fischer",
	"Larsen", "Cohen", "Ortiz", "Berg", "Young",
};

/* Returns nothing; writes lower-case ASCII of s into dst (size n). */
static void
lower(char *dst, const char *s, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		dst[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	dst[i] = 0;
}

/* Returns nothing; writes a CUCM-style tag ("329447~<uuid>-30106833") into dst.
 * Random draws get their own statements everywhere: the order C evaluates
 * function arguments in is unspecified, and the output must not depend on
 * the compiler. */
static void
cucm_tag(char *dst, size_t n)
{
	unsigned a = (unsigned)rndr(100000, 999999), b = (unsigned)rndr(30000000, 39999999);
	snprintf(dst, n, "%u~c9cc7ddc-9592-49e8-a13c-79e26f48eebc-%u", a, b);
}

/* Returns nothing; picks the people of a call: names, URIs, tags, Call-ID. */
static void
call_people(struct call *c)
{
	const char *fn = FIRST[rndn(30)], *ln = LAST[rndn(30)], *tn = FIRST[rndn(30)];
	char f[16], l[16], t[16];
	lower(f, fn, sizeof f), lower(l, ln, sizeof l), lower(t, tn, sizeof t);
	unsigned u = (unsigned)rndr(1, 999);
	snprintf(c->caller_name, sizeof c->caller_name, "%s %s", fn, ln);
	snprintf(c->ext, sizeof c->ext, "%u", (unsigned)rndr(5000, 5999));
	if (c->inbound) {
		snprintf(c->caller_uri, sizeof c->caller_uri, "%s.%s@dmzlab.call.ciscospark.com", f, l);
		snprintf(c->callee_uri, sizeof c->callee_uri, "%s%u@rtp.ciscotac.net", t, u);
		make_hex(c->callid, 32);
		strcat(c->callid, "@127.0.0.1");
		snprintf(c->from_tag, sizeof c->from_tag, "%u", (unsigned)rndr(100000000, 999999999));
		cucm_tag(c->to_tag, sizeof c->to_tag);
	} else {
		snprintf(c->caller_uri, sizeof c->caller_uri, "%s@rtp.ciscotac.net", c->ext);
		snprintf(c->callee_uri, sizeof c->callee_uri, "%s-%s%u@dmzlab.call.ciscospark.com", t, l, u);
		uint64_t r = rnd(), r2 = rnd();
		snprintf(c->callid, sizeof c->callid, "%08x-%08x-%05x-1501a8c0@" CUCM_IP,
		    (unsigned)(r >> 32), (unsigned)r, (unsigned)(r2 & 0xfffff));
		cucm_tag(c->from_tag, sizeof c->from_tag);
		snprintf(c->to_tag, sizeof c->to_tag, "%u", (unsigned)rndr(1000000000, 2000000000));
	}
	make_hex(c->rej_tag, 16);
}

/* Returns nothing; picks addresses, ports and identifiers of a call. */
static void
call_ids(struct call *c)
{
	snprintf(c->webex_ip, sizeof c->webex_ip, "146.20.193.%u", (unsigned)rndr(40, 80));
	snprintf(c->webex_int, sizeof c->webex_int, "192.168.5.%u", (unsigned)rndr(10, 250));
	unsigned net = (unsigned)rndr(1, 40), host = (unsigned)rndr(2, 250);
	snprintf(c->phone_ip, sizeof c->phone_ip, "10.10.%u.%u", net, host);
	c->webex_port = (uint16_t)rndr(32768, 60999);
	c->e_out_port = (uint16_t)rndr(25000, 29999);
	c->c_out_port = (uint16_t)rndr(25000, 29999);
	c->cucm_port = (uint16_t)rndr(40000, 60000);
	for (int i = 0; i < 2; i++) {
		c->a_port[i] = (uint16_t)(rndr(8192, 32000) & ~1);
		c->v_port[i] = (uint16_t)(c->a_port[i] + 2);
		c->e_port[i] = (uint16_t)(rndr(36000, 59000) & ~1);
	}
	make_uuid(c->tag), make_uuid(c->serial_e), make_uuid(c->serial_c);
	make_uuid(c->pcid_e1), make_uuid(c->pcid_e2), make_uuid(c->pcid_c);
	make_uuid(c->locus);
	make_hex(c->sess_a, 32), make_hex(c->sess_b, 32);
	c->p1 = 0x556a00000000ULL | (rnd() & 0xfffffff0ULL);
	c->p2 = 0x556a00000000ULL | (rnd() & 0xfffffff0ULL);
	c->fsm = (uint32_t)rndr(1000, 60000);
	c->txn = (uint32_t)rndr(1000, 900000);
}

/* Returns a call kind drawn with the KINDS weights. */
static int
pick_kind(void)
{
	unsigned total = 0, r;
	for (int k = 0; k < K_NKINDS; k++)
		total += KINDS[k].weight;
	r = rndn(total);
	for (int k = 0; k < K_NKINDS; k++) {
		if (r < KINDS[k].weight)
			return k;
		r -= KINDS[k].weight;
	}
	return K_IN_OK;
}

/* ------------------------------------------------------------------ */
/* SIP messages                                                        */

enum { KF_REQ = 1, KF_SDP = 2, KF_TOTAG = 4, KF_HOP = 8, KF_RR = 16, KF_CONTACT = 32, KF_ROUTE = 64 };

static const struct mkind {
	const char *method, *cseq_method, *phrase;
	int code, txn, flags;
} MK[M_KINDS] = {
	[M_INVITE] = { "INVITE", "INVITE", NULL, 0, 1, KF_REQ | KF_SDP | KF_RR | KF_CONTACT },
	[M_100] = { NULL, "INVITE", "Trying", 100, 1, 0 },
	[M_180] = { NULL, "INVITE", "Ringing", 180, 1, KF_TOTAG | KF_RR | KF_CONTACT },
	[M_200INV] = { NULL, "INVITE", "OK", 200, 1, KF_TOTAG | KF_RR | KF_CONTACT | KF_SDP },
	[M_ACK] = { "ACK", "ACK", NULL, 0, 2, KF_REQ | KF_TOTAG | KF_ROUTE },
	[M_BYE] = { "BYE", "BYE", NULL, 0, 3, KF_REQ | KF_TOTAG | KF_ROUTE },
	[M_200BYE] = { NULL, "BYE", "OK", 200, 3, KF_TOTAG },
	[M_CANCEL] = { "CANCEL", "CANCEL", NULL, 0, 1, KF_REQ | KF_HOP },
	[M_200CAN] = { NULL, "CANCEL", "OK", 200, 1, KF_TOTAG | KF_HOP },
	[M_487] = { NULL, "INVITE", "Request Terminated", 487, 1, KF_TOTAG },
	[M_404] = { NULL, "INVITE", "Not Found", 404, 1, KF_TOTAG },
	[M_403] = { NULL, "INVITE", "Forbidden", 403, 1, KF_TOTAG },
	[M_408] = { NULL, "INVITE", "Request Timeout", 408, 1, KF_TOTAG },
	[M_ACKERR] = { "ACK", "ACK", NULL, 0, 1, KF_REQ | KF_TOTAG | KF_HOP },
	[M_REJ] = { NULL, "INVITE", "", 0, 1, 0 },
};

/* What one step's message is, seen from the wire. Logical nodes run 0..3
 * from the caller to the callee; physical nodes run Webex 0, E 1, C 2,
 * CUCM 3. */
struct msgctx {
	const struct call *c;
	const struct mkind *k;
	int mk, link, dir;
	int phys;          /* physical link: 0 Webex-E, 1 E-C, 2 C-CUCM */
	bool inward;       /* the message travels from Webex toward CUCM */
	int snode, rnode;  /* logical sender and receiver */
	bool caller_side;  /* the transaction was started by the caller */
	int origin;        /* logical node whose text this is (UA, Session-ID) */
};

struct end {
	const char *ip;
	unsigned port;
};

/* A wire hop: physical link, its two ends, who sends. */
struct hop {
	int phys, sphys;
	struct end lo, hi; /* ends at physical nodes phys and phys+1 */
	int lat;           /* ms the receiver logs after the sender */
};

/* Summary fields of the network.sip INFO line. */
struct info {
	bool req;
	int code;
	const char *method, *callid, *ftag, *ttag;
	uint32_t cseq;
	char uri[200];
	const char *sl, *sr;
	uint64_t hash;
};

/* Returns the physical node of logical node n. */
static inline int
pn(const struct call *c, int n)
{
	return c->inbound ? n : 3 - n;
}

/* Returns nothing; fills m for step st of call c. */
static void
ctx_make(const struct call *c, const struct cstep *st, struct msgctx *m)
{
	m->c = c;
	m->mk = st->msg;
	m->k = &MK[st->msg];
	m->link = st->link;
	m->dir = st->dir;
	m->phys = c->inbound ? st->link : 2 - st->link;
	m->snode = st->dir == F ? st->link : st->link + 1;
	m->rnode = st->dir == F ? st->link + 1 : st->link;
	m->inward = pn(c, m->rnode) > pn(c, m->snode);
	bool req = m->k->flags & KF_REQ;
	m->caller_side = req ? st->dir == F : st->dir == B;
	if (req)
		m->origin = (m->k->flags & KF_HOP) ? m->snode : (m->caller_side ? 0 : 3);
	else if (m->mk == M_100 || m->mk == M_200CAN)
		m->origin = m->snode;
	else if (m->mk == M_404 || m->mk == M_403 || m->mk == M_408)
		m->origin = 2;
	else
		m->origin = m->caller_side ? 3 : 0;
}

/* Returns nothing; appends n hex digits derived from the call, node and transaction
 * (branches must match between an INVITE and its CANCEL, so they are not random). */
static void
put_branch(struct sb *b, const struct call *c, int p, int txn, int sub, int n)
{
	uint64_t s = c->seed ^ ((uint64_t)p << 40) ^ ((uint64_t)txn << 48) ^ ((uint64_t)sub << 56);
	for (int i = 0; n > 0; i++) {
		int k = n > 16 ? 16 : n;
		sb_hex(b, mix64(s + (uint64_t)i), k);
		n -= k;
	}
}

/* Returns nothing; Webex's Via: its edge and its internal proxy. */
static void
via_webex(struct sb *b, const struct call *c, int txn, bool recv, bool single)
{
	SB_LIT(b, "Via: SIP/2.0/TLS ");
	sb_str(b, c->webex_int);
	SB_LIT(b, ":5062;branch=z9hG4bK");
	put_branch(b, c, 0, txn, 0, 32);
	if (recv) {
		SB_LIT(b, ";received=");
		sb_str(b, c->webex_ip);
		SB_LIT(b, ";rport=");
		sb_u(b, c->webex_port);
		SB_LIT(b, ";ingress-zone=HybridCallServicesDNS");
	}
	if (single) {
		sb_ch(b, '\n');
		return;
	}
	sb_str(b, recv ? "\nVia: SIP/2.0/TLS " : ",SIP/2.0/TLS ");
	SB_LIT(b, "127.0.0.1:5070;branch=z9hG4bK-");
	sb_u(b, c->seed % 900000 + 1000);
	sb_ch(b, '-');
	put_branch(b, c, 0, txn, 1, 32);
	SB_LIT(b, ";rport=");
	sb_u(b, 40000 + c->seed % 20000);
	sb_ch(b, '\n');
}

/* Returns nothing; the Expressway-E's three Vias (traversal or DNS zone,
 * its B2BUA, its other side), for a request going inward or outward. */
static void
via_e(struct sb *b, const struct call *c, bool inward, int txn, bool recv, bool single)
{
	if (inward) {
		SB_LIT(b, "Via: SIP/2.0/TLS " E_IN_IP ":7003;egress-zone=HybridCallServiceTraversal;branch=z9hG4bK");
		put_branch(b, c, 1, txn, 0, 35);
		SB_LIT(b, ";proxy-call-id=");
		sb_str(b, c->pcid_e1);
		if (recv)
			SB_LIT(b, ";received=" E_IN_IP ";rport=7003;ingress-zone=HybridCallServiceTraversal\n");
		else
			SB_LIT(b, ";rport\n");
		if (single)
			return;
		SB_LIT(b, "Via: SIP/2.0/TLS " E_IN_IP ":5073;branch=z9hG4bK");
		put_branch(b, c, 1, txn, 1, 33);
		SB_LIT(b, ";x-cisco-local-service=nettle;received=" E_IN_IP ";rport=43119;ingress-zone=DefaultZone\n"
			  "Via: SIP/2.0/TLS " E_NAT_IP ":5061;egress-zone=DefaultZone;branch=z9hG4bK");
	} else {
		SB_LIT(b, "Via: SIP/2.0/TLS " E_NAT_IP ":5062;egress-zone=HybridCallServicesDNS;branch=z9hG4bK");
		put_branch(b, c, 1, txn, 0, 35);
		SB_LIT(b, ";proxy-call-id=");
		sb_str(b, c->pcid_e1);
		if (recv) {
			SB_LIT(b, ";received=" E_NAT_IP ";rport=");
			sb_u(b, c->e_out_port);
			sb_ch(b, '\n');
		} else
			SB_LIT(b, ";rport\n");
		if (single)
			return;
		SB_LIT(b, "Via: SIP/2.0/TLS " E_OUT_IP ":5073;branch=z9hG4bK");
		put_branch(b, c, 1, txn, 1, 33);
		SB_LIT(b, ";x-cisco-local-service=nettle;received=" E_OUT_IP ";rport=41511;ingress-zone=DefaultZone\n"
			  "Via: SIP/2.0/TLS " E_IN_IP ":5061;egress-zone=DefaultZone;branch=z9hG4bK");
	}
	put_branch(b, c, 1, txn, 2, 35);
	sb_ch(b, '.');
	put_branch(b, c, 1, txn, 3, 32);
	SB_LIT(b, ";proxy-call-id=");
	sb_str(b, c->pcid_e2);
	sb_str(b, inward ? ";received=" E_OUT_IP ";rport=25016\n" : ";received=" E_IN_IP ";rport=25025\n");
}

/* Returns nothing; the Expressway-C's Via toward CUCM or toward the E. */
static void
via_c(struct sb *b, const struct call *c, bool inward, int txn, bool recv)
{
	if (inward)
		SB_LIT(b, "Via: SIP/2.0/TCP " C_IP ":5060;egress-zone=CUCM11;branch=z9hG4bK");
	else
		SB_LIT(b, "Via: SIP/2.0/TLS " C_IP ":5061;egress-zone=HybridCallServiceTraversal;branch=z9hG4bK");
	put_branch(b, c, 2, txn, 0, 38);
	sb_ch(b, '.');
	put_branch(b, c, 2, txn, 1, 32);
	SB_LIT(b, ";proxy-call-id=");
	sb_str(b, c->pcid_c);
	if (!recv)
		SB_LIT(b, ";rport\n");
	else if (inward) {
		SB_LIT(b, ";received=" C_IP ";rport=");
		sb_u(b, c->c_out_port);
		sb_ch(b, '\n');
	} else {
		SB_LIT(b, ";received=" C_IP ";rport=");
		sb_u(b, c->trav_port);
		SB_LIT(b, ";ingress-zone=HybridCallServiceTraversal\n");
	}
}

/* Returns nothing; CUCM's Via. */
static void
via_cucm(struct sb *b, const struct call *c, int txn, bool recv)
{
	SB_LIT(b, "Via: SIP/2.0/TCP " CUCM_IP ":5065;branch=z9hG4bK");
	put_branch(b, c, 3, txn, 0, 13);
	if (recv)
		SB_LIT(b, ";received=" CUCM_IP ";ingress-zone=CUCM11");
	sb_ch(b, '\n');
}

/* Returns nothing; the Via(s) physical node p added to a request. */
static void
put_via(struct sb *b, const struct call *c, int p, bool inward, int txn, bool recv, bool single)
{
	switch (p) {
	case 0: via_webex(b, c, txn, recv, single); break;
	case 1: via_e(b, c, inward, txn, recv, single); break;
	case 2: via_c(b, c, inward, txn, recv); break;
	default: via_cucm(b, c, txn, recv); break;
	}
}

/* Returns nothing; the Via stack of the message: the request's senders from
 * the top down to the transaction's origin (hop-by-hop kinds: one Via). */
static void
put_vias(struct sb *b, const struct msgctx *m)
{
	const struct call *c = m->c;
	bool req = m->k->flags & KF_REQ;
	int top = req ? m->snode : m->rnode;
	bool rinward = req ? m->inward : !m->inward;
	int txn = m->k->txn, step = m->caller_side ? -1 : 1, end = m->caller_side ? 0 : 3;
	if (m->k->flags & KF_HOP) {
		put_via(b, c, pn(c, top), rinward, txn, !req, true);
		return;
	}
	for (int n = top;; n += step) {
		put_via(b, c, pn(c, n), rinward, txn, !req || n != top, false);
		if (n == end)
			break;
	}
}

/* Returns nothing; one Record-Route URI of proxy p (which: 0 or 1). */
static void
rr_uri(struct sb *b, const struct call *c, int p, bool inward, int which)
{
	static const char *addr[2][2][2] = {
		{ { E_NAT_IP ":5062;transport=tls", E_OUT_IP ":5061;transport=tls" },
		  { E_IN_IP ":7003;transport=tls", E_IN_IP ":5061;transport=tls" } },
		{ { C_IP ":5061;transport=tls", C_IP ":5060;transport=tcp" },
		  { C_IP ":5060;transport=tcp", C_IP ":5061;transport=tls" } },
	};
	SB_LIT(b, "<sip:proxy-call-id=");
	sb_str(b, p == 1 ? c->pcid_e1 : c->pcid_c);
	sb_ch(b, '@');
	sb_str(b, addr[p - 1][inward][which]);
	SB_LIT(b, ";lr>");
}

/* Returns nothing; Record-Route headers of the proxies an INVITE passed
 * (responses carry all of them), newest first. */
static void
put_rr(struct sb *b, const struct msgctx *m)
{
	const struct call *c = m->c;
	int upto = (m->k->flags & KF_REQ) ? m->link : 2;
	for (int n = upto; n >= 1; n--) {
		for (int w = 0; w < 2; w++) {
			SB_LIT(b, "Record-Route: ");
			rr_uri(b, c, pn(c, n), c->inbound, w);
			sb_ch(b, '\n');
		}
	}
}

/* Returns nothing; the Route header of an in-dialog request: the proxies
 * still ahead of it. */
static void
put_route(struct sb *b, const struct msgctx *m)
{
	const struct call *c = m->c;
	int first = m->dir == F ? m->link + 1 : m->link;
	int last = m->dir == F ? 2 : 1, step = m->dir == F ? 1 : -1;
	if ((step > 0 && first > last) || (step < 0 && first < last))
		return;
	SB_LIT(b, "Route: ");
	for (int n = first;; n += step) {
		if (n != first)
			sb_ch(b, ',');
		rr_uri(b, c, pn(c, n), c->inbound, 0);
		sb_ch(b, ',');
		rr_uri(b, c, pn(c, n), c->inbound, 1);
		if (n == last)
			break;
	}
	sb_ch(b, '\n');
}

/* Returns nothing; the contact URI of party node (0 or 3) as seen on a
 * physical link: the E's B2BUA stands in for the far side. */
static void
contact_uri(struct sb *b, const struct call *c, int party, int phys)
{
	int pp = pn(c, party);
	if (pp == 0 && phys == 0)
		SB_LIT(b, "sip:l2sip-UA@l2sip-cfa-01.wbx2.com:5062;transport=tls");
	else if (pp == 0)
		SB_LIT(b, "sip:" E_IN_IP ":5073;transport=tls");
	else if (phys == 0)
		SB_LIT(b, "sip:" E_OUT_IP ":5073;transport=tls");
	else {
		SB_LIT(b, "sip:");
		sb_str(b, c->ext);
		SB_LIT(b, "@" CUCM_IP ":5065;transport=tcp");
	}
}

/* Returns nothing; the Contact header of an INVITE, 180 or 200. */
static void
put_contact(struct sb *b, const struct msgctx *m)
{
	const struct call *c = m->c;
	int party = m->origin, pp = pn(c, party);
	SB_LIT(b, "Contact: ");
	if (pp == 0 && m->phys == 0)
		SB_LIT(b, "\"l2sip-UA\" ");
	sb_ch(b, '<');
	contact_uri(b, c, party, m->phys);
	sb_ch(b, '>');
	if (pp == 0 && m->mk == M_INVITE && !(c->strip && m->phys != 0))
		SB_LIT(b, ";call-type=squared");
	if (pp == 3)
		SB_LIT(b, ";video;audio");
	sb_ch(b, '\n');
}

/* Returns the User-Agent/Server text of logical node n seen on a physical link. */
static const char *
agent(const struct call *c, int n, int phys)
{
	int p = pn(c, n);
	if (p == 1 || p == 2)
		return XW_UA;
	if (p == 0)
		return phys == 0 ? "Cisco-L2SIP" : B2BUA_UA;
	return phys == 0 ? B2BUA_UA : "Cisco-CUCM11.5";
}

/* Returns nothing; From and To, swapped when the callee started the transaction. */
static void
put_from_to(struct sb *b, const struct msgctx *m, struct info *in)
{
	const struct call *c = m->c;
	bool tt = (m->k->flags & KF_TOTAG) != 0;
	const char *ttag = m->mk == M_404 || m->mk == M_403 || m->mk == M_408 ? c->rej_tag : c->to_tag;
	if ((m->mk == M_ACKERR || m->mk == M_200CAN) && c->rej)
		ttag = c->rej_tag;
	if (m->caller_side) {
		SB_LIT(b, "From: \"");
		sb_str(b, c->caller_name);
		SB_LIT(b, "\" <sip:");
		sb_str(b, c->caller_uri);
		SB_LIT(b, ">;tag=");
		sb_str(b, c->from_tag);
		SB_LIT(b, "\nTo: <sip:");
		sb_str(b, c->callee_uri);
		sb_ch(b, '>');
		in->ftag = c->from_tag, in->ttag = tt ? ttag : "";
	} else {
		SB_LIT(b, "From: <sip:");
		sb_str(b, c->callee_uri);
		SB_LIT(b, ">;tag=");
		sb_str(b, ttag);
		SB_LIT(b, "\nTo: \"");
		sb_str(b, c->caller_name);
		SB_LIT(b, "\" <sip:");
		sb_str(b, c->caller_uri);
		SB_LIT(b, ">");
		in->ftag = ttag, in->ttag = c->from_tag;
		tt = true, ttag = c->from_tag;
	}
	if (tt) {
		SB_LIT(b, ";tag=");
		sb_str(b, ttag);
	}
	sb_ch(b, '\n');
}

/* Returns nothing; the Session-ID header (and the INFO line's IDs). */
static void
put_session(struct sb *b, const struct msgctx *m, struct info *in)
{
	const struct call *c = m->c;
	const char *a = c->sess_a, *z = c->sess_b;
	int o = pn(c, m->origin);
	if (o == 1 || o == 2) {
		in->sl = ZEROS32, in->sr = m->caller_side ? a : z;
	} else if (m->origin == 0) {
		in->sl = a, in->sr = m->mk == M_INVITE || m->mk == M_CANCEL ? ZEROS32 : z;
	} else {
		in->sl = z, in->sr = a;
	}
	SB_LIT(b, "Session-ID: ");
	sb_str(b, in->sl);
	SB_LIT(b, ";remote=");
	sb_str(b, in->sr);
	sb_ch(b, '\n');
}

/* ------------------------------------------------------------------ */
/* SDP                                                                 */

/* Returns nothing; appends "c=IN IP4 <ip>\n". */
static void
sdp_c(struct sb *b, const char *ip)
{
	SB_LIT(b, "c=IN IP4 ");
	sb_str(b, ip);
	sb_ch(b, '\n');
}

#define CRYPTO "inline:............................................."

/* Returns nothing; an SDP as Webex (L2SIP, "linus") writes it. */
static void
sdp_webex(struct sb *b, const struct call *c, int side, bool zero_audio)
{
	const char *ip = "146.20.193.109";
	SB_LIT(b, "v=0\no=linus 0 1 IN IP4 ");
	sb_str(b, ip);
	SB_LIT(b, "\ns=-\n");
	sdp_c(b, ip);
	SB_LIT(b, "b=TIAS:384000\nt=0 0\n");
	if (zero_audio)
		SB_LIT(b, "m=audio 0 RTP/SAVP *\n");
	else {
		SB_LIT(b, "m=audio ");
		sb_u(b, c->a_port[side]);
		SB_LIT(b, " RTP/SAVP 101 9 0 8\na=rtpmap:101 opus/48000/2\na=fmtp:101 maxplaybackrate=48000;"
			  "maxaveragebitrate=64000;stereo=0\na=rtpmap:9 G722/8000\na=rtpmap:0 PCMU/8000\n"
			  "a=rtpmap:8 PCMA/8000\na=crypto:1 AES_CM_128_HMAC_SHA1_80 " CRYPTO "\na=sendrecv\n");
	}
	SB_LIT(b, "m=video ");
	sb_u(b, c->v_port[side]);
	SB_LIT(b, " RTP/SAVP 108\n");
	sdp_c(b, ip);
	SB_LIT(b, "b=TIAS:384000\na=content:main\na=sendrecv\na=rtpmap:108 H264/90000\n"
		  "a=fmtp:108 profile-level-id=42001E;packetization-mode=1;max-mbps=40500;max-fs=1620;"
		  "max-fps=3000;max-br=10000;max-dpb=3037;level-asymmetry-allowed=1\n"
		  "a=rtcp-fb:* nack pli\na=crypto:1 AES_CM_128_HMAC_SHA1_80 " CRYPTO "\na=label:200\n");
}

/* Returns nothing; the audio part of a CUCM SDP. */
static void
sdp_cucm_audio(struct sb *b, const struct call *c, int side)
{
	SB_LIT(b, "m=audio ");
	sb_u(b, c->a_port[side]);
	if (c->g729) {
		SB_LIT(b, " RTP/SAVP 18 101\n");
		sdp_c(b, c->phone_ip);
		SB_LIT(b, "b=TIAS:8000\na=rtpmap:18 G729/8000\na=fmtp:18 annexb=no\n");
	} else {
		SB_LIT(b, " RTP/SAVP 114 9 104 105 0 8 18 101\n");
		sdp_c(b, c->phone_ip);
		SB_LIT(b, "b=TIAS:64000\na=rtpmap:114 opus/48000/2\na=fmtp:114 maxplaybackrate=16000;"
			  "sprop-maxcapturerate=16000;maxaveragebitrate=64000;stereo=0;sprop-stereo=0;usedtx=0\n"
			  "a=rtpmap:9 G722/8000\na=rtpmap:104 G7221/16000\na=fmtp:104 bitrate=32000\n"
			  "a=rtpmap:105 G7221/16000\na=fmtp:105 bitrate=24000\na=rtpmap:0 PCMU/8000\n"
			  "a=rtpmap:8 PCMA/8000\na=rtpmap:18 G729/8000\na=fmtp:18 annexb=no\n");
	}
	SB_LIT(b, "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n"
		  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " CRYPTO "\na=sendrecv\n");
}

/* Returns nothing; an SDP as CUCM writes it for a phone. */
static void
sdp_cucm(struct sb *b, const struct call *c, int side)
{
	SB_LIT(b, "v=0\no=CiscoSystemsCCM-SIP 2000 1 IN IP4 " CUCM_IP "\ns=SIP Call\n");
	sdp_c(b, c->phone_ip);
	SB_LIT(b, "b=AS:4064\nt=0 0\n");
	sdp_cucm_audio(b, c, side);
	SB_LIT(b, "m=video ");
	sb_u(b, c->v_port[side]);
	SB_LIT(b, " RTP/SAVP 126 97\n");
	sdp_c(b, c->phone_ip);
	SB_LIT(b, "b=TIAS:4000000\na=rtpmap:126 H264/90000\na=fmtp:126 profile-level-id=42801E;"
		  "packetization-mode=1;level-asymmetry-allowed=1;max-mbps=245000;max-fs=8160;"
		  "max-rcmd-nalu-size=32000\na=rtpmap:97 H264/90000\na=fmtp:97 profile-level-id=42801E;"
		  "packetization-mode=0;level-asymmetry-allowed=1;max-mbps=245000;max-fs=8160\n"
		  "a=rtcp-fb:* nack pli\na=rtcp-fb:* ccm fir\n"
		  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " CRYPTO "\na=content:main\na=label:11\na=sendrecv\n");
}

/* Returns nothing; the SDP the Expressway-E's B2BUA writes when it anchors
 * media, on its outside (NAT address) or inside. */
static void
sdp_e(struct sb *b, const struct call *c, int side, bool outside, bool zero_audio)
{
	const char *ip = outside ? E_NAT_IP : E_IN_IP;
	unsigned ap = c->e_port[side] + (outside ? 0 : 8);
	SB_LIT(b, "v=0\no=tandberg 0 1 IN IP4 ");
	sb_str(b, ip);
	SB_LIT(b, "\ns=-\n");
	sdp_c(b, ip);
	SB_LIT(b, "b=AS:384\nt=0 0\nm=audio ");
	sb_u(b, zero_audio ? 0 : ap);
	if (c->g729)
		SB_LIT(b, " RTP/SAVP 18 101\na=rtpmap:18 G729/8000\na=fmtp:18 annexb=no\n");
	else
		SB_LIT(b, " RTP/SAVP 114 9 0 8 101\na=rtpmap:114 opus/48000/2\na=rtpmap:9 G722/8000\n"
			  "a=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\n");
	SB_LIT(b, "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n"
		  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " CRYPTO "\n"
		  "a=crypto:2 AES_CM_128_HMAC_SHA1_80 " CRYPTO " UNENCRYPTED_SRTCP\n"
		  "a=crypto:3 AES_CM_128_HMAC_SHA1_32 " CRYPTO "\n"
		  "a=crypto:4 AES_CM_128_HMAC_SHA1_32 " CRYPTO " UNENCRYPTED_SRTCP\na=sendrecv\na=rtcp:");
	sb_u(b, ap + 1);
	SB_LIT(b, " IN IP4 ");
	sb_str(b, ip);
	SB_LIT(b, "\nm=video ");
	sb_u(b, ap + 2);
	SB_LIT(b, " RTP/SAVP 126 97\nb=TIAS:384000\na=rtpmap:126 H264/90000\n"
		  "a=fmtp:126 profile-level-id=42801e;packetization-mode=1;level-asymmetry-allowed=1\n"
		  "a=rtpmap:97 H264/90000\n"
		  "a=fmtp:97 profile-level-id=42801e;packetization-mode=0;level-asymmetry-allowed=1\n"
		  "a=rtcp-fb:* nack pli\na=crypto:1 AES_CM_128_HMAC_SHA1_80 " CRYPTO "\n"
		  "a=crypto:2 AES_CM_128_HMAC_SHA1_80 " CRYPTO " UNENCRYPTED_SRTCP\n"
		  "a=sendrecv\na=content:main\na=label:11\na=rtcp:");
	sb_u(b, ap + 3);
	SB_LIT(b, " IN IP4 ");
	sb_str(b, ip);
	sb_ch(b, '\n');
}

/* Returns nothing; ICE candidates that make an oversized SDP. */
static void
sdp_big(struct sb *b, const struct call *c)
{
	for (unsigned i = 0; i < c->big; i++) {
		SB_LIT(b, "a=candidate:");
		sb_u(b, i / 2 + 1);
		sb_ch(b, ' ');
		sb_u(b, i % 2 + 1);
		SB_LIT(b, " UDP ");
		sb_u(b, 2130706431u - i * 256);
		SB_LIT(b, " 10.");
		sb_u(b, (c->seed >> (i % 32)) % 250);
		sb_ch(b, '.');
		sb_u(b, i % 250);
		SB_LIT(b, ".17 ");
		sb_u(b, c->a_port[0] + i % 2);
		SB_LIT(b, " typ host generation 0 network-id 1 network-cost 10\n");
	}
}

/* Returns nothing; writes the SDP of the message into b. */
static void
build_sdp(struct sb *b, const struct msgctx *m)
{
	const struct call *c = m->c;
	int party = m->origin, pp = pn(c, party), side = party == 0 ? 0 : 1;
	bool zero = c->g729 && pp == 0;
	bool far = (pp == 0) != (m->phys == 0); /* on the other side of the E */
	b->len = 0;
	if (far)
		sdp_e(b, c, side, m->phys == 0, zero);
	else if (pp == 0)
		sdp_webex(b, c, side, zero);
	else
		sdp_cucm(b, c, side);
	if (c->big && party == 0)
		sdp_big(b, c);
}

/* Returns the number of lines of a body whose lines all end in '\n'. */
static size_t
count_lines(const char *p, size_t n)
{
	size_t k = 0;
	const char *e = p + n;
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Returns nothing; Content-Type/Content-Length and the body (Content-Length
 * counts CRLF line ends, as on the wire). */
static void
put_body(struct sb *b, const struct sb *body)
{
	if (!body || !body->len) {
		SB_LIT(b, "Content-Length: 0\n\n");
		return;
	}
	SB_LIT(b, "Content-Type: application/sdp\nContent-Length: ");
	sb_u(b, body->len + count_lines(body->p, body->len));
	SB_LIT(b, "\n\n");
	sb_put(b, body->p, body->len);
}

/* ------------------------------------------------------------------ */
/* building a call's message                                           */

/* Returns nothing; writes the Request-URI of a request into in->uri. */
static void
make_ruri(const struct msgctx *m, struct info *in)
{
	struct sb r = { in->uri, 0, sizeof in->uri };
	const struct call *c = m->c;
	if (m->mk == M_ACK || m->mk == M_BYE)
		contact_uri(&r, c, m->dir == F ? 3 : 0, m->phys);
	else {
		SB_LIT(&r, "sip:");
		sb_str(&r, c->callee_uri);
	}
	in->uri[r.len] = 0;
}

/* Returns nothing; headers only an INVITE or a request from a party carry. */
static void
put_req_extras(struct sb *b, const struct msgctx *m)
{
	const struct call *c = m->c;
	int o = pn(c, m->origin);
	if (m->mk == M_INVITE) {
		if (o == 3 && m->phys != 0)
			SB_LIT(b, "Allow: INVITE,OPTIONS,INFO,BYE,CANCEL,ACK,PRACK,UPDATE,REFER,SUBSCRIBE,NOTIFY\n");
		else
			SB_LIT(b, "Allow: INVITE,ACK,BYE,CANCEL,INFO,OPTIONS,REFER,SUBSCRIBE,NOTIFY\n");
	}
	SB_LIT(b, "User-Agent: ");
	sb_str(b, agent(c, m->origin, m->phys));
	sb_ch(b, '\n');
	if (m->mk == M_BYE && c->g729 && m->caller_side)
		SB_LIT(b, "Reason: Q.850 ;cause=47\n");
	if (m->mk == M_CANCEL && c->inbound)
		SB_LIT(b, "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\n");
	if (m->mk == M_INVITE) {
		SB_LIT(b, "Supported: replaces,timer\nSession-Expires: 1800;refresher=uac\nMin-SE: 500\n");
		if (o == 0 && m->phys == 0) {
			SB_LIT(b, "Locus: ");
			sb_str(b, c->locus);
			SB_LIT(b, "\nLocus-Type: CALL\n");
		}
	}
	if (o == 3 || (m->mk == M_INVITE && m->phys != 0)) {
		SB_LIT(b, "X-TAATag: ");
		sb_str(b, c->tag);
		sb_ch(b, '\n');
	}
}

/* Returns nothing; writes a request into b. */
static void
build_request(struct sb *b, struct sb *body, const struct msgctx *m, struct info *in)
{
	const struct call *c = m->c;
	make_ruri(m, in);
	sb_str(b, m->k->method);
	sb_ch(b, ' ');
	sb_str(b, in->uri);
	SB_LIT(b, " SIP/2.0\n");
	put_vias(b, m);
	SB_LIT(b, "Call-ID: ");
	sb_str(b, c->callid);
	SB_LIT(b, "\nCSeq: ");
	in->cseq = m->mk == M_BYE ? (m->caller_side ? c->cseq + 1 : c->callee_cseq) : c->cseq;
	sb_u(b, in->cseq);
	sb_ch(b, ' ');
	sb_str(b, m->k->cseq_method);
	sb_ch(b, '\n');
	if (m->mk == M_INVITE && pn(c, 0) == 3 && m->phys != 0) {
		SB_LIT(b, "Call-Info: <urn:x-cisco-remotecc:callinfo>;x-cisco-video-traffic-class=DESKTOP\n"
			  "Remote-Party-ID: \"");
		sb_str(b, c->caller_name);
		SB_LIT(b, "\" <sip:");
		sb_str(b, c->caller_uri);
		SB_LIT(b, ">;party=calling;screen=yes;privacy=off\n");
	}
	if (m->k->flags & KF_CONTACT)
		put_contact(b, m);
	put_from_to(b, m, in);
	SB_LIT(b, "Max-Forwards: ");
	sb_u(b, (uint64_t)(70 - (m->dir == F ? m->link : 2 - m->link)));
	sb_ch(b, '\n');
	if (m->k->flags & KF_ROUTE)
		put_route(b, m);
	if (m->k->flags & KF_RR)
		put_rr(b, m);
	put_req_extras(b, m);
	put_session(b, m, in);
	if (m->k->flags & KF_SDP)
		build_sdp(body, m);
	put_body(b, (m->k->flags & KF_SDP) ? body : NULL);
}

/* Returns nothing; writes a response into b. */
static void
build_response(struct sb *b, struct sb *body, const struct msgctx *m, struct info *in)
{
	const struct call *c = m->c;
	SB_LIT(b, "SIP/2.0 ");
	sb_u(b, (uint64_t)m->k->code);
	sb_ch(b, ' ');
	sb_str(b, m->k->phrase);
	sb_ch(b, '\n');
	put_vias(b, m);
	SB_LIT(b, "Call-ID: ");
	sb_str(b, c->callid);
	SB_LIT(b, "\nCSeq: ");
	in->cseq = m->mk == M_200BYE ? (m->caller_side ? c->cseq + 1 : c->callee_cseq) : c->cseq;
	sb_u(b, in->cseq);
	sb_ch(b, ' ');
	sb_str(b, m->k->cseq_method);
	sb_ch(b, '\n');
	if (m->k->flags & KF_CONTACT)
		put_contact(b, m);
	put_from_to(b, m, in);
	if (m->k->flags & KF_RR)
		put_rr(b, m);
	SB_LIT(b, "Server: ");
	sb_str(b, agent(c, m->origin, m->phys));
	sb_ch(b, '\n');
	if (m->mk == M_404)
		SB_LIT(b, "Warning: 399 " C_IP ":5061 \"Policy Response\"\n");
	if (m->mk == M_403)
		SB_LIT(b, "Warning: 399 " E_IN_IP ":7003 \"Policy Response\"\n");
	if (m->mk == M_200INV)
		SB_LIT(b, "Allow: INVITE,ACK,CANCEL,BYE,REFER,INFO,OPTIONS,NOTIFY,SUBSCRIBE\nSupported: replaces\n");
	put_session(b, m, in);
	if (m->k->flags & KF_SDP)
		build_sdp(body, m);
	put_body(b, (m->k->flags & KF_SDP) ? body : NULL);
}

/* Returns the 64-bit FNV-1a hash of n bytes (the Msg-Hash of a message). */
static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

/* Returns nothing; builds the message of a call step into b and fills in. */
static void
build_msg(struct sb *b, struct sb *body, const struct msgctx *m, struct info *in)
{
	b->len = 0;
	in->req = (m->k->flags & KF_REQ) != 0;
	in->code = m->k->code;
	in->method = m->k->cseq_method;
	in->callid = m->c->callid;
	if (in->req)
		build_request(b, body, m, in);
	else {
		build_response(b, body, m, in);
		struct sb r = { in->uri, 0, sizeof in->uri };
		SB_LIT(&r, "sip:");
		sb_str(&r, m->c->callee_uri);
		in->uri[r.len] = 0;
	}
	in->hash = fnv1a(b->p, b->len);
}

/* ------------------------------------------------------------------ */
/* the generator                                                       */

struct hent {
	int64_t t;
	uint32_t seq;
	int id;
};

/* An OPTIONS keepalive stream on one physical link. */
struct ka {
	int phys;
	bool from_lo;      /* the sender is the lower physical node */
	int period;
	uint32_t cseq;
	struct end lo, hi;
	const char *ruri, *ua, *server;
};

struct gen {
	struct out e, c;
	struct sb msg, body, tmp;
	int64_t now;
	uint64_t target;
	unsigned noise_pct, corrupt_ppm;
	int arrival_ms;
	struct call *calls;
	int *freelist, nfree, active;
	struct hent *heap;
	int nheap;
	uint32_t hseq;
	uint64_t calls_started, options, kinds[K_NKINDS], corrupt[5];
	bool draining;
	uint16_t trav_port;
	struct ka ka[NKA];
};

/* Returns true when heap entry a comes before b. */
static inline bool
hless(const struct hent *a, const struct hent *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Returns nothing; schedules entity id at time t. */
static void
heap_push(struct gen *g, int64_t t, int id)
{
	int i = g->nheap++;
	struct hent e = { t, g->hseq++, id };
	while (i > 0) {
		int p = (i - 1) / 2;
		if (!hless(&e, &g->heap[p]))
			break;
		g->heap[i] = g->heap[p];
		i = p;
	}
	g->heap[i] = e;
}

/* Returns the earliest scheduled entry, removing it. */
static struct hent
heap_pop(struct gen *g)
{
	struct hent top = g->heap[0], last = g->heap[--g->nheap];
	int i = 0, n = g->nheap;
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		const struct hent *cur = m == i ? &last : &g->heap[m];
		if (l < n && hless(&g->heap[l], cur))
			m = l, cur = &g->heap[l];
		if (r < n && hless(&g->heap[r], cur))
			m = r;
		if (m == i)
			break;
		g->heap[i] = g->heap[m];
		i = m;
	}
	if (n)
		g->heap[i] = last;
	return top;
}

/* Returns the output file of physical node p (1: E, 2: C). */
static struct out *
host_out(struct gen *g, int p)
{
	return p == 1 ? &g->e : &g->c;
}

/* Returns the total bytes of both files. */
static uint64_t
gen_total(const struct gen *g)
{
	return out_total(&g->e) + out_total(&g->c);
}

/* Returns nothing; the ends of physical link phys for a call. */
static void
call_hop(const struct call *c, const struct msgctx *m, struct hop *h)
{
	h->phys = m->phys;
	h->sphys = pn(c, m->snode);
	h->lat = 1 + (int)(c->seed >> 60) % 2;
	switch (m->phys) {
	case 0:
		h->lo = (struct end){ c->webex_ip, c->inbound ? c->webex_port : 5062u };
		h->hi = (struct end){ E_OUT_IP, c->inbound ? 5062u : c->e_out_port };
		break;
	case 1:
		h->lo = (struct end){ E_IN_IP, 7003 };
		h->hi = (struct end){ C_IP, c->trav_port };
		break;
	default:
		h->lo = (struct end){ C_IP, c->inbound ? c->c_out_port : 5060u };
		h->hi = (struct end){ CUCM_IP, c->inbound ? 5065u : c->cucm_port };
	}
}

/* Returns the time host node p logs something at, ms after the step began. */
static int64_t
host_time(struct gen *g, int p, int64_t after)
{
	return g->now + host_out(g, p)->skew + after;
}

/* Returns a corruption to apply to one block: 0 none, 1 missing closing
 * '|', 2 wrong Content-Length, 3 truncated headers, 4 binary garbage. */
static int
pick_corruption(struct gen *g)
{
	if (rndn(1000000) >= g->corrupt_ppm)
		return 0;
	int k = 1 + (int)rndn(4);
	g->corrupt[k]++;
	return k;
}

/* Returns nothing; appends "ip" and "port" attributes of one end. */
static void
put_end(struct sb *b, const char *ipkey, const char *portkey, const struct end *e)
{
	sb_str(b, ipkey);
	SB_LIT(b, "=\"");
	sb_str(b, e->ip);
	SB_LIT(b, "\" ");
	sb_str(b, portkey);
	SB_LIT(b, "=\"");
	sb_u(b, e->port);
	sb_ch(b, '"');
}

/* Returns nothing; the Action/Local/Src|Dst attributes of network.sip lines. */
static void
put_action(struct sb *b, bool sent, const struct end *me, const struct end *peer)
{
	if (sent)
		SB_LIT(b, "Action=\"Sent\" ");
	else
		SB_LIT(b, "Action=\"Received\" ");
	put_end(b, "Local-ip", "Local-port", me);
	sb_ch(b, ' ');
	if (sent)
		put_end(b, "Dst-ip", "Dst-port", peer);
	else
		put_end(b, "Src-ip", "Src-port", peer);
}

/* Returns nothing; the network.sip INFO summary line. */
static void
put_info(struct out *o, int64_t t, bool sent, const struct end *me, const struct end *peer,
    const struct info *in)
{
	struct sb *b = &o->b;
	mod_begin(o, t, "network.sip", "INFO");
	put_action(b, sent, me, peer);
	SB_LIT(b, " Detail=\"");
	sb_str(b, sent ? "Sending " : "Receive ");
	if (in->req) {
		SB_LIT(b, "Request Method=");
		sb_str(b, in->method);
		SB_LIT(b, ", CSeq=");
		sb_u(b, in->cseq);
		SB_LIT(b, ", Request-URI=");
	} else {
		SB_LIT(b, "Response Code=");
		sb_u(b, (uint64_t)in->code);
		SB_LIT(b, ", Method=");
		sb_str(b, in->method);
		SB_LIT(b, ", CSeq=");
		sb_u(b, in->cseq);
		SB_LIT(b, ", To=");
	}
	sb_str(b, in->uri);
	SB_LIT(b, ", Call-ID=");
	sb_str(b, in->callid);
	SB_LIT(b, ", From-Tag=");
	sb_str(b, in->ftag);
	SB_LIT(b, ", To-Tag=");
	sb_str(b, in->ttag);
	SB_LIT(b, ", Msg-Hash=");
	sb_u(b, in->hash);
	SB_LIT(b, ", Local-SessionID=");
	sb_str(b, in->sl);
	SB_LIT(b, ", Remote-SessionID=");
	sb_str(b, in->sr);
	SB_LIT(b, "\"\n");
}

/* Returns nothing; copies message text into the log, one leading space per
 * line, so "|" lands right after the message's last byte. */
static void
frame_text(struct sb *b, const char *p, size_t n)
{
	const char *e = p + n;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
		sb_put(b, p, k);
		if (nl)
			sb_ch(b, ' ');
		p += k;
	}
}

/* Returns the offset just past the message's header section (its blank line). */
static size_t
header_end(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '\n' && p[i + 1] == '\n')
			return i + 1;
	return n;
}

/* Returns nothing; tmp gets the message with its Content-Length off by a
 * few bytes (or a lot), the way a broken logger writes it. */
static void
corrupt_cl(struct sb *tmp, const char *p, size_t n)
{
	const char *k = NULL;
	tmp->len = 0;
	for (const char *s = p; (s = memchr(s, 'C', n - (size_t)(s - p))) != NULL; s++)
		if ((size_t)(p + n - s) > 16 && memcmp(s, "Content-Length: ", 16) == 0) {
			k = s + 16;
			break;
		}
	if (!k) {
		sb_put(tmp, p, n);
		return;
	}
	unsigned long v = strtoul(k, NULL, 10);
	const char *d = k;
	while (*d >= '0' && *d <= '9')
		d++;
	sb_put(tmp, p, (size_t)(k - p));
	unsigned long bad = v + 1 + rndn(40); /* usually a little too long */
	if (!rndn(4))
		bad = v > 20 ? v - 1 - rndn(20) : v + 300;
	sb_u(tmp, bad);
	sb_put(tmp, d, (size_t)(p + n - d));
}

/* Returns nothing; tmp gets the message with a run of random binary bytes
 * (never a newline) written over part of its headers. */
static void
corrupt_garbage(struct sb *tmp, const char *p, size_t n)
{
	tmp->len = 0;
	sb_put(tmp, p, n);
	size_t first = (size_t)((const char *)memchr(p, '\n', n) - p) + 1;
	size_t he = header_end(p, n), run = 8 + rndn(40);
	if (he <= first + run)
		return;
	size_t at = first + rndn((uint32_t)(he - first - run));
	for (size_t i = 0; i < run; i++) {
		char ch = (char)rndn(256);
		tmp->p[at + i] = ch == '\n' ? '\0' : ch;
	}
}

/* Returns nothing; the network.sip DEBUG line and the SIPMSG: block, possibly
 * corrupted (kind from pick_corruption). */
static void
put_block(struct gen *g, struct out *o, int64_t t, bool sent, const struct end *me,
    const struct end *peer, const struct info *in, int corrupt)
{
	struct sb *b = &o->b;
	const char *p = g->msg.p;
	size_t n = g->msg.len;
	mod_begin(o, t, "network.sip", "DEBUG");
	put_action(b, sent, me, peer);
	SB_LIT(b, " Msg-Hash=\"");
	sb_u(b, in->hash);
	SB_LIT(b, "\"\n SIPMSG:\n |");
	o->blocks++;
	if (corrupt == 2 || corrupt == 4) {
		if (corrupt == 2)
			corrupt_cl(&g->tmp, p, n);
		else
			corrupt_garbage(&g->tmp, p, n);
		p = g->tmp.p, n = g->tmp.len;
	}
	if (corrupt == 3) {
		size_t first = (size_t)((const char *)memchr(p, '\n', n) - p) + 1;
		size_t he = header_end(p, n);
		n = he > first + 2 ? first + 1 + rndn((uint32_t)(he - first - 2)) : first;
		frame_text(b, p, n);
		if (b->p[b->len - 1] == ' ')
			b->len--;
		SB_LIT(b, "\n\n");
		return;
	}
	frame_text(b, p, n);
	if (corrupt == 1)
		SB_LIT(b, "\n\n"); /* the ' ' of an empty last line, and no '|' */
	else
		SB_LIT(b, "|\n\n");
}

/* Returns nothing; logs the built message (g->msg) on each Expressway at an
 * end of the hop: Sent on the sender, Received on the receiver. */
static void
emit_sip(struct gen *g, const struct hop *h, const struct info *in)
{
	for (int side = 0; side < 2; side++) {
		int p = h->phys + side;
		if (p != 1 && p != 2)
			continue;
		struct out *o = host_out(g, p);
		bool sent = p == h->sphys;
		int64_t t = host_time(g, p, sent ? 0 : h->lat);
		const struct end *me = side ? &h->hi : &h->lo, *peer = side ? &h->lo : &h->hi;
		put_info(o, t, sent, me, peer, in);
		put_block(g, o, t, sent, me, peer, in, pick_corruption(g));
	}
}

/* ------------------------------------------------------------------ */
/* Event= lines and network.* lines                                    */

/* Returns nothing; starts an Event= entry. */
static void
ev_begin(struct out *o, int64_t t, const char *name)
{
	put_prefix(o, t);
	SB_LIT(&o->b, "Event=\"");
	sb_str(&o->b, name);
	SB_LIT(&o->b, "\" ");
}

/* Returns nothing; ends an Event= entry. */
static void
ev_end(struct out *o)
{
	SB_LIT(&o->b, " Level=\"1\" ");
	put_utc(o);
	sb_ch(&o->b, '\n');
}

/* Returns nothing; Src-ip/Src-port of the call's arrival at node p. */
static void
ev_src(struct sb *b, const struct call *c, int p)
{
	struct end e;
	if (p == 1)
		e = c->inbound ? (struct end){ c->webex_ip, c->webex_port } : (struct end){ C_IP, c->trav_port };
	else
		e = c->inbound ? (struct end){ E_IN_IP, 7003 } : (struct end){ CUCM_IP, c->cucm_port };
	put_end(b, "Src-ip", "Src-port", &e);
	sb_ch(b, ' ');
}

/* Returns nothing; the alias and identity attributes of an event. */
static void
ev_call(struct sb *b, const struct call *c, int p, bool sip_src)
{
	SB_LIT(b, "Src-alias-type=\"SIP\" Src-alias=\"");
	if (sip_src)
		SB_LIT(b, "sip:");
	sb_str(b, c->caller_uri);
	SB_LIT(b, "\" Dst-alias-type=\"SIP\" Dst-alias=\"sip:");
	sb_str(b, c->callee_uri);
	SB_LIT(b, "\" Call-serial-number=\"");
	sb_str(b, p == 1 ? c->serial_e : c->serial_c);
	SB_LIT(b, "\" Tag=\"");
	sb_str(b, c->tag);
	sb_ch(b, '"');
}

/* Returns nothing; an event with Src-ip (Call Attempted, Connected,
 * Disconnected, Rejected); pre goes before Protocol, post after it. */
static void
ev_with_src(struct gen *g, const struct call *c, int p, int64_t t, const char *name,
    const char *pre, const char *post)
{
	struct out *o = host_out(g, p);
	ev_begin(o, t, name);
	SB_LIT(&o->b, "Service=\"SIP\" ");
	ev_src(&o->b, c, p);
	ev_call(&o->b, c, p, true);
	sb_str(&o->b, pre);
	sb_str(&o->b, (p == 2 && !c->inbound) ? " Protocol=\"TCP\"" : " Protocol=\"TLS\"");
	sb_str(&o->b, post);
	ev_end(o);
}

/* Returns nothing; a Search Attempted or Search Completed event. */
static void
ev_search(struct gen *g, const struct call *c, int p, int64_t t, const char *name,
    const char *reason, const char *detail)
{
	struct out *o = host_out(g, p);
	ev_begin(o, t, name);
	if (reason) {
		SB_LIT(&o->b, "Reason=\"");
		sb_str(&o->b, reason);
		SB_LIT(&o->b, "\" ");
	}
	SB_LIT(&o->b, "Service=\"SIP\" ");
	ev_call(&o->b, c, p, false);
	SB_LIT(&o->b, " Detail=\"");
	sb_str(&o->b, detail);
	SB_LIT(&o->b, "\"");
	ev_end(o);
}

/* Search rules each Expressway tries, per direction; a leading '!' means
 * "ignored due to source filtering"; the last one matches. */
static const char *const E_IN_RULES[] = {
	"Calls to Webex", "!Webex Hybrid - to Webex Cloud",
	"=Webex Hybrid - to VCS-C' towards target 'HybridCallServiceTraversal' at priority '80", NULL
};
static const char *const E_OUT_RULES[] = {
	"B2B calls to VCS-C", "!Webex Hybrid", "Calls to Webex",
	"=Webex Hybrid - to Webex Cloud' towards target 'Hybrid Call Services DNS' at priority '90", NULL
};
static const char *const C_IN_RULES[] = {
	"Inbound MS to CMS", "multiway", "WebEx Search Rule", "!ISDN Inbound", "recalls into CMS",
	"Conference Factory", "Inbound B2B Calling",
	"=Hybrid Call Service Inbound Routing' towards target 'CUCM11' at priority '2", NULL
};
static const char *const C_OUT_RULES[] = {
	"Inbound MS to CMS", "multiway", "!ISDN Inbound",
	"=Calls to Cisco Webex' towards target 'HybridCallServiceTraversal' at priority '50", NULL
};

/* Returns nothing; the network.search lines of a search on node p. */
static void
put_search_rules(struct gen *g, const struct call *c, int p, int64_t t)
{
	struct out *o = host_out(g, p);
	const char *const *r = p == 1 ? (c->inbound ? E_IN_RULES : E_OUT_RULES)
	                               : (c->inbound ? C_IN_RULES : C_OUT_RULES);
	const char *alias = (p == 2 && c->inbound) ? "cucm.rtp.ciscotac.net;lr" : c->callee_uri;
	for (; *r; r++) {
		mod_begin(o, t, "network.search", "DEBUG");
		if (**r == '!') {
			SB_LIT(&o->b, "Detail=\"Search rule '");
			sb_str(&o->b, *r + 1);
			SB_LIT(&o->b, "' ignored due to source filtering\"\n");
			continue;
		}
		if (**r == '=') {
			SB_LIT(&o->b, "Detail=\"Considering search rule '");
			sb_str(&o->b, *r + 1);
			SB_LIT(&o->b, "' with alias '");
		} else {
			SB_LIT(&o->b, "Detail=\"Search rule '");
			sb_str(&o->b, *r);
			SB_LIT(&o->b, "' did not match destination alias '");
		}
		sb_str(&o->b, alias);
		SB_LIT(&o->b, "'\"\n");
	}
}

/* Returns nothing; a network.tcp line. */
static void
put_tcp(struct out *o, int64_t t, const char *level, const struct end *src, const struct end *dst,
    const char *detail)
{
	mod_begin(o, t, "network.tcp", level);
	put_end(&o->b, "Src-ip", "Src-port", src);
	sb_ch(&o->b, ' ');
	put_end(&o->b, "Dst-ip", "Dst-port", dst);
	SB_LIT(&o->b, " Detail=\"");
	sb_str(&o->b, detail);
	SB_LIT(&o->b, "\"\n");
}

/* Returns nothing; the E's DNS look-up of Webex (the 408 calls show the
 * guide's misconfigured zone: the SRV answer points at port 5061). */
static void
put_dns(struct gen *g, const struct call *c, int64_t t)
{
	struct out *o = &g->e;
	bool bad = c->rej == M_408;
	mod_begin(o, t, "network.dns", "DEBUG");
	if (bad)
		SB_LIT(&o->b, "Detail=\"Sending DNS query\" Name=\"_sips._tcp.dmzlab.call.ciscospark.com\" "
			      "Type=\"SRV (IPv4 and IPv6)\"\n");
	else
		SB_LIT(&o->b, "Detail=\"Sending DNS query\" Name=\"_sips._tcp.callservice.ciscospark.com\" "
			      "Type=\"SRV (IPv4 and IPv6)\"\n");
	mod_begin(o, t + 2, "network.dns", "DEBUG");
	if (bad)
		SB_LIT(&o->b, "Detail=\"Resolved hostname to: ['IPv4''TCP''146.20.193.64:5061'] (A/AAAA)  "
			      "Hostname:'l2sip-cfa-01.wbx2.com' Port:'5061' Priority:'5' TTL:'300' Weight:'10' "
			      "(SRV) Number of relevant records retrieved: 2\"\n");
	else
		SB_LIT(&o->b, "Detail=\"Resolved hostname to: ['IPv4''TCP''146.20.193.70:5062'] (A/AAAA)  "
			      "['IPv4''TCP''146.20.193.64:5062'] (A/AAAA) Hostname:'l2sip-cfa-02.wbx2.com' "
			      "Port:'5062' Priority:'5' TTL:'300' Weight:'10' (SRV) Hostname:'l2sip-cfa-01.wbx2.com' "
			      "Port:'5062' Priority:'5' TTL:'300' Weight:'10' (SRV) Number of relevant records "
			      "retrieved: 4\"\n");
	if (bad) {
		struct end src = { E_OUT_IP, c->e_out_port }, dst = { "146.20.193.64", 5061 };
		put_tcp(o, t + 3, "DEBUG", &src, &dst, "TCP Connecting");
	}
}

/* Returns nothing; the CPL lines of the E rejecting a call (403). */
static void
put_cpl(struct gen *g, const struct call *c, int64_t t)
{
	static const char *const lines[] = {
		"<routed> ", "<rule-switch>  ",
		("<rule unauthenticated-origin=\".*\" destination=\".*@dmzlab\\.call\\.ciscospark\\.com.*\" "
		 "message-regex=\"\"> matched "),
		"<reject/> ",
	};
	struct out *o = &g->e;
	for (int i = 0; i < 4; i++) {
		mod_begin(o, t, "network.cpl", "DEBUG");
		SB_LIT(&o->b, "Remote-ip=\"" C_IP "\" Remote-port=\"");
		sb_u(&o->b, c->trav_port);
		SB_LIT(&o->b, "\" Detail=\"CPL: ");
		sb_str(&o->b, lines[i]);
		SB_LIT(&o->b, "\"\n");
	}
}

/* Returns nothing; what an Expressway logs when an INVITE reaches it:
 * Call Attempted, the search, and a rejection when it is the one refusing. */
static void
invite_arrived(struct gen *g, const struct call *c, int node, int p, int64_t t)
{
	ev_with_src(g, c, p, t, "Call Attempted", "", p == 1 && c->inbound ? " Auth=\"YES\"" : " Auth=\"NO\"");
	ev_search(g, c, p, t, "Search Attempted", NULL, "searchtype:INVITE");
	if (node == 2 && c->rej == M_404) {
		ev_search(g, c, p, t + 1, "Search Completed", "Not Found",
		    "found:false, searchtype:INVITE, Info:Policy Response");
		ev_with_src(g, c, p, t + 1, "Call Rejected", " Detail=\"Not Found\"", " Response-code=\"404\"");
		return;
	}
	if (node == 2 && c->rej == M_403) {
		put_cpl(g, c, t + 1);
		ev_search(g, c, p, t + 2, "Search Completed", "Forbidden",
		    "found:false, searchtype:INVITE, Info:Policy Response");
		ev_with_src(g, c, p, t + 2, "Call Rejected", " Detail=\"Forbidden\"", " Response-code=\"403\"");
		return;
	}
	put_search_rules(g, c, p, t + 1);
	if (p == 1 && !c->inbound)
		put_dns(g, c, t + 2);
	if (!(node == 2 && c->rej == M_408))
		ev_search(g, c, p, t + 3, "Search Completed", NULL, "found:true, searchtype:INVITE");
}

/* Returns nothing; lines an Expressway writes before a message goes out or
 * comes in: TCP/TLS set-up toward Webex, the E giving up on Webex (408). */
static void
step_before(struct gen *g, const struct call *c, const struct msgctx *m, const struct hop *h)
{
	if (m->mk == M_INVITE && m->phys == 0) {
		struct end w = { c->webex_ip, h->lo.port }, e = { E_OUT_IP, h->hi.port };
		int64_t t = host_time(g, 1, c->inbound ? h->lat : 0);
		if (c->inbound) {
			put_tcp(&g->e, t, "DEBUG", &w, &e, "TCP Connecting");
			put_tcp(&g->e, t, "DEBUG", &w, &e, "TCP Connection Established");
		} else {
			put_tcp(&g->e, t, "DEBUG", &e, &w, "TCP Connecting");
			put_tcp(&g->e, t, "DEBUG", &e, &w, "TCP Connection Established");
		}
	}
	if (m->mk == M_408 && m->link == 1) {
		int64_t t = host_time(g, 1, 0);
		struct end src = { E_OUT_IP, c->e_out_port }, dst = { "146.20.193.64", 5061 };
		put_tcp(&g->e, t, "ERROR", &src, &dst, "TCP Connection Failed");
		ev_search(g, c, 1, t, "Search Completed", "Request Timeout", "found:false, searchtype:INVITE");
		ev_with_src(g, c, 1, t, "Call Rejected", " Detail=\"Request Timeout\"", " Response-code=\"408\"");
	}
}

/* Returns nothing; Event= lines that follow a message. */
static void
step_after(struct gen *g, const struct call *c, const struct msgctx *m, const struct hop *h)
{
	int rp = pn(c, m->rnode), sp = pn(c, m->snode);
	bool rx = rp == 1 || rp == 2, sx = sp == 1 || sp == 2;
	char tail[48];
	if (m->mk == M_INVITE && rx)
		invite_arrived(g, c, m->rnode, rp, host_time(g, rp, h->lat + 1));
	if (m->mk == M_200INV && sx)
		ev_with_src(g, c, sp, host_time(g, sp, 1), "Call Connected", "", " Call-routed=\"YES\"");
	if (m->mk == M_BYE && rx) {
		snprintf(tail, sizeof tail, " Duration=\"%u\"", (unsigned)((g->now - c->start) / 1000));
		ev_with_src(g, c, rp, host_time(g, rp, h->lat + 1), "Call Disconnected", "", tail);
	}
}

/* ------------------------------------------------------------------ */
/* developer.* noise                                                   */

enum { NT_DUMP = 1, NT_LIC = 2, NT_BARE = 4 };

struct ntpl {
	unsigned weight, flags;
	const char *module, *level, *loc, *method, *body;
};

#define SPX "ppcmains/sip/sipproxy/"
#define MSM "ppcmains/oak/mediasession/"
#define FSM "allshare/fsm/fsmfsm.cpp"
#define XLH "::extractLastHopReportedOrApparentIfNattedFromRequest"
#define CEU "CollaborationEdgeUtils::isInboundRequestFromCollabEdgeZone"
#define DSP_TASK " Self=\"SipProxyMsgDspFsm:0\" Sender=\"SipTrans:%T\" Msg=\"SIPTrans_Ind\" " \
	"Task=\"T_READY_SIPTRANS_IND\" State=\"\" NxtState=\"\" NxtStateId=\"1\""

/* Templates copied from the style of a real X8.11 log. Placeholders: %P %Q
 * object pointers, %T transaction, %F fsm id, %A callee URI, %B caller URI,
 * %I peer ip:port, %i peer ip, %p peer port, %L local ip, %S call serial,
 * %M method, %Z zone, %R %r media ports. */
static const struct ntpl NOISE[] = {
	{ 30, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyMisc.cpp(168)", XLH, " Reported address=['IPv4''TCP''%I']" },
	{ 30, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyMisc.cpp(171)", XLH, " Apparent address=['IPv4''TCP''%I']" },
	{ 30, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyMisc.cpp(186)", XLH,
	  " Storing reported address of request=['IPv4''TCP''%I']" },
	{ 20, 0, "developer.sip.leg.collabedgeutils", "DEBUG", SPX "CollaborationEdgeUtils.cpp(118)", CEU,
	  "  Detail=\"Ingress is Collab Edge as is CollabEdgeZone\"" },
	{ 20, 0, "developer.sip.leg.collabedgeutils", "DEBUG", SPX "CollaborationEdgeUtils.cpp(137)", CEU,
	  " Is Ingress Collab Edge isInboundCallFromCollabEdgeZone=\"true\"" },
	{ 10, 0, "developer.sip.leg.collabedgeutils", "DEBUG", SPX "CollaborationEdgeUtils.cpp(176)",
	  "CollaborationEdgeUtils::getInboundZoneClassificationCondition", " Port taken into account port=\"%p\"" },
	{ 15, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(257)", "SipProxyLeg::SipProxyLeg",
	  "  this=\"%P\" Type=\"Inbound\" from Zone:%Z m_bXComLocateInitiated:0" },
	{ 15, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(882)", "SipProxyLeg::processRequest",
	  "  this=\"%P\" Type=\"Inbound\" transactionId=%T" },
	{ 15, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(9207)", "SipProxyLeg::setAliasStatus",
	  "  this=\"%Q\" Type=\"Outbound\" Setting alias status=%A" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyContactMappingDatabase.cpp(31)",
	  "SipProxyContactMappingDatabase::findContactMapping", "  this=\"%Q\" Trying to find contact mapping for %A" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(10155)", "SipProxyLeg::restartInactivityTimer",
	  "  this=\"%P\" Type=\"Inbound\" Resetting inactivity timer for time=172810000" },
	{ 25, 0, "developer.fsm.sipproxymsgdspfsm", "DEBUG", FSM "(881)", "::sys_testAndExecTask",
	  "  Detail=\"Received fsm message\" Msg-name=\"SIPTrans_Ind\"" DSP_TASK " Save-msg=\"0\" Rec-type=\"I\"" },
	{ 25, 0, "developer.fsm.sipproxymsgdspfsm", "TRACE", FSM "(900)", "::sys_testAndExecTask",
	  "  Detail=\"Starting message execution on task\"" DSP_TASK " Task-name=\"T_READY_SIPTRANS_IND\"" },
	{ 25, 0, "developer.fsm.sipproxymsgdspfsm", "TRACE", FSM "(909)", "::sys_testAndExecTask",
	  "  Detail=\"Completed message execution on task\"" DSP_TASK
	  " Started-task-name=\"T_READY_SIPTRANS_IND\" Completed-task-name=\"T_READY_SIPTRANS_IND\"" },
	{ 20, 0, "developer.fsm.sipproxylegfsm", "DEBUG", FSM "(881)", "::sys_testAndExecTask",
	  "  Detail=\"Received fsm message\" Msg-name=\"InboundLeg_Assign_Object_Req\" Self=\"SipProxyLegFsm:%F\" "
	  "Sender=\"SipProxyMsgDspFsm:0\" Msg=\"InboundLeg_Assign_Object_Req\" Task=\"T_ASSIGN_OBJECT_REQ\" "
	  "State=\"\" NxtState=\"\" NxtStateId=\"4\" Save-msg=\"0\" Rec-type=\"I\"" },
	{ 15, 0, "developer.fsm.sipproxylegfsm", "TRACE", FSM "(287)", "::fsm_sendMsgWithPriority",
	  "  Detail=\"Sending fsm message\" Msg-name=\"TLN_AssignObject_Req\" Self=\"SipProxyLegFsm:%F\" "
	  "Sender=\"SipProxyMsgDspFsm:0\" Msg=\"ProcessInviteRequest\" Task=\"T_INBOUNDLEGIDLE_PROCESSINVITEREQUEST\" "
	  "State=\"\" NxtState=\"\" NxtStateId=\"5\" Msg-src=\"SipProxyLegFsm:%F\" Msg-dst=\"SipProxyLegFsm:%F\" "
	  "Msg-name=\"POOL_not_msg\" Msg-size=\"8\" Msg-buf=\"%Q\"" },
	{ 15, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(3368)", "SipProxyLeg::sendSipRequest",
	  "  this=\"%Q\" Type=\"Outbound\" rRequest=%M, transactionId=%T, rRequestor=%P" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "QueuedRequest.cpp(20)", "QueuedRequest::QueuedRequest",
	  " Creating queued request for request package=(mRequest.methodName=%M, mTransactionId=%T, &mrLeg=%P)" },
	{ 15, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyMisc.cpp(67)", "::isValidSipUrl",
	  " Testing stack's validity of : '%A'" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(4160)", "SipProxyLeg::updateRequestURI",
	  "  this=\"%Q\" Type=\"Outbound\" Rewriting Request-URI with: %A" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(4290)", "SipProxyLeg::updateRequestURI",
	  "  this=\"%Q\" Type=\"Outbound\" Source aliases unchanged from [[Type=sipurl Value=%B] ]" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(4130)", "SipProxyLeg::needToRouteMedia",
	  "  this=\"%Q\" Type=\"Outbound\" Need to route media on leg? true. Reason:  mediaRoutingMode=\"Auto\" "
	  "traversalType=\"TYPE_ASSENTSERVER\" isNatted=\"false\"" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(9664)",
	  "SipProxyLeg::pushAndCrankMessageQueueIfRequired",
	  "  this=\"%Q\" Type=\"Outbound\" Only 1 entry on queue, cranking immediately" },
	{ 10, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(9704)", "SipProxyLeg::crankMessageQueue",
	  "  this=\"%Q\" Type=\"Outbound\" Number of messages on queue=1" },
	{ 8, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(8519)", "SipProxyLeg::setNextHopAddr",
	  "  this=\"%Q\" Type=\"Outbound\" Using port %p in setNextHopAddr" },
	{ 8, 0, "developer.sip.leg", "DEBUG", SPX "SipProxyLeg.cpp(7979)", "SipProxyLeg::storeSourceAddressOfRequest",
	  "  this=\"%P\" Type=\"Inbound\" setNextHopAddr: address=\"%I/TLS\" zone=\"%Z\" isNatted=\"false\"" },
	{ 6, 0, "developer.sip.leg", "INFO", SPX "SipProxyLeg.cpp(10714)", "SipProxyLeg::routeViaNettleIfNeeded",
	  "  this=\"%Q\" Type=\"Outbound\"  routingViaNettle=\"false\"  twoInARow=\"true\" "
	  "oneIsATraversalServerZone=\"true\"OutboundLegTraversalClient" },
	{ 8, 0, "developer.mediasessionmgr", "DEBUG", MSM "MediaSessionMgr.cpp(311)",
	  "MediaSessionMgr::getAssentDemuxServerMediaHalf",
	  " MFF = %Q, handler addr = %P, Cookie = 0, CallSerialNumber = %S, sessionKey = branchId = 1, "
	  "streamtype = STREAM_TYPE_AUDIO, streamNum = 1, sessionSideId = 0, ipnet = 'IPv4' m_remoteAddress: "
	  "['IPv4''TCP''%I'] (best local: %L -> remote: %i)" },
	{ 8, 0, "developer.mediasessionmgr", "DEBUG", MSM "MediaSessionMgr.cpp(201)", "MediaSessionMgr::privGetMediaHalf",
	  " Session not found, creating one." },
	{ 8, 0, "developer.mediasessionmgr.mediasession", "DEBUG", MSM "MediaSession.cpp(102)",
	  "MediaSession::MediaSession", " Constructor. MFF = %Q" },
	{ 8, 0, "developer.mediasessionmgr", "DEBUG", MSM "MediaHalfsFsmImpl.cpp(489)",
	  "MediaHalfsFsmImpl::setSocketPairCnf", " RTP Address = ['IPv4''UDP''%L:%R']. RTCP Address = ['IPv4''UDP''%L:%r']" },
	{ 10, 0, "developer.mediasessionmgr.mediasession", "DEBUG", MSM "MediaSession.cpp(835)",
	  "MediaSession::updateRoutesInOneDirection", " RX Not Ready" },
	{ 5, NT_DUMP, "developer.mediasessionmgr.mediasession", "DEBUG", MSM "MediaSession.cpp(314)",
	  "MediaSession::mediaHalfReady",
	  " Key =      m_callSerialNumber: %S           m_sessionKey: branchId = 1, streamtype = STREAM_TYPE_AUDIO, "
	  "streamNum = 1 Media Half =                   Class Type: AssentDemuxServerMediaHalfImpl\n"
	  "              rtp local addr: ['IPv4''UDP''%L:%R']\n"
	  "             rtcp local addr: ['IPv4''UDP''%L:%r']\n"
	  "          rtp remote tx addr: ['UNDEF''UNDEF''Error As String']\n"
	  "         rtcp remote tx addr: ['UNDEF''UNDEF''Error As String']\n"
	  "          rtp remote rx addr: ['UNDEF''UNDEF''Error As String']\n"
	  "         rtcp remote rx addr: ['UNDEF''UNDEF''Error As String']\n"
	  "                 rtp probeId: 89\n                rtcp probeId: 88\n"
	  "                 multiplexId: INVALID_ID\n                 policy type: enMatchOnSourceTSAP\n"
	  "        rtp isTxInfoComplete: false\n       rtcp isTxInfoComplete: false\n"
	  "                  SessionKey: branchId = 1, streamtype = STREAM_TYPE_AUDIO, streamNum = 1\n"
	  "               MediaHalf Type: MEDIAHALF_DEMULTIPLEXING_ASSENT\n"
	  "               MediaHalf Fsm: %F\n              SocketPair Fsm: 0\n"
	  "     --AssentServerConfig--          RTPProbeId: 89         RTCPProbeId: 88  \n" },
	{ 3, 0, "developer.call.callcounter", "INFO", "ppcmains/oak/license/ResourceCounter.cpp(53)",
	  "ResourceCounter::countCall", " Counting CollabEdge Video call" },
	{ 2, NT_LIC, NULL, NULL, NULL, NULL,
	  "Level=\"INFO\" Detail=\"License granted\" call_id=\"%S\" lic_type=\"collabedge tokens=2\" " },
	{ 2, NT_BARE, "developer.management.databasemanager", "INFO", "databasemanager(63)", NULL,
	  " Detail=\"Path change detected\", Path=\"/status/call/call\" Type=\"record change\" "
	  "Name=\"CallUsageNotifier.on_cdr_record_changed\" Duration=\"0ms\"" },
	{ 3, 0, "developer.nomodule", "WARN", SPX "SipProxyAuthentication.cpp(397)",
	  "SipProxyAuthentication::extractDigestAuthParams", "  Detail=\"Skipped nonce check\"" },
	{ 3, 0, "developer.ssl", "INFO", "ppcmains/ssl/ttssl/ttssl_openssl.cpp(1974)", "::ttssl_continueHandshake",
	  "  Detail=\"Handshake in progress\" Reason=\"want read/write\"" },
	{ 2, 0, "developer.zone.zonemgr", "DEBUG", "ppcmains/oak/zones/ZoneManager.cpp(1226)",
	  "ZoneManager::getDNSZoneByTLSVerifySubjectName",
	  "  this=\"0x56408ff81220\" getDNSZoneByTLSVerifySubjectName classified subject name "
	  "callservice.ciscospark.com into DNS zone Hybrid Call Services DNS" },
};
#define NNOISE (sizeof NOISE / sizeof NOISE[0])

/* What noise placeholders expand to. */
struct nctx {
	uint64_t p1, p2;
	uint32_t txn, fsm;
	const char *callee, *caller, *serial, *method, *zone;
	struct end local, peer;
	unsigned rtp;
};

/* Returns nothing; appends template s with its placeholders filled from x. */
static void
expand(struct sb *b, const char *s, const struct nctx *x)
{
	for (;;) {
		const char *p = strchr(s, '%');
		if (!p) {
			sb_str(b, s);
			return;
		}
		sb_put(b, s, (size_t)(p - s));
		switch (p[1]) {
		case 'P': SB_LIT(b, "0x"); sb_hex(b, x->p1, 12); break;
		case 'Q': SB_LIT(b, "0x"); sb_hex(b, x->p2, 12); break;
		case 'T': sb_u(b, x->txn); break;
		case 'F': sb_u(b, x->fsm); break;
		case 'A': SB_LIT(b, "sip:"); sb_str(b, x->callee); break;
		case 'B': sb_str(b, x->caller); break;
		case 'I': sb_str(b, x->peer.ip); sb_ch(b, ':'); sb_u(b, x->peer.port); break;
		case 'i': sb_str(b, x->peer.ip); break;
		case 'p': sb_u(b, x->peer.port); break;
		case 'L': sb_str(b, x->local.ip); break;
		case 'S': sb_str(b, x->serial); break;
		case 'M': sb_str(b, x->method); break;
		case 'Z': sb_str(b, x->zone); break;
		case 'R': sb_u(b, x->rtp); break;
		case 'r': sb_u(b, x->rtp + 1); break;
		default: sb_ch(b, '%'); s = p + 1; continue;
		}
		s = p + 2;
	}
}

static unsigned noise_cum[NNOISE], noise_total;

/* Returns a noise template drawn with the table's weights. */
static const struct ntpl *
pick_noise(void)
{
	unsigned r = rndn(noise_total);
	size_t lo = 0, hi = NNOISE - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (noise_cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &NOISE[lo];
}

/* Returns nothing; writes one noise entry. */
static void
noise_entry(struct out *o, int64_t t, const struct ntpl *n, const struct nctx *x)
{
	uint64_t before = out_total(o);
	if (n->flags & NT_LIC) {
		put_prefix_prog(o, t, "licensemanager");
		expand(&o->b, n->body, x);
		put_utc(o);
		sb_ch(&o->b, '\n');
		o->noise += out_total(o) - before;
		return;
	}
	put_prefix(o, t);
	put_utc(o);
	SB_LIT(&o->b, " Module=\"");
	sb_str(&o->b, n->module);
	SB_LIT(&o->b, "\" Level=\"");
	sb_str(&o->b, n->level);
	SB_LIT(&o->b, "\" CodeLocation=\"");
	sb_str(&o->b, n->loc);
	if (n->flags & NT_BARE) {
		sb_ch(&o->b, '"');
	} else {
		SB_LIT(&o->b, "\" Method=\"");
		sb_str(&o->b, n->method);
		SB_LIT(&o->b, "\" Thread=\"");
		sb_str(&o->b, o->thread);
		SB_LIT(&o->b, "\":");
	}
	expand(&o->b, n->body, x);
	sb_ch(&o->b, '\n');
	o->noise += out_total(o) - before;
}

/* Returns nothing; tops the host's noise up to its share of the bytes
 * (a bounded burst, so one huge message does not dump hundreds of lines). */
static void
noise_fill(struct gen *g, struct out *o, int64_t t, const struct nctx *x)
{
	for (int i = 0; i < 48; i++) {
		if (o->noise * 100 >= out_total(o) * g->noise_pct)
			return;
		noise_entry(o, t, pick_noise(), x);
	}
}

/* Returns nothing; the noise context of a call on physical node p. */
static void
call_nctx(const struct call *c, const struct msgctx *m, const struct hop *h, int p, struct nctx *x)
{
	bool lo = p == h->phys;
	x->p1 = c->p1 + (uint64_t)p * 0x1000;
	x->p2 = c->p2 + (uint64_t)p * 0x1000;
	x->txn = c->txn + (uint32_t)c->pos;
	x->fsm = c->fsm;
	x->callee = c->callee_uri;
	x->caller = c->caller_uri;
	x->serial = p == 1 ? c->serial_e : c->serial_c;
	x->method = m->k->cseq_method;
	x->zone = h->phys == 1 ? "HybridCallServiceTraversal" : (h->phys == 0 ? "HybridCallServicesDNS" : "CUCM11");
	x->local = lo ? h->lo : h->hi;
	x->peer = lo ? h->hi : h->lo;
	x->rtp = c->e_port[p == 1];
}

/* Returns nothing; noise on each Expressway that logged the step. */
static void
step_noise(struct gen *g, const struct call *c, const struct msgctx *m, const struct hop *h)
{
	for (int side = 0; side < 2; side++) {
		int p = h->phys + side;
		if (p != 1 && p != 2)
			continue;
		struct nctx x;
		call_nctx(c, m, h, p, &x);
		noise_fill(g, host_out(g, p), host_time(g, p, h->lat), &x);
	}
}

/* ------------------------------------------------------------------ */
/* OPTIONS keepalives                                                  */

/* Returns nothing; sets up the keepalive streams. */
static void
ka_init(struct gen *g)
{
	g->ka[0] = (struct ka){ 2, true, 5000, 1000, { C_IP, 25310 }, { CUCM_IP, 5065 },
		"sip:" CUCM_IP ":5065;transport=tcp", XW_UA, "Cisco-CUCM11.5" };
	g->ka[1] = (struct ka){ 2, false, 6000, 2000, { C_IP, 5060 }, { CUCM_IP, 48122 },
		"sip:" C_IP ":5060;transport=tcp", "Cisco-CUCM11.5", XW_UA };
	g->ka[2] = (struct ka){ 1, false, 5000, 3000, { E_IN_IP, 7003 }, { C_IP, 0 },
		"sip:" E_IN_IP ":7003;transport=tls", XW_UA, XW_UA };
	g->ka[3] = (struct ka){ 0, true, 10000, 4000, { "146.20.193.64", 41877 }, { E_OUT_IP, 5062 },
		"sip:" E_NAT_IP ":5062;transport=tls", "Cisco-L2SIP", XW_UA };
}

/* Returns nothing; the Via, Call-ID, CSeq, From and To of an OPTIONS
 * exchange; ids holds its random branch, Call-ID and tags. */
static void
options_dialog(struct sb *b, const struct ka *k, bool resp, const char *ids)
{
	const struct end *s = k->from_lo ? &k->lo : &k->hi;
	SB_LIT(b, "Via: SIP/2.0/");
	sb_str(b, k->phys == 2 ? "TCP " : "TLS ");
	sb_str(b, s->ip);
	sb_ch(b, ':');
	sb_u(b, s->port);
	SB_LIT(b, ";branch=z9hG4bK");
	sb_put(b, ids, 32);
	if (resp) {
		SB_LIT(b, ";received=");
		sb_str(b, s->ip);
		SB_LIT(b, ";rport=");
		sb_u(b, s->port);
	} else
		SB_LIT(b, ";rport");
	SB_LIT(b, "\nCall-ID: ");
	sb_put(b, ids + 32, 32);
	sb_ch(b, '@');
	sb_str(b, s->ip);
	SB_LIT(b, "\nCSeq: ");
	sb_u(b, k->cseq);
	SB_LIT(b, " OPTIONS\nFrom: <sip:");
	sb_str(b, s->ip);
	SB_LIT(b, ">;tag=");
	sb_put(b, ids + 64, 16);
	SB_LIT(b, "\nTo: <");
	sb_str(b, k->ruri);
	sb_ch(b, '>');
	if (resp) {
		SB_LIT(b, ";tag=");
		sb_put(b, ids + 80, 16);
	}
	sb_ch(b, '\n');
}

/* Returns nothing; builds an OPTIONS (or its 200 OK) into g->msg. */
static void
build_options(struct gen *g, const struct ka *k, bool resp, const char *ids, struct info *in)
{
	struct sb *b = &g->msg;
	b->len = 0;
	if (resp)
		SB_LIT(b, "SIP/2.0 200 OK\n");
	else {
		SB_LIT(b, "OPTIONS ");
		sb_str(b, k->ruri);
		SB_LIT(b, " SIP/2.0\n");
	}
	options_dialog(b, k, resp, ids);
	if (resp) {
		SB_LIT(b, "Server: ");
		sb_str(b, k->server);
		SB_LIT(b, "\nAllow: INVITE,ACK,BYE,CANCEL,INFO,OPTIONS,REFER,SUBSCRIBE,NOTIFY\nAccept: application/sdp\n");
	} else {
		SB_LIT(b, "Max-Forwards: 70\nUser-Agent: ");
		sb_str(b, k->ua);
		SB_LIT(b, "\nSupported: replaces,timer\n");
	}
	SB_LIT(b, "Content-Length: 0\n\n");
	in->req = !resp, in->code = 200, in->method = "OPTIONS", in->cseq = k->cseq;
	in->sl = in->sr = "";
	in->hash = fnv1a(b->p, b->len);
}

/* Returns nothing; one OPTIONS exchange of keepalive stream i, then noise. */
static void
ka_fire(struct gen *g, int i)
{
	struct ka *k = &g->ka[i];
	char ids[100], callid[64], ftag[17], ttag[17];
	struct info in;
	if (i == 2)
		k->hi.port = g->trav_port;
	make_hex(ids, 96);
	struct hop h = { k->phys, k->from_lo ? k->phys : k->phys + 1, k->lo, k->hi, 1 };
	const struct end *s = k->from_lo ? &k->lo : &k->hi;
	snprintf(callid, sizeof callid, "%.32s@%s", ids + 32, s->ip);
	snprintf(ftag, sizeof ftag, "%.16s", ids + 64);
	snprintf(ttag, sizeof ttag, "%.16s", ids + 80);
	snprintf(in.uri, sizeof in.uri, "%s", k->ruri);
	in.callid = callid, in.ftag = ftag, in.ttag = "";
	build_options(g, k, false, ids, &in);
	emit_sip(g, &h, &in);
	int64_t saved = g->now;
	g->now += rndr(2, 6);
	h.sphys = k->from_lo ? k->phys + 1 : k->phys;
	in.ttag = ttag;
	build_options(g, k, true, ids, &in);
	emit_sip(g, &h, &in);
	struct nctx x = { 0, 0, 0, 0, "unknown@" C_IP, s->ip, ZEROS32, "OPTIONS", "DefaultZone", h.lo, h.hi, 36000 };
	x.p1 = rnd(); /* not in the initializer: its evaluation order is unspecified */
	x.p2 = rnd();
	x.txn = rndn(900000);
	for (int side = 0; side < 2; side++) {
		if (k->phys + side != 1 && k->phys + side != 2)
			continue;
		x.local = side ? h.hi : h.lo;
		x.peer = side ? h.lo : h.hi;
		noise_fill(g, host_out(g, k->phys + side), host_time(g, k->phys + side, 1), &x);
	}
	g->now = saved;
	k->cseq++;
	g->options++;
}

/* ------------------------------------------------------------------ */
/* driving the simulation                                              */

/* Returns nothing; runs one step of a call: its message, events, noise. */
static void
do_step(struct gen *g, struct call *c, const struct cstep *st)
{
	struct msgctx m;
	struct hop h;
	struct info in;
	ctx_make(c, st, &m);
	call_hop(c, &m, &h);
	step_before(g, c, &m, &h);
	build_msg(&g->msg, &g->body, &m, &in);
	emit_sip(g, &h, &in);
	step_after(g, c, &m, &h);
	step_noise(g, c, &m, &h);
}

/* Returns nothing; the traversal TCP connection is re-established now and
 * then, so its C-side port changes over the log. */
static void
new_traversal(struct gen *g)
{
	g->trav_port = (uint16_t)rndr(26000, 26999);
	struct end cs = { C_IP, g->trav_port }, es = { E_IN_IP, 7003 };
	put_tcp(&g->c, host_time(g, 2, 0), "DEBUG", &cs, &es, "TCP Connecting");
	put_tcp(&g->c, host_time(g, 2, 4), "DEBUG", &cs, &es, "TCP Connection Established");
	put_tcp(&g->e, host_time(g, 1, 2), "DEBUG", &cs, &es, "TCP Connection Established");
}

/* Returns nothing; starts a new call in a free slot. */
static void
call_start(struct gen *g)
{
	int slot = g->freelist[--g->nfree];
	struct call *c = &g->calls[slot];
	memset(c, 0, sizeof *c);
	c->id = (uint32_t)++g->calls_started;
	c->seed = rnd();
	c->kind = (uint8_t)pick_kind();
	c->inbound = KINDS[c->kind].inbound;
	c->strip = c->kind == K_IN_OK && rndn(100) < 5;
	c->g729 = c->kind == K_OUT_Q850;
	c->rej = c->kind == K_IN_404 ? M_404 : c->kind == K_OUT_403 ? M_403 : c->kind == K_OUT_408 ? M_408 : 0;
	c->big = rndn(100) < 2 ? (uint16_t)rndr(100, 500) : 0;
	c->cseq = c->inbound ? 1 : 101;
	c->callee_cseq = c->inbound ? 101 : (uint32_t)rndr(1, 3);
	c->trav_port = g->trav_port;
	c->start = g->now;
	call_people(c);
	call_ids(c);
	if (!c->inbound)
		strcpy(c->webex_ip, rndn(2) ? "146.20.193.64" : "146.20.193.70");
	compose(c);
	g->active++;
	g->kinds[c->kind]++;
	heap_push(g, g->now, ID_CALL0 + slot);
}

/* Returns nothing; a call arrives unless the size target is (about to be) met. */
static void
arrival(struct gen *g)
{
	uint64_t tot = gen_total(g);
	double avg = g->calls_started ? (double)tot / (double)g->calls_started : 150000.0;
	if ((double)tot + g->active * avg * 0.5 >= (double)g->target) {
		g->draining = true;
		return;
	}
	if (g->nfree) {
		if (g->calls_started % 3000 == 2999)
			new_traversal(g);
		call_start(g);
	}
	heap_push(g, g->now + rndr(0, 2 * g->arrival_ms), ID_ARRIVAL);
}

/* Returns nothing; runs the current step of the call in slot and schedules the next. */
static void
call_run(struct gen *g, int slot)
{
	struct call *c = &g->calls[slot];
	do_step(g, c, &c->steps[c->pos]);
	if (++c->pos >= c->nsteps) {
		g->active--;
		g->freelist[g->nfree++] = slot;
		return;
	}
	heap_push(g, g->now + c->steps[c->pos].delay, ID_CALL0 + slot);
}

/* Returns nothing; the event loop: keepalives, arrivals and call steps in time order. */
static void
run(struct gen *g)
{
	g->now = START_MS;
	for (int i = 0; i < NKA; i++)
		heap_push(g, g->now + rndr(0, g->ka[i].period), i);
	heap_push(g, g->now + 500, ID_ARRIVAL);
	while (g->nheap) {
		struct hent e = heap_pop(g);
		g->now = e.t;
		if (e.id < NKA) {
			ka_fire(g, e.id);
			if (!g->draining || g->active)
				heap_push(g, g->now + g->ka[e.id].period + rndr(0, 300), e.id);
		} else if (e.id == ID_ARRIVAL)
			arrival(g);
		else
			call_run(g, e.id - ID_CALL0);
	}
}

/* ------------------------------------------------------------------ */
/* main                                                                */

/* Returns nothing; prints usage and exits with status 2. */
static void
usage(void)
{
	fprintf(stderr, "usage: genlogs -o DIR -s SIZE_MB [-seed N] [-noise PCT] [-corrupt PPM] [-skew MS]\n"
			"  writes DIR/expressway-c.log and DIR/expressway-e.log, SIZE_MB MiB together\n");
	exit(2);
}

/* Returns nothing; opens one output file. */
static void
out_open(struct out *o, const char *dir, const char *name, const char *host, const char *thread)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(n);
	snprintf(path, n, "%s/%s", dir, name);
	o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o->fd < 0) {
		fprintf(stderr, "genlogs: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	o->path = path;
	o->host = host;
	o->hostlen = strlen(host);
	o->b = sb_new(OUTCAP);
	o->csec = -1;
	o->thread = thread;
}

/* Returns nothing; parses the command line into g, dir and seed. */
static void
parse_args(int argc, char **argv, struct gen *g, const char **dir, uint64_t *seed)
{
	double mb = 0;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (!strcmp(a, "-o"))
			*dir = v;
		else if (!strcmp(a, "-s"))
			mb = strtod(v, NULL);
		else if (!strcmp(a, "-seed"))
			*seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "-noise"))
			g->noise_pct = (unsigned)atoi(v);
		else if (!strcmp(a, "-corrupt"))
			g->corrupt_ppm = (unsigned)atoi(v);
		else if (!strcmp(a, "-skew"))
			g->c.skew = atoi(v);
		else
			usage();
	}
	if (!*dir || mb <= 0 || g->noise_pct > 95)
		usage();
	g->target = (uint64_t)(mb * 1048576.0);
}

/* Returns nothing; allocates the call pool, heap and scratch buffers. */
static void
gen_init(struct gen *g)
{
	g->calls = xmalloc(sizeof *g->calls * MAXCALLS);
	g->freelist = xmalloc(sizeof *g->freelist * MAXCALLS);
	for (int i = 0; i < MAXCALLS; i++)
		g->freelist[i] = MAXCALLS - 1 - i;
	g->nfree = MAXCALLS;
	g->heap = xmalloc(sizeof *g->heap * (MAXCALLS + NKA + 2));
	g->msg = sb_new(1 << 20);
	g->body = sb_new(1 << 20);
	g->tmp = sb_new(1 << 20);
	g->trav_port = 26404;
	g->arrival_ms = 300;
	ka_init(g);
	for (size_t i = 0; i < NNOISE; i++) {
		noise_total += NOISE[i].weight;
		noise_cum[i] = noise_total;
	}
}

/* Returns the process exit status. */
int
main(int argc, char **argv)
{
	static struct gen g;
	const char *dir = NULL;
	uint64_t seed = 1;
	struct timespec t0, t1;
	g.noise_pct = 60;
	g.corrupt_ppm = 1000;
	g.c.skew = 3;
	parse_args(argc, argv, &g, &dir, &seed);
	rng_state = mix64(seed ^ 0x5eedULL);
	mkdir(dir, 0755);
	out_open(&g.c, dir, "expressway-c.log", C_HOST, "0x7f577f0a0700");
	out_open(&g.e, dir, "expressway-e.log", E_HOST, "0x7fc1d8e2d700");
	gen_init(&g);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(&g);
	out_flush(&g.c);
	out_flush(&g.e);
	close(g.c.fd);
	close(g.e.fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	uint64_t total = gen_total(&g), noise = g.c.noise + g.e.noise;
	printf("messages=%llu calls=%llu bytes=%llu\n", (unsigned long long)(g.c.blocks + g.e.blocks),
	    (unsigned long long)g.calls_started, (unsigned long long)total);
	fprintf(stderr, "genlogs: %s: C %llu bytes, E %llu bytes in %.2f s (%.0f MB/s); noise %.1f%%; "
			"options=%llu; corrupted blocks: no-pipe=%llu bad-cl=%llu truncated=%llu garbage=%llu\n",
	    dir, (unsigned long long)out_total(&g.c), (unsigned long long)out_total(&g.e), secs,
	    (double)total / 1048576.0 / (secs > 0 ? secs : 1e-9), 100.0 * (double)noise / (double)total,
	    (unsigned long long)g.options, (unsigned long long)g.corrupt[1], (unsigned long long)g.corrupt[2],
	    (unsigned long long)g.corrupt[3], (unsigned long long)g.corrupt[4]);
	for (int k = 0; k < K_NKINDS; k++)
		fprintf(stderr, "genlogs:   %-22s %llu\n", KINDS[k].name, (unsigned long long)g.kinds[k]);
	return 0;
}
