/* export.c - the export table: one row per format, and atomic file output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"

/* The writers, one file each (export_<name>.c). */
export_write_fn export_text, export_html, export_plantuml, export_mermaid, export_json,
    export_pcap;

/* Every format: a new export is a file with its writer and a row here. */
static const struct export_format formats[] = {
	{"text", ".txt", false, true, export_text},
	{"html", ".html", false, true, export_html},
	{"plantuml", ".puml", false, false, export_plantuml},
	{"mermaid", ".mmd", false, false, export_mermaid},
	{"json", ".json", false, true, export_json},
	{"pcap", ".pcap", true, false, export_pcap},
};

#define NFORMATS (sizeof formats / sizeof formats[0])

/* Returns the table and its length. */
const struct export_format *
export_formats(size_t *n)
{
	*n = NFORMATS;
	return formats;
}

/* Returns the row named name, or NULL. */
const struct export_format *
export_format_find(const char *name)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0)
			return &formats[i];
	return NULL;
}

/* Appends the names of the table's rows, sep between two. */
void
export_format_names(struct sbuf *b, const char *sep)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		if (i)
			sbuf_puts(b, sep);
		sbuf_puts(b, formats[i].name);
	}
}

/* Returns the writer's result; out holds a string even when it wrote nothing. */
int
export_calls(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t ncalls, const struct export_format *f)
{
	sbuf_add(out, "", 0);
	return f->write(out, m, d, calls, ncalls);
}

/* Returns true when path names the same file as one of the model's inputs. */
bool
export_is_input(const struct model *m, const char *path)
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

/* Returns 0 after writing data to a temporary file beside path and renaming
 * it into place; -1 with err (path is an input log, or a system error). */
int
export_write_file(const struct model *m, const char *path, const char *data, size_t n,
    char *err, size_t errlen)
{
	if (export_is_input(m, path)) {
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
