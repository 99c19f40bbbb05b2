/* xconf.c - parse xConfiguration dumps into settings, zones and rules. */
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

/* Returns nothing; reads every line of the text into x->settings. */
static void
parse_text(struct xconf *x, const char *text, size_t n)
{
	struct lines l = {text, n, 0, 0};
	struct sbuf line = {0}, key = {0}, val = {0};
	const char *s;
	size_t len;
	bool nul;
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
		parse_line(x, &l, line.s, no, &key, &val);
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

bool
xconf_is_on(const char *s)
{
	return val_eq(s, "On");
}

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

/* Returns nothing; decodes the enums of rule r, recording the first
 * setting that makes no sense in r->bad. */
static void
rule_decode(struct xconf_rule *r)
{
	static const char *const states[] = {"Disabled", "Enabled"};
	static const char *const progress[] = {"Continue", "Stop"};
	static const char *const modes[] = {"AliasPatternMatch", "AnyAlias", "AnyIPAddress"};
	static const char *const sources[] = {"Any", "AllZones", "LocalZone", "Named"};
	static const char *const protos[] = {"Any", "SIP", "H323"};
	char *end = NULL;
	int v;

	errno = 0;
	r->prio = r->priority.s != NULL ? strtol(r->priority.s, &end, 10) : 65535;
	if (r->priority.s != NULL && (end == r->priority.s || *end != '\0' || errno ||
	    r->prio < 0 || r->prio > 65535)) {
		r->prio = 65535;
		r->bad = "Priority is not a number from 0 to 65535";
	}
	v = pick(r->state.s, states, 2, 1);
	r->enabled = v == 1;
	if (v < 0)
		r->bad = r->bad ? r->bad : "State is neither Enabled nor Disabled";
	v = pick(r->progress.s, progress, 2, 0);
	r->stop = v == 1;
	if (v < 0)
		r->bad = r->bad ? r->bad : "Progress is neither Stop nor Continue";
	v = pick(r->mode.s, modes, 3, 0);
	r->mode_e = v < 0 ? XCONF_MODE_UNKNOWN : (enum xconf_rule_mode)v;
	v = pick(r->source_mode.s, sources, 4, 0);
	r->source_e = v < 0 ? XCONF_SRC_UNKNOWN : (enum xconf_source)v;
	v = pick(r->protocol.s, protos, 3, 0);
	r->proto_e = v < 0 ? XCONF_PROTO_ANY : (enum xconf_proto)v;
	r->ptype = SRULE_PREFIX;
	if (r->pattern_type.s != NULL && srule_ptype_parse(r->pattern_type.s, &r->ptype) != 0)
		r->bad = r->bad ? r->bad : "Pattern Type is not Exact, Prefix, Suffix or Regex";
	r->behavior = SRULE_LEAVE;
	if (r->pattern_behavior.s != NULL &&
	    srule_behavior_parse(r->pattern_behavior.s, &r->behavior) != 0)
		r->bad = r->bad ? r->bad : "Pattern Behavior is not Leave, Strip or Replace";
}

/* Returns nothing; fills rule r from its n settings (all one number). */
static void
rule_fill(const struct xconf *x, struct xconf_rule *r, const struct numref *ref, size_t n)
{
	memset(r, 0, sizeof *r);
	r->num = (unsigned)ref[0].num;
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

/* Returns nothing; the group_refs adapters. */
static void
fill_zone(const struct xconf *x, void *z, const struct numref *r, size_t n)
{
	zone_fill(x, z, r, n);
}

static void
fill_rule(const struct xconf *x, void *r, const struct numref *ref, size_t n)
{
	rule_fill(x, r, ref, n);
}

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

const struct xconf_zone *
xconf_zone_by_num(const struct xconf *x, unsigned num)
{
	for (size_t i = 0; x != NULL && i < x->nzones; i++)
		if (x->zones[i].num == num)
			return &x->zones[i];
	return NULL;
}

void
xconf_vars(const struct xconf *x, struct srule_vars *v)
{
	v->domains = x->domain_names;
	v->ndomains = x->ndomains;
	v->ips = x->ips;
	v->nips = x->nips;
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

bool
xconf_is_expressway_e(const struct xconf *x)
{
	return count_type(x, XCONF_ZONE_TRAVERSAL_SERVER) > 0 || count_type(x, XCONF_ZONE_WEBEX) > 0;
}

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

/* Returns true when a search rule routes Webex-looking aliases to zone z. */
static bool
targeted_by_webex_rule(const struct xconf *x, const struct xconf_zone *z)
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
		if (k == 2 && targeted_by_webex_rule(x, z))
			return z;
		if (k == 3 && (has_word(z->name.s, "webex") || has_word(z->name.s, "hybrid") ||
		    has_word(z->name.s, "spark")))
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

size_t
xconf_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 256 || lb > 256)
		return la > lb ? la : lb;
	size_t row[257], prev;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			prev = row[j];
			row[j] = best;
		}
	}
	return row[lb];
}

