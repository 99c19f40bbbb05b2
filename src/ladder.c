/* ladder.c - the layout of a call's ladder, computed once for every
 * drawing of it (see ladder.h), and the arrow labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ladder.h"
#include "q850.h"
#include "sip.h"
#include "text.h"
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
	for (size_t i = 0; i < l->nconns; i++) { /* after the arrows': theirs stay first */
		column(m, c, cols, rk, &n, l->conns[i].from);
		column(m, c, cols, rk, &n, l->conns[i].to);
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

/* Returns the index of the arrow's Call-ID among the call's (its leg), 0
 * when it is none of them. */
static uint8_t
leg_of(const struct model *m, const struct call *c, const struct call_arrow *a)
{
	const char *id = m->msgs[a->msg].sip->call_id;
	for (size_t k = 0; id != NULL && k < c->ncall_ids && k < UINT8_MAX; k++)
		if (c->call_ids[k] == id || strcmp(c->call_ids[k], id) == 0)
			return (uint8_t)k;
	return 0;
}

/* Fills l->labels, l->telling and l->legs for every arrow, and l->longest. */
static void
labels(struct ladder_layout *l, const struct model *m)
{
	const struct call *c = l->c;
	l->labels = xcalloc(c->narrows + 1, sizeof *l->labels);
	l->telling = xcalloc(c->narrows + 1, sizeof *l->telling);
	l->legs = xcalloc(c->narrows + 1, sizeof *l->legs);
	l->nlegs = c->ncall_ids ? c->ncall_ids : 1;
	for (size_t i = 0; i < c->narrows; i++) {
		struct sbuf b = {0};
		l->telling[i] = ladder_label(&b, m, &c->arrows[i]);
		l->longest = b.len > l->longest ? b.len : l->longest;
		l->labels[i] = sbuf_take(&b);
		l->legs[i] = l->nlegs > 1 ? leg_of(m, c, &c->arrows[i]) : 0;
	}
	for (size_t i = 0; i < l->nconns; i++) {
		size_t n = strlen(l->conns[i].label);
		l->longest = n > l->longest ? n : l->longest;
	}
}

/* Puts the connection rows among the arrows of l->steps, by time (a row
 * before an arrow of the same millisecond: a connection opens before it
 * carries), with their columns, and sets every row's delta. */
static void
merge_conns(struct ladder_layout *l)
{
	size_t na = l->nsteps, n = na + l->nconns, a = 0, k = 0;
	struct ladder_step *all = xcalloc(n + 1, sizeof *all);
	for (size_t i = 0; i < n; i++) {
		if (k < l->nconns && (a == na || l->conns[k].t <= l->steps[a].t)) {
			const struct ladder_conn *r = &l->conns[k];
			all[i] = (struct ladder_step){k++, column_of(l, r->from), column_of(l, r->to),
			    r->t, 0, true};
		} else {
			all[i] = l->steps[a++];
		}
		all[i].dt = i == 0 ? 0 : all[i].t - all[i - 1].t;
	}
	free(l->steps);
	l->steps = all;
	l->nsteps = n;
}

/* Fills l with the layout of call c (see ladder.h). */
void
ladder_layout(struct ladder_layout *l, const struct model *m, const struct diag_result *d,
    const struct call *c, enum ladder_hops hops)
{
	size_t ci = (size_t)(c - m->calls);
	bool conns = (hops & LADDER_CONNS) != 0;
	hops &= ~LADDER_CONNS;
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
		    prev == XW_TIME_NONE ? 0 : a->t - prev, false};
		prev = a->t;
	}
	if (conns && m->wire.nconns > 0)
		l->conns = ladder_conns(m, d, c, &l->nconns);
	columns(l, m);
	for (size_t i = 0; i < l->nsteps; i++) {
		l->steps[i].from = column_of(l, c->arrows[l->steps[i].ai].from);
		l->steps[i].to = column_of(l, c->arrows[l->steps[i].ai].to);
	}
	if (l->nconns > 0)
		merge_conns(l);
	labels(l, m);
}

