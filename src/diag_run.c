/* diag_run.c - running the signature table: loading and linting the
 * dumps, setting up what the checks share (message flags, events by host
 * and time, INVITE windows, the phrase memo), running every row's check in
 * table order, and indexing the findings by call and arrow for the views. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr.h"
#include "diag.h"
#include "xconf.h"
#include "xconf_lint.h"

#define NO_FINAL_SPAN_MS 600000 /* how long an unanswered INVITE's window stays open */
#define WINDOWS_PER_CALL 64     /* INVITE arrivals kept per call: bounds hostile calls */

/* The findings index. */

/* Frees the index of r. */
static void
index_free(struct diag_index *ix)
{
	free(ix->order);
	free(ix->call_start);
	free(ix->call_worst);
	free(ix->arrow_base);
	free(ix->arrow_worst);
	memset(ix, 0, sizeof *ix);
}

/* Frees r's findings and index. */
void
diag_result_free(struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].ev);
		free(r->f[i].cand);
	}
	free(r->f);
	index_free(&r->ix);
	memset(r, 0, sizeof *r);
}

/* Returns the group of a finding in the index: its call, or ncalls. */
static size_t
index_group(const struct diag_finding *f, size_t ncalls)
{
	return f->call >= 0 && (size_t)f->call < ncalls ? (size_t)f->call : ncalls;
}

/* Fills the arrows' worst findings of the index. */
static void
index_arrows(const struct model *m, const struct diag_result *r, struct diag_index *ix)
{
	size_t total = 0;
	ix->arrow_base = xcalloc(m->ncalls + 1, sizeof *ix->arrow_base);
	for (size_t c = 0; c < m->ncalls; c++) {
		ix->arrow_base[c] = total;
		total += m->calls[c].narrows;
	}
	ix->arrow_base[m->ncalls] = total;
	ix->arrow_worst = xmalloc((total + 1) * sizeof *ix->arrow_worst);
	for (size_t i = 0; i <= total; i++)
		ix->arrow_worst[i] = -1;
	for (size_t i = 0; i < r->n; i++) {
		const struct diag_finding *f = &r->f[i];
		if (index_group(f, m->ncalls) == m->ncalls || f->arrow < 0 ||
		    (size_t)f->arrow >= m->calls[f->call].narrows)
			continue;
		int32_t *w = &ix->arrow_worst[ix->arrow_base[f->call] + (size_t)f->arrow];
		if (*w < 0 || r->f[*w].severity < f->severity)
			*w = (int32_t)i;
	}
}

/* Indexes r's findings by call and by arrow of m's calls. */
void
diag_index_build(const struct model *m, struct diag_result *r)
{
	struct diag_index *ix = &r->ix;
	size_t nc = m->ncalls;
	index_free(ix);
	ix->ncalls = nc;
	ix->call_start = xcalloc(nc + 3, sizeof *ix->call_start);
	ix->order = xcalloc(r->n + 1, sizeof *ix->order);
	ix->call_worst = xmalloc(nc + 1);
	memset(ix->call_worst, -1, nc + 1);
	for (size_t i = 0; i < r->n; i++)
		ix->call_start[index_group(&r->f[i], nc) + 2]++;
	for (size_t g = 2; g < nc + 3; g++)
		ix->call_start[g] += ix->call_start[g - 1];
	for (size_t i = 0; i < r->n; i++) {
		size_t g = index_group(&r->f[i], nc);
		ix->order[ix->call_start[g + 1]++] = i;
		if (g < nc && ix->call_worst[g] < (int8_t)r->f[i].severity)
			ix->call_worst[g] = (int8_t)r->f[i].severity;
	}
	index_arrows(m, r, ix);
}

/* Returns the number of call ci's findings and their indices in *idx. */
size_t
diag_call_findings(const struct diag_result *r, long ci, const size_t **idx)
{
	const struct diag_index *ix = &r->ix;
	size_t g = ci < 0 || (size_t)ci >= ix->ncalls ? ix->ncalls : (size_t)ci;
	if (ix->call_start == NULL || (ci >= 0 && (size_t)ci >= ix->ncalls)) {
		*idx = NULL;
		return 0;
	}
	*idx = ix->order + ix->call_start[g];
	return ix->call_start[g + 1] - ix->call_start[g];
}