/*
 * Lint. Each check looks at the zones a Webex Hybrid call crosses on this
 * Expressway (the "Webex path", see path_build) and adds issues to the
 * context. The checks only report settings the dump has: a missing setting
 * is never taken for Off, so a partial dump gives fewer findings, not wrong
 * ones.
 */

#define CS_SPARK "callservice.ciscospark.com"
#define CS_WEBEX "callservice.webex.com"
#define MAX_SHADOW_SOURCES 4 /* a real Expressway has one or two Hybrid zones */

struct rule_pair {
	unsigned stopper, shadowed;
};

struct xconf_lintctx {
	const struct xconf *x;
	const struct xconf_check *row;   /* the check running */
	const struct xconf_zone *webex;  /* NULL on an Expressway-C */
	const struct xconf_zone **path;  /* zones on the Webex path */
	size_t npath, pathcap;
	struct rule_pair *seen;          /* shadowing already reported */
	size_t nseen, seencap;
	struct xconf_issue *out;
	size_t n, cap;
};

/* Returns the new issue of the running check; it takes summary and fix. */
static struct xconf_issue *
issue_add(struct xconf_lintctx *c, char *summary, char *fix)
{
	struct xconf_issue is = {c->row->id, c->row->severity, summary, fix, {0}, 0};
	VEC_PUSH(c->out, c->n, c->cap, is);
	return &c->out[c->n - 1];
}

/* Returns nothing; adds a config line as evidence (0 means none). */
static void
issue_line(struct xconf_issue *is, uint32_t line)
{
	if (line == 0 || is->nlines >= XCONF_ISSUE_MAXLINES)
		return;
	for (size_t i = 0; i < is->nlines; i++)
		if (is->lines[i] == line)
			return;
	size_t i = is->nlines++;
	while (i > 0 && is->lines[i - 1] > line) {
		is->lines[i] = is->lines[i - 1];
		i--;
	}
	is->lines[i] = line;
}

/* Returns s, or a placeholder for a missing name. */
static const char *
nm(const char *s)
{
	return s != NULL ? s : "(unnamed)";
}

/* Returns true when zone z is a traversal server or client. */
static bool
is_traversal(const struct xconf_zone *z)
{
	return z->type == XCONF_ZONE_TRAVERSAL_SERVER || z->type == XCONF_ZONE_TRAVERSAL_CLIENT;
}

/* Returns true when the rule target or source name s names zone z. */
static bool
names_zone(const char *s, const struct xconf_zone *z)
{
	return s != NULL && z->name.s != NULL && strcasecmp(s, z->name.s) == 0;
}

/* Returns true when rule r is enabled and names both its source zone and
 * its target zone; sets *src and *dst to them. */
static bool
rule_zones(const struct xconf *x, const struct xconf_rule *r, const struct xconf_zone **src,
    const struct xconf_zone **dst)
{
	if (!r->enabled || r->source_e != XCONF_SRC_NAMED)
		return false;
	*src = xconf_zone_by_name(x, r->source_name.s);
	*dst = *src != NULL ? xconf_zone_by_name(x, r->target_name.s) : NULL;
	return *dst != NULL;
}

