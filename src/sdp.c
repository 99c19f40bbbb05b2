/* sdp.c - summarising SDP bodies: media, port, codec names, direction. */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "sdp.h"
#include "sip.h"

/* One m= section while it is being read. */
struct sect {
	char media[SDP_MAX_MEDIA_NAME + 1], proto[SDP_MAX_NAME + 1], dir[10];
	unsigned port;
	int fmts[SDP_MAX_FORMATS];
	char names[SDP_MAX_FORMATS][SDP_MAX_NAME + 1];
	int nfmt;
	uint8_t cut;     /* SIP_CUT_* bits */
};

static const struct {
	int pt;
	const char *name;
} static_pts[] = {
	{0, "PCMU"}, {3, "GSM"}, {4, "G723"}, {8, "PCMA"}, {9, "G722"}, {13, "CN"},
	{15, "G728"}, {18, "G729"}, {26, "JPEG"}, {31, "H261"}, {34, "H263"},
};

/* Returns the name of a static RTP payload type (0 -> "PCMU"), or NULL. */
static const char *
static_payload(int pt)
{
	for (size_t i = 0; i < sizeof static_pts / sizeof static_pts[0]; i++)
		if (static_pts[i].pt == pt)
			return static_pts[i].name;
	return NULL;
}

/* Returns true when c ends a token. */
static bool
token_end(char c)
{
	return c == ' ' || c == '/' || c == '\t';
}

/* Copies at most size-1 bytes of the token at s (n bytes) into dst; returns
 * false when the token is longer. */
static bool
token(char *dst, size_t size, const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && k < size - 1 && !token_end(s[k])) {
		dst[k] = s[k];
		k++;
	}
	dst[k] = '\0';
	return k == n || token_end(s[k]);
}

/* Returns the number in the digits at s (n bytes at most: the body is not
 * NUL-terminated), saturating at INT_MAX, or -1 when s starts no digit. */
static int
num_at(const char *s, size_t n)
{
	long v = -1;
	for (size_t i = 0; i < n && isdigit((unsigned char)s[i]); i++)
		v = v < 0 ? s[i] - '0' : v >= INT_MAX / 10 ? INT_MAX : v * 10 + (s[i] - '0');
	return (int)v;
}

/* Starts a section from "m=audio 52668 RTP/SAVP 18 101". */
static void
sect_start(struct sect *x, const char *s, size_t n)
{
	memset(x, 0, sizeof *x);
	const char *e = s + n, *p = s;
	if (!token(x->media, sizeof x->media, p, n))
		x->cut |= SIP_CUT_SDP_NAMES;
	while (p < e && *p != ' ')
		p++;
	while (p < e && *p == ' ')
		p++;
	int port = num_at(p, (size_t)(e - p));
	x->port = port < 0 ? 0 : (unsigned)port & 0xffff;
	while (p < e && *p != ' ')
		p++;
	while (p < e && *p == ' ')
		p++;
	size_t k = 0;
	while (p + k < e && p[k] != ' ' && k < sizeof x->proto - 1)
		k++;
	memcpy(x->proto, p, k);
	x->proto[k] = '\0';
	if (p + k < e && p[k] != ' ')
		x->cut |= SIP_CUT_SDP_NAMES;
	p += k;
	while (p < e && x->nfmt < SDP_MAX_FORMATS) {
		while (p < e && *p == ' ')
			p++;
		if (p >= e)
			break;
		x->fmts[x->nfmt] = num_at(p, (size_t)(e - p));
		x->nfmt++;
		while (p < e && *p != ' ')
			p++;
	}
	while (p < e && *p == ' ')
		p++;
	if (p < e)
		x->cut |= SIP_CUT_FORMATS;
}

/* Records "a=rtpmap:101 telephone-event/8000" for the current section. */
static void
sect_rtpmap(struct sect *x, const char *s, size_t n)
{
	int pt = num_at(s, n);
	const char *sp = memchr(s, ' ', n);
	if (sp == NULL || pt < 0)
		return;
	for (int i = 0; i < x->nfmt; i++)
		if (x->fmts[i] == pt &&
		    !token(x->names[i], sizeof x->names[i], sp + 1, n - (size_t)(sp + 1 - s)))
			x->cut |= SIP_CUT_SDP_NAMES;
}

static bool
is_dir(const char *s, size_t n)
{
	static const char *dirs[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
	for (size_t i = 0; i < 4; i++)
		if (n == strlen(dirs[i]) && memcmp(s, dirs[i], n) == 0)
			return true;
	return false;
}

/* Stores a finished section into the message. */
static void
sect_store(struct strpool *pool, struct sip_fields *s, const struct sect *x, const char *sessdir)
{
	struct sbuf b = {0};
	for (int i = 0; i < x->nfmt; i++) {
		const char *name = x->names[i][0] ? x->names[i] : static_payload(x->fmts[i]);
		if (i)
			sbuf_add(&b, ",", 1);
		if (name != NULL)
			sbuf_puts(&b, name);
		else if (x->fmts[i] >= 0)
			sbuf_printf(&b, "%d", x->fmts[i]);
		else
			sbuf_puts(&b, "?");
	}
	struct sdp_media *md = &s->media[s->nmedia++];
	md->media = strpool_str(pool, x->media);
	md->port = (uint16_t)x->port;
	md->proto = strpool_str(pool, x->proto);
	md->codecs = strpool_intern(pool, b.s ? b.s : "", b.len);
	md->dir = strpool_str(pool, x->dir[0] ? x->dir : sessdir[0] ? sessdir : "sendrecv");
	s->cut |= x->cut;
	sbuf_free(&b);
}

void
sdp_summarise(struct strpool *pool, struct sip_fields *s, const char *body, size_t n)
{
	struct sect x;
	char sessdir[10] = "";
	bool in = false;
	struct sdp_media found[SDP_MAX_MEDIA] = {{0}};
	s->has_sdp = true;
	s->media = found;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && body[j] != '\r' && body[j] != '\n')
			j++;
		const char *l = body + i;
		size_t len = j - i;
		if (len > 2 && l[0] == 'm' && l[1] == '=' && s->nmedia + in < SDP_MAX_MEDIA) {
			if (in)
				sect_store(pool, s, &x, sessdir);
			sect_start(&x, l + 2, len - 2);
			in = true;
		} else if (len > 2 && l[0] == 'm' && l[1] == '=') {
			s->cut |= SIP_CUT_MEDIA;
		} else if (len > 9 && memcmp(l, "a=rtpmap:", 9) == 0 && in) {
			sect_rtpmap(&x, l + 9, len - 9);
		} else if (len > 2 && memcmp(l, "a=", 2) == 0 && is_dir(l + 2, len - 2)) {
			token(in ? x.dir : sessdir, sizeof sessdir, l + 2, len - 2);
		}
		i = j;
		while (i < n && (body[i] == '\r' || body[i] == '\n'))
			i++;
	}
	if (in)
		sect_store(pool, s, &x, sessdir);
	/* most bodies have two or three m= lines: keep only what they use */
	s->media = strpool_alloc(pool, s->nmedia * sizeof *s->media);
	memcpy(s->media, found, s->nmedia * sizeof *s->media);
}
