/* export.c - choosing a format, the text export, and atomic file output. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "ladder.h"
#include "text.h"

static const struct {
	const char *name, *suffix;
} formats[EXPORT_NFORMATS] = {
	[EXPORT_TEXT] = {"text", ".txt"},          [EXPORT_HTML] = {"html", ".html"},
	[EXPORT_PLANTUML] = {"plantuml", ".puml"}, [EXPORT_MERMAID] = {"mermaid", ".mmd"},
	[EXPORT_JSON] = {"json", ".json"},         [EXPORT_PCAP] = {"pcap", ".pcap"},
};

int
export_format_parse(const char *name)
{
	for (int i = 0; i < EXPORT_NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0)
			return i;
	return -1;
}

const char *
export_format_name(enum export_format f)
{
	return formats[f].name;
}

const char *
export_format_suffix(enum export_format f)
{
	return formats[f].suffix;
}

/* The findings of one call, for the text notes. */
struct text_ctx {
	const struct diag_result *d;
	size_t call;
};

static void
text_notes(void *arg, const struct model *m, const struct call *c, size_t i, struct sbuf *out)
{
	const struct text_ctx *t = arg;
	for (size_t k = 0; t->d != NULL && k < t->d->n; k++) {
		const struct diag_finding *f = &t->d->f[k];
		if (f->call != (int)t->call || f->arrow != (int)i)
			continue;
		sbuf_printf(out, "%22s  ^^ %s %s: ", "", diag_severity_name(f->severity), f->id);
		text_safe(out, f->summary, strlen(f->summary));
		sbuf_puts(out, "\n");
	}
}

/* Appends the findings list of a call: summary, evidence, fix. */
static void
text_findings(struct sbuf *b, const struct diag_result *d, size_t call)
{
	bool any = false;
	for (size_t k = 0; d != NULL && k < d->n; k++) {
		const struct diag_finding *f = &d->f[k];
		if (f->call != (int)call)
			continue;
		if (!any)
			sbuf_puts(b, "\nFindings:\n");
		any = true;
		sbuf_printf(b, "  [%s] %s: ", diag_severity_name(f->severity), f->id);
		text_safe(b, f->summary, strlen(f->summary));
		sbuf_puts(b, "\n");
		for (size_t e = 0; e < f->nev; e++) {
			sbuf_puts(b, "    evidence: ");
			text_safe(b, f->ev[e].file, strlen(f->ev[e].file));
			sbuf_printf(b, ":%u\n", f->ev[e].line);
		}
		sbuf_puts(b, "    fix: ");
		text_safe(b, f->fix, strlen(f->fix));
		sbuf_puts(b, "\n");
	}
}

static int
export_text(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct text_ctx t = {d, calls[i]};
		struct ladder_opts lo = {.notes = text_notes, .arg = &t};
		if (i)
			sbuf_puts(out, "\n\n");
		ladder_text(out, m, &m->calls[calls[i]], &lo);
		text_findings(out, d, calls[i]);
	}
	return 0;
}

/* Exporters of the other formats, each in its own file. */
int export_html(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n) __attribute__((weak));
int export_plantuml(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n) __attribute__((weak));
int export_mermaid(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n) __attribute__((weak));
int export_json(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n) __attribute__((weak));
int export_pcap(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n) __attribute__((weak));

int
export_calls(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t ncalls, enum export_format f, char *err, size_t errlen)
{
	int (*fn)(struct sbuf *, const struct model *, const struct diag_result *,
	    const size_t *, size_t) = NULL;
	switch (f) {
	case EXPORT_TEXT: fn = export_text; break;
	case EXPORT_HTML: fn = export_html; break;
	case EXPORT_PLANTUML: fn = export_plantuml; break;
	case EXPORT_MERMAID: fn = export_mermaid; break;
	case EXPORT_JSON: fn = export_json; break;
	case EXPORT_PCAP: fn = export_pcap; break;
	default: break;
	}
	if (fn == NULL) {
		snprintf(err, errlen, "export format %s is not available", export_format_name(f));
		return -1;
	}
	sbuf_add(out, "", 0);
	return fn(out, m, d, calls, ncalls);
}

/* Returns true when path names the same file as one of the model's inputs. */
static bool
is_input(const struct model *m, const char *path)
{
	struct stat a, b;
	if (stat(path, &a) < 0)
		return false;
	for (size_t i = 0; i < m->nfiles; i++) {
		const char *p = m->files[i].path;
		if (strchr(p, ':') == NULL && stat(p, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return true;
	}
	return false;
}

int
export_write_file(const struct model *m, const char *path, const char *data, size_t n,
    char *err, size_t errlen)
{
	if (is_input(m, path)) {
		snprintf(err, errlen, "%s: is one of the input logs; not overwriting it", path);
		return -1;
	}
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w <= 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	fchmod(fd, 0644);
	int rc = close(fd) == 0 && rename(tmp, path) == 0 ? 0 : -1;
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}
