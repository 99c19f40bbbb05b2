/* fuzz_pcap.c - libFuzzer harness: bytes as a packet capture (pcap or
 * pcapng) on disk -> libpcap -> the capture reader (link, IP, fragments,
 * TCP reassembly, SIP framing, TLS, certificates) -> correlation ->
 * diagnosis -> the views, the raw text of every message and the pcap
 * export of its original packets. The input is a memfd named through
 * /proc/self/fd, as a capture the user named. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "corr.h"
#include "fuzz_util.h"
#include "diag.h"
#include "export.h"
#include "jsonout.h"
#include "ladder.h"
#include "log.h"
#include "sip.h"

#define MAX_OUT_CALLS 4

/* Returns 0 after initialising libosip2 once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sip_init();
	return 0;
}

/* Returns nothing; writes what the views would of the model's calls. */
static void
render(const struct model *m, const struct diag_result *r)
{
	struct sbuf b = {0};
	jsonout_files(&b, m);
	size_t *calls = xcalloc(m->ncalls + 1, sizeof *calls);
	for (size_t i = 0; i < m->ncalls && i < MAX_OUT_CALLS; i++) {
		struct ladder_opts lo = {.all_hops = (i & 1) != 0};
		jsonout_call(&b, m, r, &m->calls[i], true, true);
		ladder_text(&b, m, &m->calls[i], &lo);
		calls[i] = i;
		b.len = 0;
	}
	const struct export_format *pcap = export_format_find("pcap");
	if (pcap != NULL)
		export_calls(&b, m, r, calls, m->ncalls < MAX_OUT_CALLS ? m->ncalls : MAX_OUT_CALLS,
		    pcap);
	for (size_t i = 0; i < m->nmsgs; i++) {
		size_t n = 0;
		free(sip_raw(m, &m->msgs[i], &n));
	}
	free(calls);
	sbuf_free(&b);
}

/* Returns 0 after reading the input as a capture. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char path[64], err[512];
	int fd = fuzz_memfile("fuzz-pcap", d, n, path, sizeof path);
	struct model *m = model_new();
	struct diag_result r = {0};
	if (log_load(m, path, err, sizeof err) == 0) {
		struct corr_opts co = {0};
		if (corr_build(m, &co, err, sizeof err) == 0 && diag_run(m, NULL, 0, &r, err, sizeof err) == 0)
			render(m, &r);
	}
	diag_result_free(&r);
	model_free(m);
	close(fd);
	return 0;
}
