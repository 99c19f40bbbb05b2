/* log_format.c - the table of input formats (see log_format.h). */
#include <string.h>

#include "log_format.h"

/* The rows, each defined in its own src/fmt_*.c. */
extern const struct log_format fmt_pcap, fmt_pcapng, fmt_expressway, fmt_xconfig, fmt_pem;

/* In sniffing order: binary magic numbers first (they cannot be mistaken),
 * then logs before the dumps and certificates that logs may quote. */
static const struct log_format *const log_formats[] = {
	&fmt_pcap,
	&fmt_pcapng,
	&fmt_expressway,
	&fmt_xconfig,
	&fmt_pem,
};

const struct log_format *
log_format_sniff(const char *d, size_t n)
{
	size_t k = n < LOG_SNIFF ? n : LOG_SNIFF;
	for (size_t i = 0; i < sizeof log_formats / sizeof log_formats[0]; i++)
		if (log_formats[i]->sniff(d, k))
			return log_formats[i];
	return NULL;
}

const struct log_format *
log_format_named(const char *name)
{
	for (size_t i = 0; i < sizeof log_formats / sizeof log_formats[0]; i++)
		if (strcmp(log_formats[i]->name, name) == 0)
			return log_formats[i];
	return NULL;
}

const struct log_format *
log_format_default(void)
{
	return &fmt_expressway;
}

const char *
log_file_block(const struct log_file *f)
{
	return f->fmt != NULL && f->fmt->block != NULL ? f->fmt->block : "SIPMSG block";
}
