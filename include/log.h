/* log.h - ingest: turn LOG arguments into files, SIP messages and events.
 *
 * log_load() accepts a plain file (LF, CRLF or CR), a .gz or a bundle
 * (.tar.gz, .tar; recognised by their content, whatever their names), a
 * directory (every file in it, recursively), "-" (standard input) and any
 * other file that is not a regular one (a pipe, /dev/stdin, a process
 * substitution), read to its end first; archives are read with libarchive
 * and never extracted to disk. Text that was pasted, quoted, forwarded or
 * re-encoded is put back first (log_repair.h). Each file is then read as
 * the format the table of formats recognises in it (log_format.h): logs are
 * scanned, xConfiguration dumps recorded in m->xconfigs, and every file
 * becomes one of m->files, so that every input is accounted for: a file no
 * format reads is kept with what it looked like (its ignored).
 *
 * Files are mapped, not copied. A file that another process truncates while
 * it is mapped reads as NUL bytes past the cut instead of killing xwtrace
 * with SIGBUS (log_guard.c), and the cut is reported on the file's problems.
 */
#ifndef XW_LOG_H
#define XW_LOG_H

#include <stddef.h>

#include "model.h"

#define LOG_STDIN_NAME "(stdin)" /* the name "-" is read under */
#define LOG_MAX_DEPTH 8 /* directories and archives nested in one another (a .tar.gz
                         * counts twice); deeper ones are reported, not read */

/* Returns 0 after adding every log under path to m (and scanning it), or -1
 * with a one-line reason naming the file in err. The path is kept as the
 * user typed it, normalised (no "//", no trailing '/'). */
int log_load(struct model *m, const char *path, char *err, size_t errlen);
/* Returns 0 after loading path as log_load does, when its text is of the
 * format named format ("xconfig": --xconfig FILE); -1 with err saying what
 * it looks like when it is not. */
int log_load_as(struct model *m, const char *path, const char *format, char *err, size_t errlen);
/* Returns 0 after adding n bytes of text at data (not copied: it must outlive
 * the model; a repaired copy is made when it was pasted or mangled) as a
 * file named name, and scanning it as the default format's (an Expressway
 * log; log_format.h). */
int log_load_memory(struct model *m, const char *name, const char *data, size_t n);
/* Returns how many files of m were newly found shrunk since they were mapped;
 * each gets one problem naming the line of the cut. log_load checks its own
 * files; call this after later reads of the text (correlation, diagnosis). */
size_t log_note_shrunk(struct model *m);

#endif
