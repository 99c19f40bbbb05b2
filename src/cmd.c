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
	fprintf(fp, "       xwtrace --help | --version | COMMAND --help\n"
	    "LOG: a log file (plain or .gz), a directory, a diagnostic bundle (.tar.gz), or -\n"
	    "(standard input); pasted, quoted, folded or UTF-16 text is read too.\n"
	    "CALL: a number from list (digits only), a Call-ID, or a unique Call-ID prefix\n"
	    "of 6 or more characters. Options may come before or after the command name.\n"
	    CMD_EXIT_TEXT "See xwtrace(1).\n");
}

/* Returns the index of the command name in argv (see cmd.h). */
int
cmd_split(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return 0;
		if (a[0] == '-' && a[1] != '\0') {
			i += cmd_common_takes_value(a);
			continue;
		}
		return cmd_find(a) != NULL ? i : 0;
	}
	return 0;
}

/* Writes e's help: usage, what it does, options, exit status. */
void
cmd_help(const struct cmd_entry *e, FILE *fp)
{
	if (e->name == NULL) { /* the command run without a name: everything */
		cmd_usage(fp);
		return;
	}
	struct sbuf b = {0};
	sbuf_puts(&b, "usage: xwtrace ");
	if (e->usage_fn != NULL)
		e->usage_fn(&b);
	else
		sbuf_puts(&b, e->usage);
	sbuf_puts(&b, "\n");
	if (e->help != NULL)
		sbuf_printf(&b, "%s", e->help);
	sbuf_puts(&b, "Options:\n");
	cmd_common_help(e, &b);
	sbuf_puts(&b, "The options may come before or after the command name.\n"
	    "LOG: a log file (plain or .gz), a directory, a diagnostic bundle (.tar.gz), or -\n"
	    "(standard input); pasted, quoted, folded or UTF-16 text is read too.\n"
	    CMD_EXIT_TEXT);
	fputs(b.s, fp);
	sbuf_free(&b);
}
