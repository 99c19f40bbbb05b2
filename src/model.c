/* model.c - the model's life cycle and small shared look-ups. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"

struct model *
model_new(void)
{
	struct model *m = xcalloc(1, sizeof *m);
	m->pool = strpool_new();
	m->ref_host = -1; /* until correlation picks one */
	return m;
}

static void
free_calls(struct model *m)
{
	for (size_t i = 0; i < m->ncalls; i++) {
		struct call *c = &m->calls[i];
		free(c->call_ids);
		free(c->links);
		free(c->session_ids);
		free(c->msgs);
		free(c->events);
		free(c->arrows);
		free(c->hosts);
	}
	free(m->calls);
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfiles; i++) {
		struct log_file *f = &m->files[i];
		if (f->release != NULL)
			f->release(f);
		free(f->line_map);
		free(f->problems);
	}
	for (size_t i = 0; i < m->nhosts; i++)
		free(m->hosts[i].addrs);
	for (size_t i = 0; i < m->nmachines; i++)
		free(m->machines[i].addrs);
	for (size_t i = 0; i < m->nxconfigs; i++)
		free(m->xconfig_texts[i]);
	free_calls(m);
	free(m->xconfigs);
	free(m->xconfig_texts);
	free(m->files);
	free(m->hosts);
	free(m->machines);
	free(m->msgs);
	free(m->events);
	free(m->skew);
	free(m->skew_pairs);
	free(m->wire.copies);
	free(m->wire.pieces);
	free(m->wire.conns);
	free(m->wire.steps);
	free(m->wire.certs);
	strpool_free(m->pool);
	for (size_t i = 0; i < m->nxpools; i++)
		strpool_free(m->xpools[i]);
	free(m->xpools);
	free(m);
}

int
model_host(struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nhosts; i++)
		if (strcmp(m->hosts[i].name, name) == 0)
			return (int)i;
	struct host h = {0};
	h.name = strpool_str(m->pool, name);
	h.machine = -1;
	VEC_PUSH(m->hosts, m->nhosts, m->hostcap, h);
	return (int)m->nhosts - 1;
}

void
model_host_addr(struct model *m, int hi, const char *ip)
{
	struct host *h = &m->hosts[hi];
	if (ip == NULL)
		return;
	for (size_t i = 0; i < h->naddrs; i++)
		if (strcmp(h->addrs[i], ip) == 0)
			return;
	VEC_PUSH(h->addrs, h->naddrs, h->addrcap, ip);
}

void
model_problem(struct model *m, struct log_file *f, uint32_t line, bool recovered,
    const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	struct log_problem p = {line, recovered, strpool_str(m->pool, buf)};
	VEC_PUSH(f->problems, f->nproblems, f->problemcap, p);
}

/* Returns true when the call holds Call-ID id (exactly, or as a prefix). */
static bool
call_has_id(const struct call *c, const char *id, bool prefix)
{
	size_t n = strlen(id);
	for (size_t i = 0; i < c->ncall_ids; i++)
		if (prefix ? strncmp(c->call_ids[i], id, n) == 0 : strcmp(c->call_ids[i], id) == 0)
			return true;
	return false;
}

/* Returns the call numbered by the digits of spec, or NULL with err saying
 * which numbers there are. */
static struct call *
call_by_number(struct model *m, const char *spec, char *err, size_t errlen)
{
	unsigned long n = strlen(spec) <= 9 ? strtoul(spec, NULL, 10) : 0;
	uint32_t lo = 0, hi = 0;
	for (size_t i = 0; i < m->ncalls; i++) {
		if (n != 0 && m->calls[i].number == n)
			return &m->calls[i];
		lo = lo == 0 || m->calls[i].number < lo ? m->calls[i].number : lo;
		hi = m->calls[i].number > hi ? m->calls[i].number : hi;
	}
	if (m->ncalls == 0)
		snprintf(err, errlen, "no call %s: the input holds no call", spec);
	else if (lo == hi)
		snprintf(err, errlen, "no call %s: the only call is %u", spec, lo);
	else
		snprintf(err, errlen, "no call %s: calls are %u-%u", spec, lo, hi);
	return NULL;
}

/* Returns nothing; writes that spec is a prefix of several calls' Call-IDs,
 * naming the first few, into err. */
