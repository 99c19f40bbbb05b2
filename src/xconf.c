/* xconf.c - parse xConfiguration dumps into settings, zones and rules, and
 * answer queries about them. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xconf.h"
#include "xmem.h"

#define MAX_LINE     65536u     /* longer lines cannot be settings */
#define MAX_KEY      1024u
#define MAX_VALUE    8192u
#define MAX_NUM      1000000ul  /* zone, rule and domain numbers */
#define MAX_PROBLEMS 10000u
#define MAX_FILE     (512ul << 20)
#define WRAP_LOOKAHEAD 3        /* lines searched for the rest of a wrapped value */

struct xconf_index {
	size_t *slot; /* setting index + 1; 0 is an empty slot */
	size_t cap;   /* a power of two */
};

/* A cursor over the lines of the text. */
struct lines {
	const char *t;
	size_t n, pos;
	uint32_t no;
};

/* A setting that belongs to a numbered object (zone, rule, domain). */
struct numref {
	unsigned long num;
	size_t idx;
	const char *rest; /* the key after the number */
};

/* Returns true and sets *s and *len to the next line (without '\n'), or
 * false at the end of the text. */
static bool
lines_next(struct lines *l, const char **s, size_t *len)
{
	if (l->pos >= l->n)
		return false;
	const char *p = l->t + l->pos;
	const char *nl = memchr(p, '\n', l->n - l->pos);
	size_t k = nl != NULL ? (size_t)(nl - p) : l->n - l->pos;
	*s = p;
	*len = k;
	l->pos += k + (nl != NULL);
	l->no++;
	return true;
}

/* Returns nothing; records a problem unless there are already too many. */
static void
add_problem(struct xconf *x, uint32_t line, bool recovered, const char *reason)
{
	if (x->nproblems >= MAX_PROBLEMS)
		return;
	struct xconf_problem p = {line, recovered, reason};
	VEC_PUSH(x->problems, x->nproblems, x->problemcap, p);
}

/* Returns false when the line is too long to be a setting; otherwise copies
 * it into b without NUL bytes and trailing blanks (CR included) and sets
 * *had_nul when NULs were dropped. */
static bool
clean_line(const char *s, size_t n, struct sbuf *b, bool *had_nul)
{
	b->len = 0;
	sbuf_add(b, "", 0);
	*had_nul = false;
	if (n > MAX_LINE)
		return false;
	size_t i = 0;
	while (i < n) {
		const char *z = memchr(s + i, '\0', n - i);
		size_t k = z != NULL ? (size_t)(z - (s + i)) : n - i;
		sbuf_add(b, s + i, k);
		i += k;
		if (z != NULL) {
			*had_nul = true;
			i++;
		}
	}
	while (b->len > 0 && isspace((unsigned char)b->s[b->len - 1]))
		b->s[--b->len] = '\0';
	return true;
}

/* Returns a pointer just after "xConfiguration " in s, or NULL when s is
 * not a setting line. A leading "*c" is optional and a prefix (a timestamp
 * from a log, a quote mark from a mail) is skipped when "*c " marks it. */
static const char *
find_setting(const char *s)
{
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '*' && (p[1] == 'c' || p[1] == 'C') && (p[2] == ' ' || p[2] == '\t')) {
		p += 2;
	} else if (strncasecmp(p, "xConfiguration", 14) != 0) {
		const char *q = strstr(s, "*c xConfiguration");
		if (q == NULL)
			return NULL;
		p = q + 2;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "xConfiguration", 14) != 0 || (p[14] != ' ' && p[14] != '\t'))
		return NULL;
	return p + 15;
}

/* Returns nothing; puts the n bytes of key at p into b with blank runs
 * folded to one space and no blanks at either end. */
static void
fold_key(struct sbuf *b, const char *p, size_t n)
{
	b->len = 0;
	sbuf_add(b, "", 0);
	bool blank = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t') {
			blank = b->len > 0;
			continue;
		}
		if (blank)
			sbuf_add(b, " ", 1);
		blank = false;
		sbuf_add(b, p + i, 1);
	}
}

/* Returns true when a later line (within a few, blank lines skipped) holds
 * the rest of a value whose closing quote is missing; appends it to out and
 * moves l past it. Mail clients and PDF text wrap long values like that. */
