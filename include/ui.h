/* ui.h - the interactive browser: one input loop and a stack of screens.
 *
 * As in ncdu 1.x, each screen is an open/draw/key triple: ui_X_open() pushes
 * the screen with its state, draw paints it with curses, key changes the
 * state and never touches the terminal. Input reaches the loop through
 * struct ui_io, so a test can feed keys and inspect the state with no
 * terminal at all. The browser only reads the model and the findings.
 *
 * Ownership: struct ui borrows the model and the findings (the caller frees
 * them after ui_free); each screen owns its state, freed when it is popped.
 * Every piece of log text drawn goes through text_safe (ui_raw does it).
 */
#ifndef XW_UI_H
#define XW_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "diag.h"
#include "model.h"

#define UI_DEPTH 8        /* screens on the stack at most */
#define UI_MIN_ROWS 8     /* below this, only "terminal too small" is drawn */
#define UI_MIN_COLS 30

/* One input event: a key, a mouse button, or a resize. */
struct ui_ev {
	int key;              /* a character, a KEY_* code, KEY_MOUSE or KEY_RESIZE */
	int y, x;             /* KEY_MOUSE: the cell */
	int button;           /* KEY_MOUSE: UI_CLICK, UI_DCLICK, UI_WHEEL_UP, UI_WHEEL_DOWN */
};
enum { UI_CLICK = 1, UI_DCLICK, UI_WHEEL_UP, UI_WHEEL_DOWN };
#define UI_ESC 27
#define UI_CTRL(c) ((c) & 0x1f)

/* What things mean on screen; each maps to a colour and/or attributes. */
enum ui_attr {
	UA_NORMAL, UA_TITLE, UA_HEADER, UA_STATUS, UA_KEYS, UA_DIM, UA_NOTE, UA_ERRMSG,
	UA_SEV_INFO, UA_SEV_WARN, UA_SEV_ERR,
	UA_ST_NONE, UA_ST_1XX, UA_ST_2XX, UA_ST_3XX, UA_ST_4XX, UA_ST_5XX,
	UA_START, UA_HNAME, UA_PARAM, UA_KEYPARAM, UA_ROUTE, UA_SDP, UA_CODEC, UA_REASON,
	UA_MISSING, UA_ADDED, UA_REMOVED, UA_CHANGED, UA_MATCH, UA_MARK, UA_LINE, UA_MACHINE,
	UA_LEG1, UA_LEG2, UA_LEG3,  /* the legs of a call after its own (B, C, D, E...) */
	UA_N
};

/* Line-drawing glyphs: UTF-8 box drawing or plain ASCII. */
struct ui_glyphs {
	const char *vline, *hline, *corner_top, *corner_low, *sort_up, *sort_down, *more,
	    *up_arrow, *sep, *dash;
};

struct ui;

/* A screen: its functions, shared by every instance. */
struct ui_screen_ops {
	const char *name;     /* "list", "flow", "message", "compare", "help", "problems",
	                       * "findings", "proof" */
	/* Paints the screen (curses; only called with a terminal). */
	void (*draw)(struct ui *u, void *st);
	/* Returns true when the screen used the event (state only, no curses). */
	bool (*key)(struct ui *u, void *st, const struct ui_ev *ev);
	/* Frees the state. */
	void (*free)(void *st);
	/* Returns true and the call (and arrow, or -1) the screen shows. */
	bool (*context)(const struct ui *u, const void *st, size_t *call, int *arrow);
};

struct ui_screen {
	const struct ui_screen_ops *ops;
	void *st;             /* owned by the stack */
};

enum ui_prompt_kind { UP_NONE, UP_TEXT, UP_CHOICE };

/* The one-line prompt at the bottom: a text field or a choice. While it is
 * open, keys go to it. The screen that opened it gets the callbacks. */
struct ui_prompt {
	enum ui_prompt_kind kind;
	char label[96];
	char buf[512];
	size_t len, cur;       /* bytes, cursor byte offset */
	const char *const *choices; /* the opener's strings, alive while the prompt is */
	int nchoices, choice;
	char err[192];         /* shown after the field (bad regex, ...) */
	void *st;              /* the screen state the callbacks get */
	/* Called after each edit of a text field (live filters); may be NULL. */
	void (*changed)(struct ui *u, void *st, const char *text);
	/* Called on Enter (ok) or Esc (!ok); returns false to keep the prompt open. */
	bool (*done)(struct ui *u, void *st, const char *text, int choice, bool ok);
	/* Called on Tab in a text field; may be NULL. */
	void (*tab)(struct ui *u, void *st);
};

