/* srule.h - Expressway search rules: the pattern matcher and the search.
 *
 * The matcher mirrors Maintenance > Tools > Check pattern: an alias is tested
 * against an Exact, Prefix, Suffix or Regex pattern and, when it matches, is
 * left alone, stripped or replaced. Every pattern type is compiled to a PCRE2
 * regex so that pattern variables (%localdomains%, %ip%, ...) work in all of
 * them. Matching is case-insensitive, as aliases are on the Expressway.
 *
 * The search mirrors Maintenance > Tools > Locate: search rules (decoded by
 * whoever read them, e.g. xconf.c from a dump) are tried in priority order
 * for an alias arriving from a source zone, and every rule's verdict is
 * recorded.
 *
 * Patterns come from untrusted dumps: compile errors are reported with their
 * offset and every match runs under match, depth and heap limits so that a
 * hostile pattern fails with an error instead of hanging.
 */
#ifndef XW_SRULE_H
#define XW_SRULE_H

#include <stdbool.h>
#include <stddef.h>

enum srule_ptype { SRULE_EXACT, SRULE_PREFIX, SRULE_SUFFIX, SRULE_REGEX };
enum srule_behavior { SRULE_LEAVE, SRULE_STRIP, SRULE_REPLACE };
enum srule_mode { SRULE_MODE_PATTERN, SRULE_MODE_ANYALIAS, SRULE_MODE_ANYIP, SRULE_MODE_UNKNOWN };
enum srule_source { SRULE_SRC_ANY, SRULE_SRC_ALLZONES, SRULE_SRC_LOCALZONE, SRULE_SRC_NAMED,
	SRULE_SRC_UNKNOWN };
enum srule_for { SRULE_FOR_ANY, SRULE_FOR_SIP, SRULE_FOR_H323 }; /* a rule's Protocol */

/* A search rule as the search reads it: the settings decoded, the texts
 * borrowed from whoever owns the rule (NULL when the rule has no such
 * setting). An absent setting takes the Expressway default (Enabled, Any
 * protocol, AliasPatternMatch, Prefix, Leave, Continue, Any source). */
struct srule_rule {
	unsigned num;
	long prio;                 /* 65535 when missing or not a number */
	bool enabled, stop;
	enum srule_mode mode;
	enum srule_source source;
	enum srule_for proto;
	enum srule_ptype ptype;
	enum srule_behavior behavior;
	const char *name, *state, *pattern, *replace, *source_mode, *source_name, *target;
	const char *sip_traffic_type;
	const char *bad;           /* static text naming the first setting that could not be
	                            * decoded, NULL when every one did */
};

/* Limits for untrusted patterns. */
#define SRULE_MATCH_LIMIT    100000u
#define SRULE_DEPTH_LIMIT    1000u
#define SRULE_HEAP_LIMIT_KIB 8192u
#define SRULE_MAX_PATTERN    8192u  /* bytes of a pattern after expansion */
#define SRULE_MAX_COSTLY     16u    /* limit hits after which a search skips patterns */

/* What the pattern variables stand for. The arrays are borrowed. */
struct srule_vars {
	const char *const *domains; /* SIP domains, for %localdomains% and %localdomainN% */
	size_t ndomains;
	const char *const *ips;     /* the Expressway's addresses, for %ip% */
	size_t nips;
};

/* Why a compile or a match failed. offset is a byte offset into the pattern
 * as written, or into the expanded regex when `expanded` is set; -1 when the
 * error is not tied to a place in the pattern. `limit` is set when a match
 * ran into the match, depth or heap limit. */
struct srule_err {
	char msg[256];
	long offset;
	bool expanded;
	bool limit;
};

/* Returns 0 and sets *t when s names a pattern type (any case), else -1. */
int srule_ptype_parse(const char *s, enum srule_ptype *t);
/* Returns 0 and sets *b when s names a pattern behavior (any case), else -1. */
int srule_behavior_parse(const char *s, enum srule_behavior *b);
/* Returns the static name of a pattern type ("Regex", ...). */
const char *srule_ptype_name(enum srule_ptype t);
/* Returns the static name of a pattern behavior ("Leave", ...). */
const char *srule_behavior_name(enum srule_behavior b);

