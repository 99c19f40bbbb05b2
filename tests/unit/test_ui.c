/* test_ui.c - the browser's key handling, driven without a terminal through
 * struct ui_io: scripted keys in, state checked (screen on top, call and
 * arrow in context, prompts, notes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "logbuild.h"
#include "t.h"
#include "ui.h"

/* Scripted input: the keys (and mouse events) of one run. */
struct script {
	const struct ui_ev *ev;
	size_t n, at;
};

/* Returns true with the next scripted event; false at the end of the script. */
static bool
script_next(struct ui *u, struct ui_ev *ev, void *arg)
{
	struct script *s = arg;
	(void)u;
	if (s->at >= s->n)
		return false;
	*ev = s->ev[s->at++];
	return true;
}

/* Runs the keys of a NUL-terminated string (one event per byte). */
static void
type(struct ui *u, const char *keys)
{
	struct ui_ev ev[128];
	size_t n = 0;
	for (; *keys && n < 128; keys++)
		ev[n++] = (struct ui_ev){.key = (unsigned char)*keys};
	struct script s = {ev, n, 0};
	struct ui_io io = {script_next, NULL, &s};
	ui_run(u, &io);
}

/* Runs one event. */
static void
press(struct ui *u, int key)
{
	struct ui_ev ev = {.key = key};
	ui_dispatch(u, &ev);
}

/* A loaded example and a browser over it. */
struct fix {
	struct cmd_common co;
	struct model *m;
	struct ui *u;
};

/* Returns true after loading paths into f with a browser rows x cols. */
static bool
fix_open(struct fix *f, const char *p1, const char *p2, int rows, int cols)
{
	char *paths[] = {(char *)p1, (char *)p2};
	memset(f, 0, sizeof *f);
	f->co.quiet = true;
	f->m = cmd_load(paths, p2 ? 2 : 1, &f->co);
	if (f->m == NULL)
		return false;
	struct ui_opts o = {.no_color = true};
	f->u = ui_new(f->m, &f->co.diag, &o, rows, cols);
	return true;
}

static void
fix_close(struct fix *f)
{
	ui_free(f->u);
	if (f->m)
		model_free(f->m);
	cmd_common_free(&f->co);
}

#define EX "examples/contact-param-stripped/"

/* Returns the index of the call with a Call-ID starting with prefix, or -1. */
static long
call_by_id(const struct model *m, const char *prefix)
{
	for (size_t i = 0; i < m->ncalls; i++)
		for (size_t k = 0; k < m->calls[i].ncall_ids; k++)
			if (strncmp(m->calls[i].call_ids[k], prefix, strlen(prefix)) == 0)
				return (long)i;
	return -1;
}

static void
test_scroll_move(void)
{
	bool used;
	CHECK_INT(ui_scroll(0, 30, 100, 10), 21);
	CHECK_INT(ui_scroll(50, 40, 100, 10), 40);
	CHECK_INT(ui_scroll(95, 99, 100, 10), 90);
	CHECK_INT(ui_scroll(5, 2, 3, 10), 0);
	CHECK_INT(ui_move(KEY_DOWN, 0, 5, 3, &used), 1);
	CHECK(used);
	CHECK_INT(ui_move('k', 0, 5, 3, &used), 0);
	CHECK_INT(ui_move(KEY_NPAGE, 0, 5, 3, &used), 2);
	CHECK_INT(ui_move(KEY_END, 0, 5, 3, &used), 4);
	CHECK_INT(ui_move('x', 3, 5, 3, &used), 3);
	CHECK(!used);
	CHECK_INT(ui_move(KEY_DOWN, 0, 0, 3, &used), 0);
}

static void
test_list_filter_to_flow(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80)) {
		CHECK(!"example loads");
		return;
	}
	long want = call_by_id(f.m, "623cea3f");
	CHECK(want >= 0);
	CHECK_STR(ui_top(f.u), "list");
	type(f.u, "/623cea3f\n");
	CHECK(f.u->prompt.kind == UP_NONE);
	size_t ci = 99;
	int ai = 5;
	CHECK(ui_context(f.u, &ci, &ai));
	CHECK_INT(ci, want);
	CHECK_INT(ai, -1);
	type(f.u, "\n");
	CHECK_STR(ui_top(f.u), "flow");
	/* Tab moves to the findings panel; the ladder follows the finding */
	const size_t *idx;
	CHECK(diag_call_findings(f.u->d, (long)ci, &idx) >= 1);
	type(f.u, "\t");
	CHECK(ui_context(f.u, &ci, &ai));
	CHECK_INT(ai, f.co.diag.f[idx[0]].arrow);
	type(f.u, "\n");
	CHECK_STR(ui_top(f.u), "message");
	type(f.u, "c");
	CHECK_STR(ui_top(f.u), "compare");
	type(f.u, "qq");
	CHECK_STR(ui_top(f.u), "flow");
	press(f.u, UI_ESC);
	CHECK_STR(ui_top(f.u), "list");
	CHECK(!f.u->quit);
	type(f.u, "q");
	CHECK(f.u->quit);
	fix_close(&f);
}

