/* test_tables.c - the tables that other texts are written from or must
 * agree with: every export format and every command is in `xwtrace --help`
 * and in the man page; the export table's rows are whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "export.h"
#include "t.h"

#define MAN "man/xwtrace.1"

/* Returns what `xwtrace --help` prints (the caller frees it). */
static char *
help_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	if (fp == NULL)
		return NULL;
	cmd_usage(fp);
	fclose(fp);
	return buf;
}

/* Returns the man page's text (the caller frees it), or NULL. */
static char *
man_text(void)
{
	FILE *fp = fopen(MAN, "r");
	if (fp == NULL)
		return NULL;
	struct sbuf b = {0};
	char line[4096];
	while (fgets(line, sizeof line, fp) != NULL)
		sbuf_puts(&b, line);
	fclose(fp);
	return sbuf_take(&b);
}

/* Returns true when text holds word w with none of the letters, digits or
 * '-' of a longer word on either side. */
static bool
has_word(const char *text, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = text; (p = strstr(p, w)) != NULL; p++) {
		char before = p > text ? p[-1] : ' ', after = p[n];
		bool in_word = (before >= 'a' && before <= 'z') || before == '-' ||
		    (after >= 'a' && after <= 'z') || after == '-';
		if (!in_word)
			return true;
	}
	return false;
}

static void
test_export_rows(void)
{
	size_t n;
	const struct export_format *t = export_formats(&n);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(t[i].name != NULL && t[i].name[0] != '\0');
		CHECK(t[i].suffix != NULL && t[i].suffix[0] == '.');
		CHECK(t[i].write != NULL);
		CHECK(export_format_find(t[i].name) == &t[i]);
	}
	CHECK(export_format_find("no-such-format") == NULL);
}

static void
test_help_lists_every_export(void)
{
	size_t n;
	const struct export_format *t = export_formats(&n);
	char *help = help_text();
	const char *line = help != NULL ? strstr(help, "xwtrace export --format ") : NULL;
	CHECK(line != NULL);
	if (line == NULL) {
		free(help);
		return;
	}
	char *first = strndup(line, strcspn(line, "\n"));
	for (size_t i = 0; i < n; i++)
		if (!has_word(first, t[i].name)) {
			fprintf(stderr, "  --help does not list the export %s\n", t[i].name);
			CHECK(!"every export in --help");
		}
	free(first);
	free(help);
}

static void
test_man_lists_every_export(void)
{
	size_t n;
	const struct export_format *t = export_formats(&n);
	char *man = man_text();
	char *from = man != NULL ? strstr(man, ".SH EXPORTS\n") : NULL;
	CHECK(from != NULL);
	if (from == NULL) {
		free(man);
		return;
	}
	char *end = strstr(from + 1, "\n.SH ");
	if (end != NULL)
		*end = '\0';
	for (size_t i = 0; i < n; i++) {
		char want[64];
		snprintf(want, sizeof want, "\n.TP\n.B %s\n", t[i].name);
		if (strstr(from, want) == NULL) {
			fprintf(stderr, "  " MAN ": EXPORTS has no entry \".B %s\"\n", t[i].name);
			CHECK(!"every export in the man page");
		}
	}
	free(man);
}

static void
test_help_and_man_list_every_command(void)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	char *help = help_text(), *man = man_text();
	CHECK(help != NULL && man != NULL && n > 1 && t[0]->name == NULL);
	for (size_t i = 1; help != NULL && man != NULL && i < n; i++) {
		char want[192], roff[128];
		size_t k = 0;
		snprintf(want, sizeof want, "xwtrace %s ", t[i]->name);
		CHECK(strstr(help, want) != NULL);
		for (const char *p = t[i]->name; *p && k + 3 < sizeof roff; p++) {
			if (*p == '-')
				roff[k++] = '\\';
			roff[k++] = *p;
		}
		roff[k] = '\0';
		snprintf(want, sizeof want, "\n.B xwtrace %s", roff);
		if (strstr(man, want) == NULL) {
			fprintf(stderr, "  " MAN ": SYNOPSIS lacks \".B xwtrace %s\"\n", roff);
			CHECK(!"every command in the man page");
		}
		CHECK(cmd_find(t[i]->name) == t[i]);
	}
	free(help);
	free(man);
}

T_LIST(T(test_export_rows), T(test_help_lists_every_export), T(test_man_lists_every_export),
    T(test_help_and_man_list_every_command))