/* Returns true when z is on the Webex path already. */
static bool
path_has(const struct xconf_lintctx *c, const struct xconf_zone *z)
{
	for (size_t i = 0; i < c->npath; i++)
		if (c->path[i] == z)
			return true;
	return false;
}

/* Returns nothing; adds z to the Webex path once. */
static void
path_add(struct xconf_lintctx *c, const struct xconf_zone *z)
{
	if (path_has(c, z))
		return;
	VEC_PUSH(c->path, c->npath, c->pathcap, z);
}

/* Returns <0, 0, >0 ordering zone pointers by zone number. */
static int
zone_order(const void *a, const void *b)
{
	const struct xconf_zone *x = *(const struct xconf_zone *const *)a;
	const struct xconf_zone *y = *(const struct xconf_zone *const *)b;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* Returns true when traversal zone z looks like the Hybrid Call one on an
 * Expressway without a Webex zone (a C): a rule with a Webex pattern sends
 * calls to it, or its name says so. */
static bool
hybrid_traversal(const struct xconf *x, const struct xconf_zone *z)
{
	return targeted_by_webex_rule(x, z) || has_word(z->name.s, "webex") ||
	    has_word(z->name.s, "hybrid") || has_word(z->name.s, "spark");
}

/*
 * The Webex path is a judgement call, since a dump does not say which zones
 * are for Hybrid Call:
 * - the Webex zone (an Expressway-E has one);
 * - with a Webex zone, the traversal zones that rules link to it, in either
 *   direction, or when no rule does, every traversal zone that is not for
 *   Mobile and Remote Access (Collaboration Edge On);
 * - without one (an Expressway-C), the traversal zones that a rule with a
 *   Webex pattern targets or whose name says Webex, Hybrid or Spark; an
 *   Expressway that shows no sign of Hybrid Call gets no path, hence no
 *   findings about B2B zones;
 * - the neighbor zones that rules send calls to from one of those traversal
 *   zones: on a C, the Unified CM that inbound Webex calls go to.
 */
static void
path_build(struct xconf_lintctx *c)
{
	const struct xconf *x = c->x;
	const struct xconf_zone *w = c->webex, *src, *dst;
	if (w != NULL)
		path_add(c, w);
	size_t before = c->npath;
	for (size_t i = 0; w != NULL && i < x->nrules; i++) {
		if (!rule_zones(x, &x->rules[i], &src, &dst))
			continue;
		if (src == w && is_traversal(dst))
			path_add(c, dst);
		else if (dst == w && is_traversal(src))
			path_add(c, src);
	}
	for (size_t i = 0; c->npath == before && i < x->nzones; i++) {
		const struct xconf_zone *z = &x->zones[i];
		if (is_traversal(z) && (w != NULL ? !xconf_is_on(z->collaboration_edge.s)
		                                  : hybrid_traversal(x, z)))
			path_add(c, z);
	}
	for (size_t i = 0; i < x->nrules; i++) {
		if (rule_zones(x, &x->rules[i], &src, &dst) && is_traversal(src) &&
		    dst->type == XCONF_ZONE_NEIGHBOR && path_has(c, src))
			path_add(c, dst);
	}
	if (c->npath > 1)
		qsort(c->path, c->npath, sizeof *c->path, zone_order);
}

/* Returns a caller-owned phrase saying how far s is from a Webex name. */
static char *
subject_closeness(const char *s)
{
	size_t d1 = xconf_edit_distance(s, CS_SPARK), d2 = xconf_edit_distance(s, CS_WEBEX);
	const char *want = d1 <= d2 ? CS_SPARK : CS_WEBEX;
	size_t d = d1 <= d2 ? d1 : d2;
	if (d == 1)
		return xasprintf("'%s' is one letter off '%s', a typo", s, want);
	if (d <= 3)
		return xasprintf("'%s' is %zu letters off '%s', probably a typo", s, d, want);
	return xasprintf("'%s' is not a Webex name (expected '%s' or '%s')", s, CS_SPARK, CS_WEBEX);
}

/* Returns nothing; checks the TLS verify subject name of the Webex zone.
 * A zone of Type Webex fills this in by itself, so only DNS zones count. */
static void
check_tls_subject(struct xconf_lintctx *c)
{
	const struct xconf_zone *z = c->webex;
	if (z == NULL || z->type != XCONF_ZONE_DNS)
		return;
	const char *s = z->tls_subject_name.s;
	if (s != NULL && (strcasecmp(s, CS_SPARK) == 0 || strcasecmp(s, CS_WEBEX) == 0))
		return;
	char *how = s != NULL && s[0] != '\0' ? subject_closeness(s)
	                                      : xstrdup("no subject name is set");
	struct xconf_issue *is = issue_add(c,
	    xasprintf("Zone %u '%s' (the Webex DNS zone) checks Webex's TLS certificate for "
	              "the wrong name: %s. The Expressway-E rejects Webex's certificate "
	              "(\"Peer's TLS certificate identity was unacceptable\") and inbound "
	              "calls fail.", z->num, nm(z->name.s), how),
	    xasprintf("Edit zone '%s' (Configuration > Zones > Zones) and set TLS verify "
	              "subject name to %s; on X12.5 or later, a zone of type Webex sets it "
	              "for you.", nm(z->name.s), CS_SPARK));
	free(how);
	issue_line(is, z->tls_subject_name.line);
	issue_line(is, z->tls_verify_mode.line);
	issue_line(is, z->name.line);
}

/* Returns nothing; checks that the Webex DNS zone maps inbound TLS. */
static void
check_inbound_classification(struct xconf_lintctx *c)
{
	const struct xconf_zone *z = c->webex;
	if (z == NULL || z->type != XCONF_ZONE_DNS || !xconf_is_off(z->inbound_classification.s))
		return;
	struct xconf_issue *is = issue_add(c,
	    xasprintf("Zone %u '%s' (the Webex DNS zone) has TLS verify inbound mapping Off, "
	              "so Webex's TLS connections are not mapped to it: inbound calls land "
	              "in the Default Zone and follow the business-to-business rules.",
	              z->num, nm(z->name.s)),
	    xasprintf("Edit zone '%s' and set TLS verify inbound mapping to On "
	              "(xConfiguration: SIP TLS Verify InboundClassification).", nm(z->name.s)));
	issue_line(is, z->inbound_classification.line);
	issue_line(is, z->name.line);
}

/* Returns nothing; checks Preloaded SIP routes support on the traversal
 * and neighbor zones of the Webex path. */
static void
check_preloaded_routes(struct xconf_lintctx *c)
{
	for (size_t i = 0; i < c->npath; i++) {
		const struct xconf_zone *z = c->path[i];
		if ((!is_traversal(z) && z->type != XCONF_ZONE_NEIGHBOR) ||
		    !xconf_is_off(z->preloaded_routes.s))
			continue;
		struct xconf_issue *is = issue_add(c,
		    xasprintf("Zone %u '%s' (%s, on the Webex path) has Preloaded SIP routes "
		              "support Off, so it rejects Webex's INVITEs, which carry a Route "
		              "header to the Unified CM cluster: inbound calls fail with 404.",
		              z->num, nm(z->name.s), xconf_zone_type_name(z->type)),
		    xasprintf("Edit zone '%s' and set Preloaded SIP routes support to On "
		              "(xConfiguration: SIP PreloadedSipRoutes Accept).", nm(z->name.s)));
		issue_line(is, z->preloaded_routes.line);
		issue_line(is, z->name.line);
	}
}

/* Returns nothing; checks SIP parameter preservation on the Webex path. */
static void
check_parameter_preservation(struct xconf_lintctx *c)
{
	for (size_t i = 0; i < c->npath; i++) {
		const struct xconf_zone *z = c->path[i];
		if (!xconf_is_off(z->parameter_preservation.s))
			continue;
		struct xconf_issue *is = issue_add(c,
		    xasprintf("Zone %u '%s' (%s, on the Webex path) has SIP parameter "
		              "preservation Off, so the B2BUA may rewrite the Contact and drop "
		              "call-type=squared: the Webex app then shows two notifications "
		              "for one call.", z->num, nm(z->name.s), xconf_zone_type_name(z->type)),
		    xasprintf("Edit zone '%s' and set SIP parameter preservation to On; every "
		              "zone a Hybrid call crosses needs it.", nm(z->name.s)));
		issue_line(is, z->parameter_preservation.line);
		issue_line(is, z->name.line);
	}
}

/* Returns true when s names a callservice domain. */
static bool
is_callservice(const char *s)
{
	return s != NULL && strncasecmp(s, "callservice.", 12) == 0;
}

/* Returns nothing; checks that the Webex DNS zone looks up callservice. */
static void
check_dns_override(struct xconf_lintctx *c)
{
	const struct xconf_zone *z = c->webex;
	char *what;
	if (z == NULL || z->type != XCONF_ZONE_DNS)
		return;
	if (xconf_is_off(z->dns_override.s))
		what = xstrdup("does not modify the DNS request (DnsOverride Override Off)");
	else if (xconf_is_on(z->dns_override.s) && !is_callservice(z->dns_override_name.s))
		what = xasprintf("modifies the DNS request but searches for '%s'",
		    z->dns_override_name.s != NULL ? z->dns_override_name.s : "");
	else
		return;
	struct xconf_issue *is = issue_add(c,
	    xasprintf("Zone %u '%s' (the Webex DNS zone) %s, so outbound calls look up the "
	              "SRV records of the dialled domain (TLS port 5061) instead of "
	              "%s (port 5062) and never reach Webex.", z->num, nm(z->name.s), what, CS_SPARK),
	    xasprintf("Edit zone '%s': set Modify DNS request to On and Domain to search for "
	              "to %s.", nm(z->name.s), CS_SPARK));
	free(what);
	issue_line(is, z->dns_override.line);
	issue_line(is, z->dns_override_name.line);
	issue_line(is, z->name.line);
}

/* Returns nothing; checks that the Expressway-E listens for Webex's mutual
 * TLS connections on 5062. */
static void
check_mtls(struct xconf_lintctx *c)
{
	const struct xconf *x = c->x;
	struct xconf_issue *is;
	if (c->webex == NULL || c->webex->type != XCONF_ZONE_DNS)
		return; /* not the Expressway-E of a Hybrid deployment */
	if (xconf_is_off(x->mtls_mode.s)) {
		is = issue_add(c,
		    xstrdup("Mutual TLS mode is Off (SIP MTLS Mode), so the Expressway-E does not "
		            "listen on 5062: every TCP connection Webex opens is reset, no "
		            "\"TCP Connecting\" from Webex is logged and inbound calls never ring."),
		    xstrdup("Configuration > Protocols > SIP: set Mutual TLS mode to On and Mutual TLS "
		            "port to 5062, then check Maintenance tools > Port usage > Local inbound "
		            "ports lists SIP on 5062."));
		issue_line(is, x->mtls_mode.line);
		issue_line(is, x->mtls_port.line);
	} else if (x->mtls_port.s != NULL && x->mtls_port.s[0] != '\0' &&
	    strcmp(x->mtls_port.s, "5062") != 0) {
		is = issue_add(c,
		    xasprintf("Mutual TLS listens on port %s, not 5062: Webex connects to the port "
		              "of the SIP Destination's SRV record, which the Hybrid guides set to "
		              "5062.", x->mtls_port.s),
		    xstrdup("Set Mutual TLS port to 5062 (Configuration > Protocols > SIP), or make "
		            "the public _sips._tcp SRV record of the SIP Destination point at the "
		            "port in use."));
		is->severity = "warning";
		issue_line(is, x->mtls_port.line);
	}
}

/* Returns true when target names a zone a Webex call should go to from
 * the source: the Webex zone on an E, a traversal zone of the path on a C. */
static bool
webex_target(const struct xconf_lintctx *c, const char *target)
{
	if (c->webex != NULL)
		return names_zone(target, c->webex);
	for (size_t i = 0; i < c->npath; i++)
		if (is_traversal(c->path[i]) && names_zone(target, c->path[i]))
			return true;
	return false;
}

/* Returns true (and remembers the pair) when this shadowing is new. */
static bool
shadow_new(struct xconf_lintctx *c, const struct xconf_rule *a, const struct xconf_rule *b)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].stopper == a->num && c->seen[i].shadowed == b->num)
			return false;
	struct rule_pair p = {a->num, b->num};
	VEC_PUSH(c->seen, c->nseen, c->seencap, p);
	return true;
}

