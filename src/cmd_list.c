/* cmd_list.c - `xwtrace list`: one row per call; and the default command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "jsonout.h"
#include "text.h"
#include "view.h"

/* Options of list and show. */
enum { OPT_ROLE = 256, OPT_XCONFIG, OPT_ALL_HOPS, OPT_NO_COLOR };

static const struct option list_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"all", no_argument, NULL, 'a'},
	{"role", required_argument, NULL, OPT_ROLE},
	{"xconfig", required_argument, NULL, OPT_XCONFIG},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

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

int
cmd_list(int argc, char **argv)
{
	struct cmd_common co = {0};
	bool json = false, all = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jaq", list_opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'a': all = true; break;
		case 'q': co.quiet = true; break;
		case OPT_ROLE: VEC_PUSH(co.roles, co.nroles, co.rolecap, optarg); break;
		case OPT_XCONFIG: VEC_PUSH(co.xconfigs, co.nxconfigs, co.xconfigcap, optarg); break;
		case OPT_NO_COLOR: break;
		default: cmd_common_free(&co); return 2;
		}
	}
	struct model *m = cmd_load(argv + optind, argc - optind, &co);
	if (m == NULL) {
		cmd_common_free(&co);
		return 2;
	}
	cmd_list_write(stdout, m, &co.diag, all, json);
	model_free(m);
	cmd_common_free(&co);
	return 0;
}
