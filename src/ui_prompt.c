/* ui_prompt.c - the bottom-line prompt: a text field (filters, searches,
 * file names) or a choice. */
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "ui.h"

/* Opens a text prompt on the bottom row. */
void
ui_prompt_text(struct ui *u, const char *label, const char *init, void *st,
    void (*changed)(struct ui *, void *, const char *),
    bool (*done)(struct ui *, void *, const char *, int, bool))
{
	struct ui_prompt *p = &u->prompt;
	memset(p, 0, sizeof *p);
	p->kind = UP_TEXT;
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->buf, sizeof p->buf, "%s", init ? init : "");
	p->len = p->cur = strlen(p->buf);
	p->st = st;
	p->changed = changed;
	p->done = done;
}

/* Opens a choice prompt over the caller's strings for screen state st. */
void
ui_prompt_choice(struct ui *u, const char *label, const char *const *choices, int n, int sel,
    void *st, bool (*done)(struct ui *, void *, const char *, int, bool))
{
	struct ui_prompt *p = &u->prompt;
	memset(p, 0, sizeof *p);
	p->kind = UP_CHOICE;
	snprintf(p->label, sizeof p->label, "%s", label);
	p->choices = choices;
	p->nchoices = n;
	p->choice = sel >= 0 && sel < n ? sel : 0;
	p->st = st;
	p->done = done;
}

/* Closes the prompt through its done callback unless it asks to stay. */
static void
prompt_finish(struct ui *u, bool ok)
{
	struct ui_prompt *p = &u->prompt;
	char text[sizeof p->buf];
	memcpy(text, p->buf, sizeof text);
	int choice = p->choice;
	bool (*done)(struct ui *, void *, const char *, int, bool) = p->done;
	void *st = p->st;
	p->err[0] = '\0';
	p->kind = UP_NONE; /* the callback may open another prompt */
	if (done != NULL && !done(u, st, text, choice, ok) && u->prompt.kind == UP_NONE)
		p->kind = p->nchoices ? UP_CHOICE : UP_TEXT;
}

/* Returns true after editing the text field with key. */
static bool
edit_key(struct ui_prompt *p, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (p->cur == 0)
			return true;
		size_t k = p->cur - 1;
		while (k > 0 && ((unsigned char)p->buf[k] & 0xc0) == 0x80)
			k--;
		memmove(p->buf + k, p->buf + p->cur, p->len - p->cur + 1);
		p->len -= p->cur - k;
		p->cur = k;
	} else if (key == KEY_DC) {
		size_t k = p->cur + (p->cur < p->len);
		while (k < p->len && ((unsigned char)p->buf[k] & 0xc0) == 0x80)
			k++;
		memmove(p->buf + p->cur, p->buf + k, p->len - k + 1);
		p->len -= k - p->cur;
	} else if (key == UI_CTRL('u')) {
		p->len = p->cur = 0;
		p->buf[0] = '\0';
	} else if (key >= 0x20 && key < 0x100 && key != 0x7f && p->len + 1 < sizeof p->buf) {
		memmove(p->buf + p->cur + 1, p->buf + p->cur, p->len - p->cur + 1);
		p->buf[p->cur++] = (char)key;
		p->len++;
	} else {
		return false;
	}
	return true;
}

/* Returns true after moving the cursor of the text field with key. */
static bool
cursor_key(struct ui_prompt *p, int key)
{
	if (key == KEY_LEFT) {
		while (p->cur > 0 && ((unsigned char)p->buf[--p->cur] & 0xc0) == 0x80)
			;
	} else if (key == KEY_RIGHT) {
		while (p->cur < p->len && ((unsigned char)p->buf[++p->cur] & 0xc0) == 0x80)
			;
	} else if (key == KEY_HOME || key == UI_CTRL('a')) {
		p->cur = 0;
	} else if (key == KEY_END || key == UI_CTRL('e')) {
		p->cur = p->len;
	} else {
		return false;
	}
	return true;
}

/* Returns true after handling key in a choice prompt. */
static bool
choice_key(struct ui *u, int key)
{
	struct ui_prompt *p = &u->prompt;
	if (key == KEY_LEFT || key == KEY_BTAB || key == KEY_UP)
		p->choice = (p->choice + p->nchoices - 1) % p->nchoices;
	else if (key == KEY_RIGHT || key == '\t' || key == KEY_DOWN)
		p->choice = (p->choice + 1) % p->nchoices;
	else
		return true;
	p->err[0] = '\0';
	return true;
}

/* Returns true when the prompt took the event. */
bool
ui_prompt_key(struct ui *u, const struct ui_ev *ev)
{
	struct ui_prompt *p = &u->prompt;
	int key = ev->key;
	if (p->kind == UP_NONE)
		return false;
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		prompt_finish(u, true);
	} else if (key == UI_ESC || key == UI_CTRL('g')) {
		prompt_finish(u, false);
	} else if (key == KEY_MOUSE || key == KEY_RESIZE) {
		return true;
	} else if (p->kind == UP_CHOICE) {
		choice_key(u, key);
	} else if (key == '\t') {
		if (p->tab != NULL)
			p->tab(u, p->st);
	} else if (cursor_key(p, key)) {
		return true;
	} else if (edit_key(p, key)) {
		p->err[0] = '\0';
		if (p->changed != NULL)
			p->changed(u, p->st, p->buf);
	}
	return true;
}

/* Draws the choices of a choice prompt from x on row y. */
static void
draw_choices(struct ui *u, int y, int x)
{
	struct ui_prompt *p = &u->prompt;
	for (int i = 0; i < p->nchoices && x < u->cols; i++) {
		attr_t a = i == p->choice ? u->attr[UA_STATUS] | A_BOLD : 0;
		x += ui_printf(u, y, x, u->cols - x, a, " %s ", p->choices[i]);
		x += ui_printf(u, y, x, u->cols - x, 0, " ");
	}
	if (p->err[0])
		ui_raw(u, y, x, u->cols - x, 0, p->err, u->attr[UA_ERRMSG]);
	else if (x < u->cols - 20)
		ui_printf(u, y, x, u->cols - x, u->attr[UA_DIM], "(Left/Right, Enter, Esc)");
}

/* Draws the prompt and puts the cursor in its field. */
void
ui_prompt_draw(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;
	int y = u->rows - 1;
	ui_fill(u, y, 0, u->cols, 0);
	int x = ui_printf(u, y, 0, u->cols, u->attr[UA_MACHINE], "%s ", p->label);
	if (p->kind == UP_CHOICE) {
		draw_choices(u, y, x);
	} else {
		struct sbuf all = {0}, pre = {0};
		text_safe(&all, p->buf, p->len);
		text_safe(&pre, p->buf, p->cur);
		int errw = p->err[0] ? ui_width(u, p->err, strlen(p->err)) + 2 : 0;
		if (errw > u->cols / 2)
			errw = u->cols / 2;
		int avail = u->cols - x - errw - 1, cx = ui_width(u, pre.s, pre.len);
		int skip = cx >= avail ? cx - avail + 1 : 0;
		int w = ui_text(u, y, x, avail, skip, all.s, all.len, A_UNDERLINE);
		if (p->err[0])
			ui_raw(u, y, x + w + 2, u->cols - x - w - 2, 0, p->err, u->attr[UA_ERRMSG]);
		sbuf_free(&all);
		sbuf_free(&pre);
		curs_set(1);
		move(y, x + cx - skip);
	}
}