static void
test_bad_filter_keeps_rows(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80))
		return;
	type(f.u, "/a(b");
	CHECK(f.u->prompt.kind == UP_TEXT);
	CHECK(strstr(f.u->prompt.err, "bad pattern") != NULL);
	size_t ci;
	int ai;
	CHECK(ui_context(f.u, &ci, &ai)); /* the rows are still there */
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_TEXT); /* Enter refuses a bad pattern */
	press(f.u, UI_ESC);
	CHECK(f.u->prompt.kind == UP_NONE);
	type(f.u, "/nothing-matches-this\n");
	CHECK(!ui_context(f.u, &ci, &ai));
	press(f.u, KEY_F(5));
	CHECK(ui_context(f.u, &ci, &ai));
	fix_close(&f);
}

static void
test_options_and_findings_toggles(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80))
		return;
	size_t ci;
	int ai;
	type(f.u, "G");
	CHECK(ui_context(f.u, &ci, &ai));
	CHECK(!f.m->calls[ci].options_only);
	type(f.u, "oG");
	CHECK(ui_context(f.u, &ci, &ai));
	CHECK(f.m->calls[ci].options_only);
	type(f.u, "fG");
	CHECK(ui_context(f.u, &ci, &ai));
	const size_t *idx;
	CHECK(diag_call_findings(f.u->d, (long)ci, &idx) > 0);
	type(f.u, "fo");
	fix_close(&f);
}

static void
test_help_and_quit_anywhere(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80))
		return;
	type(f.u, "\n?");
	CHECK_STR(ui_top(f.u), "help");
	press(f.u, KEY_F(1));
	CHECK_STR(ui_top(f.u), "flow");
	type(f.u, "\nQ");
	CHECK(f.u->quit);
	fix_close(&f);
}

static void
test_export_prompt(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80))
		return;
	char path[256];
	snprintf(path, sizeof path, "%s/ui-export-%d.txt", getenv("XW_TMP") ? getenv("XW_TMP")
	    : "/tmp", (int)getpid());
	type(f.u, "e");
	CHECK(f.u->prompt.kind == UP_CHOICE);
	CHECK_STR(f.u->prompt.choices[f.u->prompt.choice], "text");
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_TEXT);
	press(f.u, UI_CTRL('u'));
	type(f.u, path);
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_NONE);
	CHECK(strstr(f.u->note, "written to /") != NULL); /* where, in full */
	CHECK(access(path, R_OK) == 0);
	/* a file that exists is overwritten only when asked: No (the default)
	 * goes back to the name, yes writes */
	type(f.u, "e\n");
	press(f.u, UI_CTRL('u'));
	type(f.u, path);
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_CHOICE);
	CHECK(strstr(f.u->prompt.label, "exists") != NULL);
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_TEXT);
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_CHOICE);
	press(f.u, KEY_RIGHT);
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_NONE);
	CHECK(strstr(f.u->note, "written to /") != NULL);
	unlink(path);
	/* writing over an input log is refused and the prompt stays open */
	type(f.u, "e\n");
	press(f.u, UI_CTRL('u'));
	type(f.u, EX "expressway-e.log");
	press(f.u, '\n');
	CHECK(f.u->prompt.kind == UP_TEXT);
	CHECK(f.u->prompt.err[0] != '\0');
	press(f.u, UI_ESC);
	fix_close(&f);
}

static void
test_mouse_and_marks(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 40, 120))
		return;
	struct ui_ev dbl = {.key = KEY_MOUSE, .y = 2, .x = 10, .button = UI_DCLICK};
	ui_dispatch(f.u, &dbl);
	CHECK_STR(ui_top(f.u), "flow");
	size_t ci;
	int a0, a1;
	ui_context(f.u, &ci, &a0);
	struct ui_ev click = {.key = KEY_MOUSE, .y = 3 + 2 * 2, .x = 40, .button = UI_CLICK};
	ui_dispatch(f.u, &click);
	ui_context(f.u, &ci, &a1);
	CHECK(a1 > a0);
	/* mark one arrow, move, compare the two */
	type(f.u, " jjc");
	CHECK_STR(ui_top(f.u), "compare");
	type(f.u, "q");
	type(f.u, "a"); /* unfold the B2BUA hops: more arrows, same call */
	CHECK_STR(ui_top(f.u), "flow");
	fix_close(&f);
}