static void
ambiguous(const struct model *m, const char *spec, char *err, size_t errlen)
{
	size_t n = strlen(spec), k = 0;
	int w = snprintf(err, errlen, "'%s' starts the Call-ID of more than one call:", spec);
	for (size_t i = 0; i < m->ncalls && w > 0 && (size_t)w < errlen; i++) {
		const struct call *c = &m->calls[i];
		for (size_t j = 0; j < c->ncall_ids; j++)
			if (strncmp(c->call_ids[j], spec, n) == 0) {
				if (k < 5)
					w += snprintf(err + w, errlen - (size_t)w, "%s call %u (%.60s)",
					    k > 0 ? "," : "", c->number, c->call_ids[j]);
				else if (k == 5)
					w += snprintf(err + w, errlen - (size_t)w, ", ...");
				k++;
				break;
			}
	}
	if (w > 0 && (size_t)w < errlen)
		snprintf(err + w, errlen - (size_t)w, "; give more of the Call-ID");
}

struct call *
model_find_call(struct model *m, const char *spec, char *err, size_t errlen)
{
	if (*spec != '\0' && strspn(spec, "0123456789") == strlen(spec))
		return call_by_number(m, spec, err, errlen);
	for (size_t i = 0; i < m->ncalls; i++)
		if (call_has_id(&m->calls[i], spec, false))
			return &m->calls[i];
	struct call *found = NULL;
	int count = 0;
	if (strlen(spec) >= MODEL_CALL_PREFIX)
		for (size_t i = 0; i < m->ncalls; i++)
			if (call_has_id(&m->calls[i], spec, true)) {
				found = &m->calls[i];
				count++;
			}
	if (count == 1)
		return found;
	if (count > 1)
		ambiguous(m, spec, err, errlen);
	else if (strlen(spec) < MODEL_CALL_PREFIX)
		snprintf(err, errlen, "no call '%s' (give a number from list, a Call-ID, or at least "
		    "%d characters of one)", spec, MODEL_CALL_PREFIX);
	else
		snprintf(err, errlen, "no call '%s' (give a number from list, a Call-ID or a unique "
		    "prefix of one)", spec);
	return NULL;
}

static const struct model_role model_roles[ROLE_COUNT] = {
	[ROLE_UNKNOWN] = {"unknown", "unknown", '?', "host of unknown role"},
	[ROLE_EXPRESSWAY_C] = {"expressway-c", "c", 'C', "Expressway-C"},
	[ROLE_EXPRESSWAY_E] = {"expressway-e", "e", 'E', "Expressway-E"},
	[ROLE_CUCM] = {"cucm", "cucm", 'U', "Unified CM"},
	[ROLE_CAPTURE] = {"capture", "capture", 'P', "capture point"},
};

static const struct model_kind model_kinds[MACH_COUNT] = {
	[MACH_EXPRESSWAY] = {"expressway", "Expressway"},
	[MACH_WEBEX] = {"webex", "Webex"},
	[MACH_CUCM] = {"cucm", "Unified CM"},
	[MACH_ENDPOINT] = {"endpoint", "endpoint"},
	[MACH_EXPRESSWAY_PEER] = {"expressway-peer", "Expressway (log not read)"},
	[MACH_CUBE] = {"cube", "Cisco Unified Border Element"},
	[MACH_SKYPE] = {"skype", "Skype for Business / Lync"},
};

const struct model_role *
model_role(enum host_role r)
{
	return &model_roles[(unsigned)r < ROLE_COUNT ? r : ROLE_UNKNOWN];
}

int
model_role_by_flag(const char *name)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcasecmp(model_roles[r].flag, name) == 0)
			return r;
	return -1;
}

const char *
model_role_name(enum host_role r)
{
	return model_role(r)->name;
}

const struct model_kind *
model_kind(enum machine_kind k)
{
	return &model_kinds[(unsigned)k < MACH_COUNT ? k : MACH_ENDPOINT];
}

const char *
model_kind_name(enum machine_kind k)
{
	return model_kind(k)->name;
}

bool
model_call_has_host(const struct call *c, size_t h)
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (c->hosts[i] == h)
			return true;
	return false;
}

char *
model_call_hosts(const struct model *m, const struct call *c, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->nhosts && n + 3 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%c", n ? "," : "",
		    model_role(m->hosts[c->hosts[i]].role)->letter);
	return buf;
}

/* Splits t into a struct tm (UTC) and milliseconds. */
static void
split_time(xw_time t, struct tm *tm, int *ms)
{
	int64_t s = t / 1000;
	*ms = (int)(t % 1000);
	if (*ms < 0) {
		*ms += 1000;
		s--;
	}
	time_t tt = (time_t)s;
	gmtime_r(&tt, tm);
}

