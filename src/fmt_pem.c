/* fmt_pem.c - PEM certificates (the Expressway's server certificate, its
 * trusted CA list): each certificate of the file decoded into
 * m->wire.certs with the line of its BEGIN armour, for the certificate
 * checks (a server certificate's chain against the trusted CA list, every
 * certificate's validity). */
#include <string.h>

#include "cert.h"
#include "log_format.h"

/* Returns true when a line of the file starts with the PEM certificate
 * armour. Logs that quote a certificate are claimed by their own row first. */
static bool
pem_sniff(const char *d, size_t n)
{
	return cert_pem_find(d, n) != NULL;
}

/* Returns 0 after keeping every certificate of the n bytes at d (read from
 * path); blocks that do not decode are reported once, as a problem of the
 * file's entry (the last of m->files, made before take: log_format.h). */
static int
pem_take(struct model *m, const char *path, const char *d, size_t n)
{
	struct cert_pem st = {0, 1};
	struct sbuf der = {0};
	size_t first = m->wire.ncerts, bad = 0, unread = 0;
	uint32_t begin = 0, bad_line = 0;
	const char *file = strpool_str(m->pool, path);
	while (cert_pem_next(d, n, &st, &begin, &der, &bad)) {
		struct wire_cert c = {0};
		if (!cert_decode(m->pool, (const uint8_t *)der.s, der.len, &c)) {
			unread++;
			bad_line = bad_line ? bad_line : begin;
			continue;
		}
		c.file = file;
		c.line = begin;
		c.conn = -1;
		c.time = XW_TIME_NONE;
		c.pos = (uint8_t)(m->wire.ncerts - first < 255 ? m->wire.ncerts - first : 255);
		VEC_PUSH(m->wire.certs, m->wire.ncerts, m->wire.certcap, c);
	}
	sbuf_free(&der);
	for (size_t i = first; i < m->wire.ncerts; i++)
		m->wire.certs[i].count = (uint8_t)(m->wire.ncerts - first < 255 ? m->wire.ncerts - first
		    : 255);
	if (bad + unread > 0 && m->nfiles > 0)
		model_problem(m, &m->files[m->nfiles - 1], bad_line ? bad_line : 1, false,
		    "%zu certificate%s that cannot be read", bad + unread, bad + unread == 1 ? "" : "s");
	return 0;
}

const struct log_format fmt_pem = {
	.name = "pem-certificate",
	.what = "PEM certificate",
	.sniff = pem_sniff,
	.take = pem_take,
};
