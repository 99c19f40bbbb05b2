/* cmd.c - the command table: every command is an entry of its own file,
 * listed here once; --help is written from it. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

extern const struct cmd_entry cmd_browse_entry, cmd_list_entry, cmd_show_entry,
    cmd_diagnose_entry, cmd_export_entry, cmd_check_pattern_entry, cmd_locate_entry;

/* In the order of --help; the first is the command run without a name. */
static const struct cmd_entry *const cmds[] = {
	&cmd_browse_entry,
	&cmd_list_entry,
	&cmd_show_entry,
	&cmd_diagnose_entry,
	&cmd_export_entry,
	&cmd_check_pattern_entry,
	&cmd_locate_entry,
};

#define NCMDS (sizeof cmds / sizeof cmds[0])

/* Returns the table and its length. */
const struct cmd_entry *const *
cmd_table(size_t *n)
{
	*n = NCMDS;
	return cmds;
}

/* Returns the entry named name (NULL: the one without a name), or NULL. */
const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (name == NULL ? cmds[i]->name == NULL
		    : cmds[i]->name != NULL && strcmp(name, cmds[i]->name) == 0)
			return cmds[i];
	return NULL;
}

/* Writes one line per command, then what LOG and CALL are. */
void
cmd_usage(FILE *fp)
{
	for (size_t i = 0; i < NCMDS; i++) {
		struct sbuf b = {0};
		if (cmds[i]->usage_fn != NULL)
			cmds[i]->usage_fn(&b);
		else
			sbuf_puts(&b, cmds[i]->usage);
		fprintf(fp, "%s xwtrace %s\n", i == 0 ? "usage:" : "      ", b.s);
		sbuf_free(&b);
	}
	fprintf(fp, "       xwtrace --help | --version\n"
	    "LOG: a log file (plain or .gz), a directory, or a diagnostic bundle (.tar.gz).\n"
	    "CALL: a number from list, a Call-ID, or a unique Call-ID prefix. See xwtrace(1).\n");
}
