/* log_format.h - the input formats: one row each (struct log_format), one
 * table (log_format.c), every row in a file of its own (src/fmt_*.c).
 *
 * log_input.c opens what the user named (files, .gz, directories, bundles)
 * and hands the text of every file to the first row of the table whose sniff
 * claims it. What a row fills says how its files are kept:
 *   scan: the file becomes one of m->files, fmt pointing at the row, and
 *         scan reads it into messages and events; raw gives back the wire
 *         text of a message it logged (views never assume a framing);
 *   take: the text is handed over once, to copy what is kept (it is given
 *         back right after), e.g. an xConfiguration dump in m->xconfigs;
 *   take: the file is one of m->files too, with no text, for the account;
 *   neither: a format recognised but not read yet, handled like unknown
 *         text: the file is one of m->files with no text, ignored, saying
 *         what it looked like ("WHAT (not read by this version)").
 *
 * Before any sniff, text that was pasted, quoted, forwarded or re-encoded
 * is put back the way its program wrote it (log_repair.h): every text
 * format reads it as if it had never been touched.
 *
 * Adding a format: write src/fmt_NAME.c defining its row (see
 * fmt_expressway.c, and log_scan.h for the machinery SIP-carrying text
 * shares), and put the row in log_format.c's table, before any row whose
 * sniff would also claim its files.
 */
#ifndef XW_LOG_FORMAT_H
#define XW_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define LOG_SNIFF 65536 /* bytes of a file a sniff is shown: a log whose first
                         * entry comes later is not recognised */

/* An input format. */
struct log_format {
	const char *name;  /* "expressway-log": a stable id */
	const char *what;  /* "Expressway log": for reports */
	/* Returns true when the first n bytes of a file (n <= LOG_SNIFF) are of
	 * this format. */
	bool (*sniff)(const char *d, size_t n);
	/* Returns 0 after reading m->files[fi] (whose fmt is this row) into
	 * messages and events; problems go on the file, never fatal. */
	int (*scan)(struct model *m, uint32_t fi);
	/* Returns the wire text of a message that a file of this format logged
	 * (the caller frees it; its length in *n when n is not NULL), or NULL
	 * when the file holds only a summary of it. */
	char *(*raw)(const struct model *m, const struct sip_msg *s, size_t *n);
	/* Returns the line of the file that holds line k (0 first) of what raw
	 * gives for s, or 0 when the format has no lines to point at. */
	uint32_t (*line)(const struct model *m, const struct sip_msg *s, size_t k);
	/* Returns 0 after keeping what the model needs of the n bytes at d, read
	 * from path (the bytes are not kept: copy them); the file's entry, for
	 * its problems, is the last of m->files. */
	int (*take)(struct model *m, const char *path, const char *d, size_t n);
	/* Returns how many of the original packets that carried s (a record of
	 * a file of this format) it handed to emit, in capture order: each
	 * one's time (microseconds since the epoch) and its n bytes from the IP
	 * header on; NULL for formats that hold no packets. */
	size_t (*packets)(const struct model *m, const struct sip_msg *s,
	    void (*emit)(void *arg, int64_t us, const uint8_t *ip, size_t n), void *arg);
	bool counts_packets; /* a record's line (and a problem's) is a packet number */
	const char *block;   /* what its SIP blocks are called in an account ("SIPMSG block",
	                      * "SIP message"); NULL: it holds none */
};

/* Returns the first row of the table whose sniff claims the n bytes at d
 * (of which it looks at LOG_SNIFF at most), or NULL when none does. */
const struct log_format *log_format_sniff(const char *d, size_t n);
/* Returns the row whose name is name, or NULL. */
const struct log_format *log_format_named(const char *name);
/* Returns the row text is read as when no sniff decides (log_load_memory),
 * whose name also words the report of a file that no row read. */
const struct log_format *log_format_default(void);
/* Returns what file f's SIP blocks are called in an account ("SIPMSG
 * block" for a log, "SIP message" for a capture), a static string. */
const char *log_file_block(const struct log_file *f);

#endif