/* Returns the worst severity of call ci's findings, or -1. */
int
diag_call_worst(const struct diag_result *r, size_t ci)
{
	return ci < r->ix.ncalls && r->ix.call_worst != NULL ? r->ix.call_worst[ci] : -1;
}

/* Returns the worst finding on arrow ai of call ci, or NULL. */
const struct diag_finding *
diag_arrow_worst(const struct diag_result *r, size_t ci, size_t ai)
{
	const struct diag_index *ix = &r->ix;
	if (ci >= ix->ncalls || ix->arrow_base == NULL ||
	    ix->arrow_base[ci] + ai >= ix->arrow_base[ci + 1])
		return NULL;
	int32_t w = ix->arrow_worst[ix->arrow_base[ci] + ai];
	return w >= 0 ? &r->f[w] : NULL;
}

/* Finishing the findings. */

/* Orders evidence by file, then line. */
static int
ev_line_cmp(const void *a, const void *b)
{
	const struct diag_evidence *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->packet != y->packet)
		return x->packet ? 1 : -1;
	return x->cert < y->cert ? -1 : x->cert > y->cert; /* the packet before its certificates */
}

/* Orders each finding's evidence by file and line, as a reader scans them. */
static void
sort_evidence(struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].nev > 1)
			qsort(r->f[i].ev, r->f[i].nev, sizeof *r->f[i].ev, ev_line_cmp);
}

/* What the checks share: message flags, dumps, events by host, windows. */

/* Fills ctx->mflags: one pass in log order, the records read in sequence. */
static void
flag_messages(const struct model *m, struct diag_ctx *ctx)
{
	ctx->mflags = xcalloc(m->nmsgs + 1, sizeof *ctx->mflags);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		uint8_t f = 0;
		if (model_is(s, "INVITE")) {
			f |= DM_INVITE;
			if (!s->retrans && s->from_mach != s->to_mach && !s->summary_only)
				f |= DM_WIRE_INVITE;
		}
		if (s->sip->status >= 200 && s->sip->method != NULL && strcmp(s->sip->method, "INVITE") == 0)
			f |= DM_INVITE_FINAL;
		if (s->sip->q850 >= 0 && s->sip->q850 != 16)
			f |= DM_Q850;
		if (s->sip->has_sdp)
			f |= DM_SDP;
		if (s->sip->size > DIAG_CUCM_MAX_MESSAGE)
			f |= DM_LARGE;
		ctx->mflags[i] = f;
	}
}

/* Dumps. */

/* Returns the logging host a dump describes: by system name, address, then
 * role when one host only has it; -1 when none fits. */
static int
dump_host(const struct model *m, const struct xconf *x)
{
	const char *name = xconf_value(x, "SystemUnit Name");
	for (size_t h = 0; name != NULL && *name && h < m->nhosts; h++) {
		size_t hn = strcspn(m->hosts[h].name, "."), nn = strcspn(name, ".");
		if (hn == nn && strncasecmp(m->hosts[h].name, name, hn) == 0)
			return (int)h;
	}
	for (size_t i = 0; i < x->nips; i++)
		for (size_t h = 0; h < m->nhosts; h++)
			if (strcmp(x->ips[i], "127.0.0.1") != 0 && corr_host_has(m, (int)h, x->ips[i]))
				return (int)h;
	enum host_role want = xconf_is_expressway_e(x) ? ROLE_EXPRESSWAY_E
	    : xconf_is_expressway_c(x) ? ROLE_EXPRESSWAY_C : ROLE_UNKNOWN;
	int found = -1, n = 0;
	for (size_t h = 0; want != ROLE_UNKNOWN && h < m->nhosts; h++)
		if (m->hosts[h].role == want) {
			found = (int)h;
			n++;
		}
	return n == 1 ? found : -1;
}

/* Returns true when the dump name is already loaded (same name or file). */
static bool
dump_seen(const struct diag_ctx *ctx, const char *name)
{
	char *rp = realpath(name, NULL);
	bool seen = false;
	for (size_t i = 0; i < ctx->ndumps && !seen; i++) {
		if (strcmp(ctx->dumps[i].name, name) == 0) {
			seen = true;
		} else if (rp != NULL) {
			char *o = realpath(ctx->dumps[i].name, NULL);
			seen = o != NULL && strcmp(o, rp) == 0;
			free(o);
		}
	}
	free(rp);
	return seen;
}

