/* diag.h - findings: what broke, where, why, and what to change.
 *
 * Signatures are rows of one const table (see diag.c); each row's check
 * looks at the model (and xConfiguration dumps) and adds findings. The TUI
 * and the exports read findings; they never compute them.
 */
#ifndef XW_DIAG_H
#define XW_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum diag_severity { DIAG_INFO, DIAG_WARNING, DIAG_ERROR };

/* A log or configuration line that proves a finding. */
struct diag_evidence {
	const char *file;      /* pooled */
	uint32_t line;
};

struct diag_finding {
	const char *id;        /* stable id from the table, e.g. "cpl-reject" */
	enum diag_severity severity;
	int call;              /* index in m->calls, or -1 (connection or config finding) */
	int arrow;             /* index in that call's arrows the finding concerns, or -1 */
	int host;              /* index in m->hosts, or -1 */
	const char *summary;   /* one line, pooled */
	const char *fix;       /* a sentence or two, pooled */
	struct diag_evidence *ev; /* owned by the finding */
	size_t nev, evcap;
};

struct diag_result {
	struct diag_finding *f;
	size_t n, cap;
};

/* One signature: a row of the table. */
struct diag_sig {
	const char *id;
	enum diag_severity severity;
	/* Adds this signature's findings for the model to r. */
	void (*check)(const struct diag_sig *sig, struct model *m, struct diag_result *r,
	    void *ctx);
	const char *explain;   /* what it means and the general fix (man page, help) */
};

/* Returns 0 after running every signature over the model and the given
 * xConfiguration dumps (paths; dumps found in bundles are added); fills each
 * call's findings list with ids. On failure returns -1 with err. */
int diag_run(struct model *m, const char **xconfigs, size_t nxconfigs, struct diag_result *r,
    char *err, size_t errlen);
/* Frees the findings (not the pooled strings). */
void diag_result_free(struct diag_result *r);
/* Returns "error", "warning" or "info". */
const char *diag_severity_name(enum diag_severity s);
/* Returns the table of signatures and its length. */
const struct diag_sig *diag_table(size_t *n);
/* Adds a finding and returns it (evidence added with diag_evidence). */
struct diag_finding *diag_add(struct model *m, struct diag_result *r, const struct diag_sig *sig,
    int call, int arrow, int host, const char *summary, const char *fix);
/* Adds a file:line to a finding's evidence (file copied into the pool). */
void diag_evidence(struct model *m, struct diag_finding *f, const char *file, uint32_t line);
/* Returns a one-character marker of a finding id for compact views. */
char diag_marker(const char *id);

#endif
