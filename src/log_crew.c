/* log_crew.c - parse threads for the scan's batches of SIP blocks (see
 * log_crew.h for who does what). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "log_crew.h"

/* Parses blocks [from, to) of a batch with the parser's pool and arena. */
static void
parse_range(struct log_parser *pr, struct log_job *j, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct log_pending *p = &j->pend[i];
		if (p->same != NULL)
			continue;
		pr->text.len = 0;
		j->unframe((p->own ? j->own.s : j->data) + p->off, p->end - p->off, &pr->text);
		if (p->end <= p->off || pr->text.len == 0)
			snprintf(p->why, sizeof p->why, "empty message");
		else
			p->rc = sip_parse(pr->pool, pr->arena, &p->f, pr->text.s, pr->text.len,
			    p->why, sizeof p->why);
	}
}

#define CLAIM 16 /* blocks taken per lock: small enough to share the tail */

/* Returns the number of blocks of the posted batch claimed from *from (0 when
 * all are claimed). Called with the lock held. */
static size_t
crew_claim(struct log_crew *cr, size_t *from)
{
	struct log_job *j = cr->job;
	if (j == NULL || j->claimed >= j->n)
		return 0;
	size_t k = j->n - j->claimed < CLAIM ? j->n - j->claimed : CLAIM;
	*from = j->claimed;
	j->claimed += k;
	return k;
}

/* Parses k claimed blocks, then counts them as done. Called with the lock
 * held; returns with it held. */
static void
crew_parse(struct log_parser *pr, size_t from, size_t k)
{
	struct log_crew *cr = pr->crew;
	struct log_job *j = cr->job;
	pthread_mutex_unlock(&cr->mu);
	parse_range(pr, j, from, from + k);
	pthread_mutex_lock(&cr->mu);
	j->done += k;
	if (j->done == j->n)
		pthread_cond_broadcast(&cr->parsed);
}

/* Returns NULL when told to quit (a parse thread's body): parses whatever
 * batch is posted. */
static void *
crew_thread(void *arg)
{
	struct log_parser *pr = arg;
	struct log_crew *cr = pr->crew;
	size_t from, k;
	pthread_mutex_lock(&cr->mu);
	while (!cr->quit) {
		if ((k = crew_claim(cr, &from)) > 0)
			crew_parse(pr, from, k);
		else
			pthread_cond_wait(&cr->posted, &cr->mu);
	}
	pthread_mutex_unlock(&cr->mu);
	return NULL;
}

void
log_crew_start(struct log_crew *cr, struct model *m)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cores < 1 ? 1 : cores > LOG_CREW_MAX ? LOG_CREW_MAX : (size_t)cores;
	sip_init(); /* libosip2's tables, before the first parse and thread */
	pthread_mutex_init(&cr->mu, NULL);
	pthread_cond_init(&cr->posted, NULL);
	pthread_cond_init(&cr->parsed, NULL);
	for (size_t k = 0; k < want; k++) {
		struct log_parser *pr = &cr->par[k];
		*pr = (struct log_parser){.crew = cr, .arena = sip_arena_new()};
		if (k >= m->nxpools)
			VEC_PUSH(m->xpools, m->nxpools, m->xpoolcap, strpool_new());
		pr->pool = m->xpools[k];
		cr->npar++;
		if (k > 0 && pthread_create(&pr->tid, NULL, crew_thread, pr) == 0)
			pr->started = true;
	}
}

struct log_job *
log_crew_finish(struct log_crew *cr)
{
	size_t from, k;
	pthread_mutex_lock(&cr->mu);
	while ((k = crew_claim(cr, &from)) > 0)
		crew_parse(&cr->par[0], from, k);
	struct log_job *j = cr->job;
	while (j != NULL && j->done < j->n)
		pthread_cond_wait(&cr->parsed, &cr->mu);
	cr->job = NULL;
	pthread_mutex_unlock(&cr->mu);
	return j;
}

void
log_crew_post(struct log_crew *cr, struct log_job *j)
{
	pthread_mutex_lock(&cr->mu);
	j->claimed = j->done = 0;
	cr->job = j;
	pthread_cond_broadcast(&cr->posted);
	pthread_mutex_unlock(&cr->mu);
}

void
log_crew_stop(struct log_crew *cr)
{
	pthread_mutex_lock(&cr->mu);
	cr->quit = true;
	pthread_cond_broadcast(&cr->posted);
	pthread_mutex_unlock(&cr->mu);
	for (size_t k = 0; k < cr->npar; k++) {
		struct log_parser *pr = &cr->par[k];
		if (pr->started)
			pthread_join(pr->tid, NULL);
		sip_arena_free(pr->arena);
		sbuf_free(&pr->text);
	}
	pthread_cond_destroy(&cr->posted);
	pthread_cond_destroy(&cr->parsed);
	pthread_mutex_destroy(&cr->mu);
}

