/* logbuild.h - building Expressway log text in tests, in the real framing. */
#ifndef XW_LOGBUILD_H
#define XW_LOGBUILD_H

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "xmem.h"

/* Appends an entry header line of host at UTC time utc ("2017-09-19 18:01:48,140"). */
static inline void
lb_head(struct sbuf *b, const char *host, const char *utc, const char *module,
    const char *level, const char *fields)
{
	char iso[32];
	snprintf(iso, sizeof iso, "%.10sT%.8s.%.3s+00:00", utc, utc + 11, utc + 20);
	sbuf_printf(b, "%s %s tvcs: UTCTime=\"%s\" Module=\"%s\" Level=\"%s\":  %s\n", iso, host,
	    utc, module, level, fields);
}

/* Appends msg (lines separated by "\n"; CRLF is implied on the wire) framed
 * as the Expressway logs it: " SIPMSG:", " |" before the first line, one
 * space before every line, "|" after the last byte, then an empty line.
 * With lead false the leading spaces are dropped, as in pasted copies. */
static inline void
lb_frame(struct sbuf *b, const char *msg, int lead)
{
	const char *sp = lead ? " " : "";
	sbuf_printf(b, "%sSIPMSG:\n%s|", sp, sp);
	for (const char *p = msg; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (p != msg)
			sbuf_puts(b, sp);
		sbuf_add(b, p, n);
		sbuf_puts(b, "\n");
		p += n + (nl != NULL);
	}
	sbuf_printf(b, "%s|\n\n", sp);
}

/* Appends a whole logged message: INFO-free DEBUG header plus framed text. */
static inline void
lb_msg(struct sbuf *b, const char *host, const char *utc, int sent, const char *local,
    int lport, const char *remote, int rport, const char *msg)
{
	char f[256];
	snprintf(f, sizeof f, "Action=\"%s\" Local-ip=\"%s\" Local-port=\"%d\" %s-ip=\"%s\" "
	    "%s-port=\"%d\" Msg-Hash=\"%u\"", sent ? "Sent" : "Received", local, lport,
	    sent ? "Dst" : "Src", remote, sent ? "Dst" : "Src", rport,
	    (unsigned)xhash(msg, strlen(msg)));
	lb_head(b, host, utc, "network.sip", "DEBUG", f);
	lb_frame(b, msg, 1);
}

/* Returns msg with a body appended and Content-Length set (caller frees);
 * headers end without a blank line, body lines end with "\n". */
static inline char *
lb_with_body(const char *headers, const char *body)
{
	size_t crlf = 0;
	for (const char *p = body; *p; p++)
		crlf += *p == '\n';
	return xasprintf("%sContent-Type: application/sdp\nContent-Length: %zu\n\n%s", headers,
	    strlen(body) + crlf, body);
}

/* Returns a new model of text read as one log file "t.log" (scanned, not
 * correlated); the caller frees it. */
static inline struct model *
lb_load(const char *text)
{
	struct model *m = model_new();
	log_load_memory(m, "t.log", text, strlen(text));
	return m;
}

/* Returns how many problems of file f have s in their reason. */
static inline size_t
lb_problems_with(const struct log_file *f, const char *s)
{
	size_t n = 0;
	for (size_t k = 0; k < f->nproblems; k++)
		n += strstr(f->problems[k].reason, s) != NULL;
	return n;
}

#endif
