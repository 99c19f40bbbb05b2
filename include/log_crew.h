/* log_crew.h - the threads that parse the SIP blocks a scan finds, while
 * the scan goes on (log_scan.c is the only user).
 *
 * The scan fills a batch (struct log_job) and posts it; the crew's threads
 * take blocks of it a few at a time, and the scan thread, when it reaches the
 * end of its next batch first, takes blocks too (log_crew_finish). Each
 * parser has its own string pool (one of the model's m->xpools) and its own
 * libosip2 arena, so the threads share nothing but the batch and its lock.
 * The scan commits a finished batch to the model itself, in log order.
 */
#ifndef XW_LOG_CREW_H
#define XW_LOG_CREW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "sip.h"

#define LOG_CREW_MAX 4 /* parsers, the scan thread's included; the machine has 2 cores */

/* A SIP block found by the scan, waiting to be parsed. */
struct log_pending {
	struct sip_msg s;        /* the record, set by the scan */
	struct sip_fields f;     /* what the bytes say, set by the parse */
	const struct sip_fields *same; /* or those of identical bytes read before */
	size_t off, end;         /* the framed bytes: of the file's text, or of the
	                          * batch's own bytes when own is set */
	bool own;                /* handed over by the reader (log_scan_block_bytes) */
	int closed;              /* 1 when the closing pipe was found */
	bool cut;                /* longer than LOG_MAX_BLOCK: cut there */
	int rc;                  /* sip_parse's result */
	char why[200];
};

/* A batch of SIP blocks found by the scan, parsed while the scan goes on. */
struct log_job {
	struct log_pending *pend;
	size_t n, cap;
	size_t claimed;          /* blocks handed to a parser (under the crew lock) */
	size_t done;             /* blocks parsed (under the crew lock) */
	size_t text_from;        /* scan position when the batch began */
	const char *data;        /* the file's text */
	struct sbuf own;         /* bytes the reader handed over with its blocks */
	/* appends the wire text of the n framed bytes at p to out (the reader's
	 * framing); returns true when the frame was closed */
	bool (*unframe)(const char *p, size_t n, struct sbuf *out);
};

struct log_crew;

/* A parse thread, or the scan thread when it lends a hand. */
struct log_parser {
	struct log_crew *crew;
	struct strpool *pool;    /* one of the model's extra pools (m->xpools) */
	struct sip_arena *arena;
	struct sbuf text;        /* the unframed message */
	pthread_t tid;
	bool started;
};

/* The parse threads of one file and the batch they share. */
struct log_crew {
	pthread_mutex_t mu;
	pthread_cond_t posted;   /* a batch was posted, or quit was set */
	pthread_cond_t parsed;   /* the posted batch's last block was parsed */
	struct log_job *job;         /* the posted batch, or NULL */
	bool quit;
	struct log_parser par[LOG_CREW_MAX]; /* par[0] is the scan thread's */
	size_t npar;
};

/* Starts the parse threads, one per core beside the scan thread (none when
 * threads cannot be made: the scan thread then parses every batch itself).
 * Parser k fills the model's k-th extra pool, so the files of a load share
 * their strings. */
void log_crew_start(struct log_crew *cr, struct model *m);
/* Hands a batch to the parse threads; it must stay put until finished. */
void log_crew_post(struct log_crew *cr, struct log_job *j);
/* Returns the posted batch once every block of it is parsed (the calling
 * thread parses alongside), or NULL when none was posted. */
struct log_job *log_crew_finish(struct log_crew *cr);
/* Stops the parse threads and frees what they own (not the pools). */
void log_crew_stop(struct log_crew *cr);

#endif