/* Returns the 1-based line of the first occurrence of needle in text. */
static uint32_t
line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	uint32_t line = 1;
	for (const char *p = text; at != NULL && p < at; p++)
		line += *p == '\n';
	return at ? line : 0;
}

/* Writes a log with a good INVITE, a garbage block (skipped) and a MESSAGE
 * whose Content-Length lies (repaired); returns its path (caller frees) and
 * the lines the two problems must be reported at. */
static char *
problems_log(uint32_t *skipped_line, uint32_t *repaired_line)
{
	static const char *inv = "INVITE sip:b@example.com SIP/2.0\nVia: SIP/2.0/TLS 10.0.0.2:5061;"
	    "branch=z9hG4bK1\nCall-ID: good-1\nCSeq: 1 INVITE\nFrom: <sip:a@example.com>;tag=1\n"
	    "To: <sip:b@example.com>\nContent-Length: 0\n\n";
	static const char *lie = "MESSAGE sip:b@example.com SIP/2.0\nVia: SIP/2.0/TLS 10.0.0.2:5061;"
	    "branch=z9hG4bK2\nCall-ID: lied-1\nCSeq: 1 MESSAGE\nFrom: <sip:a@example.com>;tag=2\n"
	    "To: <sip:b@example.com>\nContent-Type: text/plain\nContent-Length: 900\n\nhello\n";
	struct sbuf b = {0};
	lb_msg(&b, "e", "2017-09-19 18:00:00,000", 0, "10.0.0.1", 5061, "10.0.0.2", 5061, inv);
	lb_head(&b, "e", "2017-09-19 18:00:01,000", "network.sip", "DEBUG", "Action=\"Received\"");
	sbuf_puts(&b, " SIPMSG:\n |\x1b[2Jgarbage that is no SIP\n |\n\n");
	lb_msg(&b, "e", "2017-09-19 18:00:02,000", 0, "10.0.0.1", 5061, "10.0.0.2", 5061, lie);
	*skipped_line = line_of(b.s, "garbage that");
	*repaired_line = line_of(b.s, "MESSAGE sip:");
	char *path = xasprintf("%s/ui-problems-%d.log", getenv("XW_TMP") ? getenv("XW_TMP")
	    : "/tmp", (int)getpid());
	FILE *fp = fopen(path, "w");
	if (fp != NULL) {
		fwrite(b.s, 1, b.len, fp);
		fclose(fp);
	}
	sbuf_free(&b);
	return path;
}

/* Checks that the message view is on top, showing the record read from line. */
static void
check_message_at(const struct fix *f, uint32_t line)
{
	size_t ci;
	int ai;
	CHECK_STR(ui_top(f->u), "message");
	if (!ui_context(f->u, &ci, &ai) || ai < 0) {
		CHECK(!"the message view has a call and an arrow");
		return;
	}
	const struct sip_msg *s = &f->m->msgs[f->m->calls[ci].arrows[ai].msg];
	CHECK_INT(s->msg_line, line);
	CHECK(s->sip->cl_repaired);
}

/* i lists the skipped and the repaired block by line; Enter opens the repaired one. */
static void
test_input_problems(void)
{
	uint32_t skipped, repaired;
	char *path = problems_log(&skipped, &repaired);
	struct fix f;
	if (!fix_open(&f, path, NULL, 24, 80)) {
		CHECK(!"problems log loads");
		free(path);
		return;
	}
	size_t nrep, nskip = ui_problem_counts(f.m, &nrep);
	CHECK_INT(nskip, 1);
	CHECK_INT(nrep, 1);
	type(f.u, "i");
	CHECK_STR(ui_top(f.u), "problems");
	/* rows go by line: the skipped block first, it has no message to open */
	type(f.u, "\n");
	CHECK_STR(ui_top(f.u), "problems");
	char want[64];
	snprintf(want, sizeof want, "line %u was skipped", skipped);
	CHECK(strstr(f.u->note, want) != NULL);
	/* End reaches the repaired block, whose message Enter opens */
	press(f.u, KEY_END);
	press(f.u, '\n');
	check_message_at(&f, repaired);
	type(f.u, "q");
	CHECK_STR(ui_top(f.u), "problems");
	/* Home goes to the file's account row, above the problems; moves past
	 * either end stay put */
	press(f.u, KEY_HOME);
	type(f.u, "kk\n");
	CHECK_STR(ui_top(f.u), "problems");
	CHECK(strstr(f.u->note, "account") != NULL);
	type(f.u, "j\n");
	CHECK(strstr(f.u->note, want) != NULL);
	type(f.u, "jjj\n");
	check_message_at(&f, repaired);
	type(f.u, "qi");
	CHECK_STR(ui_top(f.u), "list");
	type(f.u, "i");
	press(f.u, UI_ESC);
	CHECK_STR(ui_top(f.u), "list");
	CHECK(!f.u->quit);
	fix_close(&f);
	unlink(path);
	free(path);
}

