/* wire_tcp.c - a TCP stream put back in order, and SIP messages cut out of
 * it by their framing (see wire.h). Sequence numbers wrap: they are only
 * ever compared by their signed 32-bit difference. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wire.h"

#define START_LINE_MAX 2048 /* bytes of a SIP start line: a longer first line is not SIP */

/* Returns a - b as a signed distance along the sequence space. */
static int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* Returns nothing; delivers the part of (seq, sp) at or past t->next, if any. */
static void
take(struct wire_tcp *t, uint32_t seq, const struct wire_span *sp,
    void (*deliver)(void *arg, const struct wire_span *sp), void *arg)
{
	int32_t d = seq_diff(t->next, seq);
	if (d < 0 || (uint32_t)d >= sp->len)
		return; /* ahead (not called so), or bytes seen before */
	struct wire_span s = *sp;
	s.off += (uint32_t)d;
	s.len -= (uint32_t)d;
	t->next += s.len;
	deliver(arg, &s);
}

/* Returns nothing; delivers every waiting segment that now joins the stream,
 * dropping those it has passed. */
static void
drain(struct wire_tcp *t, void (*deliver)(void *arg, const struct wire_span *sp), void *arg)
{
	for (bool again = true; again;) {
		again = false;
		for (uint32_t i = 0; i < t->npend; i++) {
			if (seq_diff(t->pend[i].seq, t->next) > 0)
				continue;
			uint32_t seq = t->pend[i].seq;
			struct wire_span sp = t->pend[i].sp;
			t->pend[i] = t->pend[--t->npend];
			take(t, seq, &sp, deliver, arg);
			again = true;
			break;
		}
	}
}

/* Returns nothing; keeps a segment that came ahead of the stream. */
static void
wait_for(struct wire_tcp *t, uint32_t seq, const struct wire_span *sp,
    void (*deliver)(void *arg, const struct wire_span *sp), void *arg)
{
	for (uint32_t i = 0; i < t->npend; i++)
		if (t->pend[i].seq == seq && t->pend[i].sp.len >= sp->len)
			return; /* a repeat of a segment already waiting */
	if (t->npend == WIRE_TCP_PENDING)
		wire_tcp_flush(t, deliver, arg); /* the missing bytes are not coming */
	if (seq_diff(seq, t->next) <= 0) {
		take(t, seq, sp, deliver, arg);
		drain(t, deliver, arg);
		return;
	}
	if (t->npend == t->pendcap) {
		t->pendcap = t->pendcap ? t->pendcap * 2 : 4;
		t->pend = xrealloc(t->pend, t->pendcap * sizeof *t->pend);
	}
	t->pend[t->npend].seq = seq;
	t->pend[t->npend].sp = *sp;
	t->npend++;
}

void
wire_tcp_segment(struct wire_tcp *t, uint32_t seq, bool syn, const struct wire_span *sp,
    void (*deliver)(void *arg, const struct wire_span *sp), void *arg)
{
	uint32_t data = syn ? seq + 1 : seq;
	if (!t->started || (syn && sp->len == 0 && t->npend == 0 && t->next == data)) {
		t->started = true;
		t->next = data;
	}
	if (sp->len == 0)
		return;
	if (seq_diff(data, t->next) > 0) {
		wait_for(t, data, sp, deliver, arg);
		return;
	}
	take(t, data, sp, deliver, arg);
	drain(t, deliver, arg);
}

void
wire_tcp_flush(struct wire_tcp *t, void (*deliver)(void *arg, const struct wire_span *sp),
    void *arg)
{
	while (t->npend > 0) {
		uint32_t low = 0;
		for (uint32_t i = 1; i < t->npend; i++)
			if (seq_diff(t->pend[i].seq, t->pend[low].seq) < 0)
				low = i;
		if (seq_diff(t->pend[low].seq, t->next) > 0) {
			t->gap = true; /* the bytes before it were never captured */
			t->next = t->pend[low].seq;
		}
		drain(t, deliver, arg);
	}
}

void
wire_tcp_free(struct wire_tcp *t)
{
	free(t->pend);
	t->pend = NULL;
	t->npend = t->pendcap = 0;
}

/* SIP framing. */

/* Returns true for a character of a SIP method token (RFC 3261 token). */
static bool
token_char(unsigned char c)
{
	return isalnum(c) || strchr("-.!%*_+`'~", c) != NULL;
}

/* Returns true when the n bytes at p could begin a SIP start line whose end
 * has not come yet. */
