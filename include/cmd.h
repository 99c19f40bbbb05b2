/* cmd.h - the commands of the command table, and what they share. */
#ifndef XW_CMD_H
#define XW_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "corr.h"
#include "diag.h"
#include "model.h"

/* Command entry points: argv[0] is the command name; they return the exit
 * status (0 success, 1 internal failure or negative result, 2 bad usage or
 * unreadable input). */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_check_pattern(int argc, char **argv);
int cmd_locate(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* The interactive browser; falls back to cmd_list when stdout is no terminal. */
int cmd_browse(int argc, char **argv);

/* Options every log-reading command takes. */
struct cmd_common {
	const char **roles;   /* --role HOST=c|e */
	size_t nroles, rolecap;
	const char **xconfigs; /* --xconfig FILE */
	size_t nxconfigs, xconfigcap;
	bool quiet;           /* no problem report on stderr */
	struct diag_result diag; /* findings, filled by cmd_load */
};

/* Returns a loaded, correlated and diagnosed model of the paths (findings in
 * o->diag), or NULL after printing a one-line error naming the file (the
 * caller exits 2). */
struct model *cmd_load(char **paths, int npaths, struct cmd_common *o);
/* Called before each step of cmd_load_steps: phase 0 reads file number file,
 * 1 correlates, 2 diagnoses. Returns false to stop (the load is cancelled). */
typedef bool (*cmd_step_fn)(void *arg, int phase, int file);
/* Returns 0 after reading, correlating and diagnosing paths into the model m
 * made by the caller (findings in o->diag), calling step (may be NULL) before
 * each step; -1 with err naming the file; 1 when step cancelled. */
int cmd_load_steps(struct model *m, char **paths, int npaths, struct cmd_common *o,
    cmd_step_fn step, void *arg, char *err, size_t errlen);
/* Writes what `xwtrace list` prints for the loaded model m and its findings
 * d (may be NULL) to fp: the table, or with json one JSON object; all adds
 * the OPTIONS-only calls. */
void cmd_list_write(FILE *fp, const struct model *m, const struct diag_result *d, bool all,
    bool json);
/* Prints "xwtrace: " and err on stderr, one line, made terminal-safe (it can
 * name files, bundle members or Call-IDs, all untrusted). */
void cmd_error(const char *err);
/* Prints each file's problems (file:line: reason) and a summary on fp. */
void cmd_report_problems(const struct model *m, FILE *fp);
/* Frees what cmd_common holds. */
void cmd_common_free(struct cmd_common *o);

#endif
