/* ui_export.c - the export dialog: a screen over the one it was opened
 * from (drawn beneath the prompt), asking for a format (the rows of the
 * export table), then a file name, and whether to overwrite it when it
 * exists; gone once the file is written (the note says where, in full) or
 * the prompt is left with Esc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export.h"
#include "ui.h"
#include "view.h"

struct export_st {
	size_t ci;
	const struct export_format *fmt;   /* the row chosen */
	const char **names;                /* the table's names, for the choice */
	int nnames;
	char path[1024];                   /* the file asked for, while overwriting is asked */
};

static const char *const overwrite_choices[] = {"no", "yes, overwrite it"};

static bool path_done(struct ui *u, void *vst, const char *text, int choice, bool ok);

/* Returns the absolute path of path (caller frees): the real path of its
 * directory with its name, so that the note says where the file is. */
static char *
where(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/")
	    : xstrndup(path, (size_t)(slash - path));
	char *real = realpath(dir, NULL);
	char *abs = real != NULL ? xasprintf("%s%s%s", real, strcmp(real, "/") ? "/" : "",
	    slash != NULL ? slash + 1 : path) : xstrdup(path);
	free(real);
	free(dir);
	return abs;
}

/* Returns true after writing the export to st->path (note set, dialog
 * closed); false with the reason in the prompt. */
static bool
write_export(struct ui *u, struct export_st *st)
{
	char err[sizeof u->prompt.err] = "the export failed";
	struct sbuf out = {0};
	int rc = export_calls(&out, u->m, u->d, &st->ci, 1, st->fmt);
	if (rc == 0)
		rc = export_write_file(u->m, st->path, out.s, out.len, err, sizeof err);
	sbuf_free(&out);
	if (rc < 0) {
		snprintf(u->prompt.err, sizeof u->prompt.err, "%s", err);
		return false;
	}
	struct sbuf ref = {0};
	char *abs = where(st->path);
	view_call_title(&ref, u->m, &u->m->calls[st->ci], VT_REF);
	ui_note(u, false, "%s written to %s (%s)", ref.s, abs, st->fmt->name);
	free(abs);
	sbuf_free(&ref);
	ui_pop(u);
	return true;
}

/* Returns true once the overwrite question is answered: yes writes, no
 * asks for the name again. */
static bool
overwrite_done(struct ui *u, void *vst, const char *text, int choice, bool ok)
{
	struct export_st *st = vst;
	char err[sizeof u->prompt.err] = "";
	(void)text;
	if (ok && choice == 1) {
		if (write_export(u, st))
			return true;
		memcpy(err, u->prompt.err, sizeof err);
	}
	char label[64];
	snprintf(label, sizeof label, "Write %s export to:", st->fmt->name);
	ui_prompt_text(u, label, st->path, st, NULL, path_done);
	memcpy(u->prompt.err, err, sizeof err);
	return true;
}

/* Returns true after writing the file (note set) and closing the dialog,
 * or after asking whether to overwrite a file that exists; false keeps the
 * prompt open with the reason. */
static bool
path_done(struct ui *u, void *vst, const char *text, int choice, bool ok)
{
	struct export_st *st = vst;
	struct stat sb;
	(void)choice;
	if (!ok) {
		ui_pop(u);
		return true;
	}
	if (text[0] == '\0') {
		snprintf(u->prompt.err, sizeof u->prompt.err, "a file name, please");
		return false;
	}
	snprintf(st->path, sizeof st->path, "%s", text);
	if (stat(st->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(u->prompt.err, sizeof u->prompt.err, "a directory: add a file name");
		return false;
	}
	if (export_is_input(u->m, st->path)) {
		snprintf(u->prompt.err, sizeof u->prompt.err, "one of the input files: not overwriting it");
		return false;
	}
	if (stat(st->path, &sb) == 0) {
		char label[96];
		const char *base = strrchr(st->path, '/');
		snprintf(label, sizeof label, "%.60s exists. Overwrite it?", base ? base + 1 : st->path);
		ui_prompt_choice(u, label, overwrite_choices, 2, 0, st, overwrite_done);
		return true;
	}
	return write_export(u, st);
}

/* Returns true after opening the file-name prompt for the chosen format. */
static bool
format_done(struct ui *u, void *vst, const char *text, int choice, bool ok)
{
	struct export_st *st = vst;
	size_t n;
	char label[64], name[64];
	(void)text;
	if (!ok) {
		ui_pop(u);
		return true;
	}
	st->fmt = &export_formats(&n)[choice];
	u->export_format = choice;
	snprintf(label, sizeof label, "Write %s export to:", st->fmt->name);
	snprintf(name, sizeof name, "call-%u%s", u->m->calls[st->ci].number, st->fmt->suffix);
	ui_prompt_text(u, label, name, st, NULL, path_done);
	return true;
}

/* Paints the screen the dialog was opened from; the loop adds the prompt. */
static void
export_draw(struct ui *u, void *vst)
{
	(void)vst;
	if (u->depth >= 2)
		u->stack[u->depth - 2].ops->draw(u, u->stack[u->depth - 2].st);
}

/* Returns false: the prompt takes every key while the dialog is open. */
static bool
export_key(struct ui *u, void *vst, const struct ui_ev *ev)
{
	(void)u, (void)vst, (void)ev;
	return false;
}

/* Frees the dialog's state. */
static void
export_free(void *vst)
{
	struct export_st *st = vst;
	free(st->names);
	free(st);
}

static const struct ui_screen_ops export_ops = {"export", export_draw, export_key, export_free,
	NULL};

/* Pushes the dialog for call ci and asks for the format. */
void
ui_export_open(struct ui *u, size_t ci)
{
	size_t n;
	const struct export_format *t = export_formats(&n);
	if (ci >= u->m->ncalls)
		return;
	struct export_st *st = xcalloc(1, sizeof *st);
	st->ci = ci;
	st->names = xcalloc(n + 1, sizeof *st->names);
	for (size_t i = 0; i < n; i++)
		st->names[st->nnames++] = t[i].name;
	if (!ui_push(u, &export_ops, st))
		return;
	struct sbuf label = {0};
	sbuf_puts(&label, "Export ");
	view_call_title(&label, u->m, &u->m->calls[ci], VT_REF);
	sbuf_puts(&label, " as:");
	ui_prompt_choice(u, label.s, st->names, st->nnames, u->export_format, st, format_done);
	sbuf_free(&label);
}
