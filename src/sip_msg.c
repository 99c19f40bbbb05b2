/* sip_msg.c - what views ask of a message record: its wire text (through
 * the format of the file that logged it), first line, label and kind. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log_format.h"
#include "log_scan.h"
#include "sip.h"

char *
sip_raw(const struct model *m, const struct sip_msg *s, size_t *n)
{
	if (s->summary_only || s->file >= m->nfiles)
		return NULL;
	const struct log_format *fmt = m->files[s->file].fmt;
	return fmt != NULL && fmt->raw != NULL ? fmt->raw(m, s, n) : NULL;
}

char *
sip_raw_once(const struct model *m, const struct sip_msg *s, size_t *n)
{
	char *raw = sip_raw(m, s, n);
	if (raw != NULL && !sip_is_captured(m, s))
		log_scan_release(&m->files[s->file], s->off, s->flen);
	return raw;
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
		snprintf(buf, size, "%s %s SIP/2.0", s->sip->method ? s->sip->method : "?",
		    s->sip->ruri ? s->sip->ruri : "");
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

/* The reason phrases of the SIP registry of response codes. */
static const struct {
	int status;
	const char *phrase;
} phrases[] = {
	{100, "Trying"}, {180, "Ringing"}, {181, "Call Is Being Forwarded"}, {182, "Queued"},
	{183, "Session Progress"}, {199, "Early Dialog Terminated"}, {200, "OK"},
	{202, "Accepted"}, {204, "No Notification"}, {300, "Multiple Choices"},
	{301, "Moved Permanently"}, {302, "Moved Temporarily"}, {305, "Use Proxy"},
	{380, "Alternative Service"}, {400, "Bad Request"}, {401, "Unauthorized"},
	{402, "Payment Required"}, {403, "Forbidden"}, {404, "Not Found"},
	{405, "Method Not Allowed"}, {406, "Not Acceptable"},
	{407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {410, "Gone"},
	{412, "Conditional Request Failed"}, {413, "Request Entity Too Large"},
	{414, "Request-URI Too Long"}, {415, "Unsupported Media Type"},
	{416, "Unsupported URI Scheme"}, {417, "Unknown Resource-Priority"},
	{420, "Bad Extension"}, {421, "Extension Required"},
	{422, "Session Interval Too Small"}, {423, "Interval Too Brief"},
	{424, "Bad Location Information"}, {428, "Use Identity Header"},
	{429, "Provide Referrer Identity"}, {430, "Flow Failed"}, {433, "Anonymity Disallowed"},
	{436, "Bad Identity-Info"}, {437, "Unsupported Certificate"},
	{438, "Invalid Identity Header"}, {439, "First Hop Lacks Outbound Support"},
	{440, "Max-Breadth Exceeded"}, {469, "Bad Info Package"}, {470, "Consent Needed"},
	{480, "Temporarily Unavailable"}, {481, "Call/Transaction Does Not Exist"},
	{482, "Loop Detected"}, {483, "Too Many Hops"}, {484, "Address Incomplete"},
	{485, "Ambiguous"}, {486, "Busy Here"}, {487, "Request Terminated"},
	{488, "Not Acceptable Here"}, {489, "Bad Event"}, {491, "Request Pending"},
	{493, "Undecipherable"}, {494, "Security Agreement Required"},
	{500, "Server Internal Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
	{503, "Service Unavailable"}, {504, "Server Time-out"},
	{505, "Version Not Supported"}, {513, "Message Too Large"},
	{580, "Precondition Failure"}, {600, "Busy Everywhere"}, {603, "Decline"},
	{604, "Does Not Exist Anywhere"}, {606, "Not Acceptable"}, {607, "Unwanted"},
	{608, "Rejected"},
};

const char *
sip_default_phrase(int status)
{
	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (phrases[i].status == status)
			return phrases[i].phrase;
	return NULL;
}

bool
sip_same_kind(const struct sip_msg *a, const struct sip_msg *b)
{
	if (a->sip->is_request != b->sip->is_request || a->sip->method == NULL || b->sip->method == NULL ||
	    strcmp(a->sip->method, b->sip->method) != 0)
		return false;
	return a->sip->is_request || a->sip->status == b->sip->status;
}
