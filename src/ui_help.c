/* ui_help.c - every key, what the marks mean, and the finding legend
 * (built from the signature table, so it lists what diagnose can find, each
 * marker once). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "ui.h"

/* The lines of the help: '#' starts a heading, '%' a line whose %s is the
 * list of export formats (the rows of the export table). */
static const char *const keys[] = {
	"#Everywhere",
	"?  F1           this help",
	"q  Esc          back (quits from the call list)",
	"Q               quit at once",
	"Up/Down  k/j    move; PgUp/PgDn, Home/End (g/G)",
	"%e               export the current call (%s)",
	"c               compare the call's Expressway-C and Expressway-E logs side by side",
	"i               input problems: every SIP block skipped or repaired, with file, line"
	    " and reason (the status line counts them), after what each file was taken for",
	"F               findings: every finding of the logs (calls, connections, configuration),"
	    " worst first; Enter opens its proof",
	"mouse           click selects, double click opens, wheel scrolls (Shift+drag selects text)",
	"",
	"#Call list",
	"Enter  Right    open the call's ladder",
	"/               filter with a PCRE2 pattern (Tab in the prompt: also message text;"
	    " F5 clears); case-insensitive unless it has a capital",
	"n  N            next / previous matching row",
	"o               show or hide OPTIONS keepalive exchanges",
	"f               only calls with findings",
	"",
	"#Findings",
	"Enter           a call's finding: the ladder at its arrow, the message on the line that"
	    " proves it; any other: the quoted lines in their log or xConfiguration dump",
	"PgUp/PgDn       scroll the selected finding's detail",
	"l               the call list",
	"",
	"#Proof",
	"n  N            next / previous quoted line",
	"s  >  <         sort by the next / previous column; S or r reverses; click a title",
	"",
	"#Ladder",
	"Enter           open the selected message (or the selected finding's)",
	"Left/Right h/l  scroll sideways when the machines do not fit",
	"Tab  Shift-Tab  switch pane: ladder, findings, preview",
	"Space  m        mark an arrow; c then compares the marked and the selected message",
	"a               show or fold same-host (Expressway B2BUA) hops",
	"w               show or hide the connection rows of a packet capture (TCP, TLS)",
	"p               preview pane on or off",
	"/  n  N         search arrows (labels and message text), next and previous match",
	"",
	"#Message",
	"t               the other Expressway's copy of the same wire message",
	"[  ]            previous / next message of the call",
	"c               compare with the previous hop's copy: what this machine changed",
	"/  n  N         search the message",
	"Left/Right      scroll sideways",
	"",
	"#Compare",
	"Tab  Enter      move between the row list and the differences",
	"gutter          ~ changed (differing parameters highlighted), - only left, + only right",
	"middle column   = same text in both logs, ~ the logs differ",
	"",
	"#Input problems",
	"Enter           open the message a repaired block became (a skipped block has none)",
	"Left/Right h/l  scroll the reasons sideways",
	"i               back",
	"",
	"#Marks",
	"(retrans)       a retransmission of a message already on that hop",
	"(SDP: ...)      the message carries SDP; its audio codecs",
	"letters         left of an arrow and in the list: findings (legend below; the list"
	    " shows their ids when it is wide enough); colour or bold/underline gives each"
	    " finding's severity",
	"A B ...         beside the time: the leg (Call-ID) of a call joined from several;"
	    " the line under the ladder names them",
	"*               the marked arrow",
	"final status    coloured by class: 2xx, 3xx, 4xx, 5xx/6xx, none",
	"",
};

struct help_st {
	struct ui_doc doc;
	int width;          /* the doc was wrapped for this width */
	size_t top;
};

/* Adds line fmt with the export formats in place of its %s, wrapped to w. */
static void
formats_line(struct help_st *st, const char *fmt, int w)
{
	struct sbuf names = {0}, l = {0};
	export_format_names(&names, ", ");
	sbuf_printf(&l, fmt, names.s);
	ui_doc_wrap(&st->doc, l.s, w - 2, 16, UA_NORMAL);
	sbuf_free(&names);
	sbuf_free(&l);
}

/* Builds the help text for a terminal w columns wide. */
static void
help_build(struct help_st *st, int w)
{
	ui_doc_free(&st->doc);
	st->width = w;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (keys[i][0] == '#')
			ui_doc_raw(&st->doc, keys[i] + 1, strlen(keys[i] + 1), UA_HEADER);
		else if (keys[i][0] == '%')
			formats_line(st, keys[i] + 1, w);
		else
			ui_doc_wrap(&st->doc, keys[i], w - 2, 16, UA_NORMAL);
	}
	ui_doc_printf(&st->doc, UA_HEADER, "Findings legend");
	const struct diag_sig *t;
	/* no severity here: a finding's own says it, and some signatures give
	 * several (a Q.850 cause is an error or only information) */
	for (size_t i = 0; (t = diag_table(i)) != NULL; i++) {
		struct ui_line *l = ui_doc_printf(&st->doc, UA_NORMAL, "%c  %s", t->marker, t->id);
		ui_line_span(l, 0, 1, UA_START);
		char *ex = xasprintf("   %s", t->explain ? t->explain : "");
		ui_doc_wrap(&st->doc, ex, w - 2, 3, UA_DIM);
		free(ex);
	}
}

/* Paints the help, rewrapped when the width changed. */
static void
help_draw(struct ui *u, void *vst)
{
	struct help_st *st = vst;
	if (st->width != u->cols)
		help_build(st, u->cols);
	int h = u->rows - 2;
	if (st->doc.n > (size_t)h && st->top > st->doc.n - (size_t)h)
		st->top = st->doc.n - (size_t)h;
	ui_draw_bar(u, 0, "xwtrace " XW_VERSION "  Help", "q: back");
	ui_doc_draw(u, &st->doc, st->top, 1, 1, h, u->cols - 1, 0, false);
	ui_draw_bottom(u, "Up/Down:scroll q:back Q:quit");
}

/* Returns true when the help used the key (? and F1 close it). */
static bool
help_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	struct help_st *st = vst;
	int h = u->rows - 2, key = ev->key;
	bool used;
	if (key == KEY_MOUSE && ev->button == UI_WHEEL_UP)
		key = KEY_UP;
	else if (key == KEY_MOUSE && ev->button == UI_WHEEL_DOWN)
		key = KEY_DOWN;
	size_t last = st->doc.n > (size_t)h ? st->doc.n - (size_t)h + 1 : 1;
	st->top = ui_move(key, st->top, last, h, &used);
	if (key == '?' || key == KEY_F(1)) {
		ui_pop(u);
		return true;
	}
	return used || key == KEY_MOUSE;
}

/* Frees the help screen's state. */
static void
help_free(void *vst)
{
	struct help_st *st = vst;
	ui_doc_free(&st->doc);
	free(st);
}

static const struct ui_screen_ops help_ops = {"help", help_draw, help_key, help_free, NULL};

/* Pushes the help screen. */
void
ui_help_open(struct ui *u)
{
	struct help_st *st = xcalloc(1, sizeof *st);
	help_build(st, u->cols);
	ui_push(u, &help_ops, st);
}
