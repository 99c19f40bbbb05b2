/* cert.h - X.509 certificates, decoded with OpenSSL's libcrypto (ingest:
 * the capture reader and the PEM reader; cert.c).
 *
 * A certificate is reduced to what a diagnosis and a view show: names,
 * issuer, DNS names, validity, whether it signed itself or is a CA. The DER
 * bytes are never kept. Input is untrusted: a certificate libcrypto cannot
 * read is reported as such, never guessed.
 */
#ifndef XW_CERT_H
#define XW_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define CERT_MAX_DER (64u << 10) /* bytes of one certificate */
#define CERT_MAX_SANS 256        /* DNS names kept of one certificate */

/* Returns true after filling c's own fields (names, DNS names, serial,
 * validity, self_signed, ca, temporary, digest) from the n DER bytes at der;
 * strings go to pool. The fields of where it was seen are left alone.
 * False when libcrypto cannot read it. */
bool cert_decode(struct strpool *pool, const uint8_t *der, size_t n, struct wire_cert *c);

/* Where a walk over PEM text is: start it at {0, 1}. */
struct cert_pem {
	size_t at;            /* the byte it goes on from */
	uint32_t line;        /* the line of that byte (1 first) */
};

/* Returns true after finding the next PEM certificate of the n bytes of
 * text at d from st on: its DER bytes in der (reset first), the line of its
 * BEGIN armour in *begin, and st past its END armour. False when there is
 * none; *bad counts the blocks passed over (no END, base64 that does not
 * decode). */
bool cert_pem_next(const char *d, size_t n, struct cert_pem *st, uint32_t *begin,
    struct sbuf *der, size_t *bad);
/* Returns the first line of the n bytes at d that starts a PEM certificate
 * ("-----BEGIN CERTIFICATE-----"), or NULL. */
const char *cert_pem_find(const char *d, size_t n);

#endif
