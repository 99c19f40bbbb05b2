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
/* Returns what a view quotes after where evidence e is: a packet's summary
 * or a certificate's names and dates; NULL for a log or configuration line,
 * whose place says enough. Untrusted text: make it safe for the output. */
const char *view_evidence_quote(const struct diag_evidence *e);
/* Appends s (may be NULL: nothing) with every byte outside printable ASCII
 * written as '?'; b holds a string afterwards even when s is empty. */
void view_ascii(struct sbuf *b, const char *s);

#endif
