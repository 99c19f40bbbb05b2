/* main.c - the command table and the entry point. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "sip.h"

static const struct cmd_entry {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} cmds[] = {
	{"list", cmd_list, "list [--json] [--all] [--role HOST=c|e] LOG...   one row per call"},
	{"show", cmd_show, "show [--json] [--all-hops] CALL LOG...           one call as a ladder"},
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: xwtrace [LOG...]          browse calls (list when not a terminal)\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(fp, "       xwtrace %s\n", cmds[i].usage);
	fprintf(fp, "       xwtrace --help | --version\n"
	    "LOG: a log file (plain or .gz), a directory, or a diagnostic bundle (.tar.gz).\n"
	    "See xwtrace(1).\n");
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	sip_init();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("xwtrace %s\n", XW_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	/* no command: the browser on a terminal, the call list otherwise */
	return cmd_list(argc, argv);
}
