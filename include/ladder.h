/* ladder.h - a call as a ladder: one column per machine, one arrow per wire
 * message. ladder.c computes the layout once (columns ordered outside to
 * inside, the arrows shown with their columns, labels, times and deltas);
 * every drawing of a ladder reads it: the text ladder (ladder_text.c,
 * ASCII only, so it pastes into any ticket), the browser's flow screen, the
 * HTML SVG, PlantUML and Mermaid. Log text in labels is made safe. */
#ifndef XW_LADDER_H
#define XW_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"

/* Which same-host (Expressway B2BUA) hops a layout shows. */
enum ladder_hops {
	LADDER_FOLD,     /* none: they are counted in folded */
	LADDER_ALL,      /* every one */
	LADDER_FLAGGED,  /* those a finding concerns (the diagrams) */
	LADDER_CONNS = 0x100, /* or'ed with one of the above: the connection rows too,
	                 * when a capture was loaded (ladder_conn.c) */
};

/* A column: a machine. */
struct ladder_col {
	int mach;            /* index in m->machines */
	const char *name;    /* the machine's name: log text, each drawing makes it safe */
	const char *role;    /* its second line (view_machine_role): static */
};

/* An arrow shown, or a connection row. */
struct ladder_step {
	size_t ai;           /* index in the call's arrows; a connection row: in l->conns */
	int from, to;        /* columns; equal for a hop inside one machine */
	xw_time t;           /* corrected time */
	xw_time dt;          /* since the row shown before (0 for the first) */
	bool conn;           /* a connection row (LADDER_CONNS), not a SIP message */
};

/* A connection row: what one packet of a TCP connection a capture holds
 * did (SYN, SYN/ACK, RST, FIN, a TLS handshake message, an alert, the first
 * application data), or a run of retransmitted SYNs, between the machines
 * of the connection's ends. Shown for the connections that carried the
 * call's messages (their steps near the call) and those a finding of the
 * call cites (every step). */
struct ladder_conn {
	uint32_t conn;       /* index in m->wire.conns */
	uint32_t step;       /* index in m->wire.steps: the row's first packet */
	uint32_t count;      /* packets it stands for: a run of SYNs, else 1 */
	int from, to;        /* machines (index in m->machines): the sender first */
	xw_time t;           /* corrected time */
	int32_t finding;     /* the worst finding of the call citing one of its packets
	                      * (index in d->f), or -1 */
	char *label;         /* "TCP SYN x3", "TLS Alert fatal unknown_ca": printable ASCII */
};

/* The layout of one call. Owns cols, steps, labels, telling and legs
 * (ladder_layout_free). */
struct ladder_layout {
	const struct call *c;          /* borrowed */
	struct ladder_col *cols;       /* outside to inside: Webex, E, C, Unified CM */
	size_t ncols;
	struct ladder_step *steps;     /* the arrows shown (and connection rows), in time order */
	size_t nsteps;
	struct ladder_conn *conns;     /* the connection rows (LADDER_CONNS), in time order */
	size_t nconns;
	size_t folded;                 /* same-host hops not shown */
	char **labels;                 /* per arrow of the call, shown or not (ladder_label) */
	bool *telling;                 /* per arrow: its label says more than the kind of
	                                * message (ladder_label's result) */
	uint8_t *legs;                 /* per arrow: its leg, the index of its Call-ID among the
	                                * call's (0: the call's own) */
	size_t nlegs;                  /* the call's Call-IDs; legs are told apart when > 1 */
	size_t longest;                /* the longest label, in columns (= bytes: ASCII) */
	size_t merged;                 /* machines put in the last column by ladder_squeeze */
	char merged_name[32];          /* that column's name: "3 others" */
};

/* How a label fits the room of its arrow (ladder_fit_label). */
enum ladder_fitting {
	LF_WHOLE,       /* all of it */
	LF_CUT,         /* shortened, with a visible mark */
	LF_CUT_TELL,    /* shortened, and what was cut matters: tell it in full under the
	                 * arrow (the label says more than the message kind, or a finding
	                 * concerns the arrow) */
};

