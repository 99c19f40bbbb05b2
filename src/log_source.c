/* log_source.c - lines of an input around a line number (see log_source.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_source.h"
#include "log_text.h"

#define MAX_READ (512ul << 20) /* a dump read again from its path: as xconf_load allows */

/* Returns the text of the input named file (its length in *n), setting
 * *owned when it was read from disk for this call; NULL when unknown. */
static const char *
source_text(const struct model *m, const char *file, size_t *n, bool *owned)
{
	*owned = false;
	for (size_t i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].path, file) == 0 && m->files[i].data != NULL) {
			*n = m->files[i].len;
			return m->files[i].data;
		}
	for (size_t i = 0; i < m->nxconfigs; i++)
		if (strcmp(m->xconfigs[i], file) == 0 && m->xconfig_texts != NULL &&
		    m->xconfig_texts[i] != NULL) {
			*n = strlen(m->xconfig_texts[i]);
			return m->xconfig_texts[i];
		}
	FILE *fp = fopen(file, "rb"); /* a dump named by --xconfig: its text was not kept */
	if (fp == NULL)
		return NULL;
	struct sbuf b = {0};
	char buf[65536];
	size_t k;
	while (b.len <= MAX_READ && (k = fread(buf, 1, sizeof buf, fp)) > 0)
		sbuf_add(&b, buf, k);
	fclose(fp);
	*owned = true;
	*n = b.len;
	sbuf_add(&b, "", 0);
	return sbuf_take(&b);
}

/* Returns the lines from..to of the input named file (see log_source.h). */
char *
log_source_lines(const struct model *m, const char *file, uint32_t from, uint32_t to,
    uint32_t *first, size_t *len)
{
	size_t n = 0;
	bool owned;
	const char *text = file != NULL ? source_text(m, file, &n, &owned) : NULL;
	if (text == NULL)
		return NULL;
	struct log_cursor c;
	struct log_line l;
	struct sbuf out = {0};
	if (from < 1)
		from = 1;
	*first = from;
	log_cursor_init(&c, text, n);
	while (log_next_line(&c, &l) && l.no <= to) {
		if (l.no < from)
			continue;
		sbuf_add(&out, l.s, l.n);
		sbuf_add(&out, "\n", 1);
	}
	if (owned)
		free((char *)text);
	*len = out.len;
	return out.s; /* NULL when from is past the end */
}
