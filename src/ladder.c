/* ladder.c - drawing a call as a plain-text ladder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "sip.h"
#include "text.h"

#define COL_MIN 22
#define COL_MAX 40
#define MARGIN 22 /* "18:01:48.140  +0.012  " */

/* Returns the rank of a machine from outside (0) to inside (6). */
static int
rank(const struct model *m, const struct call *c, int mach)
{
	const struct machine *mc = &m->machines[mach];
	if (mc->kind == MACH_WEBEX)
		return 0;
	if (mc->kind == MACH_CUCM)
		return 5;
	if (mc->kind == MACH_EXPRESSWAY) {
		enum host_role r = mc->host >= 0 ? m->hosts[mc->host].role : ROLE_UNKNOWN;
		return r == ROLE_EXPRESSWAY_E ? 2 : r == ROLE_EXPRESSWAY_C ? 4 : 3;
	}
	/* an endpoint is outside when it talks to an Expressway-E */
	for (size_t i = 0; i < c->narrows; i++) {
		int other = c->arrows[i].from == mach ? c->arrows[i].to
		    : c->arrows[i].to == mach ? c->arrows[i].from : -1;
		if (other >= 0 && m->machines[other].host >= 0 &&
		    m->hosts[m->machines[other].host].role == ROLE_EXPRESSWAY_E)
			return 1;
	}
	return 6;
}

int *
ladder_columns(const struct model *m, const struct call *c, bool all_hops, size_t *n)
{
	int *cols = xcalloc(m->nmachines + 1, sizeof *cols);
	int *rk = xcalloc(m->nmachines + 1, sizeof *rk);
	*n = 0;
	for (size_t i = 0; i < c->narrows; i++) {
		const struct call_arrow *a = &c->arrows[i];
		if (a->same_host && !all_hops)
			continue;
		int ends[2] = {a->from, a->to};
		for (int e = 0; e < 2; e++) {
			size_t k;
			for (k = 0; k < *n && cols[k] != ends[e]; k++)
				;
			if (k == *n) {
				rk[*n] = rank(m, c, ends[e]);
				cols[(*n)++] = ends[e];
			}
		}
	}
	for (size_t i = 1; i < *n; i++) /* stable insertion sort by rank */
		for (size_t j = i; j > 0 && rk[j - 1] > rk[j]; j--) {
			int t = rk[j]; rk[j] = rk[j - 1]; rk[j - 1] = t;
			t = cols[j]; cols[j] = cols[j - 1]; cols[j - 1] = t;
		}
	free(rk);
	return cols;
}

/* Appends s with every byte outside printable ASCII replaced by '?'. */
static void
ascii(struct sbuf *b, const char *s)
{
	sbuf_add(b, "", 0); /* a string even when s is empty (a host named by NULs) */
	for (; s && *s; s++) {
		char ch = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
		sbuf_add(b, &ch, 1);
	}
}

/* Appends the distinct media codecs of a list, at most three, without DTMF,
 * comfort noise and FEC: what a reader needs to spot a mismatch. */
static void
brief_codecs(struct sbuf *b, const char *list)
{
	static const char *skip[] = {"telephone-event", "CN", "x-ulpfecuc", "red", "ulpfec"};
	char seen[8][24];
	int n = 0, more = 0;
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");
		char name[24];
		snprintf(name, sizeof name, "%.*s", (int)(k < 23 ? k : 23), p);
		p += k + (p[k] == ',');
		bool drop = false;
		for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
			drop |= strcasecmp(name, skip[i]) == 0;
		for (int i = 0; i < n && !drop; i++)
			drop |= strcmp(seen[i], name) == 0;
		if (drop)
			continue;
		if (n == 3) {
			more++;
			continue;
		}
		memcpy(seen[n], name, sizeof name);
		if (n++)
			sbuf_add(b, ",", 1);
		ascii(b, name);
	}
	if (more)
		sbuf_puts(b, ",...");
}