/* Fills l with the layout of call c, hops shown as asked (d, the findings,
 * is read for LADDER_FLAGGED and LADDER_CONNS only and may be NULL); with
 * LADDER_CONNS or'ed in, the connection rows among the arrows (nothing more
 * when no capture was loaded); free it with ladder_layout_free. */
void ladder_layout(struct ladder_layout *l, const struct model *m, const struct diag_result *d,
    const struct call *c, enum ladder_hops hops);
/* Frees what l owns (not the call). */
void ladder_layout_free(struct ladder_layout *l);
/* Returns the column width that fits the labels and an arrow head: the
 * longest label plus 5, within [min, max]. */
int ladder_fit(const struct ladder_layout *l, int min, int max);
/* Returns the width of a column when avail columns hold them all: what
 * ladder_fit(l, min, max) gives when they fit, else narrower, down to min;
 * when even min is too wide, the innermost columns are merged into the last
 * one that fits ("N others", its arrows drawn as hops inside it) and l->merged
 * counts the machines in it. */
int ladder_squeeze(struct ladder_layout *l, int avail, int min, int max);
/* Appends the label of arrow ai of l cut to room cells (mark ends a cut
 * label: "~" in ASCII), its codecs without "SDP: " first; flagged says a
 * finding concerns the arrow. Returns how it fitted. */
enum ladder_fitting ladder_fit_label(struct sbuf *b, const struct ladder_layout *l, size_t ai,
    int room, const char *mark, bool flagged);
/* Appends the label of row st of l cut to room cells as ladder_fit_label
 * does: an arrow's, or a connection row's (cut: LF_CUT_TELL, what it says
 * after its kind is what it is shown for). Returns how it fitted. */
enum ladder_fitting ladder_fit_step(struct sbuf *b, const struct ladder_layout *l,
    const struct ladder_step *st, int room, const char *mark, bool flagged);
/* Returns the label of row st of l (owned by l). */
const char *ladder_step_label(const struct ladder_layout *l, const struct ladder_step *st);
/* ladder_conn.c: returns the connection rows of call c in time order, *n of
 * them (see struct ladder_conn), reading the call's findings in d (may be
 * NULL); NULL when none. The caller owns the array and its labels
 * (ladder_conns_free). */
struct ladder_conn *ladder_conns(const struct model *m, const struct diag_result *d,
    const struct call *c, size_t *n);
/* Frees n connection rows and their labels. */
void ladder_conns_free(struct ladder_conn *rows, size_t n);
/* Appends the arrow label: "INVITE (SDP: G722,PCMU)", "BYE (Q.850 47 Resource
 * unavailable)", "404 Policy Response" (a reason phrase, or else a Warning's
 * text, other than the status's default phrase), "200 OK (audio refused)",
 * with retransmission and missing-body marks; printable ASCII only. Returns
 * true when it says more than the kind of message: a Q.850 cause other than
 * normal clearing, a phrase other than the default, audio refused. */
bool ladder_label(struct sbuf *b, const struct model *m, const struct call_arrow *a);
/* Returns the letter of leg k in views: 'A' for the call's own Call-ID, 'B'
 * for the next, ..., '*' past 'Z'. */
char ladder_leg_letter(size_t k);
/* Returns how leg k joined call c (static or pooled): "the call's own" for
 * the first, else the rule of its link ("session-id", ...). */
const char *ladder_leg_rule(const struct call *c, size_t k);

/* ladder_text.c: the plain-text ladder (show, the text export). */

struct ladder_opts {
	bool all_hops;        /* draw same-host (B2BUA) hops instead of folding them */
	int width;            /* columns to fit (a narrow layout when the full one does not
	                       * fit); 0: the full layout, notes wrapped to its width */
	bool color;           /* ANSI colours: severities and flagged arrows */
	const struct diag_result *d; /* findings: markers on arrows, notes under them, the
	                       * call's findings after the ladder; may be NULL */
	bool others;          /* after the call's findings, a line naming those of no call */
	bool no_conns;        /* leave out the connection rows a capture gives (LADDER_CONNS) */
};

/* Appends the ladder of call c to b, annotated with its findings; o may be
 * NULL (the full layout, no findings). */
void ladder_text(struct sbuf *b, const struct model *m, const struct call *c,
    const struct ladder_opts *o);

#endif