/* Writes v as exactly w decimal digits (v < 10^w) at p. */
static void
put_digits(char *p, unsigned v, int w)
{
	while (w-- > 0) {
		p[w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Returns true after writing t as model_time_iso does, for the years 0 to
 * 9999 that printf would write in four digits: by the civil-from-days
 * arithmetic of the proleptic Gregorian calendar, which gmtime follows, as
 * listings format two times per call. */
static bool
fast_iso(xw_time t, char *buf, size_t size)
{
	int64_t s = t / 1000, ms = t % 1000;
	if (ms < 0) {
		ms += 1000;
		s--;
	}
	int64_t days = s / 86400, sec = s % 86400;
	if (sec < 0) {
		sec += 86400;
		days--;
	}
	if (size < 25 || days < -719468 || days > 2932896) /* 0000-03-01 .. 9999-12-31 */
		return false;
	int64_t z = days + 719468; /* days since 0000-03-01 */
	unsigned era = (unsigned)(z / 146097), doe = (unsigned)(z % 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned day = doy - (153 * mp + 2) / 5 + 1, mon = mp < 10 ? mp + 3 : mp - 9;
	unsigned year = yoe + era * 400 + (mon <= 2);
	memcpy(buf, "0000-00-00T00:00:00.000Z", 25);
	put_digits(buf, year, 4);
	put_digits(buf + 5, mon, 2);
	put_digits(buf + 8, day, 2);
	put_digits(buf + 11, (unsigned)(sec / 3600), 2);
	put_digits(buf + 14, (unsigned)(sec / 60 % 60), 2);
	put_digits(buf + 17, (unsigned)(sec % 60), 2);
	put_digits(buf + 20, (unsigned)ms, 3);
	return true;
}

char *
model_time_iso(xw_time t, char *buf, size_t size)
{
	struct tm tm;
	int ms;
	if (t == XW_TIME_NONE) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (fast_iso(t, buf, size))
		return buf;
	split_time(t, &tm, &ms);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}

char *
model_time_short(xw_time t, char *buf, size_t size)
{
	struct tm tm;
	int ms;
	if (t == XW_TIME_NONE) {
		snprintf(buf, size, "?");
		return buf;
	}
	split_time(t, &tm, &ms);
	snprintf(buf, size, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}

/* Returns the varint at *p (see struct log_event) and moves *p past it. */
static size_t
varint(const uint8_t **p)
{
	size_t v = 0;
	for (int shift = 0;; shift += 7) {
		uint8_t b = *(*p)++;
		v |= (size_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
}

const char *
model_event_value(const struct log_event *e, const char *key, size_t *len)
{
	const uint8_t *p = (const uint8_t *)e->text + e->kvat;
	size_t kl = strlen(key), at = 0;
	for (size_t i = 0; i < e->nkv; i++) {
		size_t k = at + varint(&p), n2 = varint(&p), n = n2 >> 1;
		size_t skip = n2 & 1 ? varint(&p) : 0, vn = varint(&p);
		if (n == kl && memcmp(e->text + k, key, kl) == 0) {
			*len = vn;
			return e->text + k + n + 2 + skip;
		}
		at = k + n;
	}
	return NULL;
}

bool
model_is(const struct sip_msg *s, const char *meth)
{
	return s->sip->is_request && s->sip->method != NULL && strcmp(s->sip->method, meth) == 0;
}

const struct sip_msg *
model_wire_copy(const struct model *m, uint32_t msg)
{
	size_t lo = 0, hi = m->wire.ncopies;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uint32_t)m->wire.copies[mid].twin < msg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->wire.ncopies && (uint32_t)m->wire.copies[lo].twin == msg ? &m->wire.copies[lo]
	    : NULL;
}

const char *
model_machine_label(const struct model *m, int machine, char *buf, size_t size)
{
	if (machine < 0 || (size_t)machine >= m->nmachines) {
		snprintf(buf, size, "?");
		return buf;
	}
	const struct machine *mc = &m->machines[machine];
	char tag[8] = "";
	if (mc->kind == MACH_EXPRESSWAY && mc->host >= 0 && m->hosts[mc->host].role != ROLE_UNKNOWN)
		snprintf(tag, sizeof tag, " (%c)", model_role(m->hosts[mc->host].role)->letter);
	snprintf(buf, size, "%s%s", mc->name, tag);
	return buf;
}

/* Returns the step's time on the reference clock (see model.h). */
xw_time
model_step_ctime(const struct model *m, const struct wire_conn *c, const struct wire_step *st)
{
	return st->time - (m->skew != NULL && c->host < m->nhosts ? m->skew[c->host] : 0);
}

/* Returns the first machine seen with address ip, or -1. */
int
model_machine_at(const struct model *m, const char *ip)
{
	for (size_t i = 0; ip != NULL && i < m->nmachines; i++)
		for (size_t a = 0; a < m->machines[i].naddrs; a++)
			if (strcmp(m->machines[i].addrs[a], ip) == 0)
				return (int)i;
	return -1;
}