/* Where events come from and where frames go: a terminal, or a test. */
struct ui_io {
	/* Returns true with the next event in ev; false when input has ended. */
	bool (*next)(struct ui *u, struct ui_ev *ev, void *arg);
	/* Paints the whole state; may be NULL (tests). */
	void (*paint)(struct ui *u, void *arg);
	void *arg;
};

struct ui_opts {
	bool no_color;
	bool show_options;    /* --all: OPTIONS keepalive calls listed */
};

struct ui {
	struct model *m;                 /* borrowed */
	const struct diag_result *d;     /* borrowed */
	int rows, cols;
	bool color, utf8, curses;        /* curses: a terminal is attached */
	bool quit;
	attr_t attr[UA_N];
	const struct ui_glyphs *g;
	struct ui_screen stack[UI_DEPTH];
	int depth;
	struct ui_prompt prompt;
	char note[256];                  /* one-shot status message, cleared by the next key */
	bool note_err;
	int export_format;               /* the format last exported (a row of the export table) */
};

/* ui.c: the loop and the shared state. */

/* Returns a new browser over model m and findings d (both borrowed), sized
 * rows x cols, with the call list as its first screen, and the findings
 * screen over it when the load has findings but no call to list. */
struct ui *ui_new(struct model *m, const struct diag_result *d, const struct ui_opts *o,
    int rows, int cols);
