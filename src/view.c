/* view.c - what the views of the calls say the same way (see view.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "view.h"

/* A row of the title styles: what follows the number and how log text is
 * written. */
static const struct title_style {
	const char *number;     /* printf format of the number */
	bool time;              /* the start time (ISO) follows the number */
	bool request;           /* the first request, its URIs and the final status follow */
	const char *sep;        /* between the number (and time) and the request */
	bool ascii;             /* log text as printable ASCII; else terminal-safe UTF-8 */
	bool brief;             /* URIs without their sip: scheme */
	const char *none;       /* written for a URI the call lacks */
	const char *final_sep;  /* before "final N" or "no final response" */
} titles[VT_COUNT] = {
	[VT_LADDER] = {"Call %u", true, true, "  ", true, false, "", "  "},
	[VT_EXPORT] = {"Call %u", false, true, ": ", false, false, "?", ", "},
	[VT_SCREEN] = {"Call %u", false, true, "  ", false, true, "?", "  "},
	[VT_NAME] = {"Call %u", false, false, "", false, false, "", ""},
	[VT_REF] = {"call %u", false, false, "", false, false, "", ""},
};

/* Appends s (may be NULL: nothing) as printable ASCII or terminal-safe. */
static void
put(struct sbuf *b, const char *s, bool ascii)
{
	if (ascii)
		view_ascii(b, s);
	else if (s != NULL)
		text_safe(b, s, strlen(s));
}

/* Appends the title of c in style t (see view.h). */
void
view_call_title(struct sbuf *b, const struct model *m, const struct call *c,
    enum view_title t)
{
	const struct title_style *r = &titles[(unsigned)t < VT_COUNT ? t : VT_NAME];
	char iso[40];
	(void)m;
	sbuf_printf(b, r->number, c->number);
	if (r->time)
		sbuf_printf(b, "  %s", model_time_iso(c->start, iso, sizeof iso));
	if (!r->request)
		return;
	sbuf_puts(b, r->sep);
	put(b, c->method ? c->method : "?", r->ascii);
	sbuf_puts(b, " ");
	put(b, r->brief ? view_brief_uri(c->from, r->none) : c->from ? c->from : r->none, r->ascii);
	sbuf_puts(b, " -> ");
	put(b, r->brief ? view_brief_uri(c->to, r->none) : c->to ? c->to : r->none, r->ascii);
	sbuf_puts(b, r->final_sep);
	if (c->final_status)
		sbuf_printf(b, "final %d", c->final_status);
	else
		sbuf_puts(b, "no final response");
}

/* Returns the distinct finding ids of call ci (see view.h). */
size_t
view_finding_ids(const struct diag_result *d, size_t ci, const char ***ids)
{
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, (long)ci, &idx) : 0, k = 0;
	const char **v = n ? xcalloc(n, sizeof *v) : NULL;
	for (size_t i = 0; i < n; i++) {
		const char *id = d->f[idx[i]].id;
		size_t j;
		for (j = 0; j < k && strcmp(v[j], id) != 0; j++)
			;
		if (j == k)
			v[k++] = id;
	}
	if (ids != NULL)
		*ids = v;
	else
		free(v);
	return k;
}

/* Returns the role line of a machine. */
const char *
view_machine_role(const struct model *m, int machine)
{
	const struct machine *mc = &m->machines[machine];
	return mc->host >= 0 ? model_role_name(m->hosts[mc->host].role) : model_kind_name(mc->kind);
}

/* Returns uri past its scheme, or none. */
const char *
view_brief_uri(const char *uri, const char *none)
{
	if (uri == NULL)
		return none;
	if (strncmp(uri, "sip:", 4) == 0)
		return uri + 4;
	if (strncmp(uri, "sips:", 5) == 0)
		return uri + 5;
	return uri;
}

/* Appends s as printable ASCII. */
void
view_ascii(struct sbuf *b, const char *s)
{
	sbuf_add(b, "", 0); /* a string even when s is empty (a host named by NULs) */
	for (; s && *s; s++) {
		char ch = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
		sbuf_add(b, &ch, 1);
	}
}

/* Appends the clock the times of c (or of the load) are on. */
void
view_clock(struct sbuf *b, const struct model *m, const struct call *c)
{
	size_t n = c != NULL ? c->nhosts : m->nhosts, other = 0;
	bool ref = false;
	for (size_t k = 0; k < n; k++) {
		size_t h = c != NULL ? c->hosts[k] : k;
		if ((int)h == m->ref_host)
			ref = true;
		else
			other++;
	}
	if (m->ref_host < 0 || (size_t)m->ref_host >= m->nhosts) {
		sbuf_puts(b, "times as logged");
		if (n == 1) {
			sbuf_puts(b, " by ");
			view_ascii(b, m->hosts[c != NULL ? c->hosts[0] : 0].name);
		}
		return;
	}
	const char *rn = m->hosts[m->ref_host].name;
	if (other == 0) {
		sbuf_puts(b, "times as logged by ");
		view_ascii(b, rn);
	} else {
		sbuf_puts(b, "times on ");
		view_ascii(b, rn);
		sbuf_puts(b, ref ? ", others corrected by the estimated skew"
		    : "'s clock, corrected by the estimated skew");
	}
}

/* Returns buf holding where evidence e is (see view.h). */
char *
view_evidence_where(const struct diag_evidence *e, char *buf, size_t size)
{
	snprintf(buf, size, e->packet ? "%s packet %u" : "%s:%u", e->file ? e->file : "?", e->line);
	return buf;
}