static bool
join_wrapped(struct lines *l, struct sbuf *out)
{
	struct lines peek = *l;
	struct sbuf b = {0};
	const char *s;
	size_t n;
	bool ok = false, nul;
	for (int i = 0; i < WRAP_LOOKAHEAD && lines_next(&peek, &s, &n); i++) {
		if (!clean_line(s, n, &b, &nul))
			break;
		const char *t = b.s;
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t == '\0')
			continue;
		size_t tl = strlen(t);
		if (*t == '*' || strcasestr(t, "xConfiguration") != NULL || t[tl - 1] != '"' ||
		    memchr(t, '"', tl - 1) != NULL)
			break;
		sbuf_add(out, t, tl - 1);
		*l = peek;
		ok = true;
		break;
	}
	sbuf_free(&b);
	return ok;
}

/* Returns nothing; puts the value that starts at v (just after the colon)
 * into out: the text between the first and the last quote, or the bare text
 * when unquoted. A missing closing quote is repaired and recorded. */
static void
parse_value(struct xconf *x, struct lines *l, const char *v, uint32_t no, struct sbuf *out)
{
	out->len = 0;
	sbuf_add(out, "", 0);
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v != '"') {
		sbuf_puts(out, v);
	} else {
		const char *close = strrchr(++v, '"');
		if (close != NULL) {
			sbuf_add(out, v, (size_t)(close - v));
		} else {
			sbuf_puts(out, v);
			if (join_wrapped(l, out))
				add_problem(x, no, true, "value wrapped onto a later line; joined");
			else
				add_problem(x, no, true, "missing closing quote; value taken to the end of the line");
		}
	}
	if (out->len > MAX_VALUE) {
		out->len = MAX_VALUE;
		out->s[out->len] = '\0';
		add_problem(x, no, true, "value too long; cut");
	}
}

/* Returns nothing; adds the setting on one cleaned line, if it is one. */
static void
parse_line(struct xconf *x, struct lines *l, const char *s, uint32_t no,
    struct sbuf *key, struct sbuf *val)
{
	const char *p = find_setting(s);
	if (p == NULL)
		return;
	const char *colon = strchr(p, ':');
	if (colon == NULL) {
		add_problem(x, no, false, "setting without a colon; ignored");
		return;
	}
	fold_key(key, p, (size_t)(colon - p));
	if (key->len == 0 || key->len > MAX_KEY) {
		add_problem(x, no, false, key->len ? "key too long; ignored" : "empty key; ignored");
		return;
	}
	parse_value(x, l, colon + 1, no, val);
	struct xconf_setting st = {
		strpool_intern(x->pool, key->s, key->len),
		strpool_intern(x->pool, val->s, val->len),
		no,
	};
	VEC_PUSH(x->settings, x->nsettings, x->settingcap, st);
}

/* Returns the start of the second "*c xConfiguration" statement of the
 * cleaned line s, or NULL when it holds one at most. */
static char *
next_statement(char *s)
{
	char *p = strcasestr(s, "*c xConfiguration");
	return p != NULL ? strcasestr(p + 2, "*c xConfiguration") : NULL;
}

/* Returns nothing; adds the settings of one cleaned line: several when a
 * paste ran lines together ("*c xConfiguration A: "1" *c xConfiguration B:
 * "2""), each read on its own, noted once per dump. */
static void
parse_statements(struct xconf *x, struct lines *l, char *s, uint32_t no, struct sbuf *key,
    struct sbuf *val, bool *noted)
{
	char *nx = next_statement(s);
	if (nx != NULL && !*noted) {
		add_problem(x, no, true, "several settings on one line (lines run together): "
		    "read one by one");
		*noted = true;
	}
	struct sbuf seg = {0};
	while (nx != NULL) {
		char *e = nx;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		seg.len = 0;
		sbuf_add(&seg, s, (size_t)(e - s));
		parse_line(x, l, seg.s, no, key, val);
		s = nx;
		nx = next_statement(s);
	}
	sbuf_free(&seg);
	parse_line(x, l, s, no, key, val);
}

