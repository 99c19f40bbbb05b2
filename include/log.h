/* log.h - ingest: turn LOG arguments into files, SIP messages and events.
 *
 * log_load() accepts a plain log (LF, CRLF or CR), a .gz, a directory (every
 * log in it, recursively) or a diagnostic bundle (.tar.gz, .tar); archives
 * are read with libarchive and never extracted to disk. xConfiguration dumps
 * found on the way are recorded in m->xconfigs.
 *
 * Files are mapped, not copied. A file that another process truncates while
 * it is mapped reads as NUL bytes past the cut instead of killing xwtrace
 * with SIGBUS (log_guard.c), and the cut is reported on the file's problems.
 */
#ifndef XW_LOG_H
#define XW_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Returns 0 after adding every log under path to m (and scanning it), or -1
 * with a one-line reason naming the file in err. */
int log_load(struct model *m, const char *path, char *err, size_t errlen);
/* Returns 0 after adding n bytes of text at data (not copied: it must outlive
 * the model) as a log file named name, and scanning it. */
int log_load_memory(struct model *m, const char *name, const char *data, size_t n);
/* Returns nothing; unmaps a file's text mapped by log_load (model_free's part). */
void log_unmap(void *base, size_t len);
/* Returns how many files of m were newly found shrunk since they were mapped;
 * each gets one problem naming the line of the cut. log_load checks its own
 * files; call this after later reads of the text (correlation, diagnosis). */
size_t log_note_shrunk(struct model *m);
/* Returns 0 after scanning the text of m->files[fi] into messages and events. */
int log_scan_file(struct model *m, uint32_t fi);
/* Returns true and sets *val and *vlen to the value of key="..." in the entry
 * line (len bytes); keys start with an upper-case letter in Expressway logs. */
bool log_kv(const char *line, size_t len, const char *key, const char **val, size_t *vlen);
/* Returns the time of "2017-09-19 18:01:48,140" (or without ",ms"), or XW_TIME_NONE. */
xw_time log_parse_utctime(const char *s, size_t n);
/* Returns the UTC time of an ISO prefix "2017-09-19T14:01:48.140-04:00", or XW_TIME_NONE. */
xw_time log_parse_iso(const char *s, size_t n);
/* Returns true when the line starts like an entry header ("2017-09-19T14:01:48"). */
bool log_is_header(const char *line, size_t len);
/* Returns true when the text looks like an xConfiguration dump. */
bool log_looks_xconfig(const char *d, size_t n);
/* Returns true when the text looks like an Expressway log (has an entry header). */
bool log_looks_log(const char *d, size_t n);

/* The SIGBUS guard of mapped files, for log_input.c (see log_guard.c). */
/* Returns true when the len bytes mapped at base are guarded (the handler is
 * installed on first use); false when every slot is taken or there is no handler. */
bool log_guard_add(const void *base, size_t len);
/* Returns nothing; stops guarding the mapping at base (before it is unmapped). */
void log_guard_drop(const void *base);
/* Returns nothing; records that the file mapped at base now ends at off. */
void log_guard_lower_cut(const void *base, size_t off);
/* Returns true, once per mapping, when the file mapped at base was found cut,
 * with the offset of the cut in *off. */
bool log_guard_take_cut(const void *base, size_t *off);

#endif
