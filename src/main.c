/* main.c - the entry point: --help, --version, then the command named by
 * the first argument, or the one run without a name (the browser). */
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
	const struct cmd_entry *e = cmd_find(argv[1]);
	if (e != NULL)
		return e->exec(e, argc - 1, argv + 1);
	e = cmd_find(NULL);
	return e->exec(e, argc, argv);
}