/* Returns nothing; reads every line of the text into x->settings. */
static void
parse_text(struct xconf *x, const char *text, size_t n)
{
	struct lines l = {text, n, 0, 0};
	struct sbuf line = {0}, key = {0}, val = {0};
	const char *s;
	size_t len;
	bool nul, noted = false;
	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		l.pos = 3; /* UTF-8 byte order mark */
	while (lines_next(&l, &s, &len)) {
		uint32_t no = l.no;
		if (!clean_line(s, len, &line, &nul)) {
			add_problem(x, no, false, "line too long; ignored");
			continue;
		}
		if (nul && find_setting(line.s) != NULL)
			add_problem(x, no, true, "NUL bytes dropped");
		parse_statements(x, &l, line.s, no, &key, &val, &noted);
	}
	x->nlines = l.no;
	sbuf_free(&line);
	sbuf_free(&key);
	sbuf_free(&val);
}

/* Returns a hash of the key that ignores case. */
static uint64_t
key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ull;
	for (; *k; k++) {
		h ^= (unsigned char)tolower((unsigned char)*k);
		h *= 1099511628211ull;
	}
	return h;
}

/* Returns nothing; builds the key lookup table over x->settings. */
static void
index_build(struct xconf *x)
{
	struct xconf_index *ix = xcalloc(1, sizeof *ix);
	ix->cap = 16;
	while (ix->cap < x->nsettings * 2)
		ix->cap *= 2;
	ix->slot = xcalloc(ix->cap, sizeof *ix->slot);
	for (size_t i = 0; i < x->nsettings; i++) {
		size_t h = (size_t)key_hash(x->settings[i].key) & (ix->cap - 1);
		while (ix->slot[h] != 0 &&
		    strcasecmp(x->settings[ix->slot[h] - 1].key, x->settings[i].key) != 0)
			h = (h + 1) & (ix->cap - 1);
		ix->slot[h] = i + 1; /* a repeated key: the last one wins */
	}
	x->index = ix;
}

/* Returns the last setting with this key (any case, blanks folded), or NULL. */
const struct xconf_setting *
xconf_at_line(const struct xconf *x, uint32_t line)
{
	size_t lo = 0, hi = x->nsettings; /* settings are in file order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->settings[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nsettings && x->settings[lo].line == line ? &x->settings[lo] : NULL;
}

const struct xconf_setting *
xconf_get(const struct xconf *x, const char *key)
{
	if (x == NULL || key == NULL || x->index == NULL)
		return NULL;
	struct sbuf b = {0};
	fold_key(&b, key, strlen(key));
	const struct xconf_index *ix = x->index;
	size_t h = (size_t)key_hash(b.s) & (ix->cap - 1);
	const struct xconf_setting *found = NULL;
	while (ix->slot[h] != 0) {
		const struct xconf_setting *st = &x->settings[ix->slot[h] - 1];
		if (strcasecmp(st->key, b.s) == 0) {
			found = st;
			break;
		}
		h = (h + 1) & (ix->cap - 1);
	}
	sbuf_free(&b);
	return found;
}

/* Returns the value of key, or NULL. */
const char *
xconf_value(const struct xconf *x, const char *key)
{
	const struct xconf_setting *st = xconf_get(x, key);
	return st != NULL ? st->value : NULL;
}

/* Returns true when a and b are equal ignoring case and blanks. */
static bool
val_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++, b++;
	}
}

/* Returns true when s is On. */
bool
xconf_is_on(const char *s)
{
	return val_eq(s, "On");
}

/* Returns true when s is Off. */
bool
xconf_is_off(const char *s)
{
	return val_eq(s, "Off");
}

/* Returns the number that follows prefix at the start of key (setting
 * *rest to the text after it and its space), or -1 when key does not start
 * with prefix, a number in range and a space. */
static long
key_num(const char *key, const char *prefix, const char **rest)
{
	size_t pl = strlen(prefix);
	if (strncasecmp(key, prefix, pl) != 0 || !isdigit((unsigned char)key[pl]))
		return -1;
	const char *p = key + pl;
	unsigned long v = 0;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v > MAX_NUM)
			return -1;
	}
	if (*p != ' ' || p[1] == '\0')
		return -1;
	*rest = p + 1;
	return (long)v;
}

/* Returns <0, 0, >0 as a sorts before, with or after b: by number, then
 * by file order. */
