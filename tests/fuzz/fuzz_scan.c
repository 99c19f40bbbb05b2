/* fuzz_scan.c - libFuzzer harness: log text -> model -> correlation -> output.
 *
 * The input is one or more log files separated by a line "--8<--" (so that
 * two-host logs, twins and skew are reached). Each file gets its own exactly
 * sized copy so ASan catches a read past the end of any one of them. Set
 * XW_FUZZ_NO_DIAG=1 to leave the diagnosis out (to keep fuzzing the scanner
 * while a diagnosis bug waits for its owner).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "diag.h"
#include "fuzz_util.h"
#include "jsonout.h"
#include "ladder.h"
#include "log.h"
#include "sip.h"

#define MAX_FILES 3
#define MAX_OUT_CALLS 8  /* calls rendered per input: enough to reach every path */

static bool no_diag;

/* Returns 0 after initialising libosip2 once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sip_init();
	const char *e = getenv("XW_FUZZ_NO_DIAG");
	no_diag = e != NULL && *e == '1';
	return 0;
}


/* Returns nothing; renders every view of a few calls (JSON, ladder, raw). */
static void
render(const struct model *m, const struct diag_result *r)
{
	struct sbuf b = {0};
	jsonout_files(&b, m);
	for (size_t i = 0; i < m->ncalls && i < MAX_OUT_CALLS; i++) {
		const struct call *c = &m->calls[i];
		struct ladder_opts lo = {.all_hops = (i & 1) != 0};
		jsonout_call(&b, m, r, c, true, true);
		ladder_text(&b, m, c, &lo);
		b.len = 0;
	}
	for (size_t i = 0; i < m->nmsgs; i++) {
		size_t n = 0;
		free(sip_raw(m, &m->msgs[i], &n));
	}
	sbuf_free(&b);
}

/* Returns 0 after running the whole ingest and correlation over the input. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *texts[MAX_FILES];
	size_t lens[MAX_FILES];
	struct model *m = model_new();
	size_t nf = fuzz_load(m, d, n, texts, lens, MAX_FILES);
	char err[256];
	struct corr_opts co = {0};
	if (corr_build(m, &co, err, sizeof err) == 0) {
		struct diag_result r = {0};
		if (!no_diag)
			diag_run(m, NULL, 0, &r, err, sizeof err);
		render(m, &r);
		diag_result_free(&r);
	}
	model_free(m);
	for (size_t i = 0; i < nf; i++)
		fuzz_free(texts[i], lens[i]);
	return 0;
}
