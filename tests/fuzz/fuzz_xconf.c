/* fuzz_xconf.c - libFuzzer harness: bytes -> xconf_parse -> every look-up,
 * xconf_lint, and a Locate search over the dump's own search rules (their
 * patterns are untrusted too). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "srule.h"
#include "xconf.h"
#include "xconf_lint.h"

/* Returns nothing; runs the queries other parts make of a dump. */
static void
query(const struct xconf *x)
{
	struct srule_vars v;
	xconf_vars(x, &v);
	(void)xconf_get(x, "Zones Zone 1 Name");
	(void)xconf_value(x, "SIP Domains Domain 1 Name");
	(void)xconf_zone_by_name(x, "Hybrid Call Service Traversal");
	(void)xconf_zone_by_num(x, 1);
	(void)xconf_is_expressway_e(x);
	(void)xconf_is_expressway_c(x);
	(void)xconf_webex_zone(x);
	for (size_t i = 0; i < x->nzones; i++)
		(void)xconf_zone_type_name(x->zones[i].type);
	for (size_t i = 0; i < x->nrules && i < 64; i++)
		(void)srule_rule_matches(&x->rules[i].sr, "alice@example.com", &v);
}

/* Returns 0 after parsing, querying, linting and searching the input. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *text = fuzz_copy(d, n);
	struct xconf *x = xconf_parse("fuzz.xconf", text, n);
	query(x);
	struct xconf_issue *iss = NULL;
	size_t ni = 0;
	xconf_lint(x, &iss, &ni);
	xconf_lint_free(iss, ni);
	struct srule_result res;
	xconf_search(x, "sip:alice@example.com", NULL, SRULE_PROTO_SIP, &res);
	srule_result_free(&res);
	xconf_search(x, "10.0.0.1", "LocalZone", SRULE_PROTO_H323, &res);
	srule_result_free(&res);
	xconf_free(x);
	fuzz_free(text, n);
	return 0;
}
