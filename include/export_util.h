/* export_util.h - what the export_* files share: the participants of the
 * diagrams, which findings an export holds, escaping. Private to the
 * exports. */
#ifndef XW_EXPORT_UTIL_H
#define XW_EXPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "export.h"
#include "ladder.h"
#include "model.h"

/* Returns true when finding f belongs in an export of the calls: it concerns
 * one of them, or no call at all (configuration and connection findings). */
bool export_finding_wanted(const struct diag_finding *f, const size_t *calls, size_t ncalls);
/* Returns the machines the calls' arrows join, in ladder order with the
 * Expressways next to each other; *n is set; the caller frees the array. */
int *export_participants(const struct model *m, const size_t *calls, size_t ncalls, size_t *n);
/* Returns true when connection row r joins two of the np participants p (a
 * diagram declares them; a row to another machine is left out). */
bool export_conn_drawn(const struct ladder_conn *r, const int *p, size_t np);
/* Returns the severity (enum diag_severity) of the finding that cites
 * connection row r, or -1 when none does (d may be NULL). */
int export_conn_severity(const struct diag_result *d, const struct ladder_conn *r);
/* Appends untrusted s (may be NULL) made terminal-safe, each character that
 * plain() refuses, and every non-ASCII one, written as the code point in fmt
 * (a printf format with one unsigned conversion, e.g. "#%u;"). */
void export_escape(struct sbuf *b, const char *s,
    bool (*plain)(const unsigned char *s, size_t n, size_t i), const char *fmt);

#endif
