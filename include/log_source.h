/* log_source.h - the lines of an input around a line number: what a view
 * shows to prove a finding in context (its evidence names a file and a
 * line). Ingest owns the text of the inputs, so it reads them: a log's
 * mapped text (m->files), a dump's text kept from a bundle (m->xconfigs), or
 * a dump named on the command line, read again from its path. */
#ifndef XW_LOG_SOURCE_H
#define XW_LOG_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Returns a new string (the caller frees it) of lines from..to (1-based,
 * clamped to the input) of the input named file, as they are in it but for
 * their terminators (LF, CRLF or a lone CR), each followed by '\n'; the
 * number of the first in *first, its length in *len (a line may hold NUL
 * bytes). NULL when no input has that name or it
 * cannot be read (or from is past its end). The text is untrusted. */
char *log_source_lines(const struct model *m, const char *file, uint32_t from, uint32_t to,
    uint32_t *first, size_t *len);

#endif
