/* cmd_show.c - `xwtrace show CALL LOG...`: one call as a ladder. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "jsonout.h"
#include "ladder.h"

enum { OPT_ALL_HOPS = CMD_OPT_OWN };

static const struct option show_opts[] = {
	{"all-hops", no_argument, NULL, OPT_ALL_HOPS},
	{"raw", no_argument, NULL, 'r'},
	{NULL, 0, NULL, 0},
};

/* What show's own options ask for. */
struct show_args {
	bool raw;
	struct ladder_opts lo;
};

/* Returns 0 after storing one of show's own options in the show_args. */
static int
show_opt(void *arg, int val, const char *value)
{
	struct show_args *a = arg;
	(void)value;
	if (val == 'r')
		a->raw = true;
	else
		a->lo.all_hops = true;
	return 0;
}

/* Returns the exit status of `xwtrace show CALL LOG...`. */
static int
show_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct cmd_common co = {0};
	struct show_args a = {0};
	if (cmd_parse(self, argc, argv, &co, show_opt, &a) != 0) {
		cmd_common_free(&co);
		return 2;
	}
	if (argc - optind < 2 || (a.raw && !co.json)) {
		fprintf(stderr, a.raw && !co.json ? "xwtrace show: --raw needs --json (the text "
		    "ladder has no raw messages)\n" : "xwtrace: usage: xwtrace show [--json] CALL LOG...\n");
		cmd_common_free(&co);
		return 2;
	}
	const char *spec = argv[optind];
	struct model *m = cmd_load(argv + optind + 1, argc - optind - 1, &co);
	if (m == NULL) {
		cmd_common_free(&co);
		return 2;
	}
	char err[256];
	struct call *call = model_find_call(m, spec, err, sizeof err);
	if (call == NULL) {
		cmd_error(err);
		model_free(m);
		cmd_common_free(&co);
		return 2;
	}
	struct sbuf b = {0};
	if (co.json) {
		jsonout_call(&b, m, &co.diag, call, true, a.raw);
		sbuf_add(&b, "\n", 1);
	} else {
		a.lo.width = cmd_width(&co);
		a.lo.color = cmd_color(&co);
		a.lo.d = &co.diag;
		a.lo.others = true;
		ladder_text(&b, m, call, &a.lo);
	}
	fwrite(b.s, 1, b.len, stdout);
	sbuf_free(&b);
	model_free(m);
	cmd_common_free(&co);
	return 0;
}

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "show [--json] [--all-hops] [--width N|--wide] CALL LOG...  one call as a ladder",
	.shortopts = "jrq",
	.common = CMD_JSON | CMD_ROLE | CMD_XCONFIG | CMD_QUIET | CMD_WIDTH | CMD_COLOR,
	.options = show_opts,
	.help = "One call as a text ladder, its findings under it. CALL is a call number from\n"
	    "list (digits only), a Call-ID, or a unique Call-ID prefix of 6 or more characters.\n"
	    "      --all-hops                 draw each hop a message takes inside a host too\n"
	    "  -r, --raw                      with --json: add each message's text as logged\n",
	.exec = show_exec,
};
