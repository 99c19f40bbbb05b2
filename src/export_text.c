/* export_text.c - the text export: the ladder of `show`, each finding
 * under the arrow it concerns, then the call's findings in full. */
#include <string.h>

#include "export.h"
#include "ladder.h"
#include "text.h"
#include "view.h"

/* The findings of one call, for the text notes. */
struct text_ctx {
	const struct diag_result *d;
	size_t call;
};

/* Appends a note line per finding of the call on arrow i (ladder_opts.notes). */
static void
text_notes(void *arg, const struct model *m, const struct call *c, size_t i, struct sbuf *out)
{
	const struct text_ctx *t = arg;
	const size_t *idx;
	size_t n = diag_call_findings(t->d, (long)t->call, &idx);
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &t->d->f[idx[k]];
		if (f->arrow != (int)i)
			continue;
		sbuf_printf(out, "%22s  ^^ %s %s: ", "", diag_severity_name(f->severity), f->id);
		text_safe(out, f->summary, strlen(f->summary));
		sbuf_puts(out, "\n");
	}
}

/* Appends the findings list of a call: summary, evidence, fix. */
static void
text_findings(struct sbuf *b, const struct diag_result *d, size_t call)
{
	const size_t *idx;
	size_t n = diag_call_findings(d, (long)call, &idx);
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		if (k == 0)
			sbuf_puts(b, "\nFindings:\n");
		sbuf_printf(b, "  [%s] %s: ", diag_severity_name(f->severity), f->id);
		text_safe(b, f->summary, strlen(f->summary));
		sbuf_puts(b, "\n");
		for (size_t e = 0; e < f->nev; e++) {
			char where[1024];
			const char *q = view_evidence_quote(&f->ev[e]);
			view_evidence_where(&f->ev[e], where, sizeof where);
			sbuf_puts(b, "    evidence: ");
			text_safe(b, where, strlen(where));
			if (q != NULL) {
				sbuf_puts(b, ": ");
				text_safe(b, q, strlen(q));
			}
			sbuf_puts(b, "\n");
		}
		sbuf_puts(b, "    fix: ");
		text_safe(b, f->fix, strlen(f->fix));
		sbuf_puts(b, "\n");
	}
}

export_write_fn export_text; /* the type of the table's writers (export.c) */

/* Returns 0 after appending the text export of the calls. */
int
export_text(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct text_ctx t = {d, calls[i]};
		struct ladder_opts lo = {.notes = text_notes, .arg = &t};
		if (i)
			sbuf_puts(out, "\n\n");
		ladder_text(out, m, &m->calls[calls[i]], &lo);
		text_findings(out, d, calls[i]);
	}
	return 0;
}

