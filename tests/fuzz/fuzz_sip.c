/* fuzz_sip.c - libFuzzer harness: framed message bytes -> the Expressway
 * log's unframing (fmt_expressway_unframe) -> sip_parse (libosip2,
 * Content-Length repair, SDP summary); and the same bytes parsed without
 * unframing, as a pasted message would be. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_expressway.h"
#include "fuzz_util.h"
#include "sip.h"

/* The parse arena, as each parsing thread of the program has one. The
 * unframed copy is parsed on the heap instead, where ASan sees a read past
 * any block libosip2 allocated; there libosip2's own leak of a multipart
 * part's first Content-Type, when the part holds two, is suppressed
 * (tests/fuzz/lsan.supp): the program parses in arenas, emptied after each
 * message, and never leaks it. */
static struct sip_arena *arena;

/* Returns 0 after initialising libosip2 and the arena once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sip_init();
	arena = sip_arena_new();
	return 0;
}

/* Returns nothing; parses n bytes of text (what the message holds is in m's pool). */
static void
parse_one(struct model *m, const char *text, size_t n, struct sip_arena *a)
{
	struct sip_msg s;
	struct sip_fields f;
	memset(&s, 0, sizeof s);
	memset(&f, 0, sizeof f);
	s.twin = s.call = -1;
	s.sip = &f;
	f.q850 = -1;
	char why[256], buf[128];
	if (sip_parse(m->pool, a, &f, text, n, why, sizeof why) != 0)
		return; /* the arrays are in the pool */
	sip_first_line(&s, buf, sizeof buf);
	sip_label(&s, buf, sizeof buf);
	sip_audio_codecs(&s);
}

/* Returns 0 after unframing and parsing the input both ways. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *in = fuzz_copy(d, n);
	struct model *m = model_new();
	struct sbuf text = {0};
	fmt_expressway_unframe(in, n, &text);
	/* an exact-size copy, so a read past the unframed text is caught too */
	char *un = fuzz_copy((const uint8_t *)text.s, text.len);
	parse_one(m, un, text.len, NULL);
	parse_one(m, in, n, arena);
	fuzz_free(un, text.len);
	sbuf_free(&text);
	model_free(m);
	fuzz_free(in, n);
	return 0;
}