/* Frees the layout's arrays. */
void
ladder_layout_free(struct ladder_layout *l)
{
	for (size_t i = 0; l->labels != NULL && i < l->c->narrows; i++)
		free(l->labels[i]);
	free(l->labels);
	free(l->telling);
	free(l->legs);
	free(l->cols);
	free(l->steps);
	ladder_conns_free(l->conns, l->nconns);
	memset(l, 0, sizeof *l);
}


/* Returns the longest label plus 5, within [min, max]. */
int
ladder_fit(const struct ladder_layout *l, int min, int max)
{
	int w = (int)l->longest + 5;
	return w < min ? min : w > max ? max : w;
}

/* Returns the column width for avail columns, merging the innermost
 * columns into the last that fits when even min is too wide. */
int
ladder_squeeze(struct ladder_layout *l, int avail, int min, int max)
{
	int fit = ladder_fit(l, min, max);
	if (l->ncols == 0 || fit * (int)l->ncols <= avail)
		return fit;
	int w = avail / (int)l->ncols;
	if (w >= min)
		return w;
	size_t keep = avail / min > 1 ? (size_t)(avail / min) : 1;
	if (keep >= l->ncols)
		return min;
	l->merged = l->ncols - keep + 1;
	snprintf(l->merged_name, sizeof l->merged_name, "%zu others", l->merged);
	l->cols[keep - 1] = (struct ladder_col){l->cols[keep - 1].mach, l->merged_name, "merged"};
	for (size_t i = 0; i < l->nsteps; i++) {
		if (l->steps[i].from >= (int)keep)
			l->steps[i].from = (int)keep - 1;
		if (l->steps[i].to >= (int)keep)
			l->steps[i].to = (int)keep - 1;
	}
	l->ncols = keep;
	return min;
}

/* Appends label ai fitted to room cells; returns how it fitted. */
enum ladder_fitting
ladder_fit_label(struct sbuf *b, const struct ladder_layout *l, size_t ai, int room,
    const char *mark, bool flagged)
{
	const char *lab = l->labels[ai], *sdp = strstr(lab, "(SDP: ");
	size_t n = strlen(lab);
	sbuf_add(b, "", 0);
	if ((int)n <= room) {
		sbuf_add(b, lab, n);
		return LF_WHOLE;
	}
	struct sbuf t = {0};
	if (sdp != NULL) { /* short of room, the codecs say more than "SDP: " */
		sbuf_add(&t, lab, (size_t)(sdp - lab) + 1);
		sbuf_puts(&t, sdp + 6);
		lab = t.s, n = t.len;
	}
	if ((int)n <= room)
		sbuf_add(b, lab, n);
	else if (room > 0)
		text_cut(b, lab, n, (size_t)room, mark);
	sbuf_free(&t);
	return l->telling[ai] || flagged ? LF_CUT_TELL : LF_CUT;
}

/* Returns the label of row st. */
const char *
ladder_step_label(const struct ladder_layout *l, const struct ladder_step *st)
{
	return st->conn ? l->conns[st->ai].label : l->labels[st->ai];
}

/* Appends the label of row st fitted to room cells; returns how it fitted. */
enum ladder_fitting
ladder_fit_step(struct sbuf *b, const struct ladder_layout *l, const struct ladder_step *st,
    int room, const char *mark, bool flagged)
{
	if (!st->conn)
		return ladder_fit_label(b, l, st->ai, room, mark, flagged);
	const char *lab = l->conns[st->ai].label;
	size_t n = strlen(lab);
	sbuf_add(b, "", 0);
	if ((int)n <= room) {
		sbuf_add(b, lab, n);
		return LF_WHOLE;
	}
	if (room > 0)
		text_cut(b, lab, n, (size_t)room, mark);
	return LF_CUT_TELL;
}

/* Returns the letter of leg k. */
char
ladder_leg_letter(size_t k)
{
	return k < 26 ? (char)('A' + k) : '*';
}

