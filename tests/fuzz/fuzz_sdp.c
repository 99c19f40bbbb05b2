/* fuzz_sdp.c - libFuzzer harness: SDP body bytes -> sdp_summarise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "sdp.h"
#include "sip.h"

/* Returns 0 after summarising the input as an SDP body. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *body = fuzz_copy(d, n);
	struct model *m = model_new();
	struct sip_msg s;
	memset(&s, 0, sizeof s);
	sdp_summarise(m->pool, &s, body, n);
	if (s.nmedia > 16)
		abort(); /* MAX_MEDIA in sdp.c: the array holds no more */
	for (int i = 0; i < s.nmedia; i++)
		if (s.media[i].media == NULL || s.media[i].codecs == NULL || s.media[i].dir == NULL)
			abort();
	sip_audio_codecs(&s);
	model_free(m); /* s.media is in the pool */
	fuzz_free(body, n);
	return 0;
}