static int
numref_cmp(const void *a, const void *b)
{
	const struct numref *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Returns the value of setting idx as an xconf_val. */
static struct xconf_val
val_of(const struct xconf *x, size_t idx)
{
	struct xconf_val v = {x->settings[idx].value, x->settings[idx].line};
	return v;
}

static const struct {
	const char *name;
	enum xconf_zone_type type;
} zone_types[] = {
	{"DNS", XCONF_ZONE_DNS},
	{"TraversalServer", XCONF_ZONE_TRAVERSAL_SERVER},
	{"TraversalClient", XCONF_ZONE_TRAVERSAL_CLIENT},
	{"Neighbor", XCONF_ZONE_NEIGHBOR},
	{"Webex", XCONF_ZONE_WEBEX},
	{"ENUM", XCONF_ZONE_ENUM},
	{"Local", XCONF_ZONE_LOCAL},
};

/* Returns the static name of zone type t. */
const char *
xconf_zone_type_name(enum xconf_zone_type t)
{
	for (size_t i = 0; i < sizeof zone_types / sizeof zone_types[0]; i++)
		if (zone_types[i].type == t)
			return zone_types[i].name;
	return "Other";
}

/* Returns the zone type a Type value names. */
static enum xconf_zone_type
zone_type_of(const char *s)
{
	for (size_t i = 0; i < sizeof zone_types / sizeof zone_types[0]; i++)
		if (val_eq(s, zone_types[i].name))
			return zone_types[i].type;
	if (val_eq(s, "LocalZone"))
		return XCONF_ZONE_LOCAL;
	return XCONF_ZONE_OTHER;
}

/* The type-prefixed zone settings the typed fields take. */
static const struct {
	const char *sub;
	size_t off;
} zone_fields[] = {
	{"SIP TLS Verify Mode", offsetof(struct xconf_zone, tls_verify_mode)},
	{"SIP TLS Verify Subject Name", offsetof(struct xconf_zone, tls_subject_name)},
	{"SIP TLS Verify InboundClassification", offsetof(struct xconf_zone, inbound_classification)},
	{"SIP DnsOverride Name", offsetof(struct xconf_zone, dns_override_name)},
	{"SIP DnsOverride Override", offsetof(struct xconf_zone, dns_override)},
	{"SIP ParameterPreservation Mode", offsetof(struct xconf_zone, parameter_preservation)},
	{"SIP PreloadedSipRoutes Accept", offsetof(struct xconf_zone, preloaded_routes)},
	{"SIP Port", offsetof(struct xconf_zone, sip_port)},
	{"SIP Transport", offsetof(struct xconf_zone, sip_transport)},
	{"Collaboration Edge", offsetof(struct xconf_zone, collaboration_edge)},
	{"Peer 1 Address", offsetof(struct xconf_zone, peer1)},
};
#define NZONE_FIELDS (sizeof zone_fields / sizeof zone_fields[0])

/* Returns nothing; sets the typed field that `rest` ("DNS SIP Port") names.
 * A setting under the zone's own type prefix beats one under another. */
static void
zone_field(struct xconf_zone *z, const char *rest, struct xconf_val v, bool own[])
{
	const char *sp = strchr(rest, ' ');
	if (sp == NULL)
		return;
	const char *tn = z->type_str.s;
	bool mine = tn != NULL && strlen(tn) == (size_t)(sp - rest) &&
	    strncasecmp(rest, tn, (size_t)(sp - rest)) == 0;
	for (size_t i = 0; i < NZONE_FIELDS; i++) {
		if (strcasecmp(sp + 1, zone_fields[i].sub) != 0)
			continue;
		struct xconf_val *f = (struct xconf_val *)((char *)z + zone_fields[i].off);
		if (mine || (!own[i] && f->s == NULL)) {
			*f = v;
			own[i] = mine;
		}
		return;
	}
}

/* Returns nothing; fills zone z from its n settings r (all one number). */
static void
zone_fill(const struct xconf *x, struct xconf_zone *z, const struct numref *r, size_t n)
{
	bool own[NZONE_FIELDS] = {false};
	memset(z, 0, sizeof *z);
	z->num = (unsigned)r[0].num;
	z->first_line = x->settings[r[0].idx].line;
	for (size_t i = 0; i < n; i++) {
		uint32_t line = x->settings[r[i].idx].line;
		if (line < z->first_line)
			z->first_line = line;
		if (strcasecmp(r[i].rest, "Name") == 0)
			z->name = val_of(x, r[i].idx);
		else if (strcasecmp(r[i].rest, "Type") == 0)
			z->type_str = val_of(x, r[i].idx);
	}
	z->type = zone_type_of(z->type_str.s);
	for (size_t i = 0; i < n; i++)
		zone_field(z, r[i].rest, val_of(x, r[i].idx), own);
}

/* The search rule settings the typed fields take. */
static const struct {
	const char *rest;
	size_t off;
} rule_fields[] = {
	{"Name", offsetof(struct xconf_rule, name)},
	{"Description", offsetof(struct xconf_rule, description)},
	{"Priority", offsetof(struct xconf_rule, priority)},
	{"State", offsetof(struct xconf_rule, state)},
	{"Protocol", offsetof(struct xconf_rule, protocol)},
	{"Mode", offsetof(struct xconf_rule, mode)},
	{"Pattern Type", offsetof(struct xconf_rule, pattern_type)},
	{"Pattern String", offsetof(struct xconf_rule, pattern_string)},
	{"Pattern Behavior", offsetof(struct xconf_rule, pattern_behavior)},
	{"Pattern Replace", offsetof(struct xconf_rule, pattern_replace)},
	{"Progress", offsetof(struct xconf_rule, progress)},
	{"Source Mode", offsetof(struct xconf_rule, source_mode)},
	{"Source Name", offsetof(struct xconf_rule, source_name)},
	{"Target Type", offsetof(struct xconf_rule, target_type)},
	{"Target Name", offsetof(struct xconf_rule, target_name)},
	{"SIPTrafficType", offsetof(struct xconf_rule, sip_traffic_type)},
};

/* Returns the index in `names` of the value s (any case, blanks ignored),
 * dflt when s is NULL, or -1 when s is none of them. */
static int
pick(const char *s, const char *const *names, int n, int dflt)
{
	if (s == NULL)
		return dflt;
	for (int i = 0; i < n; i++)
		if (val_eq(s, names[i]))
			return i;
	return -1;
}

/* Returns nothing; decodes the settings of rule x into r->sr, recording
 * the first setting that makes no sense in r->sr.bad. */
static void
rule_decode(struct xconf_rule *x)
{
	struct srule_rule *r = &x->sr;
	static const char *const states[] = {"Disabled", "Enabled"};
	static const char *const progress[] = {"Continue", "Stop"};
	static const char *const modes[] = {"AliasPatternMatch", "AnyAlias", "AnyIPAddress"};
	static const char *const sources[] = {"Any", "AllZones", "LocalZone", "Named"};
	static const char *const protos[] = {"Any", "SIP", "H323"};
	char *end = NULL;
	int v;

	errno = 0;
	r->prio = x->priority.s != NULL ? strtol(x->priority.s, &end, 10) : 65535;
	if (x->priority.s != NULL && (end == x->priority.s || *end != '\0' || errno ||
	    r->prio < 0 || r->prio > 65535)) {
		r->prio = 65535;
		r->bad = "Priority is not a number from 0 to 65535";
	}
	v = pick(x->state.s, states, 2, 1);
	r->enabled = v == 1;
	if (v < 0)
		r->bad = r->bad ? r->bad : "State is neither Enabled nor Disabled";
	v = pick(x->progress.s, progress, 2, 0);
	r->stop = v == 1;
	if (v < 0)
		r->bad = r->bad ? r->bad : "Progress is neither Stop nor Continue";
	v = pick(x->mode.s, modes, 3, 0);
	r->mode = v < 0 ? SRULE_MODE_UNKNOWN : (enum srule_mode)v;
	v = pick(x->source_mode.s, sources, 4, 0);
	r->source = v < 0 ? SRULE_SRC_UNKNOWN : (enum srule_source)v;
	v = pick(x->protocol.s, protos, 3, 0);
	r->proto = v < 0 ? SRULE_FOR_ANY : (enum srule_for)v;
	r->ptype = SRULE_PREFIX;
	if (x->pattern_type.s != NULL && srule_ptype_parse(x->pattern_type.s, &r->ptype) != 0)
		r->bad = r->bad ? r->bad : "Pattern Type is not Exact, Prefix, Suffix or Regex";
	r->behavior = SRULE_LEAVE;
	if (x->pattern_behavior.s != NULL &&
	    srule_behavior_parse(x->pattern_behavior.s, &r->behavior) != 0)
		r->bad = r->bad ? r->bad : "Pattern Behavior is not Leave, Strip or Replace";
	r->name = x->name.s, r->state = x->state.s, r->pattern = x->pattern_string.s;
	r->replace = x->pattern_replace.s, r->source_mode = x->source_mode.s;
	r->source_name = x->source_name.s, r->target = x->target_name.s;
	r->sip_traffic_type = x->sip_traffic_type.s;
}

/* Returns nothing; fills rule r from its n settings (all one number). */
static void
rule_fill(const struct xconf *x, struct xconf_rule *r, const struct numref *ref, size_t n)
{
	memset(r, 0, sizeof *r);
	r->sr.num = (unsigned)ref[0].num;
	r->first_line = x->settings[ref[0].idx].line;
	for (size_t i = 0; i < n; i++) {
		if (x->settings[ref[i].idx].line < r->first_line)
			r->first_line = x->settings[ref[i].idx].line;
		for (size_t k = 0; k < sizeof rule_fields / sizeof rule_fields[0]; k++) {
			if (val_eq(ref[i].rest, rule_fields[k].rest)) {
				*(struct xconf_val *)((char *)r + rule_fields[k].off) = val_of(x, ref[i].idx);
				break;
			}
		}
	}
	rule_decode(r);
}

/* Returns the number of groups in the sorted refs; calls fill on each
 * group of equal numbers, with out + k for the k-th group. */
static size_t
group_refs(const struct xconf *x, struct numref *refs, size_t n, void *out, size_t es,
    void (*fill)(const struct xconf *, void *, const struct numref *, size_t))
{
	size_t k = 0;
	if (n == 0)
		return 0;
	qsort(refs, n, sizeof *refs, numref_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && refs[j].num == refs[i].num)
			j++;
		fill(x, (char *)out + k * es, refs + i, j - i);
		k++;
		i = j;
	}
	return k;
}

