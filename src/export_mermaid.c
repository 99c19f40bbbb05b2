/* export_mermaid.c - the mermaid export: one sequenceDiagram of the calls.
 *
 * Log text reaches Mermaid only after mmd_text(): anything but letters,
 * digits and a few plain punctuation marks becomes a #NNN; entity, which
 * Mermaid decodes when it draws. So ';', '#', '%', '<', '>', quotes and
 * newlines from a log can end no statement and start no markup, and a word
 * beginning with "end" cannot close a block.
 */
#include <stdlib.h>
#include <string.h>

#include "export_util.h"
#include "ladder.h"
#include "view.h"

/* Returns true for an ASCII letter or digit. */
static bool
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Returns true when ASCII character i of s may be written as it is. */
static bool
plain(const unsigned char *s, size_t n, size_t i)
{
	if (strchr(" .,:()+?@-/_=", s[i]) != NULL && s[i] != '\0')
		return true;
	if (!alnum(s[i]))
		return false;
	/* the keyword end (and words that begin with it) could close a block */
	return !((s[i] == 'e' || s[i] == 'E') && (i == 0 || !alnum(s[i - 1])) && i + 2 < n &&
	    (s[i + 1] | 0x20) == 'n' && (s[i + 2] | 0x20) == 'd');
}

/* Appends untrusted s (may be NULL) as Mermaid text. */
static void
mmd_text(struct sbuf *b, const char *s)
{
	export_escape(b, s, plain, "#%u;");
}

/* Returns the background of a rect around an arrow with a finding. */
static const char *
sev_rgb(int sev)
{
	return sev == DIAG_ERROR ? "rgb(255,204,204)" : sev == DIAG_WARNING ? "rgb(255,232,176)"
	    : "rgb(221,238,255)";
}

/* Appends the participants, the Expressways in one box. */
static void
participants(struct sbuf *b, const struct model *m, const int *p, size_t np)
{
	size_t nexp = 0, seen = 0;
	for (size_t i = 0; i < np; i++)
		nexp += m->machines[p[i]].kind == MACH_EXPRESSWAY;
	for (size_t i = 0; i < np; i++) {
		bool exp = m->machines[p[i]].kind == MACH_EXPRESSWAY;
		if (exp && seen++ == 0)
			sbuf_printf(b, "    box rgb(242,242,242) %s\n", nexp == 1 ? "Expressway"
			    : nexp == 2 ? "Expressway pair" : "Expressways");
		sbuf_printf(b, "    participant m%d as ", p[i]);
		mmd_text(b, m->machines[p[i]].name);
		sbuf_printf(b, "<br/>%s\n", view_machine_role(m, p[i]));
		if (exp && seen == nexp)
			sbuf_puts(b, "    end\n");
	}
}

/* Appends the note of finding f over machines from..to. */
static void
note(struct sbuf *b, const struct diag_finding *f, int from, int to)
{
	if (from == to)
		sbuf_printf(b, "    Note right of m%d: ", to);
	else
		sbuf_printf(b, "    Note over m%d,m%d: ", from, to);
	sbuf_printf(b, "%s ", diag_severity_name(f->severity));
	mmd_text(b, f->id);
	sbuf_puts(b, "<br/>");
	mmd_text(b, f->summary);
	sbuf_puts(b, "\n");
}

/* Appends the notes of the findings of call ci on arrow ai. */
static void
notes(struct sbuf *b, const struct diag_result *d, size_t ci, int ai, int from, int to)
{
	const size_t *idx;
	size_t n = diag_call_findings(d, (long)ci, &idx);
	for (size_t k = 0; k < n; k++)
		if (d->f[idx[k]].arrow == ai)
			note(b, &d->f[idx[k]], from, to);
}

/* Appends one arrow: solid for requests, dashed for responses; an arrow a
 * finding concerns sits in a coloured rect with its notes. */
