/* jsonout.h - the model as JSON (list --json, show --json, export json).
 * All strings are escaped fully with text_json; output is one object. */
#ifndef XW_JSONOUT_H
#define XW_JSONOUT_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

/* Appends the "files" array: every input file with its path, host and role,
 * what it was taken for ("format", "taken_as"; "ignored" with what it
 * looked like), its account (blocks, info_summaries, events: seen, read,
 * reported) and its skipped and repaired lines. */
void jsonout_files(struct sbuf *b, const struct model *m);
/* Appends ,"clock":{"host":H,"text":"times on H, others corrected by the
 * estimated skew"}: the host whose clock the times are on (null when none)
 * and what view_clock says of the whole load. */
void jsonout_clock(struct sbuf *b, const struct model *m);
/* Appends one call object, with the ids of its findings in d (may be NULL);
 * with_messages adds "machines" and "messages", with_raw adds each
 * message's raw text. */
void jsonout_call(struct sbuf *b, const struct model *m, const struct diag_result *d,
    const struct call *c, bool with_messages, bool with_raw);

/* Appends ,"summary":..,"fix":..,"evidence":[{"file","line","text"}] of a
 * finding: text is the line quoted (cut to DIAG_QUOTE_MAX bytes), or null. */
void jsonout_finding_text(struct sbuf *b, const struct diag_finding *f);

#endif
