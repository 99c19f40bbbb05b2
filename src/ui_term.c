/* ui_term.c - the browser on a terminal: curses set up and given back,
 * input read and frames painted, and the logs loaded in a thread (by the
 * loader the command gives) while the progress is drawn. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ui.h"

/* Returns true after reading the rest of an escape sequence that follows an
 * ESC at once (a lone Esc key press has nothing after it). */
static bool
swallow_sequence(void)
{
	nodelay(stdscr, TRUE);
	int c = getch(), n = 0;
	if (c == '[' || c == 'O') /* CSI or SS3: up to the final byte */
		while (n++ < 32 && (c = getch()) != ERR && !(c >= 0x40 && c <= 0x7e))
			;
	nodelay(stdscr, FALSE);
	return n > 0 || c != ERR;
}

/* Returns true with the next terminal event; false when input is gone. */
static bool
term_next(struct ui *u, struct ui_ev *ev, void *arg)
{
	int *errors = arg;
	int ch = getch();
	if (ch == ERR)
		return ++*errors < 100; /* a closed terminal gives ERR forever */
	*errors = 0;
	ev->key = ch;
	if (ch == UI_ESC && swallow_sequence())
		ev->key = 0; /* an Alt key or a sequence curses does not know: not Esc */
	if (ch == KEY_RESIZE) {
		getmaxyx(stdscr, u->rows, u->cols);
	} else if (ch == KEY_MOUSE) {
		MEVENT me;
		if (getmouse(&me) != OK) {
			ev->key = 0;
			return true;
		}
		ev->y = me.y, ev->x = me.x;
		ev->button = (me.bstate & BUTTON1_DOUBLE_CLICKED) ? UI_DCLICK
		    : (me.bstate & BUTTON4_PRESSED) ? UI_WHEEL_UP
#ifdef BUTTON5_PRESSED
		    : (me.bstate & BUTTON5_PRESSED) ? UI_WHEEL_DOWN
#endif
		    : (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) ? UI_CLICK : 0;
	}
	return true;
}

/* Paints the top screen, or a notice when the terminal is too small. */
static void
term_paint(struct ui *u, void *arg)
{
	(void)arg;
	erase();
	curs_set(0);
	if (u->rows < UI_MIN_ROWS || u->cols < UI_MIN_COLS) {
		ui_printf(u, 0, 0, u->cols, u->attr[UA_ERRMSG], "terminal too small (%dx%d)",
		    u->cols, u->rows);
	} else {
		struct ui_screen *s = &u->stack[u->depth - 1];
		s->ops->draw(u, s->st);
		if (u->prompt.kind != UP_NONE)
			ui_prompt_draw(u); /* last, so the cursor ends in the field */
	}
	refresh();
}

/* Loading in a thread, so the progress keeps moving and keys are read. */
struct load {
	const struct ui_load *in;   /* what to load, and how */
	struct model *m;
	_Atomic uint64_t done, total;
	atomic_int file, phase;     /* phase: 0 reading, 1 correlating, 2 diagnosing */
	atomic_bool cancel, finished;
	int rc;                     /* 0 loaded, -1 failed (err), 1 cancelled */
	char err[1024];
};

/* Records the reading progress (called from the loading thread). */
static void
load_progress(void *arg, uint64_t done, uint64_t total)
{
	struct load *l = arg;
	atomic_store(&l->done, done);
	atomic_store(&l->total, total);
}

/* Returns false when the user asked to stop; records the step for the
 * progress screen (called from the loading thread). */
static bool
load_step(void *arg, int phase, int file)
{
	struct load *l = arg;
	if (phase == 0) {
		atomic_store(&l->file, file);
		atomic_store(&l->done, 0);
	}
	atomic_store(&l->phase, phase);
	return !atomic_load(&l->cancel);
}

/* Returns NULL after loading (the caller's loader, told of each step); the
 * result is in the struct load. */
static void *
load_thread(void *arg)
{
	struct load *l = arg;
	l->rc = l->in->load(l->in->arg, l->m, load_step, l, l->err, sizeof l->err);
	atomic_store(&l->finished, true);
	return NULL;
}