/* Returns nothing; reports that rule a stops the search before rule b. */
static void
shadow_report(struct xconf_lintctx *c, const struct xconf_zone *src, const char *alias,
    const struct xconf_rule *a, const struct xconf_rule *b)
{
	char *fix = a->prio > 1
	    ? xasprintf("Give rule %u '%s' a priority below %ld (for example %ld) so that it is "
	                "tried first, or narrow the pattern of rule %u '%s' so that it does not "
	                "match Webex aliases.", b->num, nm(b->name.s), a->prio, a->prio - 1,
	                a->num, nm(a->name.s))
	    : xasprintf("Narrow the pattern of rule %u '%s' so that it does not match Webex "
	                "aliases, or set its Progress to Continue.", a->num, nm(a->name.s));
	struct xconf_issue *is = issue_add(c,
	    xasprintf("For a Webex alias such as %s arriving from zone '%s', search rule %u '%s' "
	              "(priority %ld, target '%s') matches first and stops the search, so rule "
	              "%u '%s' (priority %ld, target '%s') is never tried.", alias,
	              nm(src->name.s), a->num, nm(a->name.s), a->prio, nm(a->target_name.s),
	              b->num, nm(b->name.s), b->prio, nm(b->target_name.s)),
	    fix);
	issue_line(is, a->priority.line);
	issue_line(is, a->progress.line);
	issue_line(is, a->pattern_string.line);
	issue_line(is, a->target_name.line);
	issue_line(is, b->priority.line);
	issue_line(is, b->target_name.line);
}

