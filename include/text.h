/* text.h - making untrusted log text safe for terminals, JSON and HTML.
 *
 * Log bytes are never written raw: these helpers make C0/C1 control bytes,
 * DEL and escape sequences visible, and escape for each output language.
 */
#ifndef XW_TEXT_H
#define XW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "xmem.h"

/* Appends n bytes of s to b with controls made visible (^[ for ESC, \x9b
 * for C1, ^? for DEL); valid UTF-8 is kept, invalid bytes become \xNN. */
void text_safe(struct sbuf *b, const char *s, size_t n);
/* Writes s (NUL-terminated, may be NULL) to fp made terminal-safe. */
void text_fputs(FILE *fp, const char *s);
/* Returns a pooled-free, caller-owned terminal-safe copy of s. */
char *text_safe_dup(const char *s);
/* Appends s as the inside of a JSON string (no quotes), escaping fully. */
void text_json(struct sbuf *b, const char *s, size_t n);
/* Appends s as a quoted JSON string, or null when s is NULL. */
void text_json_str(struct sbuf *b, const char *s);
/* Appends s HTML-escaped (text and attribute safe), controls made visible. */
void text_html(struct sbuf *b, const char *s, size_t n);
/* Returns the number of terminal columns s occupies when shown with text_safe. */
size_t text_width(const char *s);
/* Returns the terminal cells the n bytes at s take once made safe: a control
 * byte two (^X), an invalid byte four (\xNN), a wide (East Asian, emoji)
 * character two, a combining mark none, any other character one. */
size_t text_cells(const char *s, size_t n);
/* Appends the n bytes at s made terminal-safe, cut to at most w cells: when
 * they do not fit, what fits in w minus mark's cells, then mark (a visible
 * cut: "~", "..."). Returns the cells appended. */
size_t text_cut(struct sbuf *b, const char *s, size_t n, size_t w, const char *mark);
/* Appends s (may be NULL) made terminal-safe and word-wrapped to lines of at
 * most w cells: the first line goes on after at cells already written, each
 * next one starts with indent spaces, a word longer than a line is cut after
 * its last '/' that fits (a path keeps its file:line whole), else where the
 * line ends; ends with a newline. Lines never pass w (taken as at least
 * indent + 8; but for a single character wider than what is left). */
void text_wrap(struct sbuf *b, const char *s, size_t at, size_t w, size_t indent);
/* Returns the length of the valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
size_t text_utf8_len(const unsigned char *s, size_t n);

/* Writes the decimal text of v (as "%lld" would) into the 20 bytes that end
 * at end, without printf; returns where it starts. */
char *text_lld(char *end, long long v);

#endif
