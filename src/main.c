/* main.c - the command table and the entry point. */
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "sip.h"

/* Commands written in files of their own; while one is being developed its
 * entry may be missing, and the table skips it. */
#pragma weak cmd_diagnose
#pragma weak cmd_export
#pragma weak cmd_check_pattern
#pragma weak cmd_locate
#pragma weak cmd_browse

static const struct cmd_entry {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} cmds[] = {
	{"list", cmd_list, "list [--json] [--all] [--role HOST=c|e] LOG...      one row per call"},
	{"show", cmd_show, "show [--json] [--all-hops] CALL LOG...              one call as a ladder"},
	{"diagnose", cmd_diagnose, "diagnose [--json] [--xconfig FILE]... LOG...        findings and fixes"},
	{"export", cmd_export, "export --format text|html|plantuml|mermaid|json|pcap\n"
	    "                      [--call CALL]... [--all] [-o FILE] LOG...        annotated flows"},
	{"check-pattern", cmd_check_pattern, "check-pattern --alias A --type regex|prefix|suffix|exact"
	    " --pattern P\n                      [--behavior leave|strip|replace --replace R]"},
	{"locate", cmd_locate, "locate --xconfig FILE --alias ALIAS [--source ZONE]"},
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: xwtrace [--no-color] LOG...   browse calls (a list when not on a terminal)\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (cmds[i].fn != NULL)
			fprintf(fp, "       xwtrace %s\n", cmds[i].usage);
	fprintf(fp, "       xwtrace --help | --version\n"
	    "LOG: a log file (plain or .gz), a directory, or a diagnostic bundle (.tar.gz).\n"
	    "CALL: a number from list, a Call-ID, or a unique Call-ID prefix. See xwtrace(1).\n");
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* big arrays (messages, calls) then live in their own mappings, which
	 * realloc grows with mremap instead of copying: no double peak */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
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
		if (strcmp(argv[1], cmds[i].name) == 0 && cmds[i].fn != NULL)
			return cmds[i].fn(argc - 1, argv + 1);
	/* no command: the browser on a terminal, the call list otherwise */
	if (cmd_browse != NULL)
		return cmd_browse(argc, argv);
	return cmd_list(argc, argv);
}
