/* fuzz_bundle.c - libFuzzer harness: bytes as a file on disk -> log_load
 * (gzip via zlib, bundles and bz2/xz via libarchive, members scanned) ->
 * correlation. The input is a memfd named through /proc/self/fd, so nothing
 * but libarchive's own temporary files touches the disk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "corr.h"
#include "fuzz_util.h"
#include "log.h"
#include "sip.h"

/* Returns 0 after initialising libosip2 once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sip_init();
	return 0;
}

/* Returns 0 after loading the input as a file the user named. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char path[64], err[512];
	int fd = fuzz_memfile("fuzz-bundle", d, n, path, sizeof path);
	struct model *m = model_new();
	if (log_load(m, path, err, sizeof err) == 0) {
		struct corr_opts co = {0};
		corr_build(m, &co, err, sizeof err);
	}
	model_free(m);
	close(fd);
	return 0;
}
