/* diag.c - running the signature table and keeping the findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* The table lives in diag_sigs.c; this file only runs it. */
extern const struct diag_sig diag_sigs[];
extern const size_t diag_nsigs;

const struct diag_sig *
diag_table(size_t *n)
{
	*n = diag_nsigs;
	return diag_sigs;
}

const char *
diag_severity_name(enum diag_severity s)
{
	return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "info";
}

struct diag_finding *
diag_add(struct model *m, struct diag_result *r, const struct diag_sig *sig, int call,
    int arrow, int host, const char *summary, const char *fix)
{
	struct diag_finding f = {0};
	f.id = sig->id;
	f.severity = sig->severity;
	f.call = call;
	f.arrow = arrow;
	f.host = host;
	f.summary = strpool_str(m->pool, summary);
	f.fix = strpool_str(m->pool, fix);
	VEC_PUSH(r->f, r->n, r->cap, f);
	return &r->f[r->n - 1];
}

void
diag_evidence(struct model *m, struct diag_finding *f, const char *file, uint32_t line)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].line == line && strcmp(f->ev[i].file, file) == 0)
			return;
	struct diag_evidence e = {strpool_str(m->pool, file), line};
	VEC_PUSH(f->ev, f->nev, f->evcap, e);
}

void
diag_result_free(struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i].ev);
	free(r->f);
	memset(r, 0, sizeof *r);
}

/* Adds each finding's id to its call's list, once per id. */
static void
fill_calls(struct model *m, const struct diag_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].call < 0 || (size_t)r->f[i].call >= m->ncalls)
			continue;
		struct call *c = &m->calls[r->f[i].call];
		bool dup = false;
		for (size_t k = 0; k < c->nfindings && !dup; k++)
			dup = strcmp(c->findings[k], r->f[i].id) == 0;
		if (!dup)
			VEC_PUSH(c->findings, c->nfindings, c->findingcap, r->f[i].id);
	}
}

/* What checks share: the xConfiguration dumps to look at. */
struct diag_ctx_files {
	const char **paths;
	size_t n;
};

int
diag_run(struct model *m, const char **xconfigs, size_t nxconfigs, struct diag_result *r,
    char *err, size_t errlen)
{
	struct diag_ctx_files ctx = {xconfigs, nxconfigs};
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < diag_nsigs; i++)
		diag_sigs[i].check(&diag_sigs[i], m, r, &ctx);
	fill_calls(m, r);
	return 0;
}

char
diag_marker(const char *id)
{
	static const struct {
		const char *id;
		char mark;
	} marks[] = {
		{"contact-param-stripped", 'S'}, {"preloaded-route-rejected", 'R'},
		{"cpl-reject", 'P'}, {"webex-srv-wrong-domain", 'D'}, {"tcp-connect-failed", 'T'},
		{"tls-", 'L'}, {"sdp-codec-mismatch", 'M'}, {"q850-cause", 'Q'},
		{"cucm-message-too-large", 'Z'}, {"no-final-response", 'N'}, {"xconfig-", 'X'},
	};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strncmp(id, marks[i].id, strlen(marks[i].id)) == 0)
			return marks[i].mark;
	return '!';
}