/* Draws the loading screen: file, phase and a bar. */
static void
load_paint(struct ui *u, struct load *l)
{
	static const char *const phases[] = {"Reading", "Correlating calls", "Diagnosing"};
	int ph = atomic_load(&l->phase), fi = atomic_load(&l->file);
	uint64_t done = atomic_load(&l->done), total = atomic_load(&l->total);
	erase();
	ui_draw_bar(u, 0, "xwtrace " XW_VERSION, NULL);
	int y = u->rows / 2 - 1, w = u->cols - 4;
	ui_printf(u, y, 2, w, u->attr[UA_MACHINE], "%s (%d of %d)%s", phases[ph], fi + 1,
	    l->in->npaths, atomic_load(&l->cancel) ? "  stopping..." : "");
	ui_raw(u, y + 1, 2, w, 0, l->in->paths[fi], 0);
	if (ph == 0 && total > 0 && w > 10) {
		int fillw = (int)((double)done / (double)total * (w - 7));
		ui_fill(u, y + 2, 2, fillw, u->attr[UA_STATUS]);
		ui_printf(u, y + 2, 2 + w - 5, 5, 0, "%3d%%", (int)(100.0 * done / total));
	}
	ui_printf(u, u->rows - 1, 0, u->cols, u->attr[UA_KEYS], "q: stop loading and quit");
	refresh();
}

/* Runs the load while drawing progress; returns the loader's result. */
static int
load_with_progress(struct ui *u, struct load *l)
{
	pthread_t th;
	l->m->progress = load_progress;
	l->m->progress_arg = l;
	if (pthread_create(&th, NULL, load_thread, l) != 0) {
		load_thread(l);
		return l->rc;
	}
	timeout(100);
	while (!atomic_load(&l->finished)) {
		load_paint(u, l);
		int ch = getch();
		if (ch == 'q' || ch == 'Q' || ch == UI_ESC)
			atomic_store(&l->cancel, true);
		else if (ch == KEY_RESIZE)
			getmaxyx(stdscr, u->rows, u->cols);
	}
	timeout(-1);
	pthread_join(th, NULL);
	l->m->progress = NULL;
	return l->rc;
}

/* Returns a curses screen on the terminal (input from /dev/tty when stdin
 * is redirected), set up for the browser; NULL when there is none. */
static SCREEN *
term_open(FILE **tty)
{
	*tty = NULL;
	if (!isatty(STDIN_FILENO))
		*tty = fopen("/dev/tty", "r");
	SCREEN *sc = newterm(NULL, stdout, *tty ? *tty : stdin);
	if (sc == NULL) {
		if (*tty)
			fclose(*tty);
		return NULL;
	}
	set_term(sc);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL);
	mouseinterval(150);
	return sc;
}

/* Gives the terminal back. */
static void
term_close(SCREEN *sc, FILE *tty)
{
	endwin();
	delscreen(sc);
	if (tty)
		fclose(tty);
}

/* Returns the exit status after loading and browsing on the open terminal. */
static int
browse(struct load *l, const struct ui_opts *uo, SCREEN *sc, FILE *tty)
{
	struct ui boot = {.color = !uo->no_color, .curses = true};
	getmaxyx(stdscr, boot.rows, boot.cols);
	ui_draw_init(&boot, true);
	int rc = load_with_progress(&boot, l);
	if (rc != 0) {
		term_close(sc, tty);
		if (rc < 0)
			fprintf(stderr, "xwtrace: %s\n", l->err);
		return rc < 0 ? 2 : 0;
	}
	struct ui *u = ui_new(l->m, l->in->d, uo, boot.rows, boot.cols);
	u->curses = true;
	u->color = boot.color;
	ui_draw_init(u, false);
	int errors = 0;
	struct ui_io io = {term_next, term_paint, &errors};
	ui_run(u, &io);
	ui_free(u);
	term_close(sc, tty);
	return 0;
}

/* Returns the exit status of browsing l on the terminal (see ui.h). */
int
ui_term_browse(const struct ui_load *in, const struct ui_opts *o)
{
	FILE *tty;
	SCREEN *sc = term_open(&tty);
	if (sc == NULL)
		return -1;
	struct load *l = xcalloc(1, sizeof *l);
	l->in = in;
	l->m = in->m;
	int rc = browse(l, o, sc, tty);
	free(l);
	return rc;
}
