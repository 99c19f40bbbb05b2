/* export.h - writing annotated flows: one row of the export table per
 * format (text, html, plantuml, mermaid, json, pcap), each written by one
 * export_*.c file.
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

/* An exporter: returns 0 after appending to out (the caller's) the export of
 * the calls (indices in m->calls, n of them), or -1; d may be NULL. */
typedef int export_write_fn(struct sbuf *out, const struct model *m,
    const struct diag_result *d, const size_t *calls, size_t n);

/* A row of the export table (export.c): all that is known about a format. */
struct export_format {
	const char *name;      /* "html": --format, --help, the man page, the browser */
	const char *suffix;    /* ".html": the file name the browser proposes */
	bool binary;           /* not text: written to a file (-o) or a pipe, never a terminal */
	bool findings_alone;   /* writes the findings of a load with no call (its writer
	                        * takes n == 0) */
	export_write_fn *write;
};

/* Returns the export table (static) and sets *n to its length. */
const struct export_format *export_formats(size_t *n);
/* Returns the row of the format named name, or NULL. */
const struct export_format *export_format_find(const char *name);
/* Appends the names of every format to b, sep between two: "text|html|...". */
void export_format_names(struct sbuf *b, const char *sep);
/* Returns f's writer's result after appending the export of the calls
 * (indices in m->calls) in format f to out (the caller's); d may be NULL. */
int export_calls(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t ncalls, const struct export_format *f);
/* Returns true when path names one of m's input files (never written). */
bool export_is_input(const struct model *m, const char *path);
/* Returns 0 after writing data atomically to path (refusing any input log of
 * m), or -1 with err. */
int export_write_file(const struct model *m, const char *path, const char *data, size_t n,
    char *err, size_t errlen);

#endif
