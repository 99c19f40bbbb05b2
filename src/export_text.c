/* export_text.c - the text export: the ladder of `show` in its full layout,
 * each finding under the arrow it concerns and the call's findings after
 * it; then the findings of no call (connections, configuration) in full, so
 * that a load with no call still exports its findings. */
#include <string.h>

#include "export_util.h"
#include "ladder.h"
#include "text.h"
#include "view.h"

#define WRAP 80 /* the findings of no call wrap here, as the ladders' notes at least do */

/* Appends every finding of no call: what it concerns, then what it says. */
static void
text_unattached(struct sbuf *b, const struct model *m, const struct diag_result *d)
{
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, -1, &idx) : 0;
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		struct sbuf about = {0};
		view_finding_about(&about, m, f);
		sbuf_printf(b, "%s  %c %s %s  ", k == 0 ? "Findings not tied to a call:\n" : "\n",
		    diag_marker(f->id), diag_severity_name(f->severity), f->id);
		text_wrap(b, about.s, 6 + strlen(diag_severity_name(f->severity)) + strlen(f->id),
		    WRAP, 4);
		view_finding_text(b, m, f, 4, WRAP);
		sbuf_free(&about);
	}
}

export_write_fn export_text; /* the type of the table's writers (export.c) */

/* Returns 0 after appending the text export of the calls (of none: the
 * findings alone). */
int
export_text(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	struct ladder_opts lo = {.d = d};
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_puts(out, "\n\n");
		ladder_text(out, m, &m->calls[calls[i]], &lo);
	}
	if (n == 0)
		sbuf_puts(out, "No call in these logs.\n");
	const size_t *idx;
	if (d != NULL && diag_call_findings(d, -1, &idx) > 0) {
		sbuf_puts(out, n > 0 ? "\n\n" : "\n");
		text_unattached(out, m, d);
	}
	return 0;
}
