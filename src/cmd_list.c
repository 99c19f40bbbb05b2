/* cmd_list.c - `xwtrace list`: one row per call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "jsonout.h"
#include "text.h"
#include "view.h"

/* Appends s cut or padded to exactly w columns, terminal-safe. Columns are
 * characters, as text_width counts them, so that a cut never splits a UTF-8
 * sequence (which would put an invalid byte on the terminal) and non-ASCII
 * text does not shift the columns after it. */
static void
cell(struct sbuf *b, const char *s, size_t w)
{
	size_t n = text_cut(b, s ? s : "-", s ? strlen(s) : 1, w, "~");
	for (; n < w; n++)
		sbuf_add(b, " ", 1);
}

/* The columns of the fitted table, in order. */
enum { L_NUM, L_START, L_FROM, L_TO, L_METHOD, L_STATUS, L_MSGS, L_HOSTS, L_DUR, L_FIND,
	L_NCOLS };

/* What the fitted table looks like for one listing. */
struct list_fit {
	int w[L_NCOLS];      /* cells of each column, 0: not shown */
	bool ids;            /* the findings column shows ids, not markers */
	bool full_start;     /* the start with its date; else the date goes below */
	bool multi_day;
};

static const struct {
	const char *title;
	bool right;
} lcols[L_NCOLS] = {
	[L_NUM] = {"#", true}, [L_START] = {"START (UTC)", false}, [L_FROM] = {"FROM", false},
	[L_TO] = {"TO", false}, [L_METHOD] = {"METHOD", false}, [L_STATUS] = {"FINAL", true},
	[L_MSGS] = {"MSGS", true}, [L_HOSTS] = {"HOSTS", false}, [L_DUR] = {"DUR", true},
	[L_FIND] = {"FINDINGS", false},
};

/* Returns true when call c is a row of the listing. */
static bool
listed(const struct call *c, bool all)
{
	return all || !c->options_only;
}

/* Appends the findings cell of call ci: its ids, or its markers (short),
 * each in its severity's colour when color. */
static void
find_cell(struct sbuf *b, const struct diag_result *d, size_t ci, bool ids, bool color)
{
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, (long)ci, &idx) : 0, k = 0;
	char seen[64] = "";
	for (size_t i = 0; i < n; i++) {
		const struct diag_finding *f = &d->f[idx[i]];
		char mk[2] = {diag_marker(f->id), '\0'};
		if (strchr(seen, mk[0]) != NULL || strlen(seen) >= sizeof seen - 1)
			continue;
		strcat(seen, mk);
		sbuf_puts(b, ids && k ? "," : "");
		view_sgr(b, color, (int)f->severity);
		sbuf_puts(b, ids ? f->id : mk);
		view_sgr(b, color, -1);
		k++;
	}
}

/* Returns the cells of the findings cell of call ci (ids or markers). */
static size_t
find_width(const struct diag_result *d, size_t ci, bool ids)
{
	struct sbuf b = {0};
	find_cell(&b, d, ci, ids, false);
	size_t n = b.len;
	sbuf_free(&b);
	return n;
}

/* Returns the cells of text s once made safe (NULL: "-"), without a scheme
 * when brief. */
static int
uri_cells(const char *s, bool brief)
{
	s = brief ? view_brief_uri(s, "-") : s ? s : "-";
	return (int)text_cells(s, strlen(s));
}

/* Fills f with the table fitted to width: the fixed columns as wide as
 * their widest cell, the start short unless there is room, the method only
 * when some call is not an INVITE or there is room, the findings as ids
 * when From and To keep 24 cells each, From and To sharing the rest. */
