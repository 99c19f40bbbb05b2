/* sdp.h - the SDP summary of a message: per m= line, media, port, codecs by
 * name and direction. Untrusted input: bounded, never reads past the body. */
#ifndef XW_SDP_H
#define XW_SDP_H

#include <stddef.h>

#include "model.h"

#define SDP_MAX_MEDIA 16   /* m= lines kept per body */
#define SDP_MAX_FORMATS 32 /* formats (payload types) kept per m= line */
#define SDP_MAX_MEDIA_NAME 15 /* bytes kept of a media name ("audio") */
#define SDP_MAX_NAME 23    /* bytes kept of a protocol or codec name */

/* Fills s->media/s->nmedia/s->has_sdp from an SDP body of n bytes, and the
 * SIP_CUT_* bits of s->cut (sip.h) for what it kept only in part; the media
 * array is pooled (pool must outlive s). */
void sdp_summarise(struct strpool *pool, struct sip_fields *s, const char *body, size_t n);

#endif
