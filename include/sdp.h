/* sdp.h - the SDP summary of a message: per m= line, media, port, codecs by
 * name and direction. Untrusted input: bounded, never reads past the body. */
#ifndef XW_SDP_H
#define XW_SDP_H

#include <stddef.h>

#include "model.h"

/* Fills s->media/s->nmedia/s->has_sdp from an SDP body of n bytes; the media
 * array is owned by the model (freed with it). */
void sdp_summarise(struct strpool *pool, struct sip_fields *s, const char *body, size_t n);

#endif
