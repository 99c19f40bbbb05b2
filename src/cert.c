/* cert.c - X.509 certificates from DER and PEM (see cert.h). */
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

#include "cert.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

/* Returns a pooled one-line text of name: "CN=a, OU=b, O=c", the most
 * specific part first, UTF-8 as it is (views escape what they show). */
static const char *
name_text(struct strpool *pool, const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (b == NULL)
		return NULL;
	unsigned long fl = (XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK & ~ASN1_STRFLGS_ESC_MSB) |
	    XN_FLAG_SEP_CPLUS_SPC;
	const char *s = NULL;
	if (X509_NAME_print_ex(b, name, 0, fl) >= 0) {
		char *p;
		long n = BIO_get_mem_data(b, &p);
		s = strpool_intern(pool, n > 0 ? p : "", n > 0 ? (size_t)n : 0);
	}
	BIO_free(b);
	return s;
}

/* Returns the pooled common name of name, or NULL. */
static const char *
common_name(struct strpool *pool, const X509_NAME *name)
{
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (i < 0)
		return NULL;
	unsigned char *u = NULL;
	int n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	const char *s = n >= 0 ? strpool_intern(pool, (const char *)u, (size_t)n) : NULL;
	OPENSSL_free(u);
	return s;
}

/* Returns the time t as milliseconds since the epoch, or XW_TIME_NONE. */
static xw_time
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return XW_TIME_NONE;
	return (xw_time)timegm(&tm) * 1000;
}

/* Fills c->sans and c->nsans with the certificate's DNS names. */
static void
dns_names(struct strpool *pool, X509 *x, struct wire_cert *c)
{
	GENERAL_NAMES *gn = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gn == NULL)
		return;
	struct sbuf b = {0};
	for (int i = 0; i < sk_GENERAL_NAME_num(gn) && c->nsans < CERT_MAX_SANS; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gn, i);
		if (g->type != GEN_DNS)
			continue;
		const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
		int n = ASN1_STRING_length(g->d.dNSName);
		if (n <= 0)
			continue;
		if (b.len)
			sbuf_add(&b, ", ", 2);
		sbuf_add(&b, (const char *)d, (size_t)n);
		c->nsans++;
	}
	if (b.len)
		c->sans = strpool_intern(pool, b.s, b.len);
	sbuf_free(&b);
	GENERAL_NAMES_free(gn);
}

/* Returns the pooled serial number of x in hexadecimal (as openssl and
 * Wireshark show it: "3001"), or NULL. */
static const char *
serial(struct strpool *pool, X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *d = bn != NULL ? BN_bn2hex(bn) : NULL;
	const char *s = d != NULL ? strpool_str(pool, d) : NULL;
	OPENSSL_free(d);
	BN_free(bn);
	return s;
}

bool
cert_decode(struct strpool *pool, const uint8_t *der, size_t n, struct wire_cert *c)
{
	const unsigned char *p = der;
	if (n == 0 || n > CERT_MAX_DER)
		return false;
	X509 *x = d2i_X509(NULL, &p, (long)n);
	if (x == NULL)
		return false;
	const X509_NAME *sub = X509_get_subject_name(x), *iss = X509_get_issuer_name(x);
	c->subject = name_text(pool, sub);
	c->issuer = name_text(pool, iss);
	c->cn = common_name(pool, sub);
	c->sans = NULL;
	c->nsans = 0;
	dns_names(pool, x, c);
	c->serial = serial(pool, x);
	c->not_before = asn1_time(X509_get0_notBefore(x));
	c->not_after = asn1_time(X509_get0_notAfter(x));
	EVP_PKEY *key = X509_get0_pubkey(x);
	c->self_signed = X509_NAME_cmp(sub, iss) == 0 && key != NULL && X509_verify(x, key) == 1;
	c->ca = X509_check_ca(x) > 0;
	c->temporary = c->subject != NULL && strstr(c->subject, "Temporary Certificate") != NULL;
	c->digest = xhash(der, n);
	X509_free(x);
	return c->subject != NULL && c->issuer != NULL;
}

const char *
cert_pem_find(const char *d, size_t n)
{
	size_t k = strlen(PEM_BEGIN);
	for (const char *p = d, *e = d + n; (size_t)(e - p) >= k;) {
		const char *f = memmem(p, (size_t)(e - p), PEM_BEGIN, k);
		if (f == NULL)
			return NULL;
		if (f == d || f[-1] == '\n' || f[-1] == '\r')
			return f;
		p = f + 1;
	}
	return NULL;
}

/* Returns the lines (LF, or CR alone) in the n bytes at p. */
static uint32_t
count_lines(const char *p, size_t n)
{
	uint32_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')))
			k++;
	return k;
}

/* Returns true after decoding the base64 between the armours, [p, e), into der. */
static bool
base64(const char *p, const char *e, struct sbuf *der)
{
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	if (ctx == NULL)
		return false;
	size_t n = (size_t)(e - p);
	unsigned char *out = xmalloc(n / 4 * 3 + 64);
	int got = 0, fin = 0;
	EVP_DecodeInit(ctx);
	bool ok = n <= CERT_MAX_DER * 2 && n < INT32_MAX &&
	    EVP_DecodeUpdate(ctx, out, &got, (const unsigned char *)p, (int)n) >= 0 &&
	    EVP_DecodeFinal(ctx, out + got, &fin) == 1;
	if (ok)
		sbuf_add(der, (const char *)out, (size_t)(got + fin));
	free(out);
	EVP_ENCODE_CTX_free(ctx);
	return ok && got + fin > 0;
}

bool
cert_pem_next(const char *d, size_t n, struct cert_pem *st, uint32_t *begin, struct sbuf *der,
    size_t *bad)
{
	while (st->at < n) {
		const char *from = d + st->at, *b = cert_pem_find(from, n - st->at);
		if (b == NULL) {
			st->at = n;
			return false;
		}
		st->line += count_lines(from, (size_t)(b - from));
		*begin = st->line;
		const char *body = b + strlen(PEM_BEGIN);
		const char *end = memmem(body, (size_t)(d + n - body), PEM_END, strlen(PEM_END));
		if (end == NULL) {
			(*bad)++;
			st->at = n;
			return false;
		}
		size_t next = (size_t)(end - d) + strlen(PEM_END);
		st->line += count_lines(b, (size_t)(d + next - b));
		st->at = next;
		der->len = 0;
		if (base64(body, end, der))
			return true;
		(*bad)++;
	}
	return false;
}
