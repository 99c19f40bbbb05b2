/* export.h - writing annotated flows: text, html, plantuml, mermaid, json, pcap.
 *
 * Every exporter reads the model and the findings; none computes findings.
 * Output to a file is written atomically (temporary file, then rename) and
 * never over one of the input logs.
 */
#ifndef XW_EXPORT_H
#define XW_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"

enum export_format { EXPORT_TEXT, EXPORT_HTML, EXPORT_PLANTUML, EXPORT_MERMAID, EXPORT_JSON,
	EXPORT_PCAP, EXPORT_NFORMATS };

/* Returns the format named name ("text", "html", ...), or -1. */
int export_format_parse(const char *name);
/* Returns the name of a format. */
const char *export_format_name(enum export_format f);
/* Returns the usual file suffix of a format (".txt", ".html", ...). */
const char *export_format_suffix(enum export_format f);
/* Appends the export of the calls (indices in m->calls) in format f to out.
 * Returns 0, or -1 with err. */
int export_calls(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t ncalls, enum export_format f, char *err, size_t errlen);
/* Returns 0 after writing data atomically to path (refusing any input log of
 * m), or -1 with err. */
int export_write_file(const struct model *m, const char *path, const char *data, size_t n,
    char *err, size_t errlen);

#endif
