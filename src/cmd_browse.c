/* cmd_browse.c - `xwtrace [OPTIONS] LOG...`: the browser on a terminal, the
 * call list when stdout is not one. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "text.h"
#include "ui.h"

extern const struct cmd_entry cmd_list_entry; /* what runs when stdout is no terminal */

/* What the browser's loader reads: the command line's logs and options. */
struct browse_load {
	char **paths;
	int npaths;
	struct cmd_common *co;
};

/* Returns cmd_load_steps' result for the logs of arg into m (the browser's
 * loader, run in its loading thread). */
static int
browse_load(void *arg, struct model *m, ui_step_fn step, void *sarg, char *err,
    size_t errlen)
{
	struct browse_load *b = arg;
	return cmd_load_steps(m, b->paths, b->npaths, b->co, step, sarg, err, errlen);
}

/* Returns the exit status of browsing the logs of the command line. */
static int
browse_exec(const struct cmd_entry *self, int argc, char **argv)
{
	if (!isatty(STDOUT_FILENO))
		return cmd_list_entry.exec(&cmd_list_entry, argc, argv);
	struct cmd_common co = {0};
	int rc = cmd_parse(self, argc, argv, &co, NULL, NULL);
	const char *nc = getenv("NO_COLOR");
	struct ui_opts uo = {co.no_color || (nc != NULL && nc[0] != '\0'), co.all};
	if (rc == 0 && optind >= argc) {
		fprintf(stderr, "xwtrace: no log given (see xwtrace --help)\n");
		rc = 2;
	}
	if (rc == 0) {
		struct browse_load bl = {argv + optind, argc - optind, &co};
		struct ui_load l = {browse_load, &bl, bl.paths, bl.npaths, model_new(), &co.diag};
		if ((rc = ui_term_browse(&l, &uo)) < 0) {
			fprintf(stderr, "xwtrace: cannot use this terminal (TERM=");
			text_fputs(stderr, getenv("TERM"));
			fprintf(stderr, "); try xwtrace list\n");
			rc = 2;
		}
		model_free(l.m);
	}
	cmd_common_free(&co);
	return rc;
}

const struct cmd_entry cmd_browse_entry = {
	.usage = "[--no-color] LOG...   browse calls (a list when not on a terminal)",
	.shortopts = "aq",
	.common = CMD_ALL | CMD_ROLE | CMD_XCONFIG | CMD_NO_COLOR | CMD_QUIET,
	.help = "The call browser on a terminal; the call list when stdout is not one.\n",
	.exec = browse_exec,
};
