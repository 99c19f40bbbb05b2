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
	struct sip_fields f;
	memset(&s, 0, sizeof s);
	memset(&f, 0, sizeof f);
	s.sip = &f;
	sdp_summarise(m->pool, &f, body, n);
	if (f.nmedia > SDP_MAX_MEDIA)
		abort(); /* the array holds no more */
	if (f.nmedia < SDP_MAX_MEDIA && (f.cut & SIP_CUT_MEDIA))
		abort(); /* m= lines are left out only past the limit */
	for (int i = 0; i < f.nmedia; i++)
		if (f.media[i].media == NULL || f.media[i].codecs == NULL || f.media[i].dir == NULL)
			abort();
	sip_audio_codecs(&s);
	model_free(m); /* s.media is in the pool */
	fuzz_free(body, n);
	return 0;
}
