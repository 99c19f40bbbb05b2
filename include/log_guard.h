/* log_guard.h - the SIGBUS guard of mapped files (log_guard.c), for
 * log_input.c: a file that shrinks while mapped reads as NUL bytes past the
 * cut instead of killing xwtrace. */
#ifndef XW_LOG_GUARD_H
#define XW_LOG_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#define LOG_GUARD_SLOTS 4096 /* files mapped at once; past that, log_input reads
                              * a file into memory (and notes it on the file) */

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
