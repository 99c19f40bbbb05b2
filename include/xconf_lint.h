/* xconf_lint.h - the xconfig-* signatures: what is wrong in an
 * xConfiguration dump for Webex Hybrid Call.
 *
 * Each signature is one row of xconf_lint_group (a diag_sig whose arg holds
 * the lint function that finds it): diag_run lints every dump once with
 * xconf_lint, and each row's check turns that row's issues into findings
 * whose evidence is the dump's lines. The checks of other signatures read a
 * dump's issues by row (xconf_lint_issue(d, XCONF_LINT_...)).
 *
 * The lint only reports settings the dump has: a missing setting is never
 * taken for Off, so a partial dump gives fewer issues, not wrong ones. The
 * summaries and fixes quote the dump, so they may hold any byte but NUL:
 * make them safe (text.h) before printing.
 */
#ifndef XW_XCONF_LINT_H
#define XW_XCONF_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "xconf.h"

/* The rows, in the order their findings are made; a name for each so that
 * other checks refer to a row, never to its id retyped. */
enum xconf_lint_row {
	XCONF_LINT_TLS_SUBJECT_NAME,
	XCONF_LINT_INBOUND_CLASSIFICATION_OFF,
	XCONF_LINT_PRELOADED_ROUTES_OFF,
	XCONF_LINT_PARAMETER_PRESERVATION_OFF,
	XCONF_LINT_DNS_OVERRIDE_OFF,
	XCONF_LINT_MTLS_OFF,
	XCONF_LINT_SEARCH_RULE_SHADOWED,
	XCONF_LINT_COUNT
};

/* The xconfig-* rows (static, indexed by enum xconf_lint_row), as a group
 * of the signature table (diag_sigs.c). */
extern const struct diag_group xconf_lint_group;

#define XCONF_LINT_MAXLINES 8

/* One thing wrong in a dump. */
struct xconf_issue {
	const struct diag_sig *sig;    /* the row that found it (static) */
	enum diag_severity severity;   /* the row's, or milder when the lint says so */
	char *summary;                 /* owned: what is wrong, naming zones and rules */
	char *fix;                     /* owned: what to change */
	uint32_t lines[XCONF_LINT_MAXLINES]; /* evidence lines in x->file, ascending */
	size_t nlines;
};

/* Returns the number of issues found in x by every row, in row order; *out
 * is a new array the caller frees with xconf_lint_free (NULL when none).
 * The issues borrow nothing from x. */
int xconf_lint(const struct xconf *x, struct xconf_issue **out, size_t *n);
/* Returns the issue that row found in dump d (may be NULL), owned by d, or
 * NULL. */
const struct xconf_issue *xconf_lint_issue(const struct diag_dump *d, enum xconf_lint_row row);
/* Frees an issue array from xconf_lint (NULL is fine). */
void xconf_lint_free(struct xconf_issue *v, size_t n);
/* Returns the edit distance between a and b, ignoring case (both capped at
 * 256 bytes; longer strings count as far apart). */
size_t xconf_lint_edit_distance(const char *a, const char *b);

#endif
