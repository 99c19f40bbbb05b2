/* wire_tls.c - TLS records and cleartext handshake messages of one
 * direction (see wire_tls.h). Every length read from the wire is checked
 * against the bytes that hold it before it is used. */
#include <stdio.h>
#include <string.h>

#include "wire_tls.h"

enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23, CT_HEARTBEAT = 24 };
enum { HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2, HS_CERTIFICATE = 11, HS_CERT_REQUEST = 13 };

/* Returns the big-endian 16 bits at p. */
static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Returns the big-endian 24 bits at p. */
static size_t
get24(const uint8_t *p)
{
	return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

bool
wire_tls_start(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] == CT_HANDSHAKE && p[1] == 3 && p[2] <= 4;
}

const char *
wire_tls_alert_name(uint8_t desc)
{
	switch (desc) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 22: return "record_overflow";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 112: return "unrecognized_name";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	default: return "unknown alert";
	}
}

const char *
wire_tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return "TLS ?";
	}
}

/* A bounded reader over a handshake message's body. */
struct rd {
	const uint8_t *p;
	size_t n;
	bool bad;
};

/* Returns the next k bytes (advancing), or NULL (and bad) when fewer remain. */
static const uint8_t *
rd_take(struct rd *r, size_t k)
{
	if (r->bad || k > r->n) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *p = r->p;
	r->p += k;
	r->n -= k;
	return p;
}

/* Returns a reader over the next vector whose length takes lb bytes. */
static struct rd
rd_vec(struct rd *r, size_t lb)
{
	struct rd v = {NULL, 0, true};
	const uint8_t *l = rd_take(r, lb);
	if (l == NULL)
		return v;
	size_t k = lb == 1 ? l[0] : lb == 2 ? get16(l) : get24(l);
	const uint8_t *p = rd_take(r, k);
	if (p != NULL)
		v = (struct rd){p, k, false};
	return v;
}

/* Reads the extensions of a hello into f: the server name and the highest
 * supported version (a ServerHello's one chosen). */
static void
hello_extensions(struct rd *r, bool server, struct wire_tls_fact *f)
{
	struct rd ex = rd_vec(r, 2);
	while (!ex.bad && ex.n >= 4) {
		const uint8_t *h = rd_take(&ex, 2);
		struct rd body = rd_vec(&ex, 2);
		if (h == NULL || body.bad)
			return;
		unsigned type = get16(h);
		if (type == 0 && !server) { /* server_name: the first host_name */
			struct rd list = rd_vec(&body, 2);
			const uint8_t *nt = rd_take(&list, 1);
			struct rd name = rd_vec(&list, 2);
			if (nt != NULL && nt[0] == 0 && !name.bad) {
				f->sni = (const char *)name.p;
				f->snilen = name.n;
			}
		} else if (type == 43 && server && body.n >= 2) {
			f->version = (uint16_t)get16(body.p);
		} else if (type == 43 && !server) {
			struct rd vs = rd_vec(&body, 1);
			for (; !vs.bad && vs.n >= 2; vs.p += 2, vs.n -= 2)
				if ((get16(vs.p) & 0xff00) == 0x0300 && get16(vs.p) > f->version)
					f->version = (uint16_t)get16(vs.p);
		}
	}
}

/* Returns true after reading a ClientHello or ServerHello body into f. */
static bool
hello(struct rd *r, bool server, struct wire_tls_fact *f)
{
	const uint8_t *v = rd_take(r, 2);
	if (v == NULL || rd_take(r, 32) == NULL)
		return false;
	f->version = (uint16_t)get16(v);
	rd_vec(r, 1); /* session id */
	if (server) {
		rd_take(r, 3); /* cipher suite, compression */
	} else {
		rd_vec(r, 2);
		rd_vec(r, 1);
	}
	if (!r->bad && r->n >= 2)
		hello_extensions(r, server, f);
	return !r->bad;
}

/* Returns true after reading a TLS 1.2 Certificate body into f. */
static bool
certificates(struct rd *r, struct wire_tls_fact *f)
{
	struct rd list = rd_vec(r, 3);
	while (!list.bad && list.n > 0) {
		struct rd c = rd_vec(&list, 3);
		if (c.bad)
			return false;
		if (f->ncerts < WIRE_TLS_MAX_CERTS) {
			f->cert[f->ncerts] = c.p;
			f->certlen[f->ncerts] = c.n;
			f->ncerts++;
		}
		f->allcerts++;
	}
	return !list.bad;
}

/* Reports the handshake message of type type and its body. */
static void
handshake(uint8_t type, const uint8_t *body, size_t n,
    void (*fact)(void *arg, const struct wire_tls_fact *f), void *arg)
{
	struct wire_tls_fact f = {0};
	struct rd r = {body, n, false};
	switch (type) {
	case HS_CLIENT_HELLO:
	case HS_SERVER_HELLO:
		f.kind = type == HS_CLIENT_HELLO ? WIRE_TLS_CLIENT_HELLO : WIRE_TLS_SERVER_HELLO;
		if (!hello(&r, type == HS_SERVER_HELLO, &f))
			return;
		break;
	case HS_CERTIFICATE:
		f.kind = WIRE_TLS_CERTIFICATE;
		if (!certificates(&r, &f))
			return;
		break;
	case HS_CERT_REQUEST:
		f.kind = WIRE_TLS_CERT_REQUEST;
		break;
	default:
		return;
	}
	fact(arg, &f);
}