/* Fills zone z from its n settings r (a group_refs adapter). */
static void
fill_zone(const struct xconf *x, void *z, const struct numref *r, size_t n)
{
	zone_fill(x, z, r, n);
}

/* Fills rule r from its n settings ref (a group_refs adapter). */
static void
fill_rule(const struct xconf *x, void *r, const struct numref *ref, size_t n)
{
	rule_fill(x, r, ref, n);
}

/* Fills domain d from its n settings r (a group_refs adapter). */
static void
fill_domain(const struct xconf *x, void *d, const struct numref *r, size_t n)
{
	struct xconf_domain *dom = d;
	memset(dom, 0, sizeof *dom);
	dom->num = (unsigned)r[0].num;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(r[i].rest, "Name") == 0)
			dom->name = val_of(x, r[i].idx);
}

/* Returns nothing; picks up settings that are not numbered objects. */
static void
note_plain(struct xconf *x, size_t i)
{
	const struct xconf_setting *st = &x->settings[i];
	const char *rest;
	struct xconf_val *v = strcasecmp(st->key, "Policy AdministratorPolicy Mode") == 0 ?
	    &x->admin_policy : strcasecmp(st->key, "SIP MTLS Mode") == 0 ? &x->mtls_mode
	    : strcasecmp(st->key, "SIP MTLS Port") == 0 ? &x->mtls_port : NULL;
	if (v != NULL) {
		v->s = st->value;
		v->line = st->line;
	} else if (key_num(st->key, "Ethernet ", &rest) >= 0 && st->value[0] != '\0' &&
	    (val_eq(rest, "IP V4 Address") || val_eq(rest, "IP V6 Address") ||
	        val_eq(rest, "IPv6 Address"))) {
		VEC_PUSH(x->ips, x->nips, x->ipcap, st->value);
	}
}

