/* cmd.h - the commands: one struct cmd_entry per command, each defined in a
 * file of its own (cmd_<name>.c) and listed in the command table (cmd.c);
 * and what they share: the common options, loading the logs, reporting.
 *
 * The common options may come before the command name or after it
 * (cmd_split); one that a command does not take is an error naming it;
 * -h/--help after any command prints that command's help on stdout.
 *
 * Exit status of every command (CMD_EXIT_TEXT): 0 success, 1 internal
 * failure or negative result (diagnose: an error finding), 2 bad usage,
 * unreadable input, or no usable input.
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

/* What --help says of the exit status, for every command. */
#define CMD_EXIT_TEXT "Exit status: 0 success; 1 an internal failure (diagnose: an error finding);\n" \
	"2 bad usage, unreadable input, or no usable input.\n"


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
	const struct option *options; /* its own options, {NULL} last; may be NULL;
	                         * a "help" row among them: it answers --help itself */
	/* What --help says after the usage: a sentence of what it does, then
	 * its own options, one a line ("  --raw   ..."); may be NULL. */
	const char *help;
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
/* Writes the help of command e (xwtrace CMD --help) to fp: its usage, what
 * it does, its options and the common ones it takes, the exit status. */
void cmd_help(const struct cmd_entry *e, FILE *fp);

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

	bool dumps_suffice;   /* set by the command: an xConfiguration dump alone is
	                       * usable input (diagnose lints it) */
	struct diag_result diag; /* findings, filled by cmd_load */
};

/* Called by cmd_parse for each option of a command's own rows, with
 * getopt_long's val and optarg; returns 0, or 2 after printing why not. */
typedef int (*cmd_own_fn)(void *arg, int val, const char *value);

/* Returns 0 after parsing argv by e's options (its own rows first, then the
 * common rows of e->common; e->shortopts): the common ones into co, each own
 * one through own(arg, ...); optind is left at the first operand. Returns 2
 * after getopt_long's message for an unknown option or a missing value, a
 * message naming a common option e does not take, or what own returned. */
int cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_common *co,
    cmd_own_fn own, void *arg);
/* Returns the index in argv of the command name (argv[0] the program),
 * past the common options before it and their values; 0 when the first
 * operand names no command (the command run without a name). */
int cmd_split(int argc, char **argv);
/* Returns true when arg is a common option whose value is the next
 * argument ("--role HOST=e"). */
bool cmd_common_takes_value(const char *arg);
/* Returns nothing; appends the --help lines of the common options e takes. */
void cmd_common_help(const struct cmd_entry *e, struct sbuf *b);
/* Returns true when argv (argv[0] the command name) asks e for its help
 * (-h, --help), as e's options read it; false when e answers --help itself
 * (a "help" row among its own options). */
bool cmd_help_asked(const struct cmd_entry *e, int argc, char **argv);
/* Returns a loaded, correlated and diagnosed model of the paths (findings in
 * o->diag; the caller frees it with model_free), or NULL after printing a
 * one-line error naming the file (the caller exits 2): a file that cannot be
 * read, an --xconfig FILE that is no dump, a --role HOST that no input
 * names, or inputs none of which holds anything usable (saying what each
 * looked like). */
struct model *cmd_load(char **paths, int npaths, struct cmd_common *o);
/* Called before each step of cmd_load_steps: phase 0 reads file number file,
 * 1 correlates, 2 diagnoses. Returns false to stop (the load is cancelled). */
typedef bool (*cmd_step_fn)(void *arg, int phase, int file);
/* Returns 0 after reading, correlating and diagnosing paths into the model m
 * made by the caller (findings in o->diag), calling step (may be NULL) before
 * each step; -1 with err naming the file; 1 when step cancelled. The paths
 * are read in path order (step gets their index in paths): the order they
 * were given in changes nothing. */
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
