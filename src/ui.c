/* ui.c - the browser's loop: screens on a stack, events in, frames out;
 * and `xwtrace LOG...` on a terminal (cmd_browse), loading with progress. */
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "text.h"
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
	case 'e':
		if (ui_context(u, &ci, &ai))
			ui_export_open(u, ci);
		return true;
	case 'c':
		if (ui_context(u, &ci, &ai))
			ui_compare_call(u, ci, ai);
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

/* The terminal side: curses input and painting. */

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
	char **paths;
	int npaths;
	struct cmd_common *co;
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

/* Returns 0 after loading, correlating and diagnosing l->paths into l->m;
 * -1 with l->err; 1 when cancelled between steps. */
static int
load_into(struct load *l)
{
	return cmd_load_steps(l->m, l->paths, l->npaths, l->co, load_step, l, l->err,
	    sizeof l->err);
}

/* Returns NULL after loading; the result is in the struct load. */
static void *
load_thread(void *arg)
{
	struct load *l = arg;
	l->rc = load_into(l);
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
	    l->npaths, atomic_load(&l->cancel) ? "  stopping..." : "");
	ui_raw(u, y + 1, 2, w, 0, l->paths[fi], 0);
	if (ph == 0 && total > 0 && w > 10) {
		int fillw = (int)((double)done / (double)total * (w - 7));
		ui_fill(u, y + 2, 2, fillw, u->attr[UA_STATUS]);
		ui_printf(u, y + 2, 2 + w - 5, 5, 0, "%3d%%", (int)(100.0 * done / total));
	}
	ui_printf(u, u->rows - 1, 0, u->cols, u->attr[UA_KEYS], "q: stop loading and quit");
	refresh();
}

/* Runs the load while drawing progress; returns load_into's result. */
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

enum { OPT_ROLE = 256, OPT_XCONFIG, OPT_NO_COLOR };

static const struct option browse_opts[] = {
	{"all", no_argument, NULL, 'a'},
	{"role", required_argument, NULL, OPT_ROLE},
	{"xconfig", required_argument, NULL, OPT_XCONFIG},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

/* Returns 0 after parsing the options into co and uo, 2 on a bad one. */
static int
browse_args(int argc, char **argv, struct cmd_common *co, struct ui_opts *uo)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "aq", browse_opts, NULL)) != -1) {
		switch (c) {
		case 'a': uo->show_options = true; break;
		case 'q': co->quiet = true; break;
		case OPT_ROLE: VEC_PUSH(co->roles, co->nroles, co->rolecap, optarg); break;
		case OPT_XCONFIG: VEC_PUSH(co->xconfigs, co->nxconfigs, co->xconfigcap, optarg); break;
		case OPT_NO_COLOR: uo->no_color = true; break;
		default: return 2;
		}
	}
	const char *nc = getenv("NO_COLOR");
	if (nc != NULL && nc[0] != '\0')
		uo->no_color = true;
	if (optind >= argc) {
		fprintf(stderr, "xwtrace: no log given (see xwtrace --help)\n");
		return 2;
	}
	return 0;
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
	struct ui *u = ui_new(l->m, &l->co->diag, uo, boot.rows, boot.cols);
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

/* Returns the exit status of `xwtrace [OPTIONS] LOG...` (the browser, or list). */
int
cmd_browse(int argc, char **argv)
{
	if (!isatty(STDOUT_FILENO))
		return cmd_list(argc, argv);
	struct cmd_common co = {0};
	struct ui_opts uo = {0};
	if (browse_args(argc, argv, &co, &uo) != 0) {
		cmd_common_free(&co);
		return 2;
	}
	FILE *tty;
	SCREEN *sc = term_open(&tty);
	if (sc == NULL) {
		fprintf(stderr, "xwtrace: cannot use this terminal (TERM=");
		text_fputs(stderr, getenv("TERM"));
		fprintf(stderr, "); try xwtrace list\n");
		cmd_common_free(&co);
		return 2;
	}
	struct load *l = xcalloc(1, sizeof *l);
	l->paths = argv + optind;
	l->npaths = argc - optind;
	l->co = &co;
	l->m = model_new();
	int rc = browse(l, &uo, sc, tty);
	model_free(l->m);
	free(l);
	cmd_common_free(&co);
	return rc;
}
