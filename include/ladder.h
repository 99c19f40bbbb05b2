/* ladder.h - a call as a ladder: one column per machine, one arrow per wire
 * message. ladder.c computes the layout once (columns ordered outside to
 * inside, the arrows shown with their columns, labels, times and deltas);
 * every drawing of a ladder reads it: the text ladder (ladder_text.c,
 * ASCII only, so it pastes into any ticket), the browser's flow screen, the
 * HTML SVG, PlantUML and Mermaid. Log text in labels is made safe. */
#ifndef XW_LADDER_H
#define XW_LADDER_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

/* Which same-host (Expressway B2BUA) hops a layout shows. */
enum ladder_hops {
	LADDER_FOLD,     /* none: they are counted in folded */
	LADDER_ALL,      /* every one */
	LADDER_FLAGGED,  /* those a finding concerns (the diagrams) */
};

/* A column: a machine. */
struct ladder_col {
	int mach;            /* index in m->machines */
	const char *name;    /* the machine's name: log text, each drawing makes it safe */
	const char *role;    /* its second line (view_machine_role): static */
};

/* An arrow shown. */
struct ladder_step {
	size_t ai;           /* index in the call's arrows */
	int from, to;        /* columns; equal for a hop inside one machine */
	xw_time t;           /* corrected time */
	xw_time dt;          /* since the arrow shown before (0 for the first) */
};

/* The layout of one call. Owns cols, steps and labels (ladder_layout_free). */
struct ladder_layout {
	const struct call *c;          /* borrowed */
	struct ladder_col *cols;       /* outside to inside: Webex, E, C, Unified CM */
	size_t ncols;
	struct ladder_step *steps;     /* the arrows shown, in time order */
	size_t nsteps;
	size_t folded;                 /* same-host hops not shown */
	char **labels;                 /* per arrow of the call, shown or not (ladder_label) */
	size_t longest;                /* the longest label, in columns (= bytes: ASCII) */
};

/* Fills l with the layout of call c, hops shown as asked (d, the findings,
 * is read for LADDER_FLAGGED only and may be NULL otherwise); free it with
 * ladder_layout_free. */
void ladder_layout(struct ladder_layout *l, const struct model *m, const struct diag_result *d,
    const struct call *c, enum ladder_hops hops);
/* Frees what l owns (not the call). */
void ladder_layout_free(struct ladder_layout *l);
/* Returns the column width that fits the labels and an arrow head: the
 * longest label plus 5, within [min, max]. */
int ladder_fit(const struct ladder_layout *l, int min, int max);
/* Appends the arrow label: "INVITE (SDP: G722,PCMU)", with retransmission and
 * missing-body marks; printable ASCII only. */
void ladder_label(struct sbuf *b, const struct model *m, const struct call_arrow *a);

/* ladder_text.c: the plain-text ladder. */

struct ladder_opts {
	bool all_hops;        /* draw same-host (B2BUA) hops instead of folding them */
	/* Appends note lines (each ending in '\n') to write under arrow i. */
	void (*notes)(void *arg, const struct model *m, const struct call *c, size_t i,
	    struct sbuf *out);
	void *arg;
};

/* Appends the ladder of call c to b; o may be NULL. */
void ladder_text(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_opts *o);

#endif
