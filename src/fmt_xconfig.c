/* fmt_xconfig.c - xConfiguration dumps (the output of `xConfiguration`, or
 * the xconfig file of a diagnostic bundle): recorded in m->xconfigs with
 * their text, for the diagnosis to parse (xconf.h). */
#include <string.h>

#include "log_format.h"

/* Returns true when the text holds "xConfiguration ", which starts every
 * line of a dump. */
static bool
xconfig_sniff(const char *d, size_t n)
{
	return memmem(d, n, "xConfiguration ", 15) != NULL;
}

/* Returns 0 after recording the dump under path with a copy of its text. */
static int
xconfig_take(struct model *m, const char *path, const char *d, size_t n)
{
	VEC_PUSH(m->xconfigs, m->nxconfigs, m->xconfigcap, strpool_str(m->pool, path));
	m->xconfig_texts = xrealloc(m->xconfig_texts, m->nxconfigs * sizeof *m->xconfig_texts);
	m->xconfig_texts[m->nxconfigs - 1] = xstrndup(d, n);
	return 0;
}

const struct log_format fmt_xconfig = {
	.name = "xconfig",
	.what = "xConfiguration dump",
	.sniff = xconfig_sniff,
	.take = xconfig_take,
};