static bool
start_prefix(const char *p, size_t n)
{
	if (n == 0)
		return true;
	if (n <= 8 && strncasecmp(p, "SIP/2.0 ", n) == 0)
		return true;
	if (!token_char((unsigned char)p[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 && p[i] != '\r')
			return false;
	return true;
}

/* Returns 1 when the n bytes at p start with a whole SIP start line, 0 when
 * they cannot start one, 2 when its end has not come yet. */
static int
start_line(const char *p, size_t n)
{
	size_t k = n < START_LINE_MAX ? n : START_LINE_MAX;
	const char *nl = memchr(p, '\n', k);
	if (nl == NULL)
		return n < START_LINE_MAX && start_prefix(p, n) ? 2 : 0;
	size_t l = (size_t)(nl - p);
	if (l > 0 && p[l - 1] == '\r')
		l--;
	if (l >= 11 && strncasecmp(p, "SIP/2.0 ", 8) == 0 && isdigit((unsigned char)p[8]) &&
	    isdigit((unsigned char)p[9]) && isdigit((unsigned char)p[10]) && (l == 11 || p[11] == ' '))
		return 1;
	size_t i = 0;
	while (i < l && token_char((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= l || p[i] != ' ')
		return 0;
	size_t u = i + 1;
	while (u < l && p[u] != ' ')
		u++;
	return u > i + 1 && l - u == 8 && strncasecmp(p + u, " SIP/2.0", 8) == 0 ? 1 : 0;
}

bool
wire_sip_start(const char *p, size_t n)
{
	return start_line(p, n) == 1;
}

/* Returns the bytes before the next line that starts (or may start) a SIP
 * message, after the first line; n when there is none. */
static size_t
junk_len(const char *p, size_t n)
{
	for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))) != NULL;) {
		q++;
		size_t at = (size_t)(q - p);
		if (at >= n)
			return n;
		if (start_line(q, n - at) != 0)
			return at;
	}
	return n;
}

/* Returns the Content-Length of the header block [p, p + h), 0 when it has
 * none; *bad is set when the value is not a number. */
static size_t
content_length(const char *p, size_t h, bool *bad)
{
	*bad = false;
	for (size_t at = 0; at < h;) {
		const char *nl = memchr(p + at, '\n', h - at);
		size_t e = nl ? (size_t)(nl - p) : h, kl;
		const char *l = p + at;
		if ((e - at >= 14 && strncasecmp(l, "Content-Length", 14) == 0 && (kl = 14)) ||
		    (e - at >= 1 && (l[0] == 'l' || l[0] == 'L') && (kl = 1))) {
			size_t i = at + kl;
			while (i < e && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i < e && p[i] == ':') {
				i++;
				while (i < e && (p[i] == ' ' || p[i] == '\t'))
					i++;
				size_t v = 0, d = 0;
				for (; i < e && isdigit((unsigned char)p[i]) && d < 9; i++, d++)
					v = v * 10 + (size_t)(p[i] - '0');
				*bad = d == 0;
				return v;
			}
		}
		at = e + 1;
	}
	return 0;
}

/* Returns the length of the header block at p (through its blank line), or
 * 0 when it has not ended within n bytes. */
static size_t
headers_end(const char *p, size_t n)
{
	for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))) != NULL;) {
		size_t at = (size_t)(q - p) + 1;
		if (at < n && p[at] == '\n')
			return at + 1;
		if (at + 1 < n && p[at] == '\r' && p[at + 1] == '\n')
			return at + 2;
		if (at >= n)
			return 0;
		q++;
	}
	return 0;
}

enum wire_sip_cut
wire_sip_cut(const char *p, size_t n, bool at_end, size_t *len)
{
	size_t k = 0;
	while (k < n && (p[k] == '\r' || p[k] == '\n'))
		k++;
	if (k > 0) { /* keep-alives, or the blank lines after a message */
		*len = k;
		return WIRE_SIP_JUNK;
	}
	int st = start_line(p, n);
	if (st == 0 || (st == 2 && at_end)) {
		*len = st == 0 ? junk_len(p, n) : n;
		return WIRE_SIP_JUNK;
	}
	if (st == 2)
		return WIRE_SIP_MORE;
	size_t h = headers_end(p, n < WIRE_SIP_MAX ? n : WIRE_SIP_MAX);
	bool bad;
	size_t cl = h ? content_length(p, h, &bad) : 0;
	if ((h == 0 && n >= WIRE_SIP_MAX) || (h != 0 && (bad || cl > WIRE_SIP_MAX - h))) {
		*len = junk_len(p, n); /* no end in sight, or a length to pass over blindly */
		return WIRE_SIP_JUNK;
	}
	if (h == 0 || n < h + cl)
		return WIRE_SIP_MORE;
	*len = h + cl;
	return WIRE_SIP_WHOLE;
}