/* Adds a parsed dump to ctx: maps it to a host and lints it. */
static void
dump_add(struct model *m, struct diag_ctx *ctx, const char *name, struct xconf *x)
{
	struct diag_dump d = {0};
	d.name = strpool_str(m->pool, name);
	d.x = x;
	d.host = dump_host(m, x);
	d.is_e = xconf_is_expressway_e(x);
	xconf_lint(x, &d.iss, &d.niss);
	VEC_PUSH(ctx->dumps, ctx->ndumps, ctx->dumpcap, d);
}

/* Returns 0 after loading the dumps named on the command line and those
 * found among the logs; -1 with err when a named one cannot be read. */
static int
load_dumps(struct model *m, struct diag_ctx *ctx, const char **paths, size_t n, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (dump_seen(ctx, paths[i]))
			continue;
		struct xconf *x = xconf_load(paths[i], err, errlen);
		if (x == NULL)
			return -1;
		dump_add(m, ctx, paths[i], x);
	}
	for (size_t i = 0; i < m->nxconfigs; i++) {
		if (dump_seen(ctx, m->xconfigs[i]))
			continue;
		struct xconf *x;
		const char *text = m->xconfig_texts != NULL ? m->xconfig_texts[i] : NULL;
		if (text != NULL)
			x = xconf_parse(m->xconfigs[i], text, strlen(text));
		else if ((x = xconf_load(m->xconfigs[i], err, errlen)) == NULL)
			return -1;
		dump_add(m, ctx, m->xconfigs[i], x);
	}
	return 0;
}

/* Events by host and time. */

/* An event's place in its host's order. */
struct ev_key {
	xw_time t;
	uint32_t idx;
};

/* Orders events by corrected time, then log order. */
static int
ev_cmp(const void *a, const void *b)
{
	const struct ev_key *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Fills host h's arrays of ctx from its n events' keys, sorting them first
 * unless the log had them in order already (the usual case). */
static void
host_events(const struct model *m, struct diag_ctx *ctx, size_t h, struct ev_key *k, size_t n)
{
	bool sorted = true;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = ev_cmp(&k[i - 1], &k[i]) < 0;
	if (!sorted)
		qsort(k, n, sizeof *k, ev_cmp);
	ctx->hev[h] = xcalloc(n + 1, sizeof *ctx->hev[h]);
	ctx->hevt[h] = xcalloc(n + 1, sizeof *ctx->hevt[h]);
	ctx->hevk[h] = xcalloc(n + 1, sizeof *ctx->hevk[h]);
	for (size_t i = 0; i < n; i++) {
		ctx->hev[h][i] = k[i].idx;
		ctx->hevt[h][i] = k[i].t;
		ctx->hevk[h][i] = (uint8_t)m->events[k[i].idx].kind;
	}
	ctx->nhev[h] = n;
}

/* Fills ctx->hev (and its times and kinds): each host's events in time order. */
static void
index_events(const struct model *m, struct diag_ctx *ctx)
{
	ctx->hev = xcalloc(m->nhosts + 1, sizeof *ctx->hev);
	ctx->hevt = xcalloc(m->nhosts + 1, sizeof *ctx->hevt);
	ctx->hevk = xcalloc(m->nhosts + 1, sizeof *ctx->hevk);
	ctx->nhev = xcalloc(m->nhosts + 1, sizeof *ctx->nhev);
	struct ev_key **keys = xcalloc(m->nhosts + 1, sizeof *keys);
	size_t *n = xcalloc(m->nhosts + 1, sizeof *n), *cap = xcalloc(m->nhosts + 1, sizeof *cap);
	for (size_t i = 0; i < m->nevents; i++) {
		uint32_t h = m->events[i].host;
		struct ev_key k = {m->events[i].ctime, (uint32_t)i};
		if (h < m->nhosts)
			VEC_PUSH(keys[h], n[h], cap[h], k);
	}
	for (size_t h = 0; h < m->nhosts; h++) {
		host_events(m, ctx, h, keys[h], n[h]);
		free(keys[h]);
	}
	free(keys);
	free(n);
	free(cap);
}

/* INVITE windows. */

/* Returns the final response host h sent to the INVITE record inv, or -1. */
static int32_t
final_sent(const struct model *m, const struct diag_ctx *ctx, const struct call *c,
    const struct sip_msg *inv)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		if (!(ctx->mflags[c->msgs[i]] & DM_INVITE_FINAL))
			continue;
		const struct sip_msg *r = &m->msgs[c->msgs[i]];
		if (r->host == inv->host && r->action == ACT_SENT && r->sip->status >= 200 &&
		    r->sip->cseq == inv->sip->cseq && r->sip->method && strcmp(r->sip->method, "INVITE") == 0 &&
		    strcmp(r->sip->call_id, inv->sip->call_id) == 0 && r->ctime >= inv->ctime)
			return (int32_t)c->msgs[i];
	}
	return -1;
}

