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
	struct sbuf t = {0};
	size_t chars = 0, cut = 0;
	text_safe(&t, s ? s : "-", s ? strlen(s) : 1);
	for (size_t i = 0; i < t.len; chars++) {
		if (chars == w - 1)
			cut = i;
		size_t l = text_utf8_len((const unsigned char *)t.s + i, t.len - i);
		i += l ? l : 1;
	}
	if (chars > w) {
		sbuf_add(b, t.s, cut);
		sbuf_add(b, "~", 1);
	} else {
		sbuf_add(b, t.s, t.len);
		for (; chars < w; chars++)
			sbuf_add(b, " ", 1);
	}
	sbuf_free(&t);
}

/* Returns nothing; writes the table of calls (OPTIONS-only ones with all). */
static void
list_text(const struct model *m, const struct diag_result *d, bool all, FILE *fp)
{
	struct sbuf b = {0};
	size_t hidden = 0;
	sbuf_printf(&b, "%4s  %-23s  %-30s  %-30s  %-9s %6s %5s  %-5s %8s  %s\n", "#",
	    "START (UTC)", "FROM", "TO", "METHOD", "STATUS", "MSGS", "HOSTS", "DURATION",
	    "FINDINGS");
	for (size_t i = 0; i < m->ncalls; i++) {
		const struct call *c = &m->calls[i];
		if (c->options_only && !all) {
			hidden++;
			continue;
		}
		char t[40], h[32], st[16];
		model_time_iso(c->start, t, sizeof t);
		t[10] = ' ';
		t[23] = '\0';
		model_call_hosts(m, c, h, sizeof h);
		snprintf(st, sizeof st, c->final_status ? "%d" : "-", c->final_status);
		sbuf_printf(&b, "%4u  %-23s  ", c->number, t);
		cell(&b, c->from, 30);
		sbuf_puts(&b, "  ");
		cell(&b, c->to, 30);
		sbuf_puts(&b, "  ");
		cell(&b, c->method, 9);
		sbuf_printf(&b, " %6s %5zu  %-5s %7.1fs  ", st, c->narrows, h,
		    (double)(c->end - c->start) / 1000);
		const char **ids;
		size_t nids = view_finding_ids(d, i, &ids);
		for (size_t k = 0; k < nids; k++)
			sbuf_printf(&b, "%s%s", k ? "," : "", ids[k]);
		free(ids);
		sbuf_puts(&b, "\n");
	}
	sbuf_printf(&b, "%zu calls", m->ncalls - hidden);
	if (hidden)
		sbuf_printf(&b, " (%zu OPTIONS keepalive exchanges hidden; --all shows them)", hidden);
	sbuf_puts(&b, "\n");
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
cmd_list_write(FILE *fp, const struct model *m, const struct diag_result *d, bool all, bool json)
{
	(json ? list_json : list_text)(m, d, all, fp);
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
	cmd_list_write(stdout, m, &co.diag, co.all, co.json);
	model_free(m);
	cmd_common_free(&co);
	return 0;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.usage = "list [--json] [--all] [--role HOST=c|e] LOG...      one row per call",
	.shortopts = "jaq",
	.common = CMD_JSON | CMD_ALL | CMD_ROLE | CMD_XCONFIG | CMD_NO_COLOR | CMD_QUIET,
	.help = "One row per call found in the logs, with the findings of each; --json adds\n"
	    "the account of every input file (what it was taken for, what was read).\n",
	.exec = list_exec,
};
