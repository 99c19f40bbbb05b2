/* corr_wire.c - packet captures tied to the logs, before anything else is
 * correlated (corr_build calls corr_wire first).
 *
 * A capture's reader makes its capture point a host named by its address.
 * When a host whose log was read owns that address (the Expressway-E's
 * capture sees 172.16.2.2, the address its log gives as Local-ip), the
 * capture point is that host: its records and connections become the
 * host's, and the capture's host goes. A message the host both logged and
 * captured is then one message: the captured copy leaves m->msgs for
 * m->wire.copies, tied to the log's record (model_wire_copy). The times of
 * the pairs give the capture's clock against the log's (their median
 * difference); the capture's other records, steps and certificates are
 * put on the log's clock, so the skew estimate between hosts (corr.c)
 * covers them like the log's own. A capture no log host owns stays a host
 * of its own, paired with the others by corr_twins like any host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr.h"
#include "log_format.h"

#define WIRE_WINDOW_MS 120000 /* a log's copy and the capture's are never further apart */
#define CLOCK_NOTE_MS 50      /* a capture clock further off than this is noted on it */

/* Returns true when file fi is a capture. */
static bool
captured_file(const struct model *m, uint32_t fi)
{
	return fi < m->nfiles && m->files[fi].fmt != NULL && m->files[fi].fmt->counts_packets;
}

/* Returns true when the event gives ip as host h's own address: the local
 * end of a TLS handshake (developer.ssl) or of a TLS negotiation Event. */
static bool
event_local(const struct log_event *e, const char *ip)
{
	size_t n, il = strlen(ip);
	const char *v = NULL;
	if (e->kind == EV_SSL)
		v = model_event_value(e, "ssl.local.ip", &n);
	else if (e->kind == EV_EVENT && e->name != NULL && strncasecmp(e->name, "Inbound", 7) == 0)
		v = model_event_value(e, "Dst-ip", &n);
	else if (e->kind == EV_EVENT && e->name != NULL && strncasecmp(e->name, "Outbound", 8) == 0)
		v = model_event_value(e, "Src-ip", &n);
	return v != NULL && n == il && memcmp(v, ip, n) == 0;
}

/* Returns the host whose log was read that owns one of capture host p's
 * addresses, or -1. */
static int
owner(const struct model *m, int p, const bool *logged)
{
	const struct host *hp = &m->hosts[p];
	for (size_t a = 0; a < hp->naddrs; a++) {
		for (size_t h = 0; h < m->nhosts; h++)
			if (logged[h] && corr_host_has(m, (int)h, hp->addrs[a]) &&
			    strcmp(hp->addrs[a], "127.0.0.1") != 0 && strcmp(hp->addrs[a], "::1") != 0)
				return (int)h;
		for (size_t i = 0; i < m->nevents; i++)
			if (logged[m->events[i].host] && event_local(&m->events[i], hp->addrs[a]))
				return (int)m->events[i].host;
	}
	return -1;
}

/* Returns per host the host its capture is (itself when none), and whether
 * any capture host was found to be a logged one. */
static int *
identify(struct model *m, bool *any)
{
	bool *logged = xcalloc(m->nhosts + 1, 1), *captured = xcalloc(m->nhosts + 1, 1);
	int *to = xcalloc(m->nhosts + 1, sizeof *to);
	for (size_t i = 0; i < m->nmsgs; i++)
		(captured_file(m, m->msgs[i].file) ? captured : logged)[m->msgs[i].host] = true;
	for (size_t i = 0; i < m->nfiles; i++)
		if (m->files[i].host_idx >= 0)
			(captured_file(m, (uint32_t)i) ? captured : logged)[m->files[i].host_idx] = true;
	for (size_t i = 0; i < m->nevents; i++)
		logged[m->events[i].host] = true;
	*any = false;
	for (size_t h = 0; h < m->nhosts; h++) {
		to[h] = (int)h;
		int o = captured[h] && !logged[h] ? owner(m, (int)h, logged) : -1;
		if (o >= 0) {
			to[h] = o;
			*any = true;
		}
	}
	free(logged);
	free(captured);
	return to;
}