/* Returns nothing; searches alias from src and reports a Stop rule that
 * keeps the search from a rule that would send it the Webex way. */
static void
shadow_one(struct xconf_lintctx *c, const struct xconf_zone *src, const char *alias)
{
	struct srule_result res;
	srule_search(c->x, alias, src->name.s, SRULE_PROTO_SIP, &res);
	const struct srule_step *shadowed = NULL;
	bool reached = false;
	for (size_t i = 0; i < res.nsteps; i++) {
		const struct srule_step *st = &res.steps[i];
		if (st->verdict == SRULE_MATCHED && webex_target(c, st->rule->target_name.s))
			reached = true;
		if (shadowed == NULL && st->verdict == SRULE_NOT_REACHED && st->would_match &&
		    webex_target(c, st->rule->target_name.s))
			shadowed = st;
	}
	if (res.stopped_by >= 0 && shadowed != NULL && !reached &&
	    shadow_new(c, res.steps[res.stopped_by].rule, shadowed->rule))
		shadow_report(c, src, alias, res.steps[res.stopped_by].rule, shadowed->rule);
	srule_result_free(&res);
}

/* Returns nothing; looks for Stop rules that shadow the Webex rule, for
 * Webex aliases coming from the traversal zone (E) or the Unified CM
 * neighbor zone (C). */
