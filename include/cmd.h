/* cmd.h - the commands: one struct cmd_entry per command, each defined in a
 * file of its own (cmd_<name>.c) and listed in the command table (cmd.c);
 * and what they share: the common options, loading the logs, reporting.
 *
 * Exit status of every command: 0 success, 1 internal failure or negative
 * result, 2 bad usage or unreadable input.
 */
#ifndef XW_CMD_H
#define XW_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "corr.h"
#include "diag.h"
#include "model.h"

/* The common options, one bit each: the rows of cmd_common.c's table that a
 * command takes (its entry's .common). */
enum {
	CMD_JSON = 1 << 0,      /* --json, -j */
	CMD_ALL = 1 << 1,       /* --all (-a when the command's letters have it) */
	CMD_ROLE = 1 << 2,      /* --role HOST=ROLE, repeatable */
	CMD_XCONFIG = 1 << 3,   /* --xconfig FILE, repeatable */
	CMD_NO_COLOR = 1 << 4,  /* --no-color */
	CMD_QUIET = 1 << 5,     /* --quiet, -q */
	CMD_WIDTH = 1 << 6,     /* --width N, --wide */
	CMD_COLOR = 1 << 7,     /* --color=auto|always|never */
};

/* What --color asks for. */
enum cmd_color { CMD_COLOR_AUTO, CMD_COLOR_ALWAYS, CMD_COLOR_NEVER };

/* The value getopt_long returns for an option of a command's own rows must
 * be a letter or at least CMD_OPT_OWN (the common rows use the values
 * between 256 and CMD_OPT_OWN). */
#define CMD_OPT_OWN 512

/* A command: a row of the command table. */
struct cmd_entry {
	const char *name;       /* argv[1] that runs it; NULL: the command run without one */
	const char *usage;      /* its line(s) of --help, after "xwtrace " */
	/* Appends the usage instead, when it is built from a table; may be NULL. */
	void (*usage_fn)(struct sbuf *b);
	const char *shortopts;  /* getopt_long's letters: "jaq" */
	unsigned common;        /* the common options it takes: CMD_* bits */
	const struct option *options; /* its own options, {NULL} last; may be NULL */
	/* Returns the exit status; argv[0] is the command name (the program for
	 * the command run without a name). */
	int (*exec)(const struct cmd_entry *self, int argc, char **argv);
};

/* cmd.c: the command table. */

/* Returns the command table (static; the first row is the command run
 * without a name) and sets *n to its length. */
const struct cmd_entry *const *cmd_table(size_t *n);
/* Returns the command named name, or the one run without a name for NULL;
 * NULL when there is none. */
const struct cmd_entry *cmd_find(const char *name);
/* Writes the usage of every command (xwtrace --help) to fp. */
void cmd_usage(FILE *fp);

/* cmd_common.c: the common options and loading the logs. */

/* The common options of a command line, and the findings of its logs. */
struct cmd_common {
	const char **roles;   /* --role HOST=c|e, pointers into argv */
	size_t nroles, rolecap;
	const char **xconfigs; /* --xconfig FILE, pointers into argv */
	size_t nxconfigs, xconfigcap;
	bool json, all, no_color;
	bool quiet;           /* no problem report on stderr */
	int width;            /* --width N, 0 when not given */
	bool wide;            /* --wide: the full layout, whatever the width */
	enum cmd_color color; /* --color */
	bool bad_value;       /* an option's value was refused (cmd_parse said why) */
	struct diag_result diag; /* findings, filled by cmd_load */
};

/* Called by cmd_parse for each option of a command's own rows, with
 * getopt_long's val and optarg; returns 0, or 2 after printing why not. */
typedef int (*cmd_own_fn)(void *arg, int val, const char *value);

/* Returns 0 after parsing argv by e's options (its own rows first, then the
 * common rows of e->common; e->shortopts): the common ones into co, each own
 * one through own(arg, ...); optind is left at the first operand. Returns 2
 * after getopt_long's message for an unknown option or a missing value, or
 * what own returned. */
int cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_common *co,
    cmd_own_fn own, void *arg);
/* Returns a loaded, correlated and diagnosed model of the paths (findings in
 * o->diag; the caller frees it with model_free), or NULL after printing a
 * one-line error naming the file (the caller exits 2). */
struct model *cmd_load(char **paths, int npaths, struct cmd_common *o);
/* Called before each step of cmd_load_steps: phase 0 reads file number file,
 * 1 correlates, 2 diagnoses. Returns false to stop (the load is cancelled). */
typedef bool (*cmd_step_fn)(void *arg, int phase, int file);
/* Returns 0 after reading, correlating and diagnosing paths into the model m
 * made by the caller (findings in o->diag), calling step (may be NULL) before
 * each step; -1 with err naming the file; 1 when step cancelled. The paths
 * are sorted in place first (by their bytes): the order they were given in
 * changes nothing. */
int cmd_load_steps(struct model *m, char **paths, int npaths, struct cmd_common *o,
    cmd_step_fn step, void *arg, char *err, size_t errlen);
/* Returns the columns the output of a command fits: 0 (no limit) with
 * --wide, else --width, else the terminal's width when stdout is one, else
 * $COLUMNS, else 80. */
int cmd_width(const struct cmd_common *co);
/* Returns true when the output gets colour: --color=always; never with
 * --color=never or --no-color; else (auto) when stdout is a terminal, TERM is
 * not dumb and NO_COLOR is unset or empty. */
bool cmd_color(const struct cmd_common *co);
/* Prints "xwtrace: " and err on stderr, one line, made terminal-safe (it can
 * name files, bundle members or Call-IDs, all untrusted). */
void cmd_error(const char *err);
/* Prints each file's problems (file:line: reason) and a summary on fp. */
void cmd_report_problems(const struct model *m, FILE *fp);
/* Frees what cmd_common holds (not the argv strings it points to). */
void cmd_common_free(struct cmd_common *o);

/* cmd_list.c: what `xwtrace list` prints. */

/* Writes what `xwtrace list` prints for the loaded model m and its findings
 * d (may be NULL) to fp: the table fitted to width (0: the full table),
 * coloured when color, or with json one JSON object; all adds the
 * OPTIONS-only calls. */
void cmd_list_write(FILE *fp, const struct model *m, const struct diag_result *d, bool all,
    bool json, int width, bool color);

#endif
