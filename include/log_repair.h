/* log_repair.h - text that was pasted, quoted, forwarded, folded or
 * re-encoded on its way to the user, put back the way the Expressway wrote
 * it before any format sniffs or reads it (ingest only).
 *
 * log_repair_wanted looks at three windows of a file (its start, middle and
 * end) for the marks of such handling; only then does log_repair read the
 * whole text into a repaired copy, so that a clean log costs nothing and
 * stays mapped. What is undone, each kind noted once per file:
 *   - UTF-16 (either byte order, with or without a byte order mark), a
 *     UTF-8 byte order mark, CR CR LF line ends, the non-breaking spaces,
 *     typographic quotes and zero-width spaces of a web page or a word
 *     processor, and the HTML entities (&quot;) of a page's source;
 *   - code fences (```, ~~~, {code}, {noformat}, <pre>): blank lines;
 *   - what a tool put before the entries, the same shape on every line of
 *     an entry: line numbers ("Line 190: " of Notepad++, grep -n, cat -n),
 *     mail quotes ("> ", any depth), indentation (spaces, tabs), any other
 *     run; syslog framing ("<166>", relay time stamps, RFC 5424 headers,
 *     escaped line breaks "#012") and doubled program tags ("tvcs: tvcs:");
 *   - lines cut at a fixed width (mail, ticket systems) or inside a quoted
 *     value: the pieces of an entry line are joined; the pieces of a SIP
 *     message are joined where its framing or structure shows they belong,
 *     checked against its Content-Length; where they cannot be confirmed the
 *     message is left as it stands and reported.
 * The copy's lines map to the file's (map), so that evidence names the
 * user's own line numbers. Untrusted input: never reads outside d[0, n).
 */
#ifndef XW_LOG_REPAIR_H
#define XW_LOG_REPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One thing log_repair did (or could not do) to a file. */
struct log_repair_note {
	uint32_t line;        /* the file's line where it was first done */
	bool recovered;       /* false: a part was left as it stands (reported) */
	char *what;           /* heap; says what was undone and how often */
};

/* A repaired copy of a file's text. */
struct log_repair {
	char *text;           /* heap, LF line ends; the caller may take it */
	size_t len;
	uint32_t *map;        /* map[i]: the file's line of line i + 1 of text */
	uint32_t nmap;
	uint32_t file_lines;  /* lines of the file */
	struct log_repair_note *notes; /* in the order of the repairs */
	size_t nnotes, notecap;
};

/* Returns true when the n bytes at d show marks of pasting, quoting,
 * forwarding, folding or re-encoding (log_repair is then worth running). */
bool log_repair_wanted(const char *d, size_t n);
/* Returns true after filling r with the repaired copy of the n bytes at d
 * and notes saying what was undone; false (r left empty) when nothing was. */
bool log_repair(const char *d, size_t n, struct log_repair *r);
/* Returns nothing; frees what r holds (what the caller took is NULL). */
void log_repair_free(struct log_repair *r);
/* Returns the file's line of the line k lines after repaired line line,
 * through the map of nmap lines (NULL: lines were not moved). */
uint32_t log_repair_line(const uint32_t *map, uint32_t nmap, uint32_t line, size_t k);
/* Returns the repaired line that file line line became (the first of them
 * when one was split), for the inverse of log_repair_line. */
uint32_t log_repair_unline(const uint32_t *map, uint32_t nmap, uint32_t line);

#endif