/* Frees the browser and every screen (not the model). */
void ui_free(struct ui *u);
/* Runs the loop until quit or the end of input; returns 0. */
int ui_run(struct ui *u, const struct ui_io *io);
/* Handles one event: prompt, top screen, then the global keys. */
void ui_dispatch(struct ui *u, const struct ui_ev *ev);
/* Pushes a screen; st becomes the stack's. Returns false (and frees st) when full. */
bool ui_push(struct ui *u, const struct ui_screen_ops *ops, void *st);
/* Pops the top screen (never the list); quits when only the list is left. */
void ui_pop(struct ui *u);
/* Returns the name of the top screen. */
const char *ui_top(const struct ui *u);
/* Returns true and the call and arrow of the top screen that has one. */
bool ui_context(const struct ui *u, size_t *call, int *arrow);
/* Sets the one-shot status note (printf-like). */
void ui_note(struct ui *u, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Returns the blocks skipped in all files of m; *repaired (may be NULL) gets
 * the blocks kept after a repair. */
size_t ui_problem_counts(const struct model *m, size_t *repaired);
/* Returns the attribute of a severity. */
attr_t ui_sev_attr(const struct ui *u, int sev);
/* Returns the attribute of a final status (0: none). */
attr_t ui_status_attr(const struct ui *u, int status);
/* Returns a clamped scroll offset so that sel is visible in a window of h rows. */
size_t ui_scroll(size_t top, size_t sel, size_t n, int h);
/* Returns the new selection after a movement key in a list of n rows shown h
 * at a time, or sel itself (and *used false) for other keys. */
size_t ui_move(int key, size_t sel, size_t n, int h, bool *used);

/* ui_term.c: the browser on a terminal, loading with progress. */

/* Called by a loader before each step: phase 0 reads file number file, 1
 * correlates, 2 diagnoses; returns false to stop (the load is cancelled). */
typedef bool (*ui_step_fn)(void *arg, int phase, int file);

/* What the browser loads before it opens, and with what: all the caller's. */
struct ui_load {
	/* Returns 0 after filling m (and the findings d points to), calling
	 * step(sarg, ...) before each step; -1 with err; 1 when step said stop.
	 * Runs in a thread of its own. */
	int (*load)(void *arg, struct model *m, ui_step_fn step, void *sarg, char *err,
	    size_t errlen);
	void *arg;
	char *const *paths;             /* the logs, for the progress screen */
	int npaths;
	struct model *m;                /* empty; filled by load */
	const struct diag_result *d;    /* filled by load */
};

/* Returns 0 after loading l with progress on the terminal and browsing it
 * until the user quits (or stops the load), 2 after printing why the load
 * failed, -1 when there is no usable terminal (nothing printed). */
int ui_term_browse(const struct ui_load *l, const struct ui_opts *o);

/* ui_draw.c: colours, glyphs and safe text drawing (curses). */

/* Fills u->attr and u->g for colour or monochrome and the locale; with
 * curses=true also initialises the colour pairs. */
void ui_draw_init(struct ui *u, bool curses);
/* Draws the terminal-safe UTF-8 text s (n bytes) at (y, x), skipping its first
 * skip columns, at most w columns; returns the columns drawn. */
int ui_text(const struct ui *u, int y, int x, int w, int skip, const char *s, size_t n, attr_t a);
/* Like ui_text for untrusted log text: made safe with text_safe first. */
int ui_raw(const struct ui *u, int y, int x, int w, int skip, const char *s, attr_t a);
/* Draws formatted program text (no log text in the arguments) clipped to w. */
int ui_printf(const struct ui *u, int y, int x, int w, attr_t a, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Fills w cells of row y from x with spaces in attribute a. */
void ui_fill(const struct ui *u, int y, int x, int w, attr_t a);
/* Returns the terminal columns of the terminal-safe UTF-8 text s (n bytes). */
int ui_width(const struct ui *u, const char *s, size_t n);
/* Draws the bottom line: the prompt when open, else the note, else hints. */
void ui_draw_bottom(struct ui *u, const char *hints);
/* Draws a title bar on row y: left text (safe) and right text (safe). */
void ui_draw_bar(struct ui *u, int y, const char *left, const char *right);

/* Styled text: lines of safe text with attribute spans (message, preview,
 * compare, help). A document owns its lines. */
struct ui_span {
	uint32_t from, to;    /* byte offsets in the line */
	uint8_t attr;         /* enum ui_attr */
};
struct ui_line {
	char *text;           /* terminal-safe UTF-8 */
	size_t len;
	uint8_t base;         /* enum ui_attr of the whole line */
	char gutter;          /* ' ' or a diff mark ('+', '-', '~'), '!' for notes */
	struct ui_span *spans;
	size_t nspans, spancap;
};
struct ui_doc {
	struct ui_line *l;
	size_t n, cap;
	int width;            /* widest line, in columns */
};
/* Returns a new line appended to doc, made of untrusted text s (n bytes). */
struct ui_line *ui_doc_raw(struct ui_doc *doc, const char *s, size_t n, enum ui_attr base);
/* Returns a new line of program text (printf-like), made safe as well. */
struct ui_line *ui_doc_printf(struct ui_doc *doc, enum ui_attr base, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends program text to a line with an attribute span over it. */
void ui_line_append(struct ui_line *l, const char *s, enum ui_attr a);
/* Adds a span [from, to) to a line. */
void ui_line_span(struct ui_line *l, size_t from, size_t to, enum ui_attr a);
/* Frees the lines of doc and resets it. */
void ui_doc_free(struct ui_doc *doc);
/* Draws doc lines top.. into the box (y, x, h, w), skipping skip columns;
 * gutter adds one column for the line's gutter mark. */
void ui_doc_draw(const struct ui *u, const struct ui_doc *doc, size_t top, int y, int x, int h,
    int w, int skip, bool gutter);
/* Word-wraps untrusted text s into doc lines of at most w columns, indent
 * spaces before continuation lines. */
void ui_doc_wrap(struct ui_doc *doc, const char *s, int w, int indent, enum ui_attr a);

/* ui_filter.c: PCRE2 patterns (case-insensitive unless they hold a capital). */
struct ui_re {
	void *code;           /* pcre2_code_8 */
	void *md;             /* pcre2_match_data_8 */
};
/* Returns true after compiling pat into r (freed first); false with err. */
bool ui_re_compile(struct ui_re *r, const char *pat, char *err, size_t errlen);
/* Returns true when r matches n bytes of s; so and eo get the match (may be NULL). */
bool ui_re_match(const struct ui_re *r, const char *s, size_t n, size_t *so, size_t *eo);
/* Returns true when r is compiled. */
bool ui_re_on(const struct ui_re *r);
/* Frees the pattern. */
void ui_re_free(struct ui_re *r);
/* Adds UA_MATCH spans for every match of r in each line of doc. */
void ui_re_mark(const struct ui_re *r, struct ui_doc *doc);
/* Returns true when r matches the raw text of any record of call c. */
bool ui_re_call_msgs(const struct ui_re *r, const struct model *m, const struct call *c);

/* ui_prompt.c: the bottom-line prompt. */

/* Opens a text prompt with label and initial text for screen state st. */
void ui_prompt_text(struct ui *u, const char *label, const char *init, void *st,
    void (*changed)(struct ui *, void *, const char *),
    bool (*done)(struct ui *, void *, const char *, int, bool));
/* Opens a choice prompt among choices (n of them, the caller's, alive while
 * the prompt is open), sel chosen first, for screen state st. */
void ui_prompt_choice(struct ui *u, const char *label, const char *const *choices, int n,
    int sel, void *st, bool (*done)(struct ui *, void *, const char *, int, bool));
/* Returns true when the prompt used the event. */
bool ui_prompt_key(struct ui *u, const struct ui_ev *ev);
/* Draws the prompt on the bottom row. */
void ui_prompt_draw(struct ui *u);

/* ui_sip.c: a SIP message as a document, for the screens that show one. */

/* Fills doc with message rec's lines, highlighted; ci/ai (or -1) give the
 * call context for the "absent upstream" notes. */
void ui_sip_doc(const struct ui *u, struct ui_doc *doc, uint32_t rec, long ci, int ai);
/* Returns buf, filled with the message's location: file:line, host,
 * direction, peer (brief: the file's base name, no host name nor time). */
char *ui_sip_where(const struct ui *u, uint32_t rec, bool brief, char *buf, size_t size);
/* Returns the arrow before ai that brought the same message (same method,
 * or same status) into the machine that sent ai, or -1. */
long ui_sip_prev_hop(const struct ui *u, size_t ci, size_t ai);

/* Screens, one file each: a screen opens another only with its ui_X_open. */
/* ui_list.c: pushes the call list. */
void ui_list_open(struct ui *u, const struct ui_opts *o);
/* ui_flow.c: pushes the ladder of call ci. */
void ui_flow_open(struct ui *u, size_t ci);
/* ui_flow.c: pushes the ladder of call ci with arrow ai selected (unfolding
 * the hops when it is one); ai < 0: as ui_flow_open. */
void ui_flow_arrow_open(struct ui *u, size_t ci, int ai);
/* ui_msg.c: pushes the message view of arrow ai of call ci (twin: the other copy). */
void ui_msg_open(struct ui *u, size_t ci, int ai, bool twin);
/* ui_msg.c: pushes the message view of arrow ai of call ci on the copy that
 * file logged, scrolled to and marking its line `line` of that file (the
 * line of a finding's evidence); the first copy from the top when neither
 * copy holds it. */
void ui_msg_line_open(struct ui *u, size_t ci, int ai, const char *file, uint32_t line);
/* ui_findings.c: pushes the findings of the load (of calls, connections and
 * configuration), worst first; Enter opens the proof of one. */
void ui_findings_open(struct ui *u);
/* ui_findings.c: fills doc with what finding f says, wrapped to w: id and
 * severity, summary, fix, each piece of evidence with its line quoted. */
void ui_finding_doc(const struct ui *u, const struct diag_finding *f, int w, struct ui_doc *doc);
/* ui_proof.c: pushes the proof of finding fi (an index in u->d->f): each
 * piece of its evidence as the lines around it in its file or dump, the
 * quoted line marked. */
void ui_proof_open(struct ui *u, size_t fi);
/* ui_compare.c: pushes C-vs-E compare of call ci, starting at arrow ai (or -1). */
void ui_compare_open(struct ui *u, size_t ci, int ai);
/* ui_compare.c: pushes the comparison of two records (m->msgs indices). */
void ui_compare_pair_open(struct ui *u, size_t ci, uint32_t a, uint32_t b);
/* ui_export.c: pushes the export dialog of call ci over the current screen:
 * a format, then a file name. */
void ui_export_open(struct ui *u, size_t ci);
/* ui_help.c: pushes the help screen. */
void ui_help_open(struct ui *u);
/* ui_problems.c: pushes the list of skipped and repaired blocks (file, line, reason). */
void ui_problems_open(struct ui *u);

#endif