void
ladder_label(struct sbuf *b, const struct model *m, const struct call_arrow *a)
{
	const struct sip_msg *s = &m->msgs[a->msg];
	char l[160];
	if (s->retrans)
		sbuf_puts(b, "(retrans) ");
	ascii(b, sip_label(s, l, sizeof l));
	if (s->sip->has_sdp) {
		const char *codecs = sip_audio_codecs(s);
		bool rejected = false;
		for (int i = 0; i < s->sip->nmedia; i++)
			if (strcmp(s->sip->media[i].media, "audio") == 0 && s->sip->media[i].port == 0)
				rejected = true;
		sbuf_puts(b, " (SDP");
		if (rejected)
			sbuf_puts(b, ": audio 0");
		else if (codecs != NULL) {
			sbuf_puts(b, ": ");
			brief_codecs(b, codecs);
		}
		sbuf_puts(b, ")");
	}
	if (s->summary_only)
		sbuf_puts(b, " [no body logged]");
}

/* A ladder being drawn: its columns and their width. */
struct lad {
	int *cols;
	size_t ncols;
	int width;    /* of one column */
	size_t total; /* of a line */
};

/* Returns the column index of machine mach, or -1. */
static int
col_of(const struct lad *l, int mach)
{
	for (size_t i = 0; i < l->ncols; i++)
		if (l->cols[i] == mach)
			return (int)i;
	return -1;
}

static int
center(const struct lad *l, int col)
{
	return MARGIN + col * l->width + l->width / 2;
}

/* Returns a line of spaces with the column bars drawn (caller frees). */
static char *
bars(const struct lad *l)
{
	char *s = xmalloc(l->total + 1);
	memset(s, ' ', l->total);
	s[l->total] = '\0';
	for (size_t i = 0; i < l->ncols; i++)
		s[center(l, (int)i)] = '|';
	return s;
}

/* Copies at most max bytes of text into line at x (never past the end). */
static void
put(const struct lad *l, char *line, int x, const char *text, int max)
{
	int n = (int)strlen(text);
	if (n > max)
		n = max;
	for (int i = 0; i < n && x + i < (int)l->total; i++)
		if (x + i >= 0)
			line[x + i] = text[i];
}

/* Appends a line with trailing spaces trimmed. */
static void
emit(struct sbuf *b, const char *line)
{
	size_t n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	sbuf_add(b, line, n);
	sbuf_add(b, "\n", 1);
}

static void
header(struct sbuf *b, const struct model *m, const struct lad *l)
{
	char *names = bars(l), *roles = bars(l);
	for (size_t i = 0; i < l->ncols; i++) {
		const struct machine *mc = &m->machines[l->cols[i]];
		struct sbuf nm = {0};
		ascii(&nm, mc->name);
		const char *role = mc->host >= 0 ? model_role_name(m->hosts[mc->host].role)
		    : model_kind_name(mc->kind);
		int w = l->width - 2;
		int n1 = (int)nm.len < w ? (int)nm.len : w, n2 = (int)strlen(role);
		put(l, names, center(l, (int)i) - n1 / 2, nm.s, w);
		put(l, roles, center(l, (int)i) - n2 / 2, role, w);
		sbuf_free(&nm);
	}
	emit(b, names);
	emit(b, roles);
	free(names);
	free(roles);
}

/* Draws one arrow (two lines: label, then time and shaft). */
static void
arrow(struct sbuf *b, const struct model *m, const struct lad *l, const struct call_arrow *a,
    xw_time prev)
{
	char *top = bars(l), *low = bars(l), t[24], d[24], margin[48];
	struct sbuf lab = {0};
	ladder_label(&lab, m, a);
	int x1 = center(l, col_of(l, a->from)), x2 = center(l, col_of(l, a->to));
	if (x1 == x2) { /* a hop inside one Expressway */
		put(l, low, x1 + 1, "<-+", 3);
		put(l, top, x1 + 2, lab.s, l->width - 3);
	} else {
		int lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
		for (int x = lo + 1; x < hi; x++)
			low[x] = '-';
		low[x1 < x2 ? hi - 1 : lo + 1] = x1 < x2 ? '>' : '<';
		int room = hi - lo - 3, n = (int)lab.len < room ? (int)lab.len : room;
		put(l, top, lo + 2 + (room - n) / 2, lab.s, room);
	}
	snprintf(d, sizeof d, "%+.3f", prev == XW_TIME_NONE ? 0.0 : (double)(a->t - prev) / 1000);
	snprintf(margin, sizeof margin, "%12s %8s", model_time_short(a->t, t, sizeof t), d);
	memcpy(low, margin, strlen(margin) < MARGIN ? strlen(margin) : MARGIN);
	emit(b, top);
	emit(b, low);
	sbuf_free(&lab);
	free(top);
	free(low);
}