/* Returns nothing; builds zones, rules, domains and addresses. */
static void
build_model(struct xconf *x)
{
	struct numref *z = NULL, *r = NULL, *d = NULL, ref;
	size_t nz = 0, zc = 0, nr = 0, rc = 0, nd = 0, dc = 0;
	for (size_t i = 0; i < x->nsettings; i++) {
		const char *key = x->settings[i].key, *rest;
		long num;
		ref.idx = i;
		if ((num = key_num(key, "Zones Zone ", &rest)) >= 0) {
			ref.num = (unsigned long)num, ref.rest = rest;
			VEC_PUSH(z, nz, zc, ref);
		} else if ((num = key_num(key, "Zones Policy SearchRules Rule ", &rest)) >= 0) {
			ref.num = (unsigned long)num, ref.rest = rest;
			VEC_PUSH(r, nr, rc, ref);
		} else if ((num = key_num(key, "SIP Domains Domain ", &rest)) >= 0) {
			ref.num = (unsigned long)num, ref.rest = rest;
			VEC_PUSH(d, nd, dc, ref);
		} else {
			note_plain(x, i);
		}
	}
	x->zones = xcalloc(nz, sizeof *x->zones);
	x->nzones = group_refs(x, z, nz, x->zones, sizeof *x->zones, fill_zone);
	x->rules = xcalloc(nr, sizeof *x->rules);
	x->nrules = group_refs(x, r, nr, x->rules, sizeof *x->rules, fill_rule);
	x->domains = xcalloc(nd, sizeof *x->domains);
	size_t ng = group_refs(x, d, nd, x->domains, sizeof *x->domains, fill_domain);
	x->domain_names = xcalloc(ng, sizeof *x->domain_names);
	for (size_t i = 0; i < ng; i++) {
		if (x->domains[i].name.s == NULL || x->domains[i].name.s[0] == '\0')
			continue; /* unused domain slots are printed empty */
		x->domains[x->ndomains] = x->domains[i];
		x->domain_names[x->ndomains++] = x->domains[i].name.s;
	}
	free(z);
	free(r);
	free(d);
}

