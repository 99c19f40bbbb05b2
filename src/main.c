/* main.c - the entry point: --help, --version, then the command named by
 * the first operand (the common options may come before it), or the one
 * run without a name (the browser); CMD --help is that command's help. */
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Returns the exit status of the command the arguments name. */
int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* big arrays (messages, calls) then live in their own mappings, which
	 * realloc grows with mremap instead of copying: no double peak */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	if (argc < 2) {
		cmd_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("xwtrace %s\n", XW_VERSION);
		return 0;
	}
	/* the common options may come before the command name: it goes first */
	int k = cmd_split(argc, argv);
	const struct cmd_entry *e = k > 0 ? cmd_find(argv[k]) : cmd_find(NULL);
	char **av = argv;
	int ac = argc;
	if (k > 0) {
		char *name = argv[k];
		memmove(argv + 2, argv + 1, (size_t)(k - 1) * sizeof *argv);
		argv[1] = name;
		av = argv + 1;
		ac = argc - 1;
	}
	if (cmd_help_asked(e, ac, av)) {
		cmd_help(e, stdout);
		return 0;
	}
	return e->exec(e, ac, av);
}