/* Without problems the screen still opens (from the ladder too) and closes. */
static void
test_input_problems_none(void)
{
	struct fix f;
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80))
		return;
	CHECK_INT(ui_problem_counts(f.m, NULL), 0);
	type(f.u, "\ni"); /* reachable from any screen, here the ladder */
	CHECK_STR(ui_top(f.u), "problems");
	type(f.u, "jG\n");
	CHECK_STR(ui_top(f.u), "problems");
	type(f.u, "q");
	CHECK_STR(ui_top(f.u), "flow");
	fix_close(&f);
}

/* A load with findings but no call opens on its findings; Enter proves a
 * connection finding by its quoted lines; the list is under it. */
static void
test_findings_first(void)
{
	struct fix f;
	if (!fix_open(&f, "examples/tls-untrusted-ca/", NULL, 30, 100)) {
		CHECK(!"example loads");
		return;
	}
	CHECK_STR(ui_top(f.u), "findings");
	size_t ci;
	int ai;
	CHECK(!ui_context(f.u, &ci, &ai)); /* a connection finding: no call */
	type(f.u, "\n");
	CHECK_STR(ui_top(f.u), "proof");
	type(f.u, "nnNq");
	CHECK_STR(ui_top(f.u), "findings");
	type(f.u, "q");
	CHECK_STR(ui_top(f.u), "list");
	type(f.u, "F");
	CHECK_STR(ui_top(f.u), "findings");
	type(f.u, "?");
	CHECK_STR(ui_top(f.u), "help");
	fix_close(&f);
	/* a load with calls opens on the list */
	if (!fix_open(&f, EX "expressway-e.log", EX "expressway-c.log", 24, 80))
		return;
	CHECK_STR(ui_top(f.u), "list");
	fix_close(&f);
}

/* Enter on a call's finding: the ladder at its arrow, the message view over it. */
static void
test_finding_opens_its_arrow(void)
{
	struct fix f;
	if (!fix_open(&f, "examples/sdp-codec-mismatch/", NULL, 40, 120)) {
		CHECK(!"example loads");
		return;
	}
	type(f.u, "F");
	CHECK_STR(ui_top(f.u), "findings");
	size_t ci = 99;
	int ai = -2;
	CHECK(ui_context(f.u, &ci, &ai)); /* worst first: sdp-codec-mismatch, then q850-cause */
	const size_t *idx;
	size_t n = diag_call_findings(f.u->d, (long)ci, &idx);
	CHECK(n == 2);
	int want = -1;
	for (size_t k = 0; k < n; k++)
		if (strcmp(f.u->d->f[idx[k]].id, "sdp-codec-mismatch") == 0)
			want = f.u->d->f[idx[k]].arrow;
	CHECK(want >= 0 && ai == want);
	type(f.u, "\n");
	CHECK_STR(ui_top(f.u), "message");
	CHECK(ui_context(f.u, &ci, &ai) && ai == want);
	type(f.u, "q");
	CHECK_STR(ui_top(f.u), "flow");
	CHECK(ui_context(f.u, &ci, &ai) && ai == want);
	type(f.u, "qq");
	CHECK_STR(ui_top(f.u), "list");
	fix_close(&f);
}

T_LIST(T(test_findings_first), T(test_finding_opens_its_arrow), T(test_scroll_move), T(test_list_filter_to_flow), T(test_bad_filter_keeps_rows),
    T(test_options_and_findings_toggles), T(test_help_and_quit_anywhere),
    T(test_export_prompt), T(test_mouse_and_marks), T(test_input_problems),
    T(test_input_problems_none))
