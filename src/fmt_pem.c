/* fmt_pem.c - PEM certificates (the Expressway's server and trusted CA
 * certificates): recognised, not read yet. A reader lands here: its take
 * would record the subject names and issuers the TLS signatures check. */
#include <string.h>

#include "log_format.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

/* Returns true when a line of the file starts with the PEM certificate
 * armour. Logs that quote a certificate are claimed by their own row first. */
static bool
pem_sniff(const char *d, size_t n)
{
	size_t k = strlen(PEM_BEGIN);
	for (const char *p = d, *e = d + n; (size_t)(e - p) >= k;) {
		const char *f = memmem(p, (size_t)(e - p), PEM_BEGIN, k);
		if (f == NULL)
			return false;
		if (f == d || f[-1] == '\n' || f[-1] == '\r')
			return true;
		p = f + 1;
	}
	return false;
}

const struct log_format fmt_pem = {
	.name = "pem-certificate",
	.what = "PEM certificate",
	.sniff = pem_sniff,
};
