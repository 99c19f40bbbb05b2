/* fmt_xconfig.c - xConfiguration dumps (the output of `xConfiguration`, or
 * the xconfig file of a diagnostic bundle): recorded in m->xconfigs with
 * their text, for the diagnosis to parse (xconf.h). */
#include <string.h>

#include "log_format.h"
#include "xconf.h"

/* Returns true when the line (n bytes at s) is a setting: "xConfiguration
 * KEY: VALUE" at its start, or after "*c " (and whatever precedes that: a
 * time stamp, a quote mark). Prose that names xConfiguration is not. */
static bool
setting_line(const char *s, size_t n)
{
	const char *p = memmem(s, n, "xConfiguration ", 15);
	if (p == NULL || memchr(p, ':', (size_t)(s + n - p)) == NULL)
		return false;
	const char *b = p;
	while (b > s && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	return b == s || (b - s >= 2 && (b[-1] == 'c' || b[-1] == 'C') && b[-2] == '*');
}

/* Returns true when a line of the text is a setting of a dump. */
static bool
xconfig_sniff(const char *d, size_t n)
{
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(d + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - d) : n;
		if (setting_line(d + i, e - i))
			return true;
		i = e + 1;
	}
	return false;
}

/* Returns 0 after recording the dump under path with a copy of its text;
 * the lines its parse could not use, or used after a repair, go on its
 * file's problems (the diagnosis parses it again, for the lint). */
static int
xconfig_take(struct model *m, const char *path, const char *d, size_t n)
{
	VEC_PUSH(m->xconfigs, m->nxconfigs, m->xconfigcap, strpool_str(m->pool, path));
	m->xconfig_texts = xrealloc(m->xconfig_texts, m->nxconfigs * sizeof *m->xconfig_texts);
	m->xconfig_texts[m->nxconfigs - 1] = xstrndup(d, n);
	struct xconf *x = xconf_parse(path, d, n);
	struct log_file *f = &m->files[m->nfiles - 1];
	for (size_t i = 0; i < x->nproblems; i++)
		model_problem(m, f, x->problems[i].line, x->problems[i].recovered, "%s",
		    x->problems[i].reason);
	f->nlines = x->nlines;
	xconf_free(x);
	return 0;
}

const struct log_format fmt_xconfig = {
	.name = "xconfig",
	.what = "xConfiguration dump",
	.sniff = xconfig_sniff,
	.take = xconfig_take,
};