static void
fit_list(struct list_fit *f, const struct model *m, const struct diag_result *d, bool all,
    int width)
{
	int want_from = 4, want_to = 2, ids = 8, marks = 4;
	bool other_method = false;
	memset(f, 0, sizeof *f);
	for (int c = 0; c < L_NCOLS; c++)
		f->w[c] = (int)strlen(lcols[c].title);
	for (size_t i = 0; i < m->ncalls; i++) {
		const struct call *c = &m->calls[i];
		char buf[64];
		if (!listed(c, all))
			continue;
		f->multi_day |= c->start / 86400000 != m->calls[0].start / 86400000;
		other_method |= c->method == NULL || strcmp(c->method, "INVITE") != 0;
		int n = snprintf(buf, sizeof buf, "%u", c->number);
		f->w[L_NUM] = n > f->w[L_NUM] ? n : f->w[L_NUM];
		n = snprintf(buf, sizeof buf, "%.1fs", (double)(c->end - c->start) / 1000);
		f->w[L_DUR] = n > f->w[L_DUR] ? n : f->w[L_DUR];
		n = snprintf(buf, sizeof buf, "%zu", c->narrows);
		f->w[L_MSGS] = n > f->w[L_MSGS] ? n : f->w[L_MSGS];
		n = (int)strlen(model_call_hosts(m, c, buf, sizeof buf));
		f->w[L_HOSTS] = n > f->w[L_HOSTS] ? n : f->w[L_HOSTS];
		n = c->method ? (int)text_cells(c->method, strlen(c->method)) : 1;
		f->w[L_METHOD] = n > f->w[L_METHOD] ? (n < 10 ? n : 10) : f->w[L_METHOD];
		want_from = uri_cells(c->from, true) > want_from ? uri_cells(c->from, true) : want_from;
		want_to = uri_cells(c->to, true) > want_to ? uri_cells(c->to, true) : want_to;
		n = (int)find_width(d, i, true);
		ids = n > ids ? n : ids;
		n = (int)find_width(d, i, false);
		marks = n > marks ? n : marks;
	}
	int fixed = 0;
	f->full_start = width >= 130;
	f->w[L_START] = f->full_start ? 23 : f->multi_day ? 14 : 12;
	if (!other_method && width < 110)
		f->w[L_METHOD] = 0;
	for (int c = 0; c < L_NCOLS; c++)
		if (c != L_FROM && c != L_TO && c != L_FIND && f->w[c] > 0)
			fixed += f->w[c] + 1;
	fixed += 2 + 1 + 2; /* two spaces after the start, around From and To */
	f->ids = fixed + ids + 48 <= width || fixed + ids + want_from + want_to <= width;
	f->w[L_FIND] = f->ids ? ids : marks;
	int rest = width - fixed - f->w[L_FIND];
	rest = rest < 8 ? 8 : rest;
	f->w[L_FROM] = want_from + want_to <= rest ? want_from : want_from < rest / 2 ? want_from
	    : want_to < rest / 2 ? rest - want_to : rest / 2;
	f->w[L_TO] = rest - f->w[L_FROM] < want_to ? rest - f->w[L_FROM] : want_to;
	f->w[L_FROM] = f->w[L_FROM] < 4 ? 4 : f->w[L_FROM];
	f->w[L_TO] = f->w[L_TO] < 2 ? 2 : f->w[L_TO];
}

/* Appends text s in column c of f: padded (or right-aligned), cut with "~". */
static void
put_col(struct sbuf *b, const struct list_fit *f, int c, const char *s)
{
	size_t w = (size_t)f->w[c], n = text_cells(s, strlen(s));
	if (lcols[c].right && n < w)
		sbuf_printf(b, "%*s", (int)(w - n), "");
	if (lcols[c].right && n <= w)
		text_safe(b, s, strlen(s));
	else
		cell(b, s, w);
}

/* Appends the gap after column c. */
static void
gap(struct sbuf *b, int c)
{
	sbuf_puts(b, c == L_START || c == L_FROM || c == L_TO ? "  " : " ");
}

/* Appends one row of the fitted table for call ci. */
static void
fitted_row(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const struct list_fit *f, bool color)
{
	const struct call *c = &m->calls[ci];
	char buf[64], t[40];
	for (int k = 0; k < L_NCOLS; k++) {
		if (f->w[k] == 0)
			continue;
		const char *s = buf;
		model_time_iso(c->start, t, sizeof t);
		switch (k) {
		case L_NUM: snprintf(buf, sizeof buf, "%u", c->number); break;
		case L_START:
			t[10] = ' ', t[23] = '\0';
			snprintf(buf, sizeof buf, "%s", f->full_start ? t : f->multi_day ? t + 5 : t + 11);
			buf[f->w[k]] = '\0';
			break;
		case L_FROM: s = view_brief_uri(c->from, "-"); break;
		case L_TO: s = view_brief_uri(c->to, "-"); break;
		case L_METHOD: s = c->method ? c->method : "-"; break;
		case L_STATUS: snprintf(buf, sizeof buf, c->final_status ? "%d" : "-", c->final_status); break;
		case L_MSGS: snprintf(buf, sizeof buf, "%zu", c->narrows); break;
		case L_HOSTS: model_call_hosts(m, c, buf, sizeof buf); break;
		case L_DUR: snprintf(buf, sizeof buf, "%.1fs", (double)(c->end - c->start) / 1000); break;
		default: find_cell(b, d, ci, f->ids, color); continue;
		}
		put_col(b, f, k, s);
		gap(b, k);
	}
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->len--;
	sbuf_puts(b, "\n");
}

