/* xconf.h - Expressway xConfiguration dumps: parse and query (the lint is
 * xconf_lint.h, a diagnosis).
 *
 * A dump is the output of `xConfiguration` on an Expressway, one setting a
 * line:
 *
 *   *c xConfiguration Zones Zone 6 DNS SIP TLS Verify Subject Name: "callservice.ciscospark.com"
 *   *c xConfiguration Zones Policy SearchRules Rule 3 Pattern Replace:
 *
 * The text is untrusted (any bytes, CRLF, NULs, huge lines, missing quotes,
 * values wrapped onto the next line by a mail client or a PDF): the parser
 * never fails, it keeps what it can and records a problem for the rest.
 * Every setting keeps its line number so that findings can cite file:line.
 *
 * Ownership: an xconf owns every string and array reachable from it; they
 * live until xconf_free. Nothing in it is ever modified after parsing.
 * Every string taken from the dump (keys, values) may hold any byte but
 * NUL: make it safe (text.h) before printing.
 */
#ifndef XW_XCONF_H
#define XW_XCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srule.h"

/* A setting value with the line it came from. s is NULL when the dump does
 * not have the setting; "" when it has it with an empty value. */
struct xconf_val {
	const char *s;
	uint32_t line;
};

/* One `*c xConfiguration KEY: VALUE` line. The key is what follows
 * "xConfiguration " with runs of blanks folded to one space. */
struct xconf_setting {
	const char *key;
	const char *value;
	uint32_t line;
};

/* A line that could not be used, or was used after a repair. */
struct xconf_problem {
	uint32_t line;
	bool recovered;     /* true: the setting was kept (e.g. quote added) */
	const char *reason; /* static text */
};

enum xconf_zone_type {
	XCONF_ZONE_OTHER,
	XCONF_ZONE_DNS,
	XCONF_ZONE_TRAVERSAL_SERVER,
	XCONF_ZONE_TRAVERSAL_CLIENT,
	XCONF_ZONE_NEIGHBOR,
	XCONF_ZONE_WEBEX,
	XCONF_ZONE_ENUM,
	XCONF_ZONE_LOCAL,
};

/* A zone: `Zones Zone N ...`. Type-specific settings live under a prefix
 * named after the type (`Zones Zone 6 DNS SIP ...`); the typed fields below
 * take the setting under the zone's own type prefix, or under any prefix
 * when the zone has none of that type. */
struct xconf_zone {
	unsigned num;
	uint32_t first_line;
	enum xconf_zone_type type;
	struct xconf_val name, type_str;
	struct xconf_val tls_verify_mode, tls_subject_name, inbound_classification;
	struct xconf_val dns_override_name, dns_override;
	struct xconf_val parameter_preservation, preloaded_routes;
	struct xconf_val sip_port, sip_transport, collaboration_edge, peer1;
};

/* A search rule: `Zones Policy SearchRules Rule N ...`: its settings with
 * their lines, and what they say decoded for the search (srule.h; its
 * texts are the settings' values, its num the rule's number). */
struct xconf_rule {
	uint32_t first_line;
	struct xconf_val name, description, priority, state, protocol, mode;
	struct xconf_val pattern_type, pattern_string, pattern_behavior, pattern_replace;
	struct xconf_val progress, source_mode, source_name, target_type, target_name;
	struct xconf_val sip_traffic_type;
	struct srule_rule sr;
};

/* A SIP domain: `SIP Domains Domain N Name`. */
struct xconf_domain {
	unsigned num;
	struct xconf_val name;
};

struct xconf_index; /* private lookup table */

struct xconf {
	char *file;                      /* name used in messages */
	struct strpool *pool;
	struct xconf_setting *settings;  /* in file order */
	size_t nsettings, settingcap;
	struct xconf_zone *zones;        /* ascending zone number */
	size_t nzones;
	struct xconf_rule *rules;        /* ascending rule number */
	size_t nrules;
	struct xconf_domain *domains;    /* ascending domain number, non-empty names */
	size_t ndomains;
	const char **domain_names;       /* the names of domains[], for srule_vars */
	const char **ips;                /* non-empty Ethernet N IP V4/V6 Address values */
	size_t nips, ipcap;
	struct xconf_val admin_policy;   /* Policy AdministratorPolicy Mode */
	struct xconf_val mtls_mode;      /* SIP MTLS Mode: the listener Webex connects to */
	struct xconf_val mtls_port;      /* SIP MTLS Port */
	struct xconf_problem *problems;
	size_t nproblems, problemcap;
	uint32_t nlines;
	struct xconf_index *index;
};

/* Returns a new model of the n bytes of text (any content); never NULL.
 * name (copied) is used in messages. Free with xconf_free. */
struct xconf *xconf_parse(const char *name, const char *text, size_t n);
/* Returns the parsed file at path, or NULL with a one-line message in err
 * (naming the file) when it cannot be read. Free with xconf_free. */
struct xconf *xconf_load(const char *path, char *err, size_t errlen);
/* Frees x and everything it owns (NULL is fine). */
void xconf_free(struct xconf *x);

/* Returns the setting with this key (blanks folded, any case) or NULL; the
 * last one wins when a key repeats. Owned by x. */
const struct xconf_setting *xconf_get(const struct xconf *x, const char *key);
/* Returns the setting read from line (1-based) of the dump, or NULL; owned by x. */
const struct xconf_setting *xconf_at_line(const struct xconf *x, uint32_t line);
/* Returns the value of key, or NULL when absent; owned by x. */
const char *xconf_value(const struct xconf *x, const char *key);
/* Returns the zone named name (exact, then any case, then ignoring blanks,
 * as Via headers print "HybridCallServiceTraversal") or NULL; owned by x. */
const struct xconf_zone *xconf_zone_by_name(const struct xconf *x, const char *name);
/* Returns the zone numbered num or NULL; owned by x. */
const struct xconf_zone *xconf_zone_by_num(const struct xconf *x, unsigned num);
/* Returns the static name of a zone type ("DNS", "TraversalServer", ...). */
const char *xconf_zone_type_name(enum xconf_zone_type t);
/* Fills *v with the pattern variables of x; v borrows from x. */
void xconf_vars(const struct xconf *x, struct srule_vars *v);
/* Returns the number of matched rules after searching the rules of x with
 * its pattern variables, as srule_search does (steps' index is in
 * x->rules); fills *res, which the caller frees with srule_result_free and
 * which borrows from x. */
size_t xconf_search(const struct xconf *x, const char *alias, const char *source,
    enum srule_proto proto, struct srule_result *res);
/* Returns true when the dump is of an Expressway-E (it has a traversal
 * server or a Webex zone). */
bool xconf_is_expressway_e(const struct xconf *x);
/* Returns true when the dump is of an Expressway-C (a traversal client
 * zone and no traversal server). */
bool xconf_is_expressway_c(const struct xconf *x);
/* Returns the zone that talks to Webex (see xconf.c for how it is picked)
 * or NULL; owned by x. */
const struct xconf_zone *xconf_webex_zone(const struct xconf *x);
/* Returns true when a search rule with a Webex pattern (ciscospark, webex)
 * targets zone z of x. */
bool xconf_webex_targets(const struct xconf *x, const struct xconf_zone *z);
/* Returns true when zone z's own name says Webex, Hybrid or Spark. */
bool xconf_webex_named(const struct xconf_zone *z);
/* Returns true when value s is On (any case, blanks ignored); false for
 * NULL. */
bool xconf_is_on(const char *s);
/* Returns true when value s is Off (any case, blanks ignored); false for
 * NULL, so that a missing setting is never reported as Off. */
bool xconf_is_off(const char *s);

#endif
