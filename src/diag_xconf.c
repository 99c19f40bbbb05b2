/* diag_xconf.c - the xconfig-* findings: what xconf_lint() says about each
 * xConfiguration dump, as findings whose evidence is the dump's lines. */
#include <string.h>

#include "diag.h"
#include "xconf.h"

/* Returns the severity named by a lint issue ("error", "warning", "info"). */
static enum diag_severity
severity_of(const char *s, enum diag_severity dflt)
{
	if (s == NULL)
		return dflt;
	if (strcmp(s, "error") == 0)
		return DIAG_ERROR;
	if (strcmp(s, "warning") == 0)
		return DIAG_WARNING;
	if (strcmp(s, "info") == 0)
		return DIAG_INFO;
	return dflt;
}

/* Adds a finding per lint issue of sig's id in every dump. */
void
diag_check_xconfig(const struct diag_sig *sig, struct model *m, struct diag_result *r,
    void *vctx)
{
	const struct diag_ctx *ctx = vctx;
	for (size_t d = 0; d < ctx->ndumps; d++) {
		const struct diag_dump *dp = &ctx->dumps[d];
		for (size_t i = 0; i < dp->niss; i++) {
			const struct xconf_issue *is = &dp->iss[i];
			if (strcmp(is->id, sig->id) != 0)
				continue;
			struct diag_finding *f = diag_add(m, r, sig, -1, -1, dp->host,
			    is->summary ? is->summary : sig->id, is->fix ? is->fix : "");
			f->severity = severity_of(is->severity, sig->severity);
			f->config = dp->name;
			for (size_t k = 0; k < is->nlines && k < XCONF_ISSUE_MAXLINES; k++)
				diag_evidence(m, f, dp->name, is->lines[k]);
		}
	}
}
