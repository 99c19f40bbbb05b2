/* ladder.h - a call drawn as a plain-text ladder: one column per machine,
 * one arrow per wire message, time and delta on the left. ASCII only, so it
 * pastes into any ticket; log text in labels is made safe. */
#ifndef XW_LADDER_H
#define XW_LADDER_H

#include <stdbool.h>

#include "model.h"

struct ladder_opts {
	bool all_hops;        /* draw same-host (B2BUA) hops instead of folding them */
	/* Appends note lines (each ending in '\n') to write under arrow i. */
	void (*notes)(void *arg, const struct model *m, const struct call *c, size_t i,
	    struct sbuf *out);
	void *arg;
};

/* Appends the ladder of call c to b. */
void ladder_text(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_opts *o);
/* Returns the machines of the call's columns, ordered outside to inside
 * (Webex, E, C, Unified CM); *n is set; the caller frees the array. */
int *ladder_columns(const struct model *m, const struct call *c, bool all_hops, size_t *n);
/* Appends the arrow label: "INVITE (SDP: G722,PCMU)", with retransmission and
 * missing-body marks; ASCII-safe. */
void ladder_label(struct sbuf *b, const struct model *m, const struct call_arrow *a);

#endif