/* A record as the merge sorts them. */
struct wcand {
	uint64_t key;
	xw_time t;
	uint32_t idx;
	bool wire;
};

/* Returns the order of two candidates: key, logs before captures, time, index. */
static int
wcand_cmp(const void *a, const void *b)
{
	const struct wcand *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->wire != y->wire)
		return x->wire ? 1 : -1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Returns the key of a record: its host, direction and what names the
 * message (Call-ID, CSeq, method, status, From tag, top Via branch). */
static uint64_t
wire_key(const struct sip_msg *s)
{
	const struct sip_fields *f = s->sip;
	struct sbuf b = {0};
	sbuf_printf(&b, "%u|%d|%s|%u|%s|%d|%d|%s|%s", s->host, (int)s->action,
	    f->call_id ? f->call_id : "", f->cseq, f->method ? f->method : "", f->status,
	    f->is_request, f->from_tag ? f->from_tag : "",
	    f->nvias > 0 && f->vias[0].branch ? f->vias[0].branch : "");
	uint64_t k = xhash(b.s, b.len);
	sbuf_free(&b);
	return k;
}

/* Pairs the log records and the captured ones of one key (c, n; logs
 * first, each in time order): each log record takes the nearest capture
 * record in time not taken. Sets merged[wire] = log index + 1. */
static void
pair_key(const struct model *m, const struct wcand *c, size_t n, uint32_t *merged)
{
	size_t nl = 0;
	while (nl < n && !c[nl].wire)
		nl++;
	for (size_t i = 0, w = nl; i < nl && w < n; i++) {
		while (w < n && c[w].t < c[i].t - WIRE_WINDOW_MS)
			w++;
		if (w >= n || c[w].t > c[i].t + WIRE_WINDOW_MS)
			continue;
		/* the next log copy may be nearer to this capture copy (retransmissions) */
		if (i + 1 < nl && llabs(c[i + 1].t - c[w].t) < llabs(c[i].t - c[w].t))
			continue;
		merged[c[w].idx] = c[i].idx + 1;
		w++;
	}
	(void)m;
}

/* Returns per record the log record a captured one is a copy of (+ 1; 0
 * for the others). */
static uint32_t *
find_copies(const struct model *m)
{
	struct wcand *c = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (s->summary_only)
			continue;
		struct wcand x = {wire_key(s), s->time, (uint32_t)i, captured_file(m, s->file)};
		VEC_PUSH(c, n, cap, x);
	}
	if (n > 1)
		qsort(c, n, sizeof *c, wcand_cmp);
	uint32_t *merged = xcalloc(m->nmsgs + 1, sizeof *merged);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && c[j].key == c[i].key; j++)
			;
		pair_key(m, c + i, j - i, merged);
	}
	free(c);
	return merged;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Returns nothing; puts capture file fi's times on its host's log clock,
 * from the median difference of its copies (merged) to the log's records,
 * and notes a clock further off than CLOCK_NOTE_MS on the file. */
static void
clock_file(struct model *m, uint32_t fi, const uint32_t *merged)
{
	int64_t *d = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < m->nmsgs; i++)
		if (merged[i] && m->msgs[i].file == fi) {
			int64_t x = m->msgs[i].time - m->msgs[merged[i] - 1].time;
			VEC_PUSH(d, n, cap, x);
		}
	if (n == 0)
		return;
	qsort(d, n, sizeof *d, i64_cmp);
	int64_t off = d[n / 2];
	free(d);
	for (size_t i = 0; i < m->nmsgs; i++)
		if (m->msgs[i].file == fi)
			m->msgs[i].time = m->msgs[i].ctime = m->msgs[i].time - off;
	for (size_t i = 0; i < m->wire.nconns; i++) {
		struct wire_conn *c = &m->wire.conns[i];
		if (c->file != fi)
			continue;
		c->first -= off, c->last -= off;
		for (uint32_t k = 0; k < c->nsteps; k++)
			m->wire.steps[c->step + k].time -= off;
	}
	for (size_t i = 0; i < m->wire.ncerts; i++) {
		struct wire_cert *c = &m->wire.certs[i];
		if (c->conn >= 0 && m->wire.conns[c->conn].file == fi)
			c->time -= off;
	}
	if (llabs(off) >= CLOCK_NOTE_MS)
		model_problem(m, &m->files[fi], 1, true, "the capture's clock is %lld ms %s the log "
		    "of %s (from %zu messages in both); its times are put on the log's clock",
		    (long long)llabs(off), off > 0 ? "ahead of" : "behind",
		    m->files[fi].host ? m->files[fi].host : "its host", n);
}

