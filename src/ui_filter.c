/* ui_filter.c - PCRE2 patterns for the list filter and the searches.
 *
 * Patterns match bytes (no UTF mode), because log text need not be valid
 * UTF-8; they are case-insensitive unless they hold a capital letter. */
#include <stdio.h>
#include <stdlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sip.h"
#include "ui.h"

/* Returns true when the pattern has an upper-case letter outside escapes. */
static bool
has_capital(const char *pat)
{
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p >= 'A' && *p <= 'Z')
			return true;
	}
	return false;
}

/* Returns true when pat compiled into r. */
bool
ui_re_compile(struct ui_re *r, const char *pat, char *err, size_t errlen)
{
	ui_re_free(r);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (pat == NULL || pat[0] == '\0')
		return false;
	int ec;
	PCRE2_SIZE off;
	uint32_t opts = has_capital(pat) ? 0 : PCRE2_CASELESS;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &off,
	    NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof msg);
		if (err != NULL)
			snprintf(err, errlen, "bad pattern at %zu: %s", (size_t)off, (char *)msg);
		return false;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* optional: plain matching if no JIT */
	r->code = code;
	r->md = pcre2_match_data_create_from_pattern(code, NULL);
	return true;
}

/* Returns true when a pattern is set. */
bool
ui_re_on(const struct ui_re *r)
{
	return r->code != NULL;
}

/* Returns true when r matches s; so and eo get the match. */
bool
ui_re_match(const struct ui_re *r, const char *s, size_t n, size_t *so, size_t *eo)
{
	if (r->code == NULL || s == NULL)
		return false;
	int rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, NULL);
	if (rc < 0)
		return false;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	if (so != NULL)
		*so = ov[0];
	if (eo != NULL)
		*eo = ov[1];
	return true;
}

/* Frees the compiled pattern. */
void
ui_re_free(struct ui_re *r)
{
	if (r->md != NULL)
		pcre2_match_data_free(r->md);
	if (r->code != NULL)
		pcre2_code_free(r->code);
	r->md = r->code = NULL;
}

/* Adds a match span for every match in every line. */
void
ui_re_mark(const struct ui_re *r, struct ui_doc *doc)
{
	if (r->code == NULL)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		struct ui_line *l = &doc->l[i];
		size_t start = 0;
		while (start <= l->len) {
			int rc = pcre2_match(r->code, (PCRE2_SPTR)l->text, l->len, start, 0, r->md,
			    NULL);
			if (rc < 0)
				break;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
			if (ov[1] > ov[0])
				ui_line_span(l, ov[0], ov[1], UA_MATCH);
			start = ov[1] > ov[0] ? ov[1] : ov[0] + 1; /* empty matches move on */
		}
	}
}

/* Returns true when r matches the text of any record of call c. */
bool
ui_re_call_msgs(const struct ui_re *r, const struct model *m, const struct call *c)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		size_t n;
		char *raw = sip_raw(m, &m->msgs[c->msgs[i]], &n);
		bool hit = raw != NULL && ui_re_match(r, raw, n, NULL, NULL);
		free(raw);
		if (hit)
			return true;
	}
	return false;
}
