/* fuzz_tls.c - libFuzzer harness: bytes as one direction of a TLS
 * connection -> the record and handshake parser (wire_tls.c), fed in
 * pieces of every size the first byte picks -> each certificate it finds
 * decoded with libcrypto (cert.c) and labelled as a view would. The same
 * bytes are also read as PEM text and cut as a SIP stream would be. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "fuzz_util.h"
#include "wire.h"
#include "wire_tls.h"

/* Returns nothing; decodes every certificate of a Certificate fact. */
static void
fact(void *arg, const struct wire_tls_fact *f)
{
	struct strpool *pool = arg;
	char buf[256];
	for (size_t i = 0; i < f->ncerts; i++) {
		struct wire_cert c = {0};
		if (cert_decode(pool, f->cert[i], f->certlen[i], &c))
			(void)strlen(c.subject);
	}
	struct wire_step st = {0, 1, (uint16_t)(f->level << 8 | f->desc), (uint8_t)(f->kind % WS_KINDS),
		false};
	wire_step_label(&st, buf, sizeof buf);
}

/* Returns 0 after reading the input as TLS, as PEM and as a SIP stream. */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n == 0)
		return 0;
	size_t step = d[0] ? d[0] : n;
	char *p = fuzz_copy(d + 1, n - 1);
	const uint8_t *u = (const uint8_t *)p;
	struct strpool *pool = strpool_new();
	struct wire_tls t = {0};
	for (size_t at = 0; at < n - 1; at += step)
		wire_tls_feed(&t, u + at, n - 1 - at < step ? n - 1 - at : step, fact, pool);
	wire_tls_free(&t);
	struct cert_pem st = {0, 1};
	struct sbuf der = {0};
	uint32_t begin;
	size_t bad = 0;
	for (int k = 0; k < 16 && cert_pem_next(p, n - 1, &st, &begin, &der, &bad); k++) {
		struct wire_cert c = {0};
		cert_decode(pool, (const uint8_t *)der.s, der.len, &c);
	}
	sbuf_free(&der);
	for (size_t at = 0, len = 0; at < n - 1; at += len ? len : 1)
		if (wire_sip_cut(p + at, n - 1 - at, true, &len) == WIRE_SIP_MORE)
			break;
	strpool_free(pool);
	fuzz_free(p, n - 1);
	return 0;
}
