/* view.h - what every view of the calls (list, show, the exports, the
 * browser) says the same way: a call's title, the ids of its findings, a
 * machine's role line, log text cut down to printable ASCII. The lowest
 * file of the views; it only reads the model and the findings. */
#ifndef XW_VIEW_H
#define XW_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* The styles of a call's title, one row each in view.c. */
enum view_title {
	VT_LADDER,  /* show, text export: "Call 1  2017-09-19T18:01:48.140Z  INVITE sip:a ->
	             * sip:b  final 404", printable ASCII only */
	VT_EXPORT,  /* diagrams and html: "Call 1: INVITE sip:a -> sip:b, final 404" */
	VT_SCREEN,  /* the browser's ladder: "Call 1  INVITE a -> b  final 404" (no sip: scheme) */
	VT_NAME,    /* "Call 1", a screen's title */
	VT_REF,     /* "call 1", inside a sentence */
	VT_COUNT
};

/* Appends the title of call c in style t to b; log text in it is made
 * terminal-safe (VT_LADDER: printable ASCII), not escaped for any language. */
void view_call_title(struct sbuf *b, const struct model *m, const struct call *c,
    enum view_title t);
/* Returns the number of distinct ids among the findings of call ci (d may be
 * NULL) and, when ids is not NULL, sets *ids to a new array (the caller
 * frees it; NULL when there is none) of them in finding order, each once:
 * what list prints in its FINDINGS column. The ids are d's. */
size_t view_finding_ids(const struct diag_result *d, size_t ci, const char ***ids);
/* Returns the second label line of a machine (static): its host's role name
 * ("expressway-e"), else its kind name ("webex", "cucm", "endpoint"). */
const char *view_machine_role(const struct model *m, int machine);
/* Returns uri without its sip: or sips: scheme (a pointer into it), or none
 * when uri is NULL. */
const char *view_brief_uri(const char *uri, const char *none);
/* Returns buf (size bytes) holding where evidence e is: "FILE:LINE", or
 * "FILE packet N" for a packet of a capture. Not made safe for any output. */
char *view_evidence_where(const struct diag_evidence *e, char *buf, size_t size);
/* Appends s (may be NULL: nothing) with every byte outside printable ASCII
 * written as '?'; b holds a string afterwards even when s is empty. */
void view_ascii(struct sbuf *b, const char *s);

/* Appends the clock the times of call c (NULL: of the whole load) are shown
 * on: "times on H, others corrected by the estimated skew" (H: m->ref_host),
 * "times as logged by H" when one host logged them all; no newline. */
void view_clock(struct sbuf *b, const struct model *m, const struct call *c);

/* view_finding.c: findings as terminal text (diagnose, show, the text export). */

/* Appends the escape that starts the colour of severity sev (an enum
 * diag_severity), or ends every colour (sev < 0), when color is true;
 * nothing when it is false. */
void view_sgr(struct sbuf *b, bool color, int sev);
/* Returns a new array (the caller frees it) of the indices of r's findings
 * in the order views list them: errors first, then warnings, then info;
 * among equals call findings, then connections, then configuration, by call
 * number, then as made. */
size_t *view_finding_order(const struct diag_result *r);
/* Appends what finding f concerns, untrusted (make it safe to show it):
 * "call 1 (CALL-ID)", "connection HOST PEER" or "configuration DUMP". */
void view_finding_about(struct sbuf *b, const struct model *m, const struct diag_finding *f);
/* Appends what finding f says, each line starting with indent spaces and,
 * when width > 0, fitting width cells: its host, its summary word-wrapped,
 * each piece of evidence (file:line, then the line quoted, terminal-safe,
 * cut to the width with a "~"), its fix word-wrapped. */
void view_finding_text(struct sbuf *b, const struct model *m, const struct diag_finding *f,
    int indent, int width);

#endif
