/* export_util.c - helpers shared by the exporters. */
#include <stdlib.h>
#include <string.h>

#include "export_util.h"
#include "ladder.h"
#include "text.h"

/* Returns true when f is about one of the calls, or about none. */
bool
export_finding_wanted(const struct diag_finding *f, const size_t *calls, size_t ncalls)
{
	if (f->call < 0)
		return true;
	for (size_t i = 0; i < ncalls; i++)
		if (calls[i] == (size_t)f->call)
			return true;
	return false;
}

/* Returns true when machine mach is one of the Expressways. */
static bool
is_expressway(const struct model *m, int mach)
{
	return m->machines[mach].kind == MACH_EXPRESSWAY;
}

/* Returns the machines of every call in first-seen ladder order (caller frees). */
static int *
merged_columns(const struct model *m, const size_t *calls, size_t ncalls, size_t *n)
{
	int *v = xcalloc(m->nmachines + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < ncalls; i++) {
		struct ladder_layout l;
		ladder_layout(&l, m, NULL, &m->calls[calls[i]], LADDER_ALL);
		for (size_t j = 0; j < l.ncols; j++) {
			size_t e;
			for (e = 0; e < *n && v[e] != l.cols[j].mach; e++)
				;
			if (e == *n)
				v[(*n)++] = l.cols[j].mach;
		}
		ladder_layout_free(&l);
	}
	return v;
}

/* Returns the machines of the calls, the Expressways side by side (see
 * export_util.h). */
int *
export_participants(const struct model *m, const size_t *calls, size_t ncalls, size_t *n)
{
	int *v = merged_columns(m, calls, ncalls, n);
	int *out = xcalloc(*n + 1, sizeof *out);
	size_t first, k = 0;
	for (first = 0; first < *n && !is_expressway(m, v[first]); first++)
		;
	/* what stands before the first Expressway, then every Expressway (one box
	 * in the diagrams needs them side by side), then the rest */
	for (size_t i = 0; i < first; i++)
		out[k++] = v[i];
	for (size_t i = first; i < *n; i++)
		if (is_expressway(m, v[i]))
			out[k++] = v[i];
	for (size_t i = first; i < *n; i++)
		if (!is_expressway(m, v[i]))
			out[k++] = v[i];
	free(v);
	return out;
}

/* Returns the code point of the UTF-8 sequence of length l at p. */
static unsigned
codepoint(const unsigned char *p, size_t l)
{
	static const unsigned char lead[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	unsigned cp = p[0] & lead[l];
	for (size_t i = 1; i < l; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

/* Appends s made safe, escaping what plain() refuses (see export_util.h). */
void
export_escape(struct sbuf *b, const char *s,
    bool (*plain)(const unsigned char *s, size_t n, size_t i), const char *fmt)
{
	struct sbuf t = {0};
	if (s != NULL)
		text_safe(&t, s, strlen(s));
	sbuf_add(b, "", 0);
	const unsigned char *p = (const unsigned char *)t.s;
	for (size_t i = 0; i < t.len;) {
		size_t l = p[i] < 0x80 ? 1 : text_utf8_len(p + i, t.len - i);
		if (l == 0) /* text_safe leaves valid UTF-8 only; be safe anyway */
			l = 1;
		if (l == 1 && plain(p, t.len, i))
			sbuf_add(b, t.s + i, 1);
		else
			sbuf_printf(b, fmt, l == 1 ? p[i] : codepoint(p + i, l));
		i += l;
	}
	sbuf_free(&t);
}

/* Returns true when machine mach is one of the np participants p. */
static bool
declared(const int *p, size_t np, int mach)
{
	for (size_t i = 0; i < np; i++)
		if (p[i] == mach)
			return true;
	return false;
}

/* Returns true when row r joins two participants (see export_util.h). */
bool
export_conn_drawn(const struct ladder_conn *r, const int *p, size_t np)
{
	return declared(p, np, r->from) && declared(p, np, r->to);
}

/* Returns the severity of the finding citing row r, or -1 (see export_util.h). */
int
export_conn_severity(const struct diag_result *d, const struct ladder_conn *r)
{
	return r->finding >= 0 && d != NULL && (size_t)r->finding < d->n
	    ? (int)d->f[r->finding].severity : -1;
}
