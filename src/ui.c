/* ui.c - the browser's loop: screens on a stack, events in, frames out. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Returns the browser with its call list open (see ui.h for ownership). */
struct ui *
ui_new(struct model *m, const struct diag_result *d, const struct ui_opts *o, int rows,
    int cols)
{
	struct ui *u = xcalloc(1, sizeof *u);
	u->m = m;
	u->d = d;
	u->rows = rows;
	u->cols = cols;
	u->color = !o->no_color;
	ui_draw_init(u, false);
	ui_list_open(u, o);
	bool calls = false;
	for (size_t i = 0; i < m->ncalls && !calls; i++)
		calls = o->show_options || !m->calls[i].options_only;
	if (!calls && d != NULL && d->n > 0)
		ui_findings_open(u); /* nothing to list: what is wrong comes first */
	return u;
}

/* Frees the screens, then the browser. */
void
ui_free(struct ui *u)
{
	if (u == NULL)
		return;
	while (u->depth > 0) {
		struct ui_screen *s = &u->stack[--u->depth];
		s->ops->free(s->st);
	}
	free(u);
}

/* Returns the blocks skipped in every file; *repaired gets the blocks kept
 * after a repair. */
size_t
ui_problem_counts(const struct model *m, size_t *repaired)
{
	size_t skipped = 0, kept = 0;
	for (size_t i = 0; i < m->nfiles; i++)
		for (size_t k = 0; k < m->files[i].nproblems; k++) {
			if (m->files[i].problems[k].recovered)
				kept++;
			else
				skipped++;
		}
	if (repaired != NULL)
		*repaired = kept;
	return skipped;
}

/* Returns the attribute that shows severity sev. */
attr_t
ui_sev_attr(const struct ui *u, int sev)
{
	return u->attr[sev == DIAG_ERROR ? UA_SEV_ERR : sev == DIAG_WARNING ? UA_SEV_WARN
	    : sev == DIAG_INFO ? UA_SEV_INFO : UA_NORMAL];
}

/* Returns the attribute of a final status by its class. */
attr_t
ui_status_attr(const struct ui *u, int status)
{
	enum ui_attr a = status <= 0 ? UA_ST_NONE : status < 200 ? UA_ST_1XX
	    : status < 300 ? UA_ST_2XX : status < 400 ? UA_ST_3XX : status < 500 ? UA_ST_4XX
	    : UA_ST_5XX;
	return u->attr[a];
}

/* Returns true after putting the screen on top of the stack. */
bool
ui_push(struct ui *u, const struct ui_screen_ops *ops, void *st)
{
	if (u->depth == UI_DEPTH) {
		ops->free(st);
		ui_note(u, true, "too many screens open; press q to go back");
		return false;
	}
	u->stack[u->depth].ops = ops;
	u->stack[u->depth].st = st;
	u->depth++;
	return true;
}

/* Drops the top screen; the list is never dropped, it quits instead. */
void
ui_pop(struct ui *u)
{
	if (u->depth <= 1) {
		u->quit = true;
		return;
	}
	struct ui_screen *s = &u->stack[--u->depth];
	s->ops->free(s->st);
}

/* Returns the name of the screen on top. */
const char *
ui_top(const struct ui *u)
{
	return u->depth > 0 ? u->stack[u->depth - 1].ops->name : "";
}

/* Returns true with the call (and arrow) of the topmost screen that has one. */
bool
ui_context(const struct ui *u, size_t *call, int *arrow)
{
	for (int i = u->depth - 1; i >= 0; i--) {
		const struct ui_screen *s = &u->stack[i];
		if (s->ops->context != NULL && s->ops->context(u, s->st, call, arrow))
			return true;
	}
	return false;
}

/* Sets the one-shot note shown on the bottom line. */
void
ui_note(struct ui *u, bool err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->note, sizeof u->note, fmt, ap);
	va_end(ap);
	u->note_err = err;
}

/* Returns the first visible row keeping sel in a window of h rows. */
size_t
ui_scroll(size_t top, size_t sel, size_t n, int h)
{
	size_t hh = h > 0 ? (size_t)h : 1;
	if (sel < top)
		top = sel;
	if (sel >= top + hh)
		top = sel - hh + 1;
	if (n <= hh)
		return 0;
	if (top > n - hh)
		top = n - hh;
	return top;
}

/* Returns the selection after a movement key; *used says whether it was one. */
size_t
ui_move(int key, size_t sel, size_t n, int h, bool *used)
{
	size_t page = h > 1 ? (size_t)h - 1 : 1, last = n ? n - 1 : 0;
	*used = true;
	switch (key) {
	case KEY_UP: case 'k': return sel > 0 && n ? sel - 1 : 0;
	case KEY_DOWN: case 'j': return sel < last ? sel + 1 : last;
	case KEY_PPAGE: case UI_CTRL('b'): return sel > page && n ? sel - page : 0;
	case KEY_NPAGE: case UI_CTRL('f'): case ' ': return sel + page < last ? sel + page : last;
	case KEY_HOME: case 'g': return 0;
	case KEY_END: case 'G': return last;
	default: *used = false; return sel;
	}
}

/* Handles the keys every screen shares; returns true when used. */
static bool
global_key(struct ui *u, const struct ui_ev *ev)
{
	size_t ci;
	int ai;
	switch (ev->key) {
	case 'Q': u->quit = true; return true;
	case 'q': case UI_ESC: ui_pop(u); return true;
	case '?': case KEY_F(1):
		if (strcmp(ui_top(u), "help") != 0)
			ui_help_open(u);
		return true;
	case 'i':
		if (strcmp(ui_top(u), "problems") != 0)
			ui_problems_open(u);
		return true;
	case 'F':
		if (strcmp(ui_top(u), "findings") != 0)
			ui_findings_open(u);
		return true;
	case 'e':
		if (ui_context(u, &ci, &ai))
			ui_export_open(u, ci);
		return true;
	case 'c':
		if (ui_context(u, &ci, &ai))
			ui_compare_open(u, ci, ai);
		return true;
	default: return false;
	}
}

/* Routes one event: prompt first, then the top screen, then global keys. */
void
ui_dispatch(struct ui *u, const struct ui_ev *ev)
{
	if (ev->key == KEY_RESIZE)
		return; /* the size is already in u; screens lay out when drawing */
	u->note[0] = '\0';
	if (u->prompt.kind != UP_NONE) {
		ui_prompt_key(u, ev);
		return;
	}
	struct ui_screen *s = &u->stack[u->depth - 1];
	if (s->ops->key(u, s->st, ev))
		return;
	global_key(u, ev);
}

/* Returns 0 when the user quits or the input ends. */
int
ui_run(struct ui *u, const struct ui_io *io)
{
	struct ui_ev ev;
	while (!u->quit) {
		if (io->paint != NULL)
			io->paint(u, io->arg);
		memset(&ev, 0, sizeof ev);
		if (!io->next(u, &ev, io->arg))
			break;
		ui_dispatch(u, &ev);
	}
	return 0;
}