/* Returns a new model of the n bytes of text. */
struct xconf *
xconf_parse(const char *name, const char *text, size_t n)
{
	struct xconf *x = xcalloc(1, sizeof *x);
	x->file = xstrdup(name != NULL ? name : "xconfig");
	x->pool = strpool_new();
	if (text != NULL)
		parse_text(x, text, n);
	index_build(x);
	build_model(x);
	return x;
}

/* Returns the parsed file at path, or NULL with err. */
struct xconf *
xconf_load(const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct sbuf b = {0};
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, fp)) > 0 && b.len <= MAX_FILE)
		sbuf_add(&b, buf, k);
	bool failed = ferror(fp) != 0, big = b.len > MAX_FILE;
	int e = errno;
	fclose(fp);
	if (failed || big) {
		snprintf(err, errlen, "%s: %s", path, big ? "file too large for an xConfiguration dump" : strerror(e));
		sbuf_free(&b);
		return NULL;
	}
	struct xconf *x = xconf_parse(path, b.s, b.len);
	sbuf_free(&b);
	return x;
}

/* Frees x and all it owns. */
void
xconf_free(struct xconf *x)
{
	if (x == NULL)
		return;
	free(x->file);
	strpool_free(x->pool);
	free(x->settings);
	free(x->zones);
	free(x->rules);
	free(x->domains);
	free(x->domain_names);
	free(x->ips);
	free(x->problems);
	if (x->index != NULL)
		free(x->index->slot);
	free(x->index);
	free(x);
}

/* Returns the zone named name (exact, any case, then blanks ignored), or NULL. */
const struct xconf_zone *
xconf_zone_by_name(const struct xconf *x, const char *name)
{
	if (x == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < x->nzones; i++)
		if (x->zones[i].name.s != NULL && strcmp(x->zones[i].name.s, name) == 0)
			return &x->zones[i];
	for (size_t i = 0; i < x->nzones; i++)
		if (x->zones[i].name.s != NULL && strcasecmp(x->zones[i].name.s, name) == 0)
			return &x->zones[i];
	for (size_t i = 0; i < x->nzones; i++)
		if (val_eq(x->zones[i].name.s, name))
			return &x->zones[i];
	return NULL;
}

/* Returns the zone numbered num, or NULL. */
const struct xconf_zone *
xconf_zone_by_num(const struct xconf *x, unsigned num)
{
	for (size_t i = 0; x != NULL && i < x->nzones; i++)
		if (x->zones[i].num == num)
			return &x->zones[i];
	return NULL;
}