/* Returns the PCRE2 regex that pattern s of type t stands for, with the
 * variables expanded from v (may be NULL); the caller owns it. */
char *srule_expand(enum srule_ptype t, const char *s, const struct srule_vars *v);

/* A compiled pattern; opaque. */
struct srule_pattern;
/* Returns a compiled pattern, or NULL with *err filled; the caller frees it
 * with srule_free. v is only read during the call. */
struct srule_pattern *srule_compile(enum srule_ptype t, const char *s,
    const struct srule_vars *v, struct srule_err *err);
/* Frees p (NULL is fine). */
void srule_free(struct srule_pattern *p);
/* Returns the expanded regex of p; owned by p. */
const char *srule_regex(const struct srule_pattern *p);
/* Returns true when pattern variables were expanded in p. */
bool srule_has_vars(const struct srule_pattern *p);
/* Returns 1 when alias matches p, 0 when not, -1 on error (*err filled,
 * e.g. the match limit was hit). On a match and when out is not NULL, *out
 * is the alias after behavior b (replace: `replace` with \1..\9 backrefs
 * for Regex, literal otherwise); the caller owns *out. */
int srule_apply(const struct srule_pattern *p, const char *alias,
    enum srule_behavior b, const char *replace, char **out, struct srule_err *err);

enum srule_proto { SRULE_PROTO_SIP, SRULE_PROTO_H323 };

enum srule_verdict {
	SRULE_DISABLED,        /* State is not Enabled */
	SRULE_WRONG_PROTOCOL,  /* rule is for the other protocol */
	SRULE_WRONG_VARIANT,   /* SIPTrafficType excludes standards-based SIP */
	SRULE_SOURCE_FILTERED, /* the source zone is not one the rule accepts */
	SRULE_NO_MATCH,        /* pattern did not match the alias */
	SRULE_PATTERN_ERROR,   /* pattern did not compile or hit a limit */
	SRULE_MATCHED,         /* alias sent to the rule's target */
	SRULE_NOT_REACHED,     /* a Stop rule at a lower priority ended the search */
};

/* One rule as the search saw it. */
struct srule_step {
	const struct srule_rule *rule; /* borrowed from the caller's rules */
	size_t index;                  /* of that rule in the array given to srule_search */
	enum srule_verdict verdict;
	bool stop;                     /* matched with Progress Stop */
	bool would_match;              /* not reached, but would have matched */
	char *alias;                   /* matched: alias sent to the target; owned by the result */
	char *why;                     /* one line of explanation; owned by the result */
};

/* The outcome of a search; free with srule_result_free. */
struct srule_result {
	char *alias;              /* the alias searched, after dropping sip:/sips:; owned */
	char *source;             /* the source zone as given; owned */
	struct srule_step *steps; /* every rule, in the order the search tries them */
	size_t nsteps;
	long first_match;         /* index in steps of the first match, -1 when none */
	long stopped_by;          /* index of the Stop rule that ended the search, -1 */
};

/* Returns the number of matched rules after searching the n rules for
 * alias arriving from zone `source` ("DefaultZone", "LocalZone" or a zone
 * name; NULL means DefaultZone) over protocol proto, with pattern
 * variables v (may be NULL); fills *res, which the caller frees with
 * srule_result_free. The steps borrow the rules, so they must outlive
 * *res; v is only read during the call. */
size_t srule_search(const struct srule_rule *const *rules, size_t n, const struct srule_vars *v,
    const char *alias, const char *source, enum srule_proto proto, struct srule_result *res);
/* Frees what *res owns and zeroes it. */
void srule_result_free(struct srule_result *res);
/* Returns the static short name of a verdict ("matched", ...). */
const char *srule_verdict_name(enum srule_verdict v);
/* Returns 1 when rule r would match alias by its mode and pattern alone
 * (ignoring state, protocol and source), 0 when not, -1 on a pattern error;
 * vars are the pattern variables of the rule's configuration. */
int srule_rule_matches(const struct srule_rule *r, const char *alias,
    const struct srule_vars *vars);

#endif