/* Returns nothing; takes the captured copies out of m->msgs into
 * m->wire.copies, each tied to its log record's new index. */
static void
take_copies(struct model *m, const uint32_t *merged)
{
	uint32_t *to = xcalloc(m->nmsgs + 1, sizeof *to);
	size_t k = 0;
	for (size_t i = 0; i < m->nmsgs; i++)
		if (!merged[i])
			to[i] = (uint32_t)k++;
	for (size_t i = 0; i < m->nmsgs; i++) {
		if (!merged[i])
			continue;
		struct sip_msg c = m->msgs[i];
		c.twin = (int32_t)to[merged[i] - 1];
		VEC_PUSH(m->wire.copies, m->wire.ncopies, m->wire.copycap, c);
	}
	for (size_t i = 0, j = 0; i < m->nmsgs; i++)
		if (!merged[i])
			m->msgs[j++] = m->msgs[i];
	m->nmsgs = k;
	free(to);
	/* in the order of their log records: stable, by insertion, as few are out of order */
	for (size_t i = 1; i < m->wire.ncopies; i++) {
		struct sip_msg c = m->wire.copies[i];
		size_t j = i;
		while (j > 0 && m->wire.copies[j - 1].twin > c.twin) {
			m->wire.copies[j] = m->wire.copies[j - 1];
			j--;
		}
		m->wire.copies[j] = c;
	}
}

/* Returns nothing; makes every record, connection and file of a capture
 * host that is a logged host (to[h] != h) the logged host's, and drops the
 * capture hosts that are left with nothing. */
static void
rehome(struct model *m, const int *to)
{
	int *nw = xcalloc(m->nhosts + 1, sizeof *nw);
	size_t k = 0;
	for (size_t h = 0; h < m->nhosts; h++) {
		for (size_t a = 0; to[h] != (int)h && a < m->hosts[h].naddrs; a++)
			model_host_addr(m, to[h], m->hosts[h].addrs[a]);
		nw[h] = to[h] == (int)h ? (int)k++ : -1;
	}
	for (size_t h = 0; h < m->nhosts; h++)
		if (nw[h] < 0)
			nw[h] = nw[to[h]];
	for (size_t i = 0; i < m->nmsgs; i++)
		m->msgs[i].host = (uint32_t)nw[m->msgs[i].host];
	for (size_t i = 0; i < m->nevents; i++)
		m->events[i].host = (uint32_t)nw[m->events[i].host];
	for (size_t i = 0; i < m->wire.nconns; i++)
		m->wire.conns[i].host = (uint32_t)nw[m->wire.conns[i].host];
	for (size_t i = 0; i < m->nfiles; i++)
		if (m->files[i].host_idx >= 0)
			m->files[i].host_idx = nw[m->files[i].host_idx];
	for (size_t h = 0, j = 0; h < m->nhosts; h++) {
		if (to[h] != (int)h) {
			free(m->hosts[h].addrs);
			continue;
		}
		m->hosts[j++] = m->hosts[h];
	}
	m->nhosts = k;
	for (size_t i = 0; i < m->nfiles; i++)
		if (m->files[i].host_idx >= 0)
			m->files[i].host = m->hosts[m->files[i].host_idx].name;
	free(nw);
}

void
corr_wire(struct model *m)
{
	bool any;
	int *to = identify(m, &any);
	if (!any) {
		free(to);
		return;
	}
	rehome(m, to);
	free(to);
	uint32_t *merged = find_copies(m);
	for (size_t fi = 0; fi < m->nfiles; fi++)
		if (captured_file(m, (uint32_t)fi))
			clock_file(m, (uint32_t)fi, merged);
	take_copies(m, merged);
	free(merged);
}