/* Fills v with the domains and addresses of x. */
void
xconf_vars(const struct xconf *x, struct srule_vars *v)
{
	v->domains = x->domain_names;
	v->ndomains = x->ndomains;
	v->ips = x->ips;
	v->nips = x->nips;
}

/* Returns the number of rules of x that matched alias; fills res. */
size_t
xconf_search(const struct xconf *x, const char *alias, const char *source,
    enum srule_proto proto, struct srule_result *res)
{
	struct srule_vars v;
	const struct srule_rule **rules = xcalloc(x->nrules + 1, sizeof *rules);
	for (size_t i = 0; i < x->nrules; i++)
		rules[i] = &x->rules[i].sr;
	xconf_vars(x, &v);
	size_t n = srule_search(rules, x->nrules, &v, alias, source, proto, res);
	free(rules);
	return n;
}

/* Returns the number of zones of x of type t. */
static size_t
count_type(const struct xconf *x, enum xconf_zone_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < x->nzones; i++)
		n += x->zones[i].type == t;
	return n;
}

/* Returns true when x has a traversal server or a Webex zone. */
bool
xconf_is_expressway_e(const struct xconf *x)
{
	return count_type(x, XCONF_ZONE_TRAVERSAL_SERVER) > 0 || count_type(x, XCONF_ZONE_WEBEX) > 0;
}

/* Returns true when x has a traversal client and is no E. */
bool
xconf_is_expressway_c(const struct xconf *x)
{
	return count_type(x, XCONF_ZONE_TRAVERSAL_CLIENT) > 0 && !xconf_is_expressway_e(x);
}

/* Returns true when s contains needle, ignoring case (false for NULL). */
static bool
has_word(const char *s, const char *needle)
{
	return s != NULL && strcasestr(s, needle) != NULL;
}

/* Returns true when a rule with a Webex pattern targets zone z. */
bool
xconf_webex_targets(const struct xconf *x, const struct xconf_zone *z)
{
	for (size_t i = 0; i < x->nrules; i++) {
		const struct xconf_rule *r = &x->rules[i];
		if (z->name.s != NULL && r->target_name.s != NULL &&
		    strcasecmp(r->target_name.s, z->name.s) == 0 &&
		    (has_word(r->pattern_string.s, "ciscospark") || has_word(r->pattern_string.s, "webex")))
			return true;
	}
	return false;
}

/* Returns true when zone z's name says Webex, Hybrid or Spark. */
bool
xconf_webex_named(const struct xconf_zone *z)
{
	return has_word(z->name.s, "webex") || has_word(z->name.s, "hybrid") ||
	    has_word(z->name.s, "spark");
}

/* Returns the DNS zone that best looks like the Webex one at level k (0 is
 * the surest), or NULL. */
static const struct xconf_zone *
webex_dns_at(const struct xconf *x, int k)
{
	for (size_t i = 0; i < x->nzones; i++) {
		const struct xconf_zone *z = &x->zones[i];
		const char *sn = z->tls_subject_name.s, *on = z->dns_override_name.s;
		if (z->type != XCONF_ZONE_DNS)
			continue;
		if (k == 0 && (has_word(sn, "callservice") || has_word(on, "callservice")))
			return z;
		if (k == 1 && (has_word(sn, "ciscospark") || has_word(sn, "webex") ||
		    has_word(on, "ciscospark") || has_word(on, "webex")))
			return z;
		if (k == 2 && xconf_webex_targets(x, z))
			return z;
		if (k == 3 && xconf_webex_named(z))
			return z;
	}
	return NULL;
}

/*
 * The Webex zone is, in order of certainty: a zone of Type Webex (X12.5+);
 * a DNS zone whose TLS verify subject name or DNS override name mentions
 * callservice; one whose names mention ciscospark or webex (this catches a
 * mistyped "calllservice.ciscospark.com"); one that a rule with a Webex
 * pattern targets; one whose own name says Webex, Hybrid or Spark.
 */
const struct xconf_zone *
xconf_webex_zone(const struct xconf *x)
{
	for (size_t i = 0; x != NULL && i < x->nzones; i++)
		if (x->zones[i].type == XCONF_ZONE_WEBEX)
			return &x->zones[i];
	for (int k = 0; x != NULL && k < 4; k++) {
		const struct xconf_zone *z = webex_dns_at(x, k);
		if (z != NULL)
			return z;
	}
	return NULL;
}