/* Orders windows by start, then call. */
static int
win_cmp(const void *a, const void *b)
{
	const struct diag_window *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->call - y->call;
}

/* Adds a window for every initial INVITE a host received from another machine. */
static void
build_windows(const struct model *m, struct diag_ctx *ctx)
{
	size_t cap = 0;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		const struct call *c = &m->calls[ci];
		for (size_t i = 0, kept = 0; i < c->nmsgs && kept < WINDOWS_PER_CALL; i++) {
			if (!(ctx->mflags[c->msgs[i]] & DM_INVITE))
				continue;
			const struct sip_msg *s = &m->msgs[c->msgs[i]];
			if (!model_is(s, "INVITE") || s->action != ACT_RECEIVED || s->retrans ||
			    s->from_mach == s->to_mach || (s->sip->to_tag != NULL && *s->sip->to_tag))
				continue;
			struct diag_window w = {(int)ci, (int)s->host, c->msgs[i], -1, s->ctime, 0, -1,
			    XW_TIME_NONE, XW_TIME_NONE, XW_TIME_NONE};
			w.final = final_sent(m, ctx, c, s);
			w.end = w.final >= 0 ? m->msgs[w.final].ctime : s->ctime + NO_FINAL_SPAN_MS;
			VEC_PUSH(ctx->win, ctx->nwin, cap, w);
			kept++;
		}
	}
	if (ctx->nwin > 1)
		qsort(ctx->win, ctx->nwin, sizeof *ctx->win, win_cmp);
}

/* Running the table. */

/* Frees what diag_run built for the checks. */
static void
ctx_free(const struct model *m, struct diag_ctx *ctx)
{
	for (size_t i = 0; i < ctx->ndumps; i++) {
		xconf_lint_free(ctx->dumps[i].iss, ctx->dumps[i].niss);
		xconf_free(ctx->dumps[i].x);
	}
	free(ctx->dumps);
	for (size_t h = 0; ctx->hev != NULL && h < m->nhosts; h++) {
		free(ctx->hev[h]);
		free(ctx->hevt[h]);
		free(ctx->hevk[h]);
	}
	free(ctx->hev);
	free(ctx->hevt);
	free(ctx->hevk);
	free(ctx->nhev);
	free(ctx->win);
	free(ctx->ev_asked);
	free(ctx->ev_found);
	free(ctx->mflags);
	diag_tie_free(ctx);
}

/* Returns 0 after loading dumps, running every check, and sorting evidence. */
int
diag_run(struct model *m, const char **xconfigs, size_t nxconfigs, struct diag_result *r,
    char *err, size_t errlen)
{
	struct diag_ctx ctx = {0};
	if (load_dumps(m, &ctx, xconfigs, nxconfigs, err, errlen) < 0) {
		ctx_free(m, &ctx);
		return -1;
	}
	diag_phrases_init(m, &ctx);
	flag_messages(m, &ctx);
	index_events(m, &ctx);
	build_windows(m, &ctx);
	diag_tie_prepare(m, &ctx);
	const struct diag_sig *sig;
	for (size_t i = 0; (sig = diag_table(i)) != NULL; i++)
		sig->check(sig, m, r, &ctx);
	sort_evidence(r);
	diag_index_build(m, r);
	ctx_free(m, &ctx);
	return 0;
}
