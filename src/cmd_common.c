/* cmd_common.c - loading logs for a command, and reporting what was skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "text.h"

#define MAX_REPORTED 10 /* problems printed per file before a summary */

void
cmd_error(const char *err)
{
	fputs("xwtrace: ", stderr);
	text_fputs(stderr, err);
	fputc('\n', stderr);
}

int
cmd_load_steps(struct model *m, char **paths, int npaths, struct cmd_common *o,
    cmd_step_fn step, void *arg, char *err, size_t errlen)
{
	for (int i = 0; i < npaths; i++) {
		if (step != NULL && !step(arg, 0, i))
			return 1;
		if (log_load(m, paths[i], err, errlen) < 0)
			return -1;
	}
	if (step != NULL && !step(arg, 1, npaths))
		return 1;
	struct corr_opts co = {o->roles, o->nroles};
	if (corr_build(m, &co, err, errlen) < 0)
		return -1;
	if (step != NULL && !step(arg, 2, npaths))
		return 1;
	if (diag_run(m, o->xconfigs, o->nxconfigs, &o->diag, err, errlen) < 0)
		return -1;
	log_note_shrunk(m); /* a file cut while correlation or diagnosis read it */
	return 0;
}

struct model *
cmd_load(char **paths, int npaths, struct cmd_common *o)
{
	char err[1024];
	if (npaths <= 0) {
		fprintf(stderr, "xwtrace: no log given (see xwtrace --help)\n");
		return NULL;
	}
	struct model *m = model_new();
	if (cmd_load_steps(m, paths, npaths, o, NULL, NULL, err, sizeof err) != 0) {
		cmd_error(err);
		model_free(m);
		return NULL;
	}
	if (!o->quiet)
		cmd_report_problems(m, stderr);
	return m;
}

void
cmd_report_problems(const struct model *m, FILE *fp)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct log_file *f = &m->files[i];
		size_t skipped = 0, repaired = 0;
		for (size_t k = 0; k < f->nproblems; k++) {
			const struct log_problem *p = &f->problems[k];
			p->recovered ? repaired++ : skipped++;
			if (k < MAX_REPORTED) {
				fprintf(fp, "xwtrace: ");
				text_fputs(fp, f->path);
				fprintf(fp, ":%u: %s", p->line, p->recovered ? "note: " : "");
				text_fputs(fp, p->reason);
				fputc('\n', fp);
			}
		}
		if (f->nproblems > MAX_REPORTED) {
			fprintf(fp, "xwtrace: ");
			text_fputs(fp, f->path);
			fprintf(fp, ": %zu blocks skipped, %zu repaired in all\n", skipped, repaired);
		}
	}
}

void
cmd_common_free(struct cmd_common *o)
{
	free(o->roles);
	free(o->xconfigs);
	diag_result_free(&o->diag);
}
