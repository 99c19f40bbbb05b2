/* export_json.c - the json export: schema "xwtrace-export/1" (see xwtrace(1)).
 *
 * Built on jsonout so that `show --json` and the export agree field for
 * field; this file adds the envelope, the hosts and the findings in full.
 */
#include <string.h>

#include "export_util.h"
#include "jsonout.h"
#include "text.h"

/* Appends the logging hosts with their role, addresses and clock skew. */
static void
hosts(struct sbuf *b, const struct model *m)
{
	sbuf_puts(b, "\"hosts\":[");
	for (size_t h = 0; h < m->nhosts; h++) {
		const struct host *ho = &m->hosts[h];
		sbuf_puts(b, h ? ",{\"name\":" : "{\"name\":");
		text_json_str(b, ho->name);
		sbuf_puts(b, ",\"role\":");
		text_json_str(b, model_role_name(ho->role));
		sbuf_puts(b, ",\"addresses\":[");
		for (size_t i = 0; i < ho->naddrs; i++) {
			if (i)
				sbuf_add(b, ",", 1);
			text_json_str(b, ho->addrs[i]);
		}
		sbuf_printf(b, "],\"skew_ms\":%lld,\"skew_pairs\":%u}",
		    m->skew != NULL ? (long long)m->skew[h] : 0LL,
		    m->skew_pairs != NULL ? m->skew_pairs[h] : 0u);
	}
	sbuf_add(b, "]", 1);
}

/* Appends one finding; call and message refer to the exported objects. */
static void
finding(struct sbuf *b, const struct model *m, const struct diag_finding *f)
{
	sbuf_puts(b, "{\"id\":");
	text_json_str(b, f->id);
	sbuf_printf(b, ",\"severity\":\"%s\",\"call\":", diag_severity_name(f->severity));
	if (f->call >= 0)
		sbuf_printf(b, "%u", m->calls[f->call].number);
	else
		sbuf_puts(b, "null");
	sbuf_puts(b, ",\"message\":");
	if (f->call >= 0 && f->arrow >= 0)
		sbuf_printf(b, "%d", f->arrow);
	else
		sbuf_puts(b, "null");
	sbuf_puts(b, ",\"host\":");
	text_json_str(b, f->host >= 0 ? m->hosts[f->host].name : NULL);
	jsonout_finding_text(b, f);
	sbuf_puts(b, "}");
}

/* Appends a call with every message, one message a line so golden diffs
 * read well. The split matches structure only: a quote inside a JSON string
 * is escaped, so {"index": cannot occur in one. */
static void
call_object(struct sbuf *b, const struct model *m, const struct diag_result *d,
    const struct call *c)
{
	static const char msg[] = "{\"index\":";
	struct sbuf t = {0};
	jsonout_call(&t, m, d, c, true, true);
	const char *p = t.s, *q;
	while ((q = strstr(p, msg)) != NULL) {
		sbuf_add(b, p, (size_t)(q - p));
		sbuf_add(b, "\n", 1);
		sbuf_add(b, q, sizeof msg - 1);
		p = q + sizeof msg - 1;
	}
	sbuf_puts(b, p);
	sbuf_free(&t);
}

export_write_fn export_json; /* the type of the table's writers (export.c) */

/* Returns 0 after appending the export of the calls as one JSON object. */
int
export_json(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	sbuf_puts(out, "{\"schema\":\"xwtrace-export/1\",\n");
	jsonout_files(out, m);
	sbuf_add(out, ",\n", 2);
	hosts(out, m);
	jsonout_clock(out, m);
	sbuf_puts(out, ",\n\"calls\":[");
	for (size_t i = 0; i < n; i++) {
		sbuf_puts(out, i ? ",\n" : "\n");
		call_object(out, m, d, &m->calls[calls[i]]);
	}
	sbuf_puts(out, "],\n\"findings\":[");
	bool any = false;
	for (size_t k = 0; d != NULL && k < d->n; k++) {
		if (!export_finding_wanted(&d->f[k], calls, n))
			continue;
		sbuf_puts(out, any ? ",\n" : "\n");
		finding(out, m, &d->f[k]);
		any = true;
	}
	sbuf_puts(out, "]}\n");
	return 0;
}