/* Returns the column width that fits the longest label. */
static int
fit_width(const struct model *m, const struct call *c)
{
	int w = COL_MIN;
	for (size_t i = 0; i < c->narrows; i++) {
		struct sbuf lab = {0};
		ladder_label(&lab, m, &c->arrows[i]);
		if ((int)lab.len + 5 > w)
			w = (int)lab.len + 5;
		sbuf_free(&lab);
	}
	return w > COL_MAX ? COL_MAX : w;
}

/* Appends the title: number, first request, final status, Call-IDs. */
static void
title(struct sbuf *b, const struct model *m, const struct call *c)
{
	char t[40];
	sbuf_printf(b, "Call %u  %s  ", c->number, model_time_iso(c->start, t, sizeof t));
	ascii(b, c->method ? c->method : "?");
	sbuf_puts(b, " ");
	ascii(b, c->from);
	sbuf_puts(b, " -> ");
	ascii(b, c->to);
	if (c->final_status)
		sbuf_printf(b, "  final %d", c->final_status);
	else
		sbuf_puts(b, "  no final response");
	sbuf_puts(b, "\nCall-ID: ");
	ascii(b, c->ncall_ids ? c->call_ids[0] : "?");
	sbuf_puts(b, "\n");
	for (size_t i = 0; i < c->nlinks; i++) {
		sbuf_puts(b, "Linked:  ");
		ascii(b, c->links[i].call_id);
		sbuf_printf(b, " (by %s)\n", c->links[i].by);
	}
	sbuf_puts(b, "\n");
}

/* Appends the footer: folded hops and clock skew. */
static void
footer(struct sbuf *b, const struct model *m, const struct call *c, size_t folded)
{
	if (folded)
		sbuf_printf(b, "\n%zu same-host hop%s (Expressway B2BUA) folded; --all-hops shows them.\n",
		    folded, folded == 1 ? "" : "s");
	for (size_t h = 1; h < m->nhosts && m->skew != NULL; h++)
		if (model_call_has_host(c, h) && m->skew_pairs[h] > 0) {
			sbuf_puts(b, "Clock skew: ");
			ascii(b, m->hosts[h].name);
			sbuf_printf(b, " %+lld ms against ", (long long)m->skew[h]);
			ascii(b, m->hosts[0].name);
			sbuf_printf(b, " (from %u paired messages); times are corrected.\n",
			    m->skew_pairs[h]);
		}
}

void
ladder_text(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_opts *o)
{
	struct lad l = {0};
	bool all = o != NULL && o->all_hops;
	l.cols = ladder_columns(m, c, all, &l.ncols);
	l.width = fit_width(m, c);
	l.total = MARGIN + l.ncols * (size_t)l.width;
	title(b, m, c);
	header(b, m, &l);
	xw_time prev = XW_TIME_NONE;
	size_t folded = 0;
	for (size_t i = 0; i < c->narrows; i++) {
		const struct call_arrow *a = &c->arrows[i];
		if (a->same_host && !all) {
			folded++;
			continue;
		}
		arrow(b, m, &l, a, prev);
		prev = a->t;
		if (o != NULL && o->notes != NULL)
			o->notes(o->arg, m, c, i, b);
	}
	footer(b, m, c, folded);
	free(l.cols);
}
