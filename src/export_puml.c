/* export_puml.c - the plantuml export: one sequence diagram of the calls.
 *
 * Log text reaches PlantUML only after puml_text(): every character that
 * PlantUML's preprocessor, creole markup or line syntax could read is written
 * as <U+XXXX>, and newlines never get through, so log text cannot end a
 * construct, add a line (@enduml, !include) or fetch anything (<img:...>).
 * (&#NN; entities are not used: PlantUML 1.2020 fails on &#92; and &#36;.)
 */
#include <stdlib.h>
#include <string.h>

#include "export_util.h"
#include "ladder.h"
#include "view.h"

/* Returns true when ASCII character i of s may be written as it is. */
static bool
plain(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = s[i];
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == ' ' || c == ',' || c == ':' || c == '(' || c == ')' || c == '+' || c == '?' ||
	    c == '@')
		return true;
	/* single ones are plain text; doubled they are creole (--, //, __, ==, ..) */
	if (strchr("-/_=.", c) == NULL)
		return false;
	return !(i > 0 && s[i - 1] == c) && !(i + 1 < n && s[i + 1] == c);
}

/* Appends untrusted s (may be NULL) as PlantUML label text. */
static void
puml_text(struct sbuf *b, const char *s)
{
	export_escape(b, s, plain, "<U+%04X>");
}

/* Returns the colour of a note of a finding. */
static const char *
sev_colour(int sev)
{
	return sev == DIAG_ERROR ? "#FFCCCC" : sev == DIAG_WARNING ? "#FFE8B0" : "#DDEEFF";
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
			sbuf_printf(b, "box \"%s\" #F2F2F2\n", nexp == 1 ? "Expressway"
			    : nexp == 2 ? "Expressway pair" : "Expressways");
		sbuf_puts(b, "participant \"");
		puml_text(b, m->machines[p[i]].name);
		sbuf_printf(b, "\\n%s\" as m%d\n", view_machine_role(m, p[i]), p[i]);
		if (exp && seen == nexp)
			sbuf_puts(b, "end box\n");
	}
}

/* Appends the note of finding f over machines from..to (beside from when
 * they are the same). */
static void
note(struct sbuf *b, const struct diag_finding *f, int from, int to)
{
	const char *colour = sev_colour((int)f->severity);
	if (from == to)
		sbuf_printf(b, "note right of m%d %s : ", to, colour);
	else
		sbuf_printf(b, "note over m%d, m%d %s : ", from, to, colour);
	sbuf_printf(b, "%s ", diag_severity_name(f->severity));
	puml_text(b, f->id);
	sbuf_puts(b, "\\n");
	puml_text(b, f->summary);
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

/* Appends one arrow: solid for requests, dashed for responses, red when a
 * finding concerns it. */
static void
arrow(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const struct ladder_layout *l, const struct ladder_step *st)
{
	const struct call_arrow *a = &m->calls[ci].arrows[st->ai];
	const struct sip_msg *s = &m->msgs[a->msg];
	const struct diag_finding *w = diag_arrow_worst(d, ci, st->ai);
	int sev = w != NULL ? (int)w->severity : -1;
	const char *colour = sev == DIAG_ERROR ? "[#D00000]" : sev == DIAG_WARNING ?
	    "[#E07000]" : sev == DIAG_INFO ? "[#2060C0]" : "";
	char t[24];
	sbuf_printf(b, "m%d -%s%s> m%d : %s ", a->from, colour, s->sip->is_request ? "" : "-", a->to,
	    model_time_short(st->t, t, sizeof t));
	puml_text(b, l->labels[st->ai]);
	sbuf_puts(b, "\n");
	notes(b, d, ci, (int)st->ai, a->to, a->to);
}

/* Appends connection row st: a grey arrow with an open head (red, orange
 * or blue when a finding cites it), between declared participants only. */
static void
conn_arrow(struct sbuf *b, const struct diag_result *d, const struct ladder_layout *l,
    const struct ladder_step *st, const int *p, size_t np)
{
	const struct ladder_conn *r = &l->conns[st->ai];
	int sev = export_conn_severity(d, r);
	char t[24];
	if (!export_conn_drawn(r, p, np))
		return;
	sbuf_printf(b, "m%d -[%s]->> m%d : %s ", r->from, sev == DIAG_ERROR ? "#D00000" :
	    sev == DIAG_WARNING ? "#E07000" : sev == DIAG_INFO ? "#2060C0" : "#999999", r->to,
	    model_time_short(st->t, t, sizeof t));
	puml_text(b, r->label);
	sbuf_puts(b, "\n");
}

/* Appends the arrows of call ci with its notes. As in the text ladder,
 * same-host (B2BUA) hops are folded unless a finding concerns them; a gap of
 * a second or more shows as a delay. */
static void
call_body(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const int *p, size_t np)
{
	struct ladder_layout l;
	ladder_layout(&l, m, d, &m->calls[ci], LADDER_FLAGGED | LADDER_CONNS);
	for (size_t i = 0; i < l.nsteps; i++) {
		if (l.steps[i].dt >= 1000)
			sbuf_printf(b, "...%.1f s...\n", (double)l.steps[i].dt / 1000);
		if (l.steps[i].conn)
			conn_arrow(b, d, &l, &l.steps[i], p, np);
		else
			arrow(b, m, d, ci, &l, &l.steps[i]);
	}
	notes(b, d, ci, -1, p[0], p[np - 1]);
	if (l.folded)
		sbuf_printf(b, "' %zu same-host hop%s (Expressway B2BUA) folded\n", l.folded,
		    l.folded == 1 ? "" : "s");
	ladder_layout_free(&l);
}

export_write_fn export_plantuml; /* the type of the table's writers (export.c) */

/* Returns 0 after appending one @startuml..@enduml diagram of the calls. */
int
export_plantuml(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	size_t np = 0;
	int *p = export_participants(m, calls, n, &np);
	struct sbuf t = {0};
	sbuf_puts(out, "@startuml\n' xwtrace export, rebuilt from Expressway logs\n"
	    "skinparam shadowing false\nskinparam sequenceMessageAlign center\n"
	    "skinparam sequenceArrowColor #333333\nskinparam wrapWidth 480\n");
	if (n == 1)
		view_call_title(&t, m, &m->calls[calls[0]], VT_EXPORT);
	else
		sbuf_printf(&t, "%zu calls", n);
	sbuf_puts(out, "title ");
	puml_text(out, t.s);
	t.len = 0;
	view_clock(&t, m, n == 1 ? &m->calls[calls[0]] : NULL);
	sbuf_puts(out, "\ncaption ");
	puml_text(out, t.s);
	sbuf_puts(out, "\n");
	participants(out, m, p, np);
	for (size_t i = 0; i < n && np > 0; i++) {
		if (n > 1) {
			t.len = 0;
			view_call_title(&t, m, &m->calls[calls[i]], VT_EXPORT);
			sbuf_puts(out, "== ");
			puml_text(out, t.s);
			sbuf_puts(out, " ==\n");
		}
		call_body(out, m, d, calls[i], p, np);
	}
	const size_t *idx; /* configuration and connection findings */
	size_t nf = diag_call_findings(d, -1, &idx);
	for (size_t k = 0; k < nf && np > 0; k++)
		note(out, &d->f[idx[k]], p[0], p[np - 1]);
	sbuf_puts(out, "@enduml\n");
	sbuf_free(&t);
	free(p);
	return 0;
}