/* Appends the table of calls fitted to width. */
static size_t
fitted_table(struct sbuf *b, const struct model *m, const struct diag_result *d, bool all,
    const struct list_fit *fp, bool color)
{
	const struct list_fit f = *fp;
	size_t hidden = 0, rows = 0;
	for (size_t i = 0; i < m->ncalls; i++)
		rows += listed(&m->calls[i], all);
	for (int k = 0; k < L_NCOLS && rows > 0; k++) /* no titles over no row */
		if (f.w[k] > 0) {
			put_col(b, &f, k, k == L_FIND && !f.ids ? "FIND" : lcols[k].title);
			gap(b, k);
		}
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->len--;
	if (rows > 0)
		sbuf_puts(b, "\n");
	for (size_t i = 0; i < m->ncalls; i++)
		if (!listed(&m->calls[i], all))
			hidden++;
		else
			fitted_row(b, m, d, i, &f, color);
	return hidden;
}

/* Appends today's full table (--wide): every column at its fixed width. */
static size_t
wide_table(struct sbuf *b, const struct model *m, const struct diag_result *d, bool all,
    bool color)
{
	size_t hidden = 0;
	sbuf_printf(b, "%4s  %-23s  %-30s  %-30s  %-9s %6s %5s  %-5s %8s  %s\n", "#",
	    "START (UTC)", "FROM", "TO", "METHOD", "STATUS", "MSGS", "HOSTS", "DURATION",
	    "FINDINGS");
	for (size_t i = 0; i < m->ncalls; i++) {
		const struct call *c = &m->calls[i];
		if (!listed(c, all)) {
			hidden++;
			continue;
		}
		char t[40], h[32], st[16];
		model_time_iso(c->start, t, sizeof t);
		t[10] = ' ';
		t[23] = '\0';
		model_call_hosts(m, c, h, sizeof h);
		snprintf(st, sizeof st, c->final_status ? "%d" : "-", c->final_status);
		sbuf_printf(b, "%4u  %-23s  ", c->number, t);
		cell(b, c->from, 30);
		sbuf_puts(b, "  ");
		cell(b, c->to, 30);
		sbuf_puts(b, "  ");
		cell(b, c->method, 9);
		sbuf_printf(b, " %6s %5zu  %-5s %7.1fs  ", st, c->narrows, h,
		    (double)(c->end - c->start) / 1000);
		find_cell(b, d, i, true, color);
		sbuf_puts(b, "\n");
	}
	return hidden;
}

/* Appends the legend of the markers the table shows: "Findings: S
 * contact-param-stripped, Q q850-cause" (untrusted-free: ids are the
 * table's). */
static void
list_legend(struct sbuf *b, const struct model *m, const struct diag_result *d, bool all)
{
	char seen[64] = "";
	for (size_t i = 0; d != NULL && i < m->ncalls; i++) {
		const size_t *idx;
		size_t n = listed(&m->calls[i], all) ? diag_call_findings(d, (long)i, &idx) : 0;
		for (size_t k = 0; k < n && strlen(seen) < sizeof seen - 1; k++) {
			char mk[2] = {diag_marker(d->f[idx[k]].id), '\0'};
			if (strchr(seen, mk[0]) != NULL)
				continue;
			sbuf_printf(b, "%s%s %s", seen[0] ? ", " : "Findings: ", mk, d->f[idx[k]].id);
			strcat(seen, mk);
		}
	}
}

/* Appends a line per finding of no call (connections, configuration), cut
 * to width (0: whole). */
static void
list_unattached(struct sbuf *b, const struct model *m, const struct diag_result *d, int width,
    bool color)
{
	const size_t *idx;
	size_t n = d != NULL ? diag_call_findings(d, -1, &idx) : 0;
	if (n > 0)
		sbuf_printf(b, "%zu finding%s not tied to a call (xwtrace diagnose shows %s):\n", n,
		    n == 1 ? "" : "s", n == 1 ? "it" : "them");
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		const char *sev = diag_severity_name(f->severity);
		struct sbuf t = {0};
		sbuf_printf(&t, " %c %s  ", diag_marker(f->id), f->id);
		view_finding_about(&t, m, f);
		sbuf_puts(b, "  ");
		view_sgr(b, color, (int)f->severity);
		sbuf_printf(b, "%-7s", sev);
		view_sgr(b, color, -1);
		size_t at = 9;
		text_cut(b, t.s, t.len, width > (int)at ? (size_t)width - at : t.len + 8, "~");
		sbuf_puts(b, "\n");
		sbuf_free(&t);
	}
}