/* Returns the rule that joined leg k to call c. */
const char *
ladder_leg_rule(const struct call *c, size_t k)
{
	if (k == 0 || k >= c->ncall_ids)
		return "the call's own";
	for (size_t i = 0; i < c->nlinks; i++)
		if (strcmp(c->links[i].call_id, c->call_ids[k]) == 0)
			return c->links[i].by;
	return "linked";
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

/* Returns true after appending the text of the reason phrase or the
 * warning of response s, when it is not the default phrase of its status:
 * " Policy Response" (a 404 Not Found with Warning: 399 h "Policy Response"). */
static bool
phrase(struct sbuf *b, const struct sip_msg *s)
{
	const char *def = sip_default_phrase(s->sip->status), *rp = s->sip->reason_phrase;
	const char *w = s->sip->warning, *q = w != NULL ? strchr(w, '"') : NULL;
	if (rp != NULL && *rp && (def == NULL || strcasecmp(rp, def) != 0)) {
		sbuf_puts(b, " ");
		view_ascii(b, rp);
		return def != NULL;
	}
	if (q != NULL && q[1] != '\0' && q[1] != '"') {
		char *t = xstrndup(q + 1, strcspn(q + 1, "\""));
		sbuf_puts(b, " ");
		view_ascii(b, t);
		free(t);
		return true;
	}
	sbuf_puts(b, " ");
	view_ascii(b, rp != NULL && *rp ? rp : def != NULL ? def : "");
	return false;
}

/* Appends "Q.850 47 Resource unavailable": the cause and its name, without
 * a trailing ", unspecified" that leaves more than a word. */
static void
cause(struct sbuf *b, int q)
{
	const char *name = q850_name(q), *u = name ? strstr(name, ", unspecified") : NULL;
	sbuf_printf(b, "Q.850 %d", q);
	if (name == NULL)
		return;
	size_t n = u != NULL && u[13] == '\0' && memchr(name, ' ', (size_t)(u - name)) != NULL
	    ? (size_t)(u - name) : strlen(name);
	sbuf_printf(b, " %.*s", (int)n, name);
}

/* Appends the label of arrow a (see ladder.h). */
bool
ladder_label(struct sbuf *b, const struct model *m, const struct call_arrow *a)
{
	const struct sip_msg *s = &m->msgs[a->msg];
	bool telling = false, paren = false;
	if (s->retrans)
		sbuf_puts(b, "(retrans) ");
	if (s->sip->is_request) {
		view_ascii(b, s->sip->method ? s->sip->method : "?");
	} else {
		sbuf_printf(b, "%d", s->sip->status);
		telling |= phrase(b, s);
	}
	if (s->sip->q850 >= 0 && s->sip->q850 != 16) { /* 16: normal clearing */
		sbuf_puts(b, " (");
		cause(b, s->sip->q850);
		telling = paren = true;
	}
	if (s->sip->has_sdp) {
		const char *codecs = sip_audio_codecs(s);
		bool rejected = false;
		for (int i = 0; i < s->sip->nmedia; i++)
			if (strcmp(s->sip->media[i].media, "audio") == 0 && s->sip->media[i].port == 0)
				rejected = true;
		sbuf_puts(b, paren ? "; " : " (");
		paren = true;
		if (rejected) {
			sbuf_puts(b, "audio refused");
			telling = true;
		} else {
			sbuf_puts(b, "SDP");
			if (codecs != NULL) {
				sbuf_puts(b, ": ");
				brief_codecs(b, codecs);
			}
		}
	}
	if (paren)
		sbuf_puts(b, ")");
	if (s->fork > 0) { /* an early dialog of a fork: which one, by its To-tag */
		char tag[12];
		snprintf(tag, sizeof tag, "%.8s", s->sip->to_tag);
		sbuf_printf(b, " [fork %u tag ", s->fork);
		view_ascii(b, tag);
		sbuf_puts(b, "]");
	}
	if (s->summary_only && (a->twin < 0 || m->msgs[a->twin].summary_only))
		sbuf_puts(b, " [no body logged]");
	return telling;
}