static void
arrow(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const struct ladder_layout *l, const struct ladder_step *st)
{
	const struct call_arrow *a = &m->calls[ci].arrows[st->ai];
	const struct diag_finding *w = diag_arrow_worst(d, ci, st->ai);
	int sev = w != NULL ? (int)w->severity : -1;
	char t[24];
	if (sev >= 0)
		sbuf_printf(b, "    rect %s\n", sev_rgb(sev));
	sbuf_printf(b, "    m%d%s>>m%d: %s ", a->from, m->msgs[a->msg].sip->is_request ? "-" : "--",
	    a->to, model_time_short(st->t, t, sizeof t));
	mmd_text(b, l->labels[st->ai]);
	sbuf_puts(b, "\n");
	notes(b, d, ci, (int)st->ai, a->to, a->to);
	if (sev >= 0)
		sbuf_puts(b, "    end\n");
}

/* Appends connection row st: a dotted arrow with an open head (in a
 * coloured rect when a finding cites it), between declared participants. */
static void
conn_arrow(struct sbuf *b, const struct diag_result *d, const struct ladder_layout *l,
    const struct ladder_step *st, const int *p, size_t np)
{
	const struct ladder_conn *r = &l->conns[st->ai];
	int sev = export_conn_severity(d, r);
	char t[24];
	if (!export_conn_drawn(r, p, np))
		return;
	if (sev >= 0)
		sbuf_printf(b, "    rect %s\n", sev_rgb(sev));
	sbuf_printf(b, "    m%d--)m%d: %s ", r->from, r->to, model_time_short(st->t, t, sizeof t));
	mmd_text(b, r->label);
	sbuf_puts(b, "\n");
	if (sev >= 0)
		sbuf_puts(b, "    end\n");
}

/* Appends a note across every participant. */
static void
banner(struct sbuf *b, const char *text, const int *p, size_t np)
{
	if (np == 1)
		sbuf_printf(b, "    Note over m%d: ", p[0]);
	else
		sbuf_printf(b, "    Note over m%d,m%d: ", p[0], p[np - 1]);
	mmd_text(b, text);
	sbuf_puts(b, "\n");
}

export_write_fn export_mermaid; /* the type of the table's writers (export.c) */

/* Appends call ci: a banner with its title, its arrows (same-host B2BUA hops
 * folded as in the text ladder, unless a finding concerns them) and notes. */
static void
call_body(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const int *p, size_t np)
{
	struct sbuf t = {0};
	struct ladder_layout l;
	view_call_title(&t, m, &m->calls[ci], VT_EXPORT);
	sbuf_puts(&t, "; ");
	view_clock(&t, m, &m->calls[ci]);
	banner(b, t.s, p, np);
	ladder_layout(&l, m, d, &m->calls[ci], LADDER_FLAGGED | LADDER_CONNS);
	for (size_t k = 0; k < l.nsteps; k++)
		if (l.steps[k].conn)
			conn_arrow(b, d, &l, &l.steps[k], p, np);
		else
			arrow(b, m, d, ci, &l, &l.steps[k]);
	notes(b, d, ci, -1, p[0], p[np - 1]);
	if (l.folded)
		sbuf_printf(b, "    %%%% %zu same-host hop%s (Expressway B2BUA) folded\n",
		    l.folded, l.folded == 1 ? "" : "s");
	ladder_layout_free(&l);
	sbuf_free(&t);
}

/* Returns 0 after appending one sequenceDiagram of the calls. */
int
export_mermaid(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	size_t np = 0;
	int *p = export_participants(m, calls, n, &np);
	/* each call opens with a note across the diagram, not a title: Mermaid
	 * does not decode entities in titles */
	sbuf_puts(out, "%% xwtrace export, rebuilt from Expressway logs\nsequenceDiagram\n");
	participants(out, m, p, np);
	for (size_t i = 0; i < n && np > 0; i++)
		call_body(out, m, d, calls[i], p, np);
	const size_t *idx; /* configuration and connection findings */
	size_t nf = diag_call_findings(d, -1, &idx);
	for (size_t k = 0; k < nf && np > 0; k++)
		note(out, &d->f[idx[k]], p[0], p[np - 1]);
	free(p);
	return 0;
}