/* Appends the lines under the table: the count, the day and the clock; the
 * markers used (when the table shows markers); the findings of no call. */
static void
list_footer(struct sbuf *b, const struct model *m, const struct diag_result *d, bool all,
    size_t hidden, int width, bool color, bool markers)
{
	size_t shown = m->ncalls - hidden, w = width > 0 ? (size_t)width : 0;
	struct sbuf t = {0};
	char iso[40];
	sbuf_printf(&t, "%zu call%s", shown, shown == 1 ? "" : "s");
	if (shown > 0 && width > 0 && width < 130) {
		bool one_day = true;
		for (size_t i = 1; i < m->ncalls; i++)
			one_day &= m->calls[i].start / 86400000 == m->calls[0].start / 86400000;
		if (one_day)
			sbuf_printf(&t, " on %.10s", model_time_iso(m->calls[0].start, iso, sizeof iso));
	}
	if (hidden)
		sbuf_printf(&t, " (%zu OPTIONS keepalive exchanges hidden; --all shows them)", hidden);
	if (m->nmsgs > 0) {
		sbuf_puts(&t, "; ");
		view_clock(&t, m, NULL);
	}
	text_wrap(b, t.s, 0, w > 0 ? w : t.len + 1, 2);
	t.len = 0;
	if (markers)
		list_legend(&t, m, d, all);
	if (t.len > 0)
		text_wrap(b, t.s, 0, w > 0 ? w : t.len + 1, 2);
	list_unattached(b, m, d, width, color);
	sbuf_free(&t);
}

/* Returns nothing; writes the table of calls (OPTIONS-only ones with all),
 * fitted to width (0: today's full table), and what is said below it. */
static void
list_text(const struct model *m, const struct diag_result *d, bool all, int width, bool color,
    FILE *fp)
{
	struct sbuf b = {0};
	struct list_fit f = {.ids = true};
	if (width > 0)
		fit_list(&f, m, d, all, width);
	size_t hidden = width > 0 ? fitted_table(&b, m, d, all, &f, color)
	    : wide_table(&b, m, d, all, color);
	list_footer(&b, m, d, all, hidden, width, color, !f.ids);
	fputs(b.s, fp);
	sbuf_free(&b);
}

/* Returns nothing; writes the files and calls as one JSON object and a newline. */
static void
list_json(const struct model *m, const struct diag_result *d, bool all, FILE *fp)
{
	struct sbuf b = {0};
	sbuf_add(&b, "{", 1);
	jsonout_files(&b, m);
	jsonout_clock(&b, m);
	sbuf_puts(&b, ",\"calls\":[");
	bool any = false;
	for (size_t i = 0; i < m->ncalls; i++) {
		if (m->calls[i].options_only && !all)
			continue;
		if (any)
			sbuf_add(&b, ",", 1);
		jsonout_call(&b, m, d, &m->calls[i], false, false);
		any = true;
	}
	sbuf_puts(&b, "]}\n");
	fwrite(b.s, 1, b.len, fp);
	sbuf_free(&b);
}

/* Returns nothing; writes the list as `xwtrace list` prints it. */
void
cmd_list_write(FILE *fp, const struct model *m, const struct diag_result *d, bool all, bool json,
    int width, bool color)
{
	if (json)
		list_json(m, d, all, fp);
	else
		list_text(m, d, all, width, color, fp);
}

/* Returns the exit status of `xwtrace list`. */
static int
list_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct cmd_common co = {0};
	struct model *m = NULL;
	if (cmd_parse(self, argc, argv, &co, NULL, NULL) == 0)
		m = cmd_load(argv + optind, argc - optind, &co);
	if (m == NULL) {
		cmd_common_free(&co);
		return 2;
	}
	cmd_list_write(stdout, m, &co.diag, co.all, co.json, cmd_width(&co), cmd_color(&co));
	model_free(m);
	cmd_common_free(&co);
	return 0;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.usage = "list [--json] [--all] [--width N|--wide] LOG...     one row per call",
	.shortopts = "jaq",
	.common = CMD_JSON | CMD_ALL | CMD_ROLE | CMD_XCONFIG | CMD_NO_COLOR | CMD_QUIET |
	    CMD_WIDTH | CMD_COLOR,
	.help = "One row per call found in the logs, with the findings of each; --json adds\n"
	    "the account of every input file (what it was taken for, what was read).\n",
	.exec = list_exec,
};
