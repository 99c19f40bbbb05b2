/* fmt_expressway.h - the Expressway log's framing, for what exercises it
 * alone (the SIP fuzzer); everything else reads the format through its row
 * (log_format.h). */
#ifndef XW_FMT_EXPRESSWAY_H
#define XW_FMT_EXPRESSWAY_H

#include <stdbool.h>
#include <stddef.h>

#include "xmem.h"

/* Appends to out the message framed in the n bytes at p, as CRLF text: one
 * leading space per line and the framing pipes removed. Returns true when the
 * closing pipe was found. */
bool fmt_expressway_unframe(const char *p, size_t n, struct sbuf *out);

#endif