static void
check_search_rule_shadowed(struct xconf_lintctx *c)
{
	static const char *const aliases[] = {
		"user@example.call.ciscospark.com",
		"user@example.calls.webex.com",
	};
	size_t nsrc = 0;
	for (size_t i = 0; i < c->npath && nsrc < MAX_SHADOW_SOURCES; i++) {
		const struct xconf_zone *src = c->path[i];
		bool from = c->webex != NULL ? is_traversal(src) : src->type == XCONF_ZONE_NEIGHBOR;
		if (!from || src->name.s == NULL)
			continue;
		nsrc++;
		for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
			shadow_one(c, src, aliases[a]);
	}
}

static const struct xconf_check checks[] = {
	{"xconfig-tls-subject-name", "error", check_tls_subject,
	    "The Expressway-E checks that the certificate Webex presents in the mutual TLS "
	    "handshake carries the name set as TLS verify subject name on the Webex DNS zone. "
	    "Webex's certificate carries callservice.ciscospark.com (and callservice.webex.com); "
	    "any other value, even one letter off, makes the Expressway reset the connection "
	    "with \"Peer's TLS certificate identity was unacceptable\"."},
	{"xconfig-inbound-classification-off", "error", check_inbound_classification,
	    "TLS verify inbound mapping (InboundClassification) lets the Expressway-E map a TLS "
	    "connection whose certificate matches the subject name to the Webex DNS zone. "
	    "With it Off, Webex calls arrive in the Default Zone and the Webex search rules, "
	    "whose source is the Webex zone, never see them."},
	{"xconfig-preloaded-routes-off", "error", check_preloaded_routes,
	    "Webex routes inbound calls by a Route header naming the Unified CM cluster. A zone "
	    "with Preloaded SIP routes support Off rejects INVITEs that carry a Route header, "
	    "so every traversal and neighbor zone a Hybrid call crosses needs it On, on both "
	    "Expressways."},
	{"xconfig-parameter-preservation-off", "warning", check_parameter_preservation,
	    "With SIP parameter preservation Off, the B2BUA may rewrite the Request-URI and "
	    "Contact parameters of calls through the zone and drop call-type=squared. The call "
	    "still works, but the Webex app shows a second notification for it."},
	{"xconfig-dns-override-off", "error", check_dns_override,
	    "Outbound Hybrid calls are dialled to user@example.call.ciscospark.com, but must be "
	    "sent to the SRV records of callservice.ciscospark.com, which point at port 5062. "
	    "The Webex DNS zone does that when Modify DNS request (DnsOverride Override) is On "
	    "and Domain to search for (DnsOverride Name) is callservice.ciscospark.com."},
	{"xconfig-mtls-off", "error", check_mtls,
	    "Webex opens its mutual TLS connection to the port of the SRV record named as SIP "
	    "Destination in Control Hub, 5062 by the Hybrid guides. With Mutual TLS mode Off the "
	    "Expressway-E does not listen there and resets the connection; the diagnostic log "
	    "then shows nothing from Webex, which is easily taken for a firewall blocking 5062."},
	{"xconfig-search-rule-shadowed", "error", check_search_rule_shadowed,
	    "Search rules are tried from the lowest priority number up; a rule whose Progress "
	    "is Stop ends the search when it matches, except for rules of the same priority. A "
	    "broad rule, such as a \"to DNS\" rule for every non-local domain, placed before "
	    "the Webex rule sends Webex calls the wrong way and the Webex rule is never tried."},
};

const struct xconf_check *
xconf_checks(size_t *n)
{
	*n = sizeof checks / sizeof checks[0];
	return checks;
}

int
xconf_lint(const struct xconf *x, struct xconf_issue **out, size_t *n)
{
	struct xconf_lintctx c = {0};
	c.x = x;
	c.webex = xconf_webex_zone(x);
	path_build(&c);
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		c.row = &checks[i];
		checks[i].check(&c);
	}
	free(c.path);
	free(c.seen);
	*out = c.out;
	*n = c.n;
	return (int)c.n;
}

void
xconf_issues_free(struct xconf_issue *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].summary);
		free(v[i].fix);
	}
	free(v);
}