/* Reads the whole handshake messages gathered in t->hs. */
static void
handshakes(struct wire_tls *t, void (*fact)(void *arg, const struct wire_tls_fact *f), void *arg)
{
	size_t at = 0;
	while (t->hs.len - at >= 4) {
		const uint8_t *h = (const uint8_t *)t->hs.s + at;
		size_t len = get24(h + 1);
		if (len > WIRE_TLS_MAX_HANDSHAKE) {
			t->hs_skip = true; /* no room for it: the rest of the handshake is not read */
			t->hs.len = 0;
			return;
		}
		if (t->hs.len - at - 4 < len)
			break;
		handshake(h[0], h + 4, len, fact, arg);
		at += 4 + len;
	}
	memmove(t->hs.s, t->hs.s + at, t->hs.len - at);
	t->hs.len -= at;
}

/* Returns nothing; stops t, reporting that the bytes are not TLS. */
static void
stop(struct wire_tls *t, void (*fact)(void *arg, const struct wire_tls_fact *f), void *arg)
{
	struct wire_tls_fact f = {.kind = WIRE_TLS_NOT_TLS};
	t->stopped = true;
	fact(arg, &f);
}

/* Returns true after checking the record header in t->hdr and starting the
 * record (an empty one is done at once). */
static bool
record_start(struct wire_tls *t, void (*fact)(void *arg, const struct wire_tls_fact *f),
    void *arg)
{
	t->type = t->hdr[0];
	t->left = get16(t->hdr + 3);
	t->nhdr = 0;
	if (t->type < CT_CCS || t->type > CT_HEARTBEAT || t->hdr[1] != 3 ||
	    t->left > WIRE_TLS_MAX_RECORD)
		return false;
	struct wire_tls_fact f = {0};
	if (t->type == CT_APPDATA) {
		f.kind = WIRE_TLS_APPDATA;
		fact(arg, &f);
	} else if (t->type == CT_CCS) {
		t->encrypted = true;
		f.kind = WIRE_TLS_CHANGE_CIPHER;
		fact(arg, &f);
	}
	return true;
}

/* Reads k bytes of the current record's body. */
static void
record_body(struct wire_tls *t, const uint8_t *p, size_t k,
    void (*fact)(void *arg, const struct wire_tls_fact *f), void *arg)
{
	if (t->type == CT_HANDSHAKE && !t->encrypted && !t->hs_skip) {
		sbuf_add(&t->hs, (const char *)p, k);
		handshakes(t, fact, arg);
	} else if (t->type == CT_ALERT && !t->encrypted) {
		for (size_t i = 0; i < k; i++) {
			t->alert[t->nalert++] = p[i];
			if (t->nalert == 2) {
				struct wire_tls_fact f = {.kind = WIRE_TLS_ALERT, .level = t->alert[0],
				    .desc = t->alert[1]};
				t->nalert = 0;
				fact(arg, &f);
			}
		}
	}
}

void
wire_tls_feed(struct wire_tls *t, const uint8_t *p, size_t n,
    void (*fact)(void *arg, const struct wire_tls_fact *f), void *arg)
{
	while (n > 0 && !t->stopped) {
		if (t->left == 0 && t->nhdr < 5) {
			t->hdr[t->nhdr++] = *p++;
			n--;
			if (t->nhdr == 5 && !record_start(t, fact, arg))
				stop(t, fact, arg);
			continue;
		}
		size_t k = n < t->left ? n : t->left;
		record_body(t, p, k, fact, arg);
		p += k;
		n -= k;
		t->left -= k;
	}
}

void
wire_tls_free(struct wire_tls *t)
{
	sbuf_free(&t->hs);
}

char *
wire_step_label(const struct wire_step *st, char *buf, size_t size)
{
	switch (st->kind) {
	case WS_SYN: snprintf(buf, size, "TCP SYN"); break;
	case WS_SYNACK: snprintf(buf, size, "TCP SYN/ACK"); break;
	case WS_RST: snprintf(buf, size, "TCP RST"); break;
	case WS_FIN: snprintf(buf, size, "TCP FIN"); break;
	case WS_CLIENT_HELLO:
		snprintf(buf, size, "TLS ClientHello (up to %s)", wire_tls_version_name(st->detail));
		break;
	case WS_SERVER_HELLO:
		snprintf(buf, size, "TLS ServerHello (%s)", wire_tls_version_name(st->detail));
		break;
	case WS_CERTIFICATE:
		snprintf(buf, size, "TLS Certificate (%u certificate%s)", st->detail,
		    st->detail == 1 ? "" : "s");
		break;
	case WS_CERT_REQUEST: snprintf(buf, size, "TLS CertificateRequest"); break;
	case WS_CHANGE_CIPHER: snprintf(buf, size, "TLS ChangeCipherSpec"); break;
	case WS_ALERT:
		snprintf(buf, size, "TLS Alert (%s, %s)", st->detail >> 8 == 2 ? "fatal" :
		    st->detail >> 8 == 1 ? "warning" : "level ?", wire_tls_alert_name(st->detail & 0xff));
		break;
	case WS_APPDATA: snprintf(buf, size, "TLS Application Data (encrypted)"); break;
	default: snprintf(buf, size, "?"); break;
	}
	return buf;
}
