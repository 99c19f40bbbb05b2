/* sip_msg.c - what views ask of a message record: its wire text (through
 * the format of the file that logged it), first line, label and kind. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log_format.h"
#include "sip.h"

char *
sip_raw(const struct model *m, const struct sip_msg *s, size_t *n)
{
	if (s->summary_only || s->file >= m->nfiles)
		return NULL;
	const struct log_format *fmt = m->files[s->file].fmt;
	return fmt != NULL && fmt->raw != NULL ? fmt->raw(m, s, n) : NULL;
}

uint32_t
sip_raw_line(const struct model *m, const struct sip_msg *s, size_t k)
{
	if (s->summary_only || s->file >= m->nfiles)
		return 0;
	const struct log_format *fmt = m->files[s->file].fmt;
	return fmt != NULL && fmt->line != NULL ? fmt->line(m, s, k) : 0;
}

bool
sip_is_captured(const struct model *m, const struct sip_msg *s)
{
	return s->file < m->nfiles && m->files[s->file].fmt != NULL &&
	    m->files[s->file].fmt->counts_packets;
}

size_t
sip_packets(const struct model *m, const struct sip_msg *s,
    void (*emit)(void *arg, int64_t us, const uint8_t *ip, size_t n), void *arg)
{
	if (!sip_is_captured(m, s)) { /* a log's record: its captured copy, if any */
		uintptr_t at = (uintptr_t)s, base = (uintptr_t)m->msgs;
		if (at < base || at >= base + m->nmsgs * sizeof *s)
			return 0;
		s = model_wire_copy(m, (uint32_t)((at - base) / sizeof *s));
	}
	if (s == NULL || s->file >= m->nfiles)
		return 0;
	const struct log_format *fmt = m->files[s->file].fmt;
	return fmt != NULL && fmt->packets != NULL ? fmt->packets(m, s, emit, arg) : 0;
}

const char *
sip_audio_codecs(const struct sip_msg *s)
{
	for (int i = 0; i < s->sip->nmedia; i++)
		if (s->sip->media[i].media && strcmp(s->sip->media[i].media, "audio") == 0)
			return s->sip->media[i].codecs;
	return NULL;
}

char *
sip_first_line(const struct sip_msg *s, char *buf, size_t size)
{
	if (s->sip->is_request)
		snprintf(buf, size, "%s %s", s->sip->method ? s->sip->method : "?", s->sip->ruri ? s->sip->ruri : "");
	else
		snprintf(buf, size, "SIP/2.0 %d %s", s->sip->status,
		    s->sip->reason_phrase ? s->sip->reason_phrase : "");
	return buf;
}

char *
sip_label(const struct sip_msg *s, char *buf, size_t size)
{
	if (s->sip->is_request)
		snprintf(buf, size, "%s", s->sip->method ? s->sip->method : "?");
	else
		snprintf(buf, size, "%d %s", s->sip->status, s->sip->reason_phrase ? s->sip->reason_phrase : "");
	return buf;
}

bool
sip_same_kind(const struct sip_msg *a, const struct sip_msg *b)
{
	if (a->sip->is_request != b->sip->is_request || a->sip->method == NULL || b->sip->method == NULL ||
	    strcmp(a->sip->method, b->sip->method) != 0)
		return false;
	return a->sip->is_request || a->sip->status == b->sip->status;
}
