/* ladder.c - the layout of a call's ladder, computed once for every
 * drawing of it (see ladder.h), and the arrow labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "sip.h"
#include "view.h"

/* Returns the rank of a machine from outside (0) to inside (6). */
static int
rank(const struct model *m, const struct call *c, int mach)
{
	const struct machine *mc = &m->machines[mach];
	if (mc->kind == MACH_WEBEX)
		return 0;
	if (mc->kind == MACH_CUCM)
		return 5;
	if (mc->kind == MACH_EXPRESSWAY || mc->kind == MACH_EXPRESSWAY_PEER) {
		enum host_role r = mc->host >= 0 ? m->hosts[mc->host].role : mc->role;
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

/* Returns true when arrow ai of call c (index ci) is shown under hops. */
static bool
shown(const struct diag_result *d, const struct call *c, size_t ci, size_t ai,
    enum ladder_hops hops)
{
	if (!c->arrows[ai].same_host || hops == LADDER_ALL)
		return true;
	return hops == LADDER_FLAGGED && d != NULL && diag_arrow_worst(d, ci, ai) != NULL;
}

/* Adds machine mach to cols (n of them), with its rank in rk, unless it is
 * there already. */
static void
column(const struct model *m, const struct call *c, int *cols, int *rk, size_t *n, int mach)
{
	size_t k;
	for (k = 0; k < *n && cols[k] != mach; k++)
		;
	if (k == *n) {
		rk[*n] = rank(m, c, mach);
		cols[(*n)++] = mach;
	}
}

/* Fills l->cols with the machines of the shown arrows (l->steps), ordered
 * by rank, outside to inside, first seen first among equals. */
static void
columns(struct ladder_layout *l, const struct model *m)
{
	const struct call *c = l->c;
	int *cols = xcalloc(m->nmachines + 1, sizeof *cols);
	int *rk = xcalloc(m->nmachines + 1, sizeof *rk);
	size_t n = 0;
	for (size_t i = 0; i < l->nsteps; i++) {
		column(m, c, cols, rk, &n, c->arrows[l->steps[i].ai].from);
		column(m, c, cols, rk, &n, c->arrows[l->steps[i].ai].to);
	}
	for (size_t i = 1; i < n; i++) /* stable insertion sort by rank */
		for (size_t j = i; j > 0 && rk[j - 1] > rk[j]; j--) {
			int t = rk[j]; rk[j] = rk[j - 1]; rk[j - 1] = t;
			t = cols[j]; cols[j] = cols[j - 1]; cols[j - 1] = t;
		}
	l->cols = xcalloc(n + 1, sizeof *l->cols);
	for (size_t i = 0; i < n; i++)
		l->cols[i] = (struct ladder_col){cols[i], m->machines[cols[i]].name,
		    view_machine_role(m, cols[i])};
	l->ncols = n;
	free(rk);
	free(cols);
}

/* Returns the column of machine mach, or -1. */
static int
column_of(const struct ladder_layout *l, int mach)
{
	for (size_t i = 0; i < l->ncols; i++)
		if (l->cols[i].mach == mach)
			return (int)i;
	return -1;
}

/* Fills l->labels with every arrow's label and l->longest. */
static void
labels(struct ladder_layout *l, const struct model *m)
{
	const struct call *c = l->c;
	l->labels = xcalloc(c->narrows + 1, sizeof *l->labels);
	for (size_t i = 0; i < c->narrows; i++) {
		struct sbuf b = {0};
		ladder_label(&b, m, &c->arrows[i]);
		l->longest = b.len > l->longest ? b.len : l->longest;
		l->labels[i] = sbuf_take(&b);
	}
}

/* Fills l with the layout of call c (see ladder.h). */
void
ladder_layout(struct ladder_layout *l, const struct model *m, const struct diag_result *d,
    const struct call *c, enum ladder_hops hops)
{
	size_t ci = (size_t)(c - m->calls);
	memset(l, 0, sizeof *l);
	l->c = c;
	l->steps = xcalloc(c->narrows + 1, sizeof *l->steps);
	xw_time prev = XW_TIME_NONE;
	for (size_t i = 0; i < c->narrows; i++) {
		if (!shown(d, c, ci, i, hops)) {
			l->folded++;
			continue;
		}
		const struct call_arrow *a = &c->arrows[i];
		l->steps[l->nsteps++] = (struct ladder_step){i, -1, -1, a->t,
		    prev == XW_TIME_NONE ? 0 : a->t - prev};
		prev = a->t;
	}
	columns(l, m);
	for (size_t i = 0; i < l->nsteps; i++) {
		l->steps[i].from = column_of(l, c->arrows[l->steps[i].ai].from);
		l->steps[i].to = column_of(l, c->arrows[l->steps[i].ai].to);
	}
	labels(l, m);
}

/* Frees the layout's arrays. */
void
ladder_layout_free(struct ladder_layout *l)
{
	for (size_t i = 0; l->labels != NULL && i < l->c->narrows; i++)
		free(l->labels[i]);
	free(l->labels);
	free(l->cols);
	free(l->steps);
	memset(l, 0, sizeof *l);
}


/* Returns the longest label plus 5, within [min, max]. */
int
ladder_fit(const struct ladder_layout *l, int min, int max)
{
	int w = (int)l->longest + 5;
	return w < min ? min : w > max ? max : w;
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
		view_ascii(b, name);
	}
	if (more)
		sbuf_puts(b, ",...");
}

/* Appends the label of arrow a (see ladder.h). */
void
ladder_label(struct sbuf *b, const struct model *m, const struct call_arrow *a)
{
	const struct sip_msg *s = &m->msgs[a->msg];
	char l[160];
	if (s->retrans)
		sbuf_puts(b, "(retrans) ");
	view_ascii(b, sip_label(s, l, sizeof l));
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
	if (s->fork > 0) { /* an early dialog of a fork: which one, by its To-tag */
		char tag[12];
		snprintf(tag, sizeof tag, "%.8s", s->sip->to_tag);
		sbuf_printf(b, " [fork %u tag ", s->fork);
		view_ascii(b, tag);
		sbuf_puts(b, "]");
	}
	if (s->summary_only && (a->twin < 0 || m->msgs[a->twin].summary_only))
		sbuf_puts(b, " [no body logged]");
}
