/* wire_tls.h - the cleartext of a TLS connection, one direction at a time
 * (ingest: the capture reader's; wire_tls.c).
 *
 * Fed the in-order bytes of one direction of a TCP connection, the parser
 * reads the record layer and the handshake messages sent before that side's
 * ChangeCipherSpec (all of TLS 1.2's certificates, none of TLS 1.3's), and
 * reports what a diagnosis needs as facts: hellos (versions, server name),
 * Certificate (the DER of each certificate), CertificateRequest,
 * ChangeCipherSpec, cleartext alerts and encrypted records. It holds the
 * handshake bytes of one message at most (WIRE_TLS_MAX_HANDSHAKE) and stops
 * at the first byte that is not TLS.
 */
#ifndef XW_WIRE_TLS_H
#define XW_WIRE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "xmem.h"

#define WIRE_TLS_MAX_HANDSHAKE (256u << 10) /* bytes of one handshake message */
#define WIRE_TLS_MAX_CERTS 16               /* certificates of a Certificate message kept */
#define WIRE_TLS_MAX_RECORD (16384 + 2048)  /* the largest record TLS allows */

enum wire_tls_kind {
	WIRE_TLS_CLIENT_HELLO,
	WIRE_TLS_SERVER_HELLO,
	WIRE_TLS_CERTIFICATE,
	WIRE_TLS_CERT_REQUEST,
	WIRE_TLS_CHANGE_CIPHER,
	WIRE_TLS_ALERT,
	WIRE_TLS_APPDATA,      /* an encrypted record (TLS 1.3 hides its handshake in them) */
	WIRE_TLS_NOT_TLS,      /* bytes that are not TLS: the parser stops */
};

/* A fact; its pointers last until the callback returns. */
struct wire_tls_fact {
	enum wire_tls_kind kind;
	uint16_t version;      /* hellos: the highest offered, or the one chosen */
	uint8_t level, desc;   /* alert */
	const char *sni;       /* ClientHello: the server name asked for (not NUL-terminated) */
	size_t snilen;
	size_t ncerts;         /* Certificate: the certificates, leaf first */
	size_t allcerts;       /* how many the message held (ncerts keeps WIRE_TLS_MAX_CERTS) */
	const uint8_t *cert[WIRE_TLS_MAX_CERTS];
	size_t certlen[WIRE_TLS_MAX_CERTS];
};

/* One direction's parser; zero it to start. */
struct wire_tls {
	uint8_t hdr[5];
	size_t nhdr;           /* bytes of the record header read */
	size_t left;           /* bytes of the record's body still to come */
	uint8_t type;          /* the record's content type */
	bool encrypted;        /* ChangeCipherSpec sent: handshakes and alerts are encrypted */
	bool stopped;          /* not TLS, or out of step: nothing more is read */
	bool hs_skip;          /* a handshake message too long to hold: no more are read */
	struct sbuf hs;        /* handshake bytes not yet a whole message */
	uint8_t alert[2];
	size_t nalert;
};

/* Returns true when the n bytes at p start like a TLS record (a handshake
 * record of TLS 1.0 to 1.3). */
bool wire_tls_start(const uint8_t *p, size_t n);
/* Returns nothing; reads n more bytes of t's direction, calling fact for
 * each fact they complete. */
void wire_tls_feed(struct wire_tls *t, const uint8_t *p, size_t n,
    void (*fact)(void *arg, const struct wire_tls_fact *f), void *arg);
/* Frees what t holds. */
void wire_tls_free(struct wire_tls *t);
/* Returns the name of an alert description ("unknown_ca"), static. */
const char *wire_tls_alert_name(uint8_t desc);
/* Returns the name of a version ("TLS 1.2"), static. */
const char *wire_tls_version_name(uint16_t v);
/* Returns buf (size bytes) holding what a connection's step is, as a
 * packet list would say it: "TCP SYN", "TLS Alert (fatal, unknown_ca)",
 * "TLS Certificate (3 certificates)". */
char *wire_step_label(const struct wire_step *st, char *buf, size_t size);

#endif
